"""Staff result-entry screens: a unit's round, one indicator's entry page, history and evidence files.

Given the FY2566 framework of กคส. (framework 3) approved and round 1 open, a staff member of กคส. enters results
through the pages exactly as a browser would post them (the rendered form is read back with formdata.form_data).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    EvidenceFile,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    MilestoneCompletion,
    OrgUnit,
    Person,
    Result,
    SubUnitResult,
)
from indicators.services.results import evidence_add, result_save
from indicators.storage import private_storage
from indicators.tests import evidence_samples
from indicators.tests.formdata import form_data

pytestmark = pytest.mark.django_db

PDF = evidence_samples.pdf()  # a real one-page PDF: evidence is parsed, not only recognised
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

# Document 000, indicator 3.1 (FY2564): the 14 shelters and life-skills centres; 198 of 1,424 = 13.90 %.
SHELTERS_3_1 = [
    ("สถานคุ้มครองคนไร้ที่พึ่งทับทวน จังหวัดสระบุรี", "259", "34"),
    ("สถานคุ้มครองคนไร้ที่พึ่งวังทอง จังหวัดพิษณุโลก", "250", "28"),
    ("สถานคุ้มครองคนไร้ที่พึ่งประจวบคีรีขันธ์", "3", "1"),
    ("สถานคุ้มครองคนไร้ที่พึ่งกุ้มสะแก จังหวัดเพชรบุรี", "2", "0"),
    ("สถานคุ้มครองคนไร้ที่พึ่งสันมหาพน จังหวัดเชียงใหม่", "219", "42"),
    ("สถานคุ้มครองคนไร้ที่พึ่งภาคใต้ จังหวัดนครศรีธรรมราช", "13", "2"),
    ("สถานคุ้มครองคนไร้ที่พึ่งนนทบุรี", "185", "0"),
    ("สถานคุ้มครองคนไร้ที่พึ่งบ้านเมตตา จังหวัดนครราชสีมา", "58", "12"),
    ("สถานคุ้มครองคนไร้ที่พึ่งปรีอใหญ่ จังหวัดศรีสะเกษ", "3", "0"),
    ("สถานคุ้มครองคนไร้ที่พึ่งชายธัญบุรี จังหวัดปทุมธานี", "378", "41"),
    ("สถานคุ้มครองคนไร้ที่พึ่งหญิงธัญบุรี จังหวัดปทุมธานี", "6", "3"),
    ("ศูนย์ส่งเสริมและพัฒนาทักษะชีวิตมวกเหล็ก จังหวัดสระบุรี", "2", "2"),
    ("ศูนย์ส่งเสริมและพัฒนาทักษะชีวิตหนองแค จังหวัดสระบุรี", "5", "2"),
    ("ศูนย์ส่งเสริมและพัฒนาทักษะชีวิตห้วยสัตว์ใหญ่ จังหวัดประจวบคีรีขันธ์", "41", "31"),
]


# ---- the world ------------------------------------------------------------------------------------------------


def approve(framework: Framework) -> Framework:
    Framework.objects.filter(pk=framework.pk).update(status=Framework.Status.APPROVED)
    framework.refresh_from_db()
    return framework


def five_level_criteria(assignment: Assignment, round_number: int, thresholds: list[str]) -> Criteria:
    criteria = Criteria.objects.create(definition=assignment.definition, assignment=assignment,
                                       round_number=round_number, method=Criteria.Method.FIVE_LEVEL)
    for level, value in enumerate(thresholds, start=1):
        CriteriaLevel.objects.create(criteria=criteria, level=level, threshold=Decimal(value))
    return criteria


@pytest.fixture
def kks(kks_framework: Framework) -> Framework:
    """Framework 3 approved; the capability indicators get the demo thresholds (the manual prints "ร้อยละ...")."""
    for code, thresholds in (("PMQA_KPI_IMPROVED", ["8", "10", "12", "14", "16.07"]),
                             ("PMQA_KPI_REINTEGRATION", ["1", "1.5", "2", "2.5", "3"])):
        five_level_criteria(kks_framework.assignments.get(definition__code=code), 1, thresholds)
    return approve(kks_framework)


@pytest.fixture
def div3(db: Any) -> OrgUnit:
    return OrgUnit.objects.get(code="div-3")


def person_user(django_user_model: Any, username: str, role: str, units: list[OrgUnit] = ()) -> Any:
    user = django_user_model.objects.create_user(username, password=f"pw-{username}-2566")
    person = Person.objects.create(user=user, full_name=f"คุณ{username} ทดสอบ", role=role)
    person.reporting_units.set(units)
    return user


@pytest.fixture
def other_staff(django_user_model: Any) -> Any:
    """Reports for สำนักงานเลขานุการกรม (div-2) only."""
    return person_user(django_user_model, "other", Person.Role.STAFF, [OrgUnit.objects.get(code="div-2")])


@pytest.fixture
def colleague(django_user_model: Any, div3: OrgUnit) -> Any:
    """A second staff member of กคส."""
    return person_user(django_user_model, "colleague", Person.Role.STAFF, [div3])


@pytest.fixture
def supervisor(django_user_model: Any, kks: Framework) -> Any:
    user = person_user(django_user_model, "supervisor", Person.Role.SUPERVISOR)
    kks.assignments.update(supervisor=user.person)
    return user


@pytest.fixture
def director(django_user_model: Any) -> Any:
    return person_user(django_user_model, "director", Person.Role.DIRECTOR)


@pytest.fixture
def private_media(settings: Any, tmp_path: Any, monkeypatch: Any) -> Any:
    """Evidence goes to a temporary private directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setattr(EvidenceFile._meta.get_field("file"), "storage", private_storage())
    return tmp_path


def assignment(framework: Framework, code: str) -> Assignment:
    return framework.assignments.get(definition__code=code)


def entry_url(round_: Any, unit: OrgUnit, item: Assignment) -> str:
    return reverse("result-entry", args=[round_.pk, unit.pk, item.pk])


def browser_post(client: Any, url: str, changes: dict[str, Any], action: str = "save") -> Any:
    """GET the page, read its form as a browser would, apply the user's changes, POST it."""
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "entry-form")
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)  # an unticked checkbox is not sent
        else:
            data[name] = value
    data["action"] = action
    return client.post(url, data)


