"""Bad input, handled (issue 8): length limits on every narrative a person types, the as-of date inside the round's
fiscal year and not in the future, satisfaction + dissatisfaction at most 100 %, numbers that fit the stored columns,
one set of rules for the save and the live score preview, and a Thai page for a request that is too large.

The entry-page world (framework 3 of กคส. approved, round 1 of FY2566 open) is test_entry_views'.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from indicators import reference_fy2564_texts as fy2564
from indicators.forms import (
    STORED_DECIMAL_PLACES,
    STORED_MAX_DIGITS,
    EntryShape,
    EvidenceUploadForm,
    MilestoneStepForm,
    ResultForm,
    Step,
    ThaiDecimalField,
    as_of_date_problem,
)
from indicators.models import ExternalScore, IndicatorDefinition, MilestoneCompletion, Result, SubUnitResult
from indicators.models.results import ACTIONS_MAX_CHARS, DISCUSSION_MAX_CHARS, NOTE_MAX_CHARS
from indicators.services.results import result_return, result_save, result_submit
from indicators.tests import test_entry_views as world
from indicators.tests.test_entry_views import assignment, browser_post, entry_url, page_text

kks, div3, supervisor = world.kks, world.div3, world.supervisor

TODAY = dt.date(2023, 4, 10)  # inside FY2566 (1 Oct 2022 – 30 Sep 2023)

# ---- the limits and the real narratives they must hold ---------------------------------------------------------

# (model, field, limit, the longest real text of that kind in document 000's transcription)
LONGEST = {
    heading: max(len(texts.get(heading, "")) for texts in fy2564.INDICATOR_TEXTS.values())
    for heading in ("actions", "factors", "obstacles", "evidence")
}
LIMITS = [
    (Result, "actions_th", ACTIONS_MAX_CHARS, LONGEST["actions"]),
    (Result, "supporting_factors_th", DISCUSSION_MAX_CHARS, LONGEST["factors"]),
    (Result, "obstacles_th", DISCUSSION_MAX_CHARS, LONGEST["obstacles"]),
    (Result, "suggestions_th", DISCUSSION_MAX_CHARS, 0),
    (Result, "evidence_th", NOTE_MAX_CHARS, LONGEST["evidence"]),
    (Result, "review_comment_th", NOTE_MAX_CHARS, 0),
    (MilestoneCompletion, "evidence_th", NOTE_MAX_CHARS, 0),
    (ExternalScore, "note_th", NOTE_MAX_CHARS, 0),
]


def test_the_measured_narratives_of_document_000_are_what_the_limits_were_chosen_from():
    """The figures quoted in indicators/models/results.py."""
    assert LONGEST == {"actions": 5256, "factors": 197, "obstacles": 1489, "evidence": 292}


@pytest.mark.parametrize(("model", "name", "limit", "longest"), LIMITS, ids=[f"{m.__name__}.{n}" for m, n, *_ in LIMITS])
def test_every_narrative_field_has_a_limit_with_room_above_the_longest_real_text(model, name, limit, longest):
    field = model._meta.get_field(name)
    assert field.max_length == limit
    assert limit >= 1.5 * longest
    field.run_validators("ก" * limit)  # the limit itself is allowed
    with pytest.raises(ValidationError) as refused:
        field.run_validators("ก" * (limit + 1))
    assert refused.value.messages == [
        f"ข้อความยาวเกินกำหนด: ได้ไม่เกิน {limit:,} ตัวอักษร (ขณะนี้ {limit + 1:,} ตัวอักษร เกิน 1)"
    ]


def test_no_other_free_text_of_the_result_models_is_unlimited():
    """A new TextField on these models must get a limit too."""
    for model in (Result, MilestoneCompletion, SubUnitResult, ExternalScore):
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField):
                assert field.max_length, f"{model.__name__}.{field.name} has no length limit"


def test_real_narratives_of_fy2564_fit_their_fields():
    for texts in fy2564.INDICATOR_TEXTS.values():
        Result._meta.get_field("actions_th").run_validators(texts["actions"])
        Result._meta.get_field("supporting_factors_th").run_validators(texts["factors"])
        Result._meta.get_field("obstacles_th").run_validators(texts["obstacles"])
        Result._meta.get_field("evidence_th").run_validators(texts["evidence"])


# ---- the forms ----------------------------------------------------------------------------------------------------


def definition() -> IndicatorDefinition:
    return IndicatorDefinition(name_th="ตัวชี้วัดทดสอบ", unit_of_measure="percent",
                               formula_numerator_th="ตัวตั้ง", formula_denominator_th="ตัวหาร")


RATIO = EntryShape("ratio", has_ratio=True, percent=True)
SATISFACTION = EntryShape("composite", has_ratio=False, percent=True,
                          part_names=("ร้อยละของระดับความพึงพอใจ", "ร้อยละของระดับความไม่พึงพอใจ"))


def result_form(data: dict[str, Any], shape: EntryShape = RATIO, fiscal_year_be: int | None = 2566,
                today: dt.date | None = TODAY) -> ResultForm:
    form = ResultForm(data, shape=shape, definition=definition(), today=today, fiscal_year_be=fiscal_year_be)
    form.is_valid()
    return form


@pytest.mark.parametrize(("name", "limit"), [
    ("actions_th", ACTIONS_MAX_CHARS), ("supporting_factors_th", DISCUSSION_MAX_CHARS),
    ("obstacles_th", DISCUSSION_MAX_CHARS), ("suggestions_th", DISCUSSION_MAX_CHARS), ("evidence_th", NOTE_MAX_CHARS),
])
def test_the_result_form_refuses_a_narrative_over_its_limit_in_thai(name, limit):
    assert result_form({"mode": "ratio", name: "ข" * limit}).errors == {}
    refused = result_form({"mode": "ratio", name: "ข" * (limit + 25)})
    assert refused.errors[name] == [
        f"ข้อความยาวเกินกำหนด: ได้ไม่เกิน {limit:,} ตัวอักษร (ขณะนี้ {limit + 25:,} ตัวอักษร เกิน 25)"
    ]


def test_a_line_break_counts_once_as_on_the_page_and_is_stored_as_lf():
    """Browsers post a textarea's line breaks as CR LF; the counter on the page counts one character each."""
    text = "ก\r\n" * (NOTE_MAX_CHARS // 2)  # 2,000 characters on the page, 3,000 in the request
    form = result_form({"mode": "ratio", "evidence_th": text})
    assert form.errors == {}
    assert form.cleaned_data["evidence_th"] == ("ก\n" * (NOTE_MAX_CHARS // 2)).strip()


def test_the_textareas_carry_their_limit_for_the_counter_but_never_cut_a_paste():
    html = str(result_form({})["actions_th"])
    assert f'data-maxlength="{ACTIONS_MAX_CHARS}"' in html
    assert "maxlength=" not in html.replace("data-maxlength=", "")


def test_a_milestone_step_and_an_evidence_file_description_have_limits_too():
    step = MilestoneStepForm({"ms-1-0-evidence_th": "ค" * (NOTE_MAX_CHARS + 1)}, prefix="ms-1-0",
                             step=Step("1", 0, "แต่งตั้งคณะทำงาน", True, 1), today=TODAY)
    assert "ได้ไม่เกิน 2,000 ตัวอักษร" in step.errors["evidence_th"][0]
    upload = EvidenceUploadForm({"description": "ง" * 301})
    assert "ได้ไม่เกิน 300 ตัวอักษร" in upload.errors["description"][0]


# ---- numbers fit the columns ---------------------------------------------------------------------------------------


def test_the_form_fields_take_their_digits_from_the_model_columns():
    for model in (Result, SubUnitResult):
        for field in model._meta.get_fields():
            if isinstance(field, models.DecimalField):
                assert (field.max_digits, field.decimal_places) == (STORED_MAX_DIGITS, STORED_DECIMAL_PLACES)
    assert (ThaiDecimalField().max_digits, ThaiDecimalField().decimal_places) == (18, 4)


def test_the_largest_number_the_form_accepts_is_one_the_column_holds():
    largest = ThaiDecimalField().clean("99,999,999,999,999.9999")  # 14 whole digits, 4 decimals
    Result._meta.get_field("numerator").run_validators(largest)
    with pytest.raises(ValidationError) as refused:
        ThaiDecimalField().clean("999,999,999,999,999")  # 15 whole digits
    assert refused.value.messages == ["ตัวเลขยาวเกินไป: ก่อนจุดทศนิยมได้ไม่เกิน 14 หลัก"]


def test_trailing_zeros_after_the_point_are_not_decimal_places():
    assert ThaiDecimalField().clean("13.900000") == Decimal("13.9")


# ---- the as-of date -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "problem"), [
    (dt.date(2022, 9, 30), "ข้อมูล ณ วันที่ ต้องอยู่ในปีงบประมาณ พ.ศ. 2566 (1 ตุลาคม 2565 – 30 กันยายน 2566)"),
    (dt.date(2022, 10, 1), ""),   # 1 ตุลาคม 2565: the first day of FY2566
    (dt.date(2023, 9, 30), ""),   # 30 กันยายน 2566: the last
    (dt.date(2023, 10, 1), "ข้อมูล ณ วันที่ ต้องอยู่ในปีงบประมาณ พ.ศ. 2566 (1 ตุลาคม 2565 – 30 กันยายน 2566)"),
    (dt.date(2017, 3, 31), "ข้อมูล ณ วันที่ ต้องอยู่ในปีงบประมาณ พ.ศ. 2566 (1 ตุลาคม 2565 – 30 กันยายน 2566)"),
])
def test_the_as_of_date_lies_in_the_rounds_fiscal_year(day, problem):
    """DOMAIN.md §2.1: FY N (BE) runs 1 October N−1 to 30 September N."""
    assert as_of_date_problem(day, 2566, today=dt.date(2024, 1, 15)) == problem


def test_an_as_of_date_six_years_before_the_round_is_refused_by_the_form():
    """Found on main: 31/03/2560 was accepted for a FY2566 round."""
    form = result_form({"mode": "ratio", "as_of_date": "31/03/2560"})
    assert form.errors["as_of_date"] == [
        "ข้อมูล ณ วันที่ ต้องอยู่ในปีงบประมาณ พ.ศ. 2566 (1 ตุลาคม 2565 – 30 กันยายน 2566)"]
    assert result_form({"mode": "ratio", "as_of_date": "31/03/2566"}).errors == {}


def test_the_future_is_judged_by_the_date_in_bangkok(monkeypatch):
    """At 00:30 on 1 October 2566 in Bangkok it is still 30 September in UTC: the first day of FY2567 is today."""
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2023, 9, 30, 17, 30, tzinfo=dt.UTC))
    first_day = result_form({"mode": "ratio", "as_of_date": "1/10/2566"}, fiscal_year_be=2567, today=None)
    assert first_day.errors == {}
    tomorrow = result_form({"mode": "ratio", "as_of_date": "2/10/2566"}, fiscal_year_be=2567, today=None)
    assert tomorrow.errors["as_of_date"] == ["ข้อมูล ณ วันที่ ต้องไม่เป็นวันในอนาคต"]


