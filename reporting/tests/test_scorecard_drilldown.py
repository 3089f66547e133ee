"""Division scorecards: the province-average drill-down (DOMAIN.md §4.h), all nine FY2566 division frameworks,
and the director's per-indicator page with its permissions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from indicators.models import Framework, OrgUnit, Person, Province, Result, Round, SubUnitResult
from reporting import services
from reporting.documents import scorecard as scorecard_doc
from reporting.documents import scorecard_detail
from reporting.tests.factories import person_user
from reporting.tests.test_department_scorecard import missing_in, pdf_texts

pytestmark = pytest.mark.django_db

# DOMAIN §4.h: targets from the FY2566 provincial table, done counts invented -> (4 + 3 + 5 + 3.01) / 4 = 3.7525.
DONE = {"กระบี่": 9862, "กาญจนบุรี": 11709, "กาฬสินธุ์": 13122, "กำแพงเพชร": 2500}


@pytest.fixture
def household(kks: OrgUnit, round2: Round) -> Result:
    """กคส.'s round-2 household result with four province rows."""
    assignment = Framework.objects.get(org_units=kks, status="approved").assignments.get(definition__code="HOUSEHOLD")
    result = Result.objects.create(assignment=assignment, org_unit=kks, round=round2, status=Result.Status.SUBMITTED,
                                   numerator=Decimal(sum(DONE.values())), denominator=Decimal(41838))
    for order, (name, count) in enumerate(DONE.items()):
        SubUnitResult.objects.create(result=result, order=order, province=Province.objects.get(name_th=name),
                                     numerator=Decimal(count), denominator=Decimal(count))
    services.score_jobs_drain(fiscal_year_id=round2.fiscal_year_id)  # stored as the worker would
    return result


def url(unit: OrgUnit, round_: Round, assignment_id: int) -> str:
    return f"/reports/scorecard/{unit.code}/{round_.fiscal_year.be_year}/{round_.number}/indicators/{assignment_id}/"


def test_division_scorecard_shows_the_method_and_each_province(
    kks: OrgUnit, round2: Round, household: Result, tmp_path: Path
) -> None:
    doc = scorecard_doc.build(org_unit=kks, round=round2)

    row = next(r for r in doc.rows if r.assignment_id == household.assignment_id)
    assert row.method == "province_average" and row.score == Decimal("3.7525")
    [drill] = doc.province_averages
    assert drill.number == row.number and drill.score == Decimal("3.7525") and not drill.problem
    assert drill.method_label.startswith("ค่าเฉลี่ยของคะแนนรายจังหวัด")
    assert [(p.province, p.score) for p in drill.provinces] == [
        ("กระบี่", Decimal("4.0000")), ("กาญจนบุรี", Decimal("3.0000")),
        ("กาฬสินธุ์", Decimal("5.0000")), ("กำแพงเพชร", Decimal("3.0100")),
    ]
    texts = pdf_texts(scorecard_doc.to_pdf(doc), tmp_path)
    expected = ["คะแนนเฉลี่ยของกองจากคะแนนรายจังหวัด", drill.method_label, scorecard_detail.SOURCE_NOTE, *DONE, "10,958", "9,862", "90.00",
                "3.0100", "3.7525"]
    assert missing_in(texts, expected) == {name: [] for name in texts}


def test_every_fy2566_division_framework_produces_a_scorecard_pdf(demo: None, round2: Round, tmp_path: Path) -> None:
    frameworks = Framework.objects.filter(fiscal_year=round2.fiscal_year, level=Framework.Level.DIVISION, is_demo=False)
    assert sorted(frameworks.values_list("number", flat=True)) == list(range(1, 10))
    for framework in frameworks.prefetch_related("org_units"):
        units = list(framework.org_units.all())
        assert units, framework.name_th
        for unit in units:
            doc = scorecard_doc.build(org_unit=unit, round=round2)
            # computed with a total and band, or not computable with its reasons: never silently empty
            assert doc.rows and doc.weight_total == Decimal(100), unit.code
            assert (doc.computed and doc.total_100 is not None and doc.band_label) or (
                not doc.computed and doc.problems
            ), unit.code
            texts = pdf_texts(scorecard_doc.to_pdf(doc), tmp_path)
            expected = [unit.name_th, doc.band_text, *[row.name for row in doc.rows]]
            assert missing_in(texts, expected) == {name: [] for name in texts}, unit.code