def page_text(response: Any) -> str:
    return response.content.decode()


# ---- the unit's round page ------------------------------------------------------------------------------------


def test_staff_land_on_their_units_open_round_from_home(client, staff_user, kks, round1, div3):
    # given a staff member of กคส. and the open round 1
    client.force_login(staff_user)
    # when they open the home page
    html = page_text(client.get(reverse("home")))
    # then "my work" links to their unit's round page, above the frameworks list
    assert "งานของฉัน" in html
    assert reverse("unit-round", args=[round1.pk, div3.pk]) in html
    assert html.index("งานของฉัน") < html.index("กรอบตัวชี้วัด ประจำปีงบประมาณ")


def test_the_round_page_lists_every_indicator_with_weight_status_score_and_the_running_total(
        client, staff_user, kks, round1, div3):
    """DOMAIN.md §4.i: ค = ก × ข, total = Σค / 5 on the five-level scale, and the rating band."""
    # given two results: budget 51.23 % (level 3) submitted, and satisfaction 86.20 / 12.00 (level 5) as a draft
    budget = result_save(actor=staff_user, assignment=assignment(kks, "BUDGET"), org_unit=div3, round=round1,
                         values={"value": Decimal("51.23")})
    Result.objects.filter(pk=budget.pk).update(status=Result.Status.SUBMITTED)
    result_save(actor=staff_user, assignment=assignment(kks, "SATISFACTION"), org_unit=div3, round=round1,
                values={"value": Decimal("86.20"), "second_value": Decimal("12.00")})
    client.force_login(staff_user)
    # when they open the round page
    html = page_text(client.get(reverse("unit-round", args=[round1.pk, div3.pk])))
    # then every indicator is listed with its weight, status and score
    for item in kks.assignments.all():
        assert item.definition.name_th in html
    assert "ยังไม่รายงาน" in html and "ร่าง" in html and "ส่งแล้ว" in html
    assert "3.0000" in html and "5.0000" in html
    # and the total is (3 × 5 + 5 × 5) / 5 = 8 → ระดับต้องปรับปรุง
    assert re.search(r"\b8\.00(00)?\b", html)
    assert "ระดับต้องปรับปรุง" in html
    # "reported" counts what went to the supervisor: the submitted budget, not the satisfaction draft
    assert "1 / 10" in html


def test_the_round_page_of_another_unit_is_not_found(client, other_staff, kks, round1, div3):
    client.force_login(other_staff)
    assert client.get(reverse("unit-round", args=[round1.pk, div3.pk])).status_code == 404


def test_the_round_page_costs_the_same_queries_for_a_small_and_a_big_framework(
        client, django_user_model, fy2566, round1, django_assert_max_num_queries):
    """STYLE.md practice 4: 7 or 10 indicators with a result each, the same fixed number of queries (the year's
    structure read once before, as every request after the first in a process finds it)."""
    units = [OrgUnit.objects.get(code="div-1"), OrgUnit.objects.get(code="div-3")]
    user = person_user(django_user_model, "both", Person.Role.STAFF, units)
    sizes = []
    for unit in units:
        framework = approve(Framework.objects.get(fiscal_year=fy2566, org_units=unit))
        sizes.append(framework.assignments.count())
        for item in framework.assignments.all():
            Result.objects.create(assignment=item, org_unit=unit, round=round1, value=Decimal("50"),
                                  status=Result.Status.DRAFT)
    assert sizes[0] < sizes[1]
    client.force_login(user)
    client.get(reverse("unit-round", args=[round1.pk, units[0].pk]))
    counts = []
    for unit in units:
        with django_assert_max_num_queries(12) as queries:
            response = client.get(reverse("unit-round", args=[round1.pk, unit.pk]))
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


# ---- what the manual shows ------------------------------------------------------------------------------------


def test_the_entry_page_shows_what_the_manual_shows(client, staff_user, kks, round1, div3):
    client.force_login(staff_user)
    html = page_text(client.get(entry_url(round1, div3, assignment(kks, "BUDGET"))))
    assert "ร้อยละของการเบิกจ่ายงบประมาณรายจ่ายภาพรวม" in html
    assert "เงินงบประมาณรายจ่ายภาพรวมที่ส่วนราชการเบิกจ่าย" in html           # formula: numerator
    assert "วงเงินงบประมาณรายจ่ายภาพรวมที่ส่วนราชการได้รับทั้งปี" in html     # formula: denominator
    assert "พ.ศ. 2565" in html and "97.96" in html                             # baseline years (§3.9)
    assert "ร้อยละ 47.50 – 49.49" in html                                      # round-1 criteria as printed
    assert "ระบบ GFMS" in html                                                  # data source
    assert "ใช้อัตราการเบิกจ่ายภาพรวมทั้งส่วนกลางและส่วนภูมิภาค" in html      # conditions
    assert "ยังไม่รายงาน" in html


def test_milestone_levels_printed_as_dash_are_greyed_out_and_cannot_be_ticked(client, staff_user, kks, round1, div3):
    """DOMAIN.md §4.c: PMQA 4.0 round 1 has "-" at levels 2 and 4; the UI shows them greyed out."""
    client.force_login(staff_user)
    html = page_text(client.get(entry_url(round1, div3, assignment(kks, "PMQA40"))))
    assert html.count('class="level undefined-level"') == 2
    assert html.count('class="step undefined-step"') == 2
    assert 'name="ms-1-0-done"' in html and 'name="ms-3-0-done"' in html and 'name="ms-5-0-done"' in html
    assert 'name="ms-2-0-done"' not in html and 'name="ms-4-0-done"' not in html


# ---- each input kind ------------------------------------------------------------------------------------------