# ---- satisfaction and dissatisfaction ----------------------------------------------------------------------------


def test_satisfaction_and_dissatisfaction_add_up_to_at_most_100():
    """Each respondent is satisfied, dissatisfied or neither; document 003 pairs the bands 70/30, 75/25, 80/20, 85/15."""
    refused = result_form({"value": "90", "second_value": "30"}, SATISFACTION)
    assert refused.errors == {"second_value": [
        "ร้อยละของระดับความพึงพอใจ (90) รวมกับร้อยละของระดับความไม่พึงพอใจ (30) ได้ 120 ซึ่งเกิน 100 "
        "(ผู้ตอบแต่ละคนอยู่ได้เพียงกลุ่มเดียว) กรุณาตรวจสอบ"]}
    assert result_form({"value": "85", "second_value": "15"}, SATISFACTION).errors == {}
    assert result_form({"value": "86.20", "second_value": "12"}, SATISFACTION).errors == {}


# ---- one set of rules: the save and the live preview agree --------------------------------------------------------

TWENTY_THREE_DIGITS = "12345678901234567890123"
SIX_YEARS_BEFORE = "31/03/2560"

# (indicator, what is typed, the field refused, the message — the same on the page and in the preview)
BAD_INPUTS = [
    ("BUDGET", {"mode": "ratio", "numerator": TWENTY_THREE_DIGITS, "denominator": "100"}, "numerator",
     "ตัวเลขยาวเกินไป: ก่อนจุดทศนิยมได้ไม่เกิน 14 หลัก"),
    ("BUDGET", {"mode": "ratio", "numerator": "5", "denominator": "1" + "0" * 15}, "denominator",
     "ตัวเลขยาวเกินไป: ก่อนจุดทศนิยมได้ไม่เกิน 14 หลัก"),
    ("BUDGET", {"mode": "ratio", "numerator": "1.23456", "denominator": "100"}, "numerator",
     "ทศนิยมได้ไม่เกิน 4 ตำแหน่ง"),
    ("BUDGET", {"mode": "ratio", "numerator": "-5", "denominator": "100"}, "numerator", "ต้องไม่ติดลบ"),
    ("BUDGET", {"mode": "ratio", "numerator": "5", "denominator": "0"}, "denominator",
     "ตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)"),
    ("BUDGET", {"mode": "ratio", "numerator": "5", "denominator": ""}, "denominator",
     "กรุณากรอกตัวหารด้วย (ต้องระบุทั้งตัวตั้งและตัวหาร)"),
    ("BUDGET", {"mode": "ratio", "numerator": "120", "denominator": "100"}, "numerator",
     "ตัวตั้งมากกว่าตัวหาร กรุณาตรวจสอบ หากถูกต้องให้เลือก “ยืนยันตัวตั้งมากกว่าตัวหาร”"),
    ("BUDGET", {"mode": "value", "value": "120"}, "value", "ร้อยละต้องไม่เกิน 100"),
    ("BUDGET", {"mode": "value", "value": "13,90"}, "value",
     "เครื่องหมายจุลภาค (,) ไม่ถูกตำแหน่ง: ใช้จุลภาคคั่นหลักพัน และใช้จุด (.) เป็นจุดทศนิยม"),
    ("SATISFACTION", {"value": "90", "second_value": "30"}, "second_value",
     "ร้อยละของระดับความพึงพอใจ (90) รวมกับร้อยละของระดับความไม่พึงพอใจ (30) ได้ 120 ซึ่งเกิน 100 "
     "(ผู้ตอบแต่ละคนอยู่ได้เพียงกลุ่มเดียว) กรุณาตรวจสอบ"),
    ("SATISFACTION", {"value": "86.20", "second_value": "101"}, "second_value", "ร้อยละต้องไม่เกิน 100"),
    ("ENERGY", {"value": "7", "as_of_date": SIX_YEARS_BEFORE}, "as_of_date",
     "ข้อมูล ณ วันที่ ต้องอยู่ในปีงบประมาณ พ.ศ. 2566 (1 ตุลาคม 2565 – 30 กันยายน 2566)"),
    ("ENERGY", {"value": "7", "as_of_date": "TOMORROW"}, "as_of_date", "ข้อมูล ณ วันที่ ต้องไม่เป็นวันในอนาคต"),
    ("ENERGY", {"value": "7", "as_of_date": "31/02/2566"}, "as_of_date",
     "กรุณากรอกวันที่ในรูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 31/03/2566"),
]