def test_indicator_detail_shows_criteria_result_arithmetic_and_provinces(
    kks: OrgUnit, round2: Round, household: Result
) -> None:
    detail = scorecard_detail.build_indicator(org_unit=kks, round=round2, assignment_id=household.assignment_id)

    assert detail is not None
    assert detail.score == Decimal("3.7525") and detail.weight == Decimal(15)
    assert detail.result_id == household.pk and detail.result_status == "ส่งแล้ว รอพิจารณา"  # as the scorecard row prints it
    assert ("ตัวตั้ง", "37,193") in detail.result_lines
    assert "คะแนนเฉลี่ยของกอง = (4.0000 + 3.0000 + 5.0000 + 3.0100) / 4" in detail.explanation
    assert "3.7525" in detail.explanation
    assert [level for level, _text, _defined in detail.criteria_parts[0].levels] == ["1", "2", "3", "4", "5"]
    assert detail.provinces is not None and len(detail.provinces.provinces) == 4


def test_director_drills_into_every_row_from_the_scorecard_page(
    client: Any, django_user_model: Any, kks: OrgUnit, round2: Round, household: Result
) -> None:
    client.force_login(person_user(django_user_model, "dd-director", Person.Role.DIRECTOR))
    page = client.get("/reports/scorecard/", {"year": 2566, "round": 2, "unit": kks.code}).content.decode()
    doc = scorecard_doc.build(org_unit=kks, round=round2)

    for row in doc.rows:
        link = url(kks, round2, row.assignment_id)
        assert f'href="{link}"' in page
        response = client.get(link)
        assert response.status_code == 200 and row.name in response.content.decode()
    detail = client.get(url(kks, round2, household.assignment_id)).content.decode()
    assert "3.7525" in detail and "กำแพงเพชร" in detail and "3.0100" in detail
    assert f"/results/{household.pk}/history/" in detail
    assert "เกณฑ์การประเมิน" in detail and "ส่งแล้ว" in detail


def test_department_row_detail_says_why_it_is_not_computable(
    client: Any, django_user_model: Any, demo: None, round2: Round
) -> None:
    department = OrgUnit.objects.get(code="dsdw")
    assignment = Framework.objects.get(fiscal_year=round2.fiscal_year, level=Framework.Level.DEPARTMENT).assignments.first()
    client.force_login(person_user(django_user_model, "dd-admin", Person.Role.ADMIN))

    response = client.get(url(department, round2, assignment.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "คำนวณไม่ได้: ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ 2" in page
    assert "ยังไม่มีเกณฑ์การประเมิน (ค่าเป้าหมาย) ของรอบที่ 2" in page


@pytest.mark.parametrize(
    ("role", "own_unit", "target", "status"),
    [
        (Person.Role.ADMIN, None, "div-3", 200),
        (Person.Role.DIRECTOR, None, "div-3", 200),
        (Person.Role.DIRECTOR, None, "dsdw", 200),
        (Person.Role.STAFF, "div-3", "div-3", 200),
        (Person.Role.STAFF, "div-2", "div-3", 404),
        (Person.Role.SUPERVISOR, None, "div-3", 404),
    ],
)
def test_indicator_detail_permissions_follow_the_scorecard_page(
    client: Any, django_user_model: Any, round2: Round, role: str, own_unit: str | None, target: str, status: int
) -> None:
    units = [OrgUnit.objects.get(code=own_unit)] if own_unit else []
    client.force_login(person_user(django_user_model, f"dd-{role}-{own_unit}", role, units))
    unit = OrgUnit.objects.get(code=target)
    assignment = Framework.objects.get(org_units=unit, fiscal_year=round2.fiscal_year).assignments.first()

    assert client.get(url(unit, round2, assignment.pk)).status_code == status


def test_indicator_detail_needs_a_login_and_an_assignment_of_that_scorecard(
    client: Any, django_user_model: Any, kks: OrgUnit, round2: Round
) -> None:
    other = Framework.objects.get(fiscal_year=round2.fiscal_year, level=Framework.Level.DEPARTMENT).assignments.first()
    own = Framework.objects.get(org_units=kks, status="approved").assignments.first()

    assert client.get(url(kks, round2, own.pk)).status_code == 302  # to the login page
    client.force_login(person_user(django_user_model, "dd-director-2", Person.Role.DIRECTOR))
    assert client.get(url(kks, round2, other.pk)).status_code == 404
    assert client.get(f"/reports/scorecard/{kks.code}/2400/2/indicators/{own.pk}/").status_code == 404