def test_a_new_result_is_created_as_a_draft_from_an_empty_form(client, staff_user, kks, round1, div3):
    # given no result yet for energy (an external e-report score, §4.g)
    url = entry_url(round1, div3, assignment(kks, "ENERGY"))
    client.force_login(staff_user)
    empty_form = form_data(page_text(client.get(url)), "entry-form")
    assert (empty_form["value"], empty_form["version"], empty_form["actions_th"]) == ([""], [""], [""])
    # when they save 7 points with a narrative and an as-of date
    response = browser_post(client, url, {"value": "7", "as_of_date": "31/03/2566",
                                          "actions_th": "ส่งข้อมูลในระบบ e-report ครบทุกเดือน"})
    # then the draft is saved and scored 3 (7 points → level 3)
    assert response.status_code == 302 and response["Location"] == url
    result = Result.objects.get()
    assert (result.status, result.value, result.as_of_date) == (Result.Status.DRAFT, Decimal(7), dt.date(2023, 3, 31))
    assert result.actions_th == "ส่งข้อมูลในระบบ e-report ครบทุกเดือน"
    html = page_text(client.get(url))
    assert "บันทึกร่างเรียบร้อยแล้ว" in html
    assert "3.0000" in html


def test_a_ratio_typed_with_thai_digits_and_separators_is_saved_and_scored(client, staff_user, kks, round1, div3):
    """DOMAIN.md §3.3, §12.1: 51,230,450 / 101,872,300 = 50.29 % → band level 3 (49.50 – 51.49)."""
    url = entry_url(round1, div3, assignment(kks, "BUDGET"))
    client.force_login(staff_user)
    browser_post(client, url, {"mode": "ratio", "numerator": "๕๑,๒๓๐,๔๕๐", "denominator": "101,872,300"})
    result = Result.objects.get()
    assert (result.numerator, result.denominator, result.value) == (Decimal(51230450), Decimal(101872300), None)
    html = page_text(client.get(url))
    assert "50.29" in html and "3.0000" in html
    assert 'value="51,230,450"' in html  # shown back with separators


def test_a_percentage_can_be_typed_directly_when_only_it_is_known(client, staff_user, kks, round1, div3):
    """DOMAIN.md §3.8: "allow direct entry of the percentage when only that is known"."""
    url = entry_url(round1, div3, assignment(kks, "BUDGET"))
    client.force_login(staff_user)
    browser_post(client, url, {"mode": "value", "value": "53.50", "numerator": "1", "denominator": "2"})
    result = Result.objects.get()
    assert (result.value, result.numerator, result.denominator) == (Decimal("53.50"), None, None)


def test_milestone_steps_are_ticked_with_a_date_and_evidence_each(client, staff_user, kks, round1, div3):
    """DOMAIN.md §4.c: steps 1 and 3 of PMQA 4.0 done, 5 not → 3 (the "-" levels cannot be earned alone)."""
    url = entry_url(round1, div3, assignment(kks, "PMQA40"))
    client.force_login(staff_user)
    response = browser_post(client, url, {
        "ms-1-0-done": "on", "ms-1-0-done_on": "01/12/2565", "ms-1-0-evidence_th": "คำสั่งคณะทำงานอำนวยการ",
        "ms-3-0-done": "on", "ms-3-0-done_on": "15/03/2566", "ms-3-0-evidence_th": "รายงานผลการประเมินตนเอง",
    })
    assert response.status_code == 302
    steps = {m.level: m for m in MilestoneCompletion.objects.all()}
    assert set(steps) == {"1", "3", "5"}
    assert (steps["1"].done, steps["1"].done_on, steps["1"].evidence_th) == (
        True, dt.date(2022, 12, 1), "คำสั่งคณะทำงานอำนวยการ")
    assert steps["5"].done is False
    assert "3.0000" in page_text(client.get(url))


def test_a_ticked_step_without_a_date_is_refused_and_nothing_is_saved(client, staff_user, kks, round1, div3):
    url = entry_url(round1, div3, assignment(kks, "ITA"))
    client.force_login(staff_user)
    response = browser_post(client, url, {"ms-1-0-done": "on"})
    assert response.status_code == 200
    assert "กรุณาระบุวันที่ดำเนินการของขั้นตอนที่ทำแล้ว" in page_text(response)
    assert not Result.objects.exists() and not MilestoneCompletion.objects.exists()


def test_satisfaction_and_dissatisfaction_are_entered_together(client, staff_user, kks, round1, div3):
    """DOMAIN.md §4.f: 72.00 % / 10.00 % → levels 2 and 5 → 2 (the lower, OPEN-12). (§4.f's 82 / 26 adds up to more
    than 100 % and is refused since issue 8: test_limits.py.)"""
    url = entry_url(round1, div3, assignment(kks, "SATISFACTION"))
    client.force_login(staff_user)
    html = page_text(client.get(url))
    assert "ร้อยละของระดับความพึงพอใจ" in html and "ร้อยละของระดับความไม่พึงพอใจ" in html
    browser_post(client, url, {"value": "72.00", "second_value": "10.00"})
    result = Result.objects.get()
    assert (result.value, result.second_value) == (Decimal(72), Decimal(10))
    assert "2.0000" in page_text(client.get(url))


def test_the_mixed_household_round_asks_for_the_level_one_step_and_a_value(client, staff_user, kks, round1, div3):
    """DOMAIN.md §4.c mixed: step done and 35 % → 3.5; step not done → 0."""
    url = entry_url(round1, div3, assignment(kks, "HOUSEHOLD"))
    client.force_login(staff_user)
    html = page_text(client.get(url))
    assert "กำกับติดตามการทบทวน และยืนยันกลุ่มเป้าหมายครัวเรือนเปราะบาง" in html
    browser_post(client, url, {"level1_milestone_done": "on", "mode": "value", "value": "35"})
    result = Result.objects.get()
    assert (result.level1_milestone_done, result.value) == (True, Decimal(35))
    assert "3.5000" in page_text(client.get(url))
    browser_post(client, url, {"level1_milestone_done": None})
    result.refresh_from_db()
    assert result.level1_milestone_done is False
    assert "0.0000" in page_text(client.get(url))