def _typed(changes: dict[str, str]) -> dict[str, str]:
    if changes.get("as_of_date") == "TOMORROW":
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        return {**changes, "as_of_date": f"{tomorrow.day}/{tomorrow.month}/{tomorrow.year + 543}"}
    return changes


def _field_block(html: str, field: str) -> str:
    block = html[html.index(f'data-field="{field}"'):]
    return block[:block.index("</div>")]


@pytest.mark.parametrize(("code", "changes", "field", "message"), BAD_INPUTS,
                         ids=[f"{code}-{field}-{i}" for i, (code, _c, field, _m) in enumerate(BAD_INPUTS)])
def test_the_save_and_the_live_preview_refuse_the_same_input_with_the_same_words(
        client, staff_user, kks, round1, div3, code, changes, field, message):
    item = assignment(kks, code)
    typed = _typed(changes)
    client.force_login(staff_user)

    # when the page is saved
    saved = browser_post(client, entry_url(round1, div3, item), typed)
    # then the field says why, and nothing is saved
    assert saved.status_code == 200
    assert message in _field_block(page_text(saved), field)
    assert not Result.objects.exists()

    # when the same input is previewed while typing
    api = APIClient()
    api.force_authenticate(staff_user)
    body = {"assignment_id": item.pk, "round_id": round1.pk, "org_unit_id": div3.pk, **typed}
    previewed = api.post("/api/score-preview/", body, format="json")
    # then the preview refuses it with the save's message and shows no score
    assert previewed.status_code == 400
    data = previewed.json()
    assert data[field] == [message]
    assert data["problem"] == message
    assert "score" not in data