def sub_rows(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    data = {"mode": "breakdown", "sub-TOTAL_FORMS": str(len(rows)), "sub-INITIAL_FORMS": "0"}
    for index, (label, denominator, numerator) in enumerate(rows):
        data.update({f"sub-{index}-org_unit": "", f"sub-{index}-label_th": label,
                     f"sub-{index}-denominator": denominator, f"sub-{index}-numerator": numerator})
    return data


def test_a_breakdown_by_sub_unit_becomes_the_units_numerator_and_denominator(client, staff_user, kks, round1, div3):
    """DOMAIN.md §3.8, §6.1 (7a): document 000 indicator 3.1 — 14 shelters, 198 / 1,424 = 13.90 % (not a mean)."""
    url = entry_url(round1, div3, assignment(kks, "PMQA_KPI_IMPROVED"))
    client.force_login(staff_user)
    response = browser_post(client, url, sub_rows(SHELTERS_3_1))
    assert response.status_code == 302, page_text(response)[-3000:]
    result = Result.objects.get()
    assert (result.numerator, result.denominator) == (Decimal(198), Decimal(1424))
    assert SubUnitResult.objects.filter(result=result).count() == 14
    html = page_text(client.get(url))
    assert "13.90" in html
    # and the page comes back in breakdown mode with the 14 rows and the document's totals
    data = form_data(html, "entry-form")
    assert data["mode"] == ["breakdown"]
    assert data["sub-13-label_th"] == ["ศูนย์ส่งเสริมและพัฒนาทักษะชีวิตห้วยสัตว์ใหญ่ จังหวัดประจวบคีรีขันธ์"]
    assert '<th class="num" data-total="denominator">1,424</th>' in html
    assert '<th class="num" data-total="numerator">198</th>' in html


def test_the_breakdown_table_starts_with_the_units_the_division_supervises(client, staff_user, kks, round1, div3):
    shelter = OrgUnit.objects.create(code="test-shelter", kind=OrgUnit.Kind.FIELD_UNIT, name_th="สถานคุ้มครองทดสอบ",
                                     unit_type_id=1, supervising_division=div3)
    client.force_login(staff_user)
    html = page_text(client.get(entry_url(round1, div3, assignment(kks, "PMQA_KPI_IMPROVED"))))
    assert 'value="สถานคุ้มครองทดสอบ"' in html
    assert f'value="{shelter.pk}"' in html


def test_a_sub_unit_row_with_more_improved_than_assessed_needs_confirmation(client, staff_user, kks, round1, div3):
    """DOMAIN.md §11.1: document 000 table 3.2 row 3 has 7 of 1 — allowed only when confirmed."""
    url = entry_url(round1, div3, assignment(kks, "PMQA_KPI_REINTEGRATION"))
    client.force_login(staff_user)
    rows = [("สถานคุ้มครองคนไร้ที่พึ่งทับทวน", "100", "10"), ("สถานคุ้มครองคนไร้ที่พึ่งประจวบคีรีขันธ์", "1", "7")]
    refused = browser_post(client, url, sub_rows(rows))
    assert "มีหน่วยงานที่ตัวตั้งมากกว่าตัวหาร" in page_text(refused)
    assert not Result.objects.exists()
    browser_post(client, url, {**sub_rows(rows), "numerator_above_denominator_confirmed": "on"})
    assert Result.objects.get().numerator == Decimal(17)


# ---- bad input changes nothing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "changes", "field", "message"),
    [
        ("BUDGET", {"mode": "ratio", "numerator": "ห้าสิบ", "denominator": "100"}, "numerator",
         "กรุณากรอกเป็นตัวเลข"),
        ("BUDGET", {"mode": "ratio", "numerator": "-5", "denominator": "100"}, "numerator", "ต้องไม่ติดลบ"),
        ("BUDGET", {"mode": "ratio", "numerator": "5", "denominator": "0"}, "denominator",
         "ตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)"),
        ("BUDGET", {"mode": "ratio", "numerator": "120", "denominator": "100"}, "numerator",
         "ยืนยันตัวตั้งมากกว่าตัวหาร"),
        ("BUDGET", {"mode": "value", "value": "120"}, "value", "ร้อยละต้องไม่เกิน 100"),
        ("BUDGET", {"mode": "value", "value": "13,90"}, "value", "เครื่องหมายจุลภาค (,) ไม่ถูกตำแหน่ง"),
        ("ENERGY", {"value": "7", "as_of_date": "FUTURE"}, "as_of_date", "ข้อมูล ณ วันที่ ต้องไม่เป็นวันในอนาคต"),
        ("SATISFACTION", {"value": "86.20", "second_value": "101"}, "second_value", "ร้อยละต้องไม่เกิน 100"),
    ],
)
def test_bad_input_gets_a_thai_message_next_to_the_field_and_changes_nothing(
        client, staff_user, kks, round1, div3, code, changes, field, message):
    # given a saved draft
    item = assignment(kks, code)
    before = result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1,
                         values={"actions_th": "ร่างเดิม"})
    history_count = before.history.count()
    if changes.get("as_of_date") == "FUTURE":
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        changes = {**changes, "as_of_date": f"{tomorrow.day}/{tomorrow.month}/{tomorrow.year + 543}"}
    client.force_login(staff_user)
    # when they save bad input
    response = browser_post(client, entry_url(round1, div3, item), {**changes, "actions_th": "ข้อความใหม่"})
    # then the page says what is wrong, in Thai, inside the field's block
    html = page_text(response)
    assert response.status_code == 200
    block = html[html.index(f'data-field="{field}"'):]
    block = block[:block.index("</div>")]
    assert message in block
    assert "ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่มีข้อความสีแดง" in html
    # and the typed values stay in the form while nothing is saved
    assert "ข้อความใหม่" in html
    after = Result.objects.get()
    assert (after.version, after.actions_th, after.value, after.numerator) == (before.version, "ร่างเดิม", None, None)
    assert after.history.count() == history_count


def test_a_numerator_above_the_denominator_is_saved_once_confirmed(client, staff_user, kks, round1, div3):
    url = entry_url(round1, div3, assignment(kks, "PMQA_KPI_REINTEGRATION"))
    client.force_login(staff_user)
    browser_post(client, url, {"mode": "ratio", "numerator": "7", "denominator": "1",
                               "numerator_above_denominator_confirmed": "on"})
    result = Result.objects.get()
    assert (result.numerator, result.numerator_above_denominator_confirmed) == (Decimal(7), True)


# ---- two people, one result -----------------------------------------------------------------------------------


def test_a_stale_save_shows_the_changes_keeps_the_typed_values_and_overwrites_nothing(
        client, staff_user, colleague, kks, round1, div3):
    # given a draft of 50.00 %, opened by the staff member (version 1)
    item = assignment(kks, "BUDGET")
    result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1, values={"value": Decimal("50.00")})
    url = entry_url(round1, div3, item)
    client.force_login(staff_user)
    data = form_data(page_text(client.get(url)), "entry-form")
    assert data["version"] == ["1"]
    # and meanwhile a colleague saves 51.00 %
    result_save(actor=colleague, assignment=item, org_unit=div3, round=round1, values={"value": Decimal("51.00")},
                expected_version=1)
    # when the staff member saves 49.75 % from the page they opened
    data.update({"mode": "value", "value": "49.75", "actions_th": "คำชี้แจงของฉัน", "action": "save"})
    response = client.post(url, data)
    # then nothing is overwritten
    assert response.status_code == 409
    assert Result.objects.get().value == Decimal("51.00")
    html = page_text(response)
    # and the Thai message names who changed it, with the list of changes next to the form
    assert "ถูกแก้ไขโดย คุณcolleague ทดสอบ แล้ว" in html
    assert "มีผู้อื่นแก้ไขผลนี้ก่อนที่คุณจะบันทึก" in html
    changes = html[html.index('class="data changes"'):html.index("</table>", html.index('class="data changes"'))]
    assert "ผลการดำเนินงาน" in changes and "50" in changes and "51" in changes
    assert html.index('id="conflict"') < html.index('id="entry-form"')
    # and the typed values are still in the form, now carrying the newer version
    kept = form_data(html, "entry-form")
    assert kept["value"] == ["49.75"] and kept["actions_th"] == ["คำชี้แจงของฉัน"] and kept["version"] == ["2"]
    # when they save again knowingly, their value wins
    kept["action"] = "save"
    assert client.post(url, kept).status_code == 302
    assert Result.objects.get().value == Decimal("49.75")


def test_a_result_created_by_someone_else_while_the_empty_form_was_open_is_a_conflict(
        client, staff_user, colleague, kks, round1, div3):
    item = assignment(kks, "ENERGY")
    url = entry_url(round1, div3, item)
    client.force_login(staff_user)
    data = form_data(page_text(client.get(url)), "entry-form")
    result_save(actor=colleague, assignment=item, org_unit=div3, round=round1, values={"value": Decimal("8")})
    data.update({"value": "6", "action": "save"})
    response = client.post(url, data)
    assert response.status_code == 409
    assert "มีผู้อื่นบันทึกผลของตัวชี้วัดนี้แล้ว" in page_text(response)
    assert Result.objects.get().value == Decimal(8)


@pytest.fixture
def committed_reference(transactional_db: Any) -> None:
    """The reference data in a transactional test (a transactional test before it may have flushed the session's)."""
    from indicators.tests.conftest import load_reference

    if not FiscalYear.objects.filter(be_year=2566).exists():
        load_reference()


@pytest.mark.needs_services
def test_two_people_creating_the_same_result_at_once_get_one_save_and_one_conflict_page(
        committed_reference, staff_user, colleague, kks, round1, div3, monkeypatch):
    """Both opened the empty form and press save at the same moment: both find no result, both insert; the unique key
    lets one through and the other gets the conflict page (409) — never a 500, never a silent overwrite."""
    from django.db import connection

    from indicators.services import results

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two real connections racing on one insert")
    item = assignment(kks, "ENERGY")
    url = entry_url(round1, div3, item)
    both_looked = threading.Barrier(2, timeout=10)
    checked = results._require_editable

    def check_then_wait(*args: Any, **kwargs: Any) -> None:
        checked(*args, **kwargs)
        both_looked.wait()  # both transactions have seen "no result yet" before either inserts

    monkeypatch.setattr(results, "_require_editable", check_then_wait)
    answers: dict[str, Any] = {}

    def save(user: Any, value: str) -> None:
        from django.test import Client

        try:
            client = Client()
            client.force_login(user)
            data = form_data(page_text(client.get(url)), "entry-form")
            data.update({"value": value, "action": "save"})
            answers[value] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user, value))
               for user, value in ((staff_user, "6"), (colleague, "8"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    statuses = sorted(response.status_code for response in answers.values())
    assert statuses == [302, 409], statuses
    saved = next(value for value, response in answers.items() if response.status_code == 302)
    refused = next(response for response in answers.values() if response.status_code == 409)
    assert "มีผู้อื่นบันทึกผลของตัวชี้วัดนี้แล้ว" in page_text(refused)
    result = Result.objects.get()
    assert (result.value, result.version) == (Decimal(saved), 1)
    assert result.history.count() == 1  # the refused save left no trace but its conflict page


# ---- submit, deadline, lock -----------------------------------------------------------------------------------


def test_submitting_sends_the_result_to_the_supervisor(client, staff_user, kks, round1, div3):
    url = entry_url(round1, div3, assignment(kks, "WASTE"))
    client.force_login(staff_user)
    response = browser_post(client, url, {"value": "9.5"}, action="submit")
    assert response.status_code == 302
    assert response["Location"] == reverse("unit-round", args=[round1.pk, div3.pk])
    result = Result.objects.get()
    assert (result.status, result.submitted_by) == (Result.Status.SUBMITTED, staff_user)


def test_an_incomplete_result_is_kept_as_a_draft_when_it_cannot_be_submitted(client, staff_user, kks, round1, div3):
    url = entry_url(round1, div3, assignment(kks, "WASTE"))
    client.force_login(staff_user)
    browser_post(client, url, {"actions_th": "ยังรอคะแนนจากระบบ"}, action="submit")
    result = Result.objects.get()
    assert (result.status, result.actions_th) == (Result.Status.DRAFT, "ยังรอคะแนนจากระบบ")
    assert "บันทึกร่างแล้ว แต่ยังส่งไม่ได้: ยังไม่ได้กรอกผลการดำเนินงาน" in page_text(client.get(url))


def test_after_the_deadline_the_page_is_read_only_with_a_thai_explanation(client, staff_user, kks, round1, div3):
    """The round closes for units that have not submitted (services enforce entry_is_open)."""
    item = assignment(kks, "ENERGY")
    result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1, values={"value": Decimal("7")})
    round1.entry_deadline = timezone.localdate() - dt.timedelta(days=1)
    round1.save()
    url = entry_url(round1, div3, item)
    client.force_login(staff_user)
    html = page_text(client.get(url))
    assert "หมดเวลารายงานผลของรอบนี้แล้ว" in html and "ดูได้อย่างเดียว" in html
    assert 'name="action"' not in html
    assert re.search(r'<input type="text" name="value" value="7"[^>]* disabled', html)
    form = form_data(html, "entry-form")
    form.update({"value": "9", "action": "save"})
    response = client.post(url, form)
    assert response.status_code == 403
    assert Result.objects.get().value == Decimal(7)
    round_page = page_text(client.get(reverse("unit-round", args=[round1.pk, div3.pk])))
    assert "หมดเวลารายงานผลของรอบนี้แล้ว" in round_page


def test_an_approved_result_is_locked(client, staff_user, kks, round1, div3):
    item = assignment(kks, "ENERGY")
    result = result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1, values={"value": Decimal(7)})
    Result.objects.filter(pk=result.pk).update(status=Result.Status.APPROVED)
    url = entry_url(round1, div3, item)
    client.force_login(staff_user)
    html = page_text(client.get(url))
    assert "อนุมัติแล้วจึงถูกล็อก แก้ไขไม่ได้" in html
    assert 'name="action"' not in html and 'id="evidence-form"' not in html
    response = client.post(url, {"version": "1", "value": "9", "action": "save"})
    assert response.status_code == 403
    assert Result.objects.get().value == Decimal(7)