GOOD_INPUTS = [
    # eleven whole digits: SQLite's decimal converter (15 significant digits) cannot read back more with 4 decimals
    ("BUDGET", {"mode": "ratio", "numerator": "๙๙,๙๙๙,๙๙๙,๙๙๙.๕", "denominator": "99,999,999,999.9999"}),
    ("BUDGET", {"mode": "ratio", "numerator": "51,230,450", "denominator": "101,872,300", "as_of_date": "31/03/2566"}),
    ("SATISFACTION", {"value": "85", "second_value": "15"}),
    ("ENERGY", {"value": "7", "as_of_date": "1/10/2565"}),
]


@pytest.mark.parametrize(("code", "changes"), GOOD_INPUTS, ids=[code for code, _c in GOOD_INPUTS])
def test_what_the_save_accepts_the_preview_scores(client, staff_user, kks, round1, div3, code, changes):
    item = assignment(kks, code)
    client.force_login(staff_user)
    saved = browser_post(client, entry_url(round1, div3, item), changes)
    assert saved.status_code == 302, page_text(saved)[:2000]
    api = APIClient()
    api.force_authenticate(staff_user)
    body = {"assignment_id": item.pk, "round_id": round1.pk, "org_unit_id": div3.pk, **changes}
    previewed = api.post("/api/score-preview/", body, format="json")
    assert previewed.status_code == 200, previewed.json()
    assert previewed.json()["score"] is not None