# ---- who may see what -----------------------------------------------------------------------------------------


def test_staff_of_another_unit_cannot_open_or_post_the_entry_page(client, other_staff, kks, round1, div3):
    url = entry_url(round1, div3, assignment(kks, "ENERGY"))
    client.force_login(other_staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {"value": "7", "action": "save"}).status_code == 404
    assert not Result.objects.exists()


def test_an_indicator_outside_the_units_framework_is_not_found(client, staff_user, kks, round1, div3, fy2566):
    other = Framework.objects.get(fiscal_year=fy2566, level="division", number=1).assignments.first()
    client.force_login(staff_user)
    assert client.get(entry_url(round1, div3, other)).status_code == 404


def test_the_supervisor_reads_the_entry_page_but_cannot_write(client, staff_user, supervisor, kks, round1, div3):
    item = assignment(kks, "ENERGY")
    result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1, values={"value": Decimal(7)})
    client.force_login(supervisor)
    url = entry_url(round1, div3, item)
    html = page_text(client.get(url))
    assert "ไม่ได้เป็นผู้รายงานผลของหน่วยงานนี้" in html
    assert client.post(url, {"version": "1", "value": "9", "action": "save"}).status_code == 403
    assert Result.objects.get().value == Decimal(7)


# ---- evidence -------------------------------------------------------------------------------------------------


@pytest.fixture
def draft(staff_user, kks, round1, div3) -> Result:
    return result_save(actor=staff_user, assignment=assignment(kks, "PMQA40"), org_unit=div3, round=round1,
                       values={"actions_th": "ร่าง"})


def upload(client: Any, result: Result, name: str, content: bytes, **extra: str) -> Any:
    return client.post(reverse("evidence-upload", args=[result.pk]),
                       {"file": SimpleUploadedFile(name, content), "description": "", **extra})


def test_evidence_is_attached_privately_under_a_random_name_and_listed(client, staff_user, draft, private_media):
    client.force_login(staff_user)
    response = upload(client, draft, "คำสั่งแต่งตั้งคณะทำงาน.pdf", PDF, milestone_level="1")
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert (evidence.original_name, evidence.milestone_level, evidence.content_type) == (
        "คำสั่งแต่งตั้งคณะทำงาน.pdf", "1", "application/pdf")
    assert "คำสั่ง" not in evidence.file.name
    assert (private_media / evidence.file.name).read_bytes() == PDF
    html = page_text(client.get(response["Location"].split("#")[0]))
    assert "คำสั่งแต่งตั้งคณะทำงาน.pdf" in html and reverse("evidence-download", args=[evidence.pk]) in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("โปรแกรม.exe", b"MZ\x90\x00", "แนบได้เฉพาะไฟล์ PDF, รูปภาพ (PNG, JPG), Word หรือ Excel"),
        ("รายงาน.pdf", b"this is not a pdf", "เนื้อหาไฟล์ไม่ตรงกับชนิดไฟล์ตามนามสกุล"),
        ("ภาพ.png", PDF, "เนื้อหาไฟล์ไม่ตรงกับชนิดไฟล์ตามนามสกุล"),
        ("ใหญ่.pdf", PDF + b"0" * 2048, "ไฟล์ใหญ่เกิน"),
    ],
)
def test_bad_evidence_is_refused_with_a_thai_message_and_nothing_is_stored(
        client, staff_user, draft, private_media, settings, name, content, message):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(staff_user)
    response = upload(client, draft, name, content)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not EvidenceFile.objects.exists()
    assert not any(private_media.rglob("*.*"))


def test_evidence_cannot_be_attached_after_the_deadline(client, staff_user, draft, private_media, round1):
    round1.entry_deadline = timezone.localdate() - dt.timedelta(days=1)
    round1.save()
    client.force_login(staff_user)
    assert upload(client, draft, "หลักฐาน.pdf", PDF).status_code == 403
    assert not EvidenceFile.objects.exists()


@pytest.fixture
def evidence(staff_user, draft, private_media) -> EvidenceFile:
    return evidence_add(actor=staff_user, result=draft, upload=SimpleUploadedFile("รายงานผล ITA ปี 2566.pdf", PDF))


@pytest.mark.parametrize("who", ["staff_user", "supervisor", "admin_user", "director"])
def test_evidence_is_served_to_the_unit_its_supervisor_admins_and_directors(client, request, who, evidence):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E0%B8%A3%E0%B8%B2%E0%B8%A2%E0%B8%87%E0%B8%B2%E0%B8%99" in disposition  # "รายงาน"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_is_not_found_for_staff_of_another_unit(client, other_staff, evidence):
    client.force_login(other_staff)
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404
    assert client.post(reverse("evidence-delete", args=[evidence.pk])).status_code == 404
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()


def test_evidence_needs_a_login(client, evidence):
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_staff_remove_evidence_while_the_result_is_editable(client, staff_user, evidence):
    client.force_login(staff_user)
    response = client.post(reverse("evidence-delete", args=[evidence.pk]))
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()
    assert EvidenceFile.history.filter(history_type="-").count() == 1


# ---- history --------------------------------------------------------------------------------------------------


def test_the_history_lists_who_changed_what_and_when(client, staff_user, colleague, kks, round1, div3, evidence):
    # given a budget draft by the staff member, changed by a colleague, plus a milestone result with a file
    item = assignment(kks, "BUDGET")
    first = result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1,
                        values={"value": Decimal("50.00")})
    result_save(actor=colleague, assignment=item, org_unit=div3, round=round1,
                values={"value": Decimal("51.25"), "obstacles_th": "ระบบ GFMS ขัดข้อง"}, expected_version=1)
    client.force_login(staff_user)
    # when they open the budget result's history
    html = page_text(client.get(reverse("result-history", args=[first.pk])))
    # then each change says who, when (Buddhist Era) and what changed from what to what
    assert "คุณcolleague ทดสอบ" in html and "เจ้าหน้าที่ทดสอบ" in html
    year_be = timezone.localdate().year + 543
    assert str(year_be) in html
    assert "ผลการดำเนินงาน" in html and "51.25" in html and "50" in html
    assert "อุปสรรคต่อการดำเนินงาน" in html and "ระบบ GFMS ขัดข้อง" in html
    assert html.index("คุณcolleague ทดสอบ") < html.index("บันทึกผลการดำเนินงาน")  # newest first
    # and the milestone result's history shows the file attached
    milestone_html = page_text(client.get(reverse("result-history", args=[evidence.result_id])))
    assert "แนบไฟล์หลักฐาน" in milestone_html and "รายงานผล ITA ปี 2566.pdf" in milestone_html


def test_the_history_shows_milestone_and_sub_unit_changes(client, staff_user, kks, round1, div3):
    client.force_login(staff_user)
    url = entry_url(round1, div3, assignment(kks, "ITA"))
    browser_post(client, url, {"ms-1-0-done": "on", "ms-1-0-done_on": "15/11/2565", "ms-1-0-evidence_th": "คำสั่ง"})
    result = Result.objects.get()
    html = page_text(client.get(reverse("result-history", args=[result.pk])))
    assert "ขั้นตอนระดับ 1: ดำเนินการแล้ว" in html and "15 พฤศจิกายน 2565" in html
    improved_url = entry_url(round1, div3, assignment(kks, "PMQA_KPI_IMPROVED"))
    browser_post(client, improved_url, sub_rows(SHELTERS_3_1[:2]))
    improved = Result.objects.get(assignment=assignment(kks, "PMQA_KPI_IMPROVED"))
    html = page_text(client.get(reverse("result-history", args=[improved.pk])))
    assert "บันทึกตารางผลรายหน่วยงาน" in html and "สถานคุ้มครองคนไร้ที่พึ่งวังทอง จังหวัดพิษณุโลก: ตัวตั้ง 28 / ตัวหาร 250" in html


def test_the_history_of_another_units_result_is_not_found(client, other_staff, draft):
    client.force_login(other_staff)
    assert client.get(reverse("result-history", args=[draft.pk])).status_code == 404


def test_the_entry_page_costs_a_fixed_number_of_queries_whatever_it_shows(
        client, staff_user, kks, round1, div3, django_assert_max_num_queries):
    """A breakdown of 14 shelters or five milestone levels with evidence: one fixed cost (STYLE.md practice 4)."""
    client.force_login(staff_user)
    browser_post(client, entry_url(round1, div3, assignment(kks, "PMQA_KPI_IMPROVED")), sub_rows(SHELTERS_3_1))
    browser_post(client, entry_url(round1, div3, assignment(kks, "ITA")),
                 {f"ms-{level}-0-done": "on" for level in "12345"}
                 | {f"ms-{level}-0-done_on": "15/11/2565" for level in "12345"})
    for code in ("PMQA_KPI_IMPROVED", "ITA", "BUDGET"):
        with django_assert_max_num_queries(24):
            assert client.get(entry_url(round1, div3, assignment(kks, code))).status_code == 200


# ---- one save per breakdown, one owner of its totals, one editability rule -----------------------------------


def test_a_breakdown_save_writes_the_result_once_with_the_table_reason(client, staff_user, kks, round1, div3):
    item = assignment(kks, "PMQA_KPI_IMPROVED")
    result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1, values={"actions_th": "เริ่ม"})
    before = Result.history.count()
    client.force_login(staff_user)
    response = browser_post(client, entry_url(round1, div3, item), sub_rows(SHELTERS_3_1))
    assert response.status_code == 302, page_text(response)[-3000:]
    result = Result.objects.get()
    assert Result.history.count() == before + 1
    assert result.history.first().history_change_reason == "บันทึกตารางผลรายหน่วยงาน"
    assert (result.numerator, result.denominator, result.version) == (Decimal(198), Decimal(1424), 2)


def test_the_history_page_lists_rows_written_in_the_same_second_separately(client, staff_user, kks, round1, div3):
    item = assignment(kks, "ENERGY")
    for reason, value in (("บันทึกครั้งแรก", "7"), ("แก้ตัวเลขครั้งที่สอง", "8"), ("แก้ตัวเลขครั้งที่สาม", "9")):
        result = result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1,
                             values={"value": Decimal(value)}, reason=reason)
    second = timezone.now().replace(microsecond=0)
    for offset, record in enumerate(result.history.order_by("history_id")):
        Result.history.filter(history_id=record.history_id).update(
            history_date=second + dt.timedelta(microseconds=offset))
    client.force_login(staff_user)
    html = page_text(client.get(reverse("result-history", args=[result.pk])))
    titles = ("บันทึกครั้งแรก", "แก้ตัวเลขครั้งที่สอง", "แก้ตัวเลขครั้งที่สาม")
    assert all(html.count(title) == 1 for title in titles)
    assert html.count("แก้ตัวเลขครั้งที่สอง · ") == 0 and html.count(" · แก้ตัวเลขครั้งที่สาม") == 0