# ---- the entry page: counters, limits for the browser, and a request that is too large ---------------------------


def test_the_entry_page_gives_the_browser_the_servers_limits(client, settings, staff_user, kks, round1, div3):
    client.force_login(staff_user)
    html = page_text(client.get(entry_url(round1, div3, assignment(kks, "BUDGET"))))
    assert f'data-max-body="{settings.DATA_UPLOAD_MAX_MEMORY_SIZE}"' in html
    assert f'data-max-fields="{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}"' in html
    assert f'data-maxlength="{ACTIONS_MAX_CHARS}"' in html
    assert "ไม่เกิน 8,000 ตัวอักษร" in _field_block(html, "actions_th")
    assert "indicators/js/limits.js" in html


def test_a_narrative_over_its_limit_is_refused_on_the_page_and_the_text_stays(client, staff_user, kks, round1, div3):
    client.force_login(staff_user)
    too_long = "ผลการดำเนินงาน" * 600  # 8,400 characters
    response = browser_post(client, entry_url(round1, div3, assignment(kks, "ENERGY")), {"actions_th": too_long})
    html = page_text(response)
    assert "ได้ไม่เกิน 8,000 ตัวอักษร (ขณะนี้ 8,400 ตัวอักษร เกิน 400)" in _field_block(html, "actions_th")
    assert too_long in html
    assert not Result.objects.exists()


def test_a_request_too_large_gets_a_thai_page_413_on_the_base_template(client, settings, staff_user, kks, round1, div3):
    """Django refuses the body before any view runs; the page is Thai, not Django's English "Bad Request (400)"."""
    client.force_login(staff_user)
    url = entry_url(round1, div3, assignment(kks, "ENERGY"))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = client.post(url, {"actions_th": "ก" * 50_000, "action": "save"}, HTTP_REFERER=f"http://testserver{url}")
    html = page_text(response)
    assert response.status_code == 413
    assert "ข้อมูลที่ส่งมีขนาดใหญ่เกินกว่าที่ระบบรับได้" in html
    assert "ระบบตัวชี้วัด กรมพัฒนาสังคมและสวัสดิการ" in html  # base.html
    assert f'href="http://testserver{url}"' in html  # back to the form, where the browser puts the typed text back
    assert "Bad Request" not in html
    assert not Result.objects.exists()


def test_too_many_fields_get_the_thai_page_too(client, settings, staff_user, kks, round1, div3):
    client.force_login(staff_user)
    url = entry_url(round1, div3, assignment(kks, "ENERGY"))
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post(url, {f"f{i}": "x" for i in range(20)})
    assert response.status_code == 400
    assert "จำนวนช่องหรือจำนวนไฟล์มากเกินกว่าที่ระบบรับได้" in page_text(response)


def test_a_service_caller_cannot_store_an_over_long_narrative_either(staff_user, kks, round1, div3):
    with pytest.raises(ValidationError) as refused:
        result_save(actor=staff_user, assignment=assignment(kks, "ENERGY"), org_unit=div3, round=round1,
                    values={"obstacles_th": "อ" * (DISCUSSION_MAX_CHARS + 1)})
    assert "ได้ไม่เกิน 4,000 ตัวอักษร" in refused.value.message_dict["obstacles_th"][0]
    assert not Result.objects.exists()


def test_a_review_comment_over_its_limit_is_refused_and_the_result_stays_submitted(
        client, staff_user, supervisor, kks, round1, div3):
    # given a budget result submitted to its supervisor
    result = result_save(actor=staff_user, assignment=assignment(kks, "BUDGET"), org_unit=div3, round=round1,
                         values={"numerator": Decimal("51230450"), "denominator": Decimal("101872300")})
    result = result_submit(actor=staff_user, result=result)
    client.force_login(supervisor)
    url = reverse("review-result", args=[result.pk])
    # then the comment box carries its limit for the counter
    assert f'data-maxlength="{NOTE_MAX_CHARS}"' in page_text(client.get(url))
    # when the supervisor returns it with a comment over the limit
    response = client.post(url, {"action": "return", "comment": "แก้" * 667})  # แ ก ้: three characters each
    # then it is refused in Thai and nothing changes
    assert "ได้ไม่เกิน 2,000 ตัวอักษร (ขณะนี้ 2,001 ตัวอักษร เกิน 1)" in page_text(response)
    result.refresh_from_db()
    assert (result.status, result.review_comment_th) == (Result.Status.SUBMITTED, "")


def test_the_return_service_refuses_an_over_long_comment_on_every_path(staff_user, supervisor, kks, round1, div3):
    # given a submitted result (the admin action and the API call the same service as the review page)
    result = result_save(actor=staff_user, assignment=assignment(kks, "BUDGET"), org_unit=div3, round=round1,
                         values={"numerator": Decimal("51230450"), "denominator": Decimal("101872300")})
    result = result_submit(actor=staff_user, result=result)
    # when the service is asked to return it with a comment one character over the limit
    with pytest.raises(ValidationError) as refused:
        result_return(actor=supervisor, result=result, comment="ก" * (NOTE_MAX_CHARS + 1))
    # then it says so in Thai and the result stays submitted
    assert "ได้ไม่เกิน 2,000 ตัวอักษร" in refused.value.messages[0]
    result.refresh_from_db()
    assert result.status == Result.Status.SUBMITTED and result.review_comment_th == ""