def test_the_form_the_service_and_the_review_page_give_one_breakdown_the_same_totals(
    client, staff_user, kks, round1, div3
):
    from indicators.forms import SubUnitFormSet
    from indicators.services.results import policy_for
    from indicators.views_review import review_page

    formset = SubUnitFormSet(sub_rows(SHELTERS_3_1), prefix="sub", units=OrgUnit.objects.none())
    assert formset.is_valid(), formset.errors
    client.force_login(staff_user)
    url = entry_url(round1, div3, assignment(kks, "PMQA_KPI_IMPROVED"))
    assert browser_post(client, url, sub_rows(SHELTERS_3_1)).status_code == 302
    result = Result.objects.get()
    page = review_page(Result.objects.get(pk=result.pk))
    assert page.sub_total is not None
    expected = (Decimal(198), Decimal(1424))
    assert formset.totals() == expected
    assert (result.numerator, result.denominator) == expected
    assert (page.sub_total.numerator, page.sub_total.denominator) == expected
    assert page.sub_total.percent == result_percent(result, policy_for(round1)) == Decimal("13.90")


def result_percent(result: Result, policy: Any) -> Decimal:
    from indicators import scoring

    return scoring.percentage(result.numerator, result.denominator, policy).value_rounded


@pytest.mark.parametrize("as_admin", [False, True], ids=["staff", "admin"])
@pytest.mark.parametrize("status", list(Result.Status.values))
def test_the_entry_pages_edit_state_and_the_service_agree_for_each_status(
    client, staff_user, admin_user, kks, round1, div3, status, as_admin
):
    from django.core.exceptions import PermissionDenied

    from indicators.services.results import edit_permission

    item = assignment(kks, "ENERGY")
    result = result_save(actor=staff_user, assignment=item, org_unit=div3, round=round1, values={"value": Decimal(7)})
    Result.objects.filter(pk=result.pk).update(status=status)
    actor = admin_user if as_admin else staff_user
    client.force_login(actor)
    html = page_text(client.get(entry_url(round1, div3, item)))
    page_editable = 'name="action"' in html
    allowed, reason = edit_permission(actor, round1, div3, Result.objects.get(pk=result.pk))
    assert page_editable == allowed
    assert allowed or reason in html
    try:
        result_save(actor=actor, assignment=item, org_unit=div3, round=round1, values={"value": Decimal(9)})
        saved = True
    except PermissionDenied as exc:
        assert str(exc) == reason
        saved = False
    assert saved == allowed


# ---- what a request costs (the load benchmark's entry page and save) --------------------------------------------


def _reporting_unit_checks(queries: Any) -> int:
    return sum('"indicators_person_reporting_units"' in q["sql"] for q in queries.captured_queries)


def test_the_entry_page_asks_once_whether_the_user_reports_for_the_unit(
        client, staff_user, kks, round1, div3, django_assert_max_num_queries):
    url = entry_url(round1, div3, assignment(kks, "BUDGET"))
    client.force_login(staff_user)
    client.get(url)  # warm (session)
    with django_assert_max_num_queries(18) as queries:
        response = client.get(url)
    assert response.status_code == 200 and "ยังไม่รายงาน" in page_text(response)
    assert _reporting_unit_checks(queries) == 1


def test_a_save_locks_the_result_row_alone_and_asks_about_the_reporter_once(client, staff_user, kks, round1, div3):
    """The row lock of a save joins nothing: a lock on the round's row would make every save of the round queue."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = entry_url(round1, div3, assignment(kks, "ENERGY"))
    client.force_login(staff_user)
    browser_post(client, url, {"value": "5", "as_of_date": "31/03/2566"})
    form = form_data(page_text(client.get(url)), "entry-form")
    form.update({"value": "7", "action": "save"})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, form)
    assert response.status_code == 302
    assert Result.objects.get(assignment__definition__code="ENERGY", org_unit=div3).value == Decimal(7)
    assert _reporting_unit_checks(queries) == 2  # the page's own check and the save service's, no more
    if connection.features.has_select_for_update:  # PostgreSQL (SQLite locks the whole database instead)
        locks = [q["sql"] for q in queries.captured_queries if " FOR UPDATE" in q["sql"]]
        result_locks = [sql for sql in locks if sql.startswith('SELECT "indicators_result"."id"')]
        assert result_locks and all("JOIN" not in sql for sql in result_locks)


def test_the_entry_page_names_the_supervisor_as_the_people_table_has_it_now(client, staff_user, kks, round1, div3,
                                                                            supervisor):
    """The assignment comes from the year structure, kept between requests; the people it names are not part of
    it and are read on every request: a renamed supervisor shows at once."""
    client.force_login(staff_user)
    url = entry_url(round1, div3, assignment(kks, "BUDGET"))
    assert "คุณsupervisor ทดสอบ" in page_text(client.get(url))
    Person.objects.filter(user=supervisor).update(full_name="ผู้กำกับคนใหม่", phone="02-111-2222")

    html = page_text(client.get(url))

    assert "ผู้กำกับคนใหม่" in html and "02-111-2222" in html and "คุณsupervisor ทดสอบ" not in html


def test_an_assignment_of_another_year_is_not_found_on_the_entry_page(client, staff_user, kks, round1, div3):
    other_year = FiscalYear.objects.create(be_year=2598, start_date="2054-10-01", end_date="2055-09-30")
    elsewhere = Framework.objects.create(fiscal_year=other_year, level=Framework.Level.DIVISION, name_th="กรอบปีอื่น",
                                         status=Framework.Status.APPROVED)
    item = Assignment.objects.create(framework=elsewhere, definition=IndicatorDefinition.objects.create(
        fiscal_year=other_year, code="ELSEWHERE", name_th="ตัวชี้วัดปีอื่น"), number="1", order=1, weight=Decimal(10))
    client.force_login(staff_user)

    assert client.get(entry_url(round1, div3, item)).status_code == 404
