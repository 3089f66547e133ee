"""Entry forms: numbers and dates typed the Thai way, and the checks every result form makes (DOMAIN.md §3.3, §3.8,
§4.c, §11.1). The forms only validate; the services write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms as django_forms

from indicators.forms import (
    EntryShape,
    MilestoneStepForm,
    ResultForm,
    Step,
    SubUnitFormSet,
    ThaiDateField,
    ThaiDecimalField,
    entry_shape,
    normalise_number,
    show_number,
)
from indicators.models import IndicatorDefinition

TODAY = dt.date(2023, 4, 10)


class NumberForm(django_forms.Form):
    number = ThaiDecimalField()
    signed = ThaiDecimalField(allow_negative=True)


def typed(text: str, name: str = "number") -> NumberForm:
    form = NumberForm({name: text})
    form.is_valid()
    return form


# ---- ThaiDecimalField -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๑๓.๙๐", Decimal("13.90")),            # Thai digits, as printed in official letters (§2.1)
        ("1,424", Decimal("1424")),              # thousands separators, as in document 000 table 3.1 (§3.3)
        ("๑,๔๒๔", Decimal("1424")),
        ("51,230,450.50", Decimal("51230450.50")),
        ("1 424", Decimal("1424")),              # a space between thousands
        ("1\u00a0424", Decimal("1424")),         # a no-break space pasted from a document
        ("  13.90  ", Decimal("13.90")),
        ("13٫90", Decimal("13.90")),             # Arabic decimal separator
        ("١٣.٩٠", Decimal("13.90")),             # Arabic-Indic digits
        ("13.90%", Decimal("13.90")),            # a percent sign typed after the value
        (".5", Decimal("0.5")),
        ("0", Decimal("0")),
    ],
)
def test_thai_decimal_field_understands_numbers_typed_the_thai_way(text, expected):
    form = typed(text)
    assert form.errors == {}
    assert form.cleaned_data["number"] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "กรุณากรอกเป็นตัวเลข เช่น 13.90 หรือ 1,424"),
        ("12a", "กรุณากรอกเป็นตัวเลข เช่น 13.90 หรือ 1,424"),
        ("1.2.3", "กรุณากรอกเป็นตัวเลข เช่น 13.90 หรือ 1,424"),
        ("NaN", "กรุณากรอกเป็นตัวเลข เช่น 13.90 หรือ 1,424"),
        ("13,90", "เครื่องหมายจุลภาค (,) ไม่ถูกตำแหน่ง"),  # a European decimal comma is not silently 1390
        ("1,42,4", "เครื่องหมายจุลภาค (,) ไม่ถูกตำแหน่ง"),
        ("13.12345", "ทศนิยมได้ไม่เกิน 4 ตำแหน่ง"),
        ("-5", "ต้องไม่ติดลบ"),
        ("1" * 20, "ตัวเลขยาวเกินไป"),
    ],
)
def test_thai_decimal_field_refuses_bad_numbers_with_a_thai_message(text, message):
    form = typed(text)
    assert message in form.errors["number"][0]


def test_blank_is_no_value_rather_than_an_error():
    form = typed("   ")
    assert form.errors == {}
    assert form.cleaned_data["number"] is None


def test_negative_numbers_only_where_the_field_allows_them():
    assert typed("-5", "signed").cleaned_data["signed"] == Decimal(-5)
    assert typed("−๕", "signed").cleaned_data["signed"] == Decimal(-5)   # Unicode minus and a Thai digit


def test_stored_numbers_are_shown_as_people_type_them():
    assert show_number(Decimal("51230450.0000")) == "51,230,450"
    assert show_number(Decimal("13.9000")) == "13.9"
    assert show_number(Decimal("1E+2")) == "100"
    assert 'value="1,424"' in str(NumberForm(initial={"number": Decimal("1424.0000")})["number"])


def test_normalise_number_is_shared_with_the_api():
    assert normalise_number("๕๑,๒๓๐,๔๕๐") == "51230450"


# ---- ThaiDateField ----------------------------------------------------------------------------------------------


class DateForm(django_forms.Form):
    day = ThaiDateField()


@pytest.mark.parametrize(
    "text", ["31/03/2566", "31/3/2566", "๓๑/๐๓/๒๕๖๖", "31/03/2023", "2023-03-31", "31.3.2566"]
)
def test_dates_are_read_in_the_buddhist_era_or_common_era(text):
    form = DateForm({"day": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2023, 3, 31)


def test_an_impossible_date_is_refused_in_thai():
    form = DateForm({"day": "31/02/2566"})
    assert not form.is_valid()
    assert "วัน/เดือน/ปี พ.ศ." in form.errors["day"][0]


def test_dates_are_shown_day_month_buddhist_year():
    html = str(DateForm(initial={"day": dt.date(2023, 3, 31)})["day"])
    assert 'value="31/03/2566"' in html


# ---- ResultForm -------------------------------------------------------------------------------------------------


def definition(unit: str = "percent", formula: bool = True) -> IndicatorDefinition:
    return IndicatorDefinition(
        name_th="ตัวชี้วัดทดสอบ", unit_of_measure=unit,
        formula_numerator_th="จำนวนกลุ่มเป้าหมายที่มีสมรรถภาพดีขึ้น" if formula else "",
        formula_denominator_th="จำนวนกลุ่มเป้าหมายที่ได้รับการพัฒนาศักยภาพ" if formula else "",
    )


RATIO = EntryShape("ratio", has_ratio=True, percent=True)
VALUE_PERCENT = EntryShape("value", has_ratio=False, percent=True)


def result_form(data, shape=RATIO, unit="percent"):
    form = ResultForm(data, shape=shape, definition=definition(unit, shape.has_ratio), today=TODAY)
    form.is_valid()
    return form


def test_a_ratio_is_saved_as_numerator_and_denominator():
    form = result_form({"mode": "ratio", "numerator": "198", "denominator": "1,424", "value": "99"})
    assert form.errors == {}
    values = form.service_values()
    assert (values["numerator"], values["denominator"]) == (Decimal(198), Decimal(1424))
    assert "value" not in values or values["value"] is None  # the other mode's field is dropped


def test_a_zero_denominator_is_refused_because_no_percentage_can_be_computed():
    """DOMAIN.md §3.8: a zero denominator is "not computable"."""
    form = result_form({"mode": "ratio", "numerator": "5", "denominator": "0"})
    assert form.errors["denominator"] == ["ตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)"]


def test_a_numerator_above_the_denominator_needs_confirmation():
    """DOMAIN.md §11.1: document 000 table 3.2 has 7 of 1; allowed, but only on purpose."""
    refused = result_form({"mode": "ratio", "numerator": "7", "denominator": "1"})
    assert "ยืนยันตัวตั้งมากกว่าตัวหาร" in refused.errors["numerator"][0]
    confirmed = result_form({"mode": "ratio", "numerator": "7", "denominator": "1",
                             "numerator_above_denominator_confirmed": "on"})
    assert confirmed.errors == {}
    assert confirmed.service_values()["numerator_above_denominator_confirmed"] is True


def test_numerator_and_denominator_come_together():
    form = result_form({"mode": "ratio", "numerator": "7"})
    assert "ต้องระบุทั้งตัวตั้งและตัวหาร" in form.errors["denominator"][0]


def test_a_percentage_above_100_is_refused_for_percent_indicators_only():
    assert result_form({"value": "100.01"}, VALUE_PERCENT).errors["value"] == ["ร้อยละต้องไม่เกิน 100"]
    assert result_form({"value": "100"}, VALUE_PERCENT).errors == {}
    counted = EntryShape("value", has_ratio=False, percent=False)
    assert result_form({"value": "1,424"}, counted, unit="count").errors == {}


def test_a_ratio_above_100_percent_is_not_the_value_rule():
    """The 100 % cap applies to a typed percentage, not to a confirmed numerator above its denominator."""
    form = result_form({"mode": "ratio", "numerator": "700", "denominator": "100",
                        "numerator_above_denominator_confirmed": "on"})
    assert form.errors == {}


def test_an_as_of_date_in_the_future_is_refused():
    form = result_form({"mode": "ratio", "as_of_date": "11/04/2566"})
    assert form.errors["as_of_date"] == ["ข้อมูล ณ วันที่ ต้องไม่เป็นวันในอนาคต"]
    assert result_form({"mode": "ratio", "as_of_date": "10/04/2566"}).errors == {}


def test_composite_asks_for_both_measures_under_their_printed_names():
    shape = EntryShape("composite", has_ratio=False, percent=True,
                       part_names=("ร้อยละของระดับความพึงพอใจ", "ร้อยละของระดับความไม่พึงพอใจ"))
    form = result_form({"value": "86.20", "second_value": "120"}, shape)
    assert form.fields["second_value"].label == "ร้อยละของระดับความไม่พึงพอใจ"
    assert form.errors == {"second_value": ["ร้อยละต้องไม่เกิน 100"]}


def test_fields_that_do_not_fit_the_indicator_are_not_offered():
    milestones = ResultForm(shape=EntryShape("milestones", False, False), definition=definition(), today=TODAY)
    assert {"value", "numerator", "denominator", "second_value"}.isdisjoint(milestones.fields)
    assert {"actions_th", "supporting_factors_th", "obstacles_th", "suggestions_th", "evidence_th",
            "as_of_date"} <= set(milestones.fields)


# ---- milestone rows and the sub-unit table --------------------------------------------------------------------


def step_form(data):
    form = MilestoneStepForm(data, prefix="ms-1-0", step=Step("1", 0, "แต่งตั้งคณะทำงาน", True, 1), today=TODAY)
    form.is_valid()
    return form


def test_a_ticked_step_needs_the_date_it_was_done():
    """DOMAIN.md §4.c: per level, the completion date and evidence are stored."""
    assert "กรุณาระบุวันที่ดำเนินการ" in step_form({"ms-1-0-done": "on"}).errors["done_on"][0]
    done = step_form({"ms-1-0-done": "on", "ms-1-0-done_on": "15/11/2565", "ms-1-0-evidence_th": "คำสั่งแต่งตั้ง"})
    assert done.errors == {}
    assert done.service_row() == {"level": "1", "deliverable_index": 0, "done": True,
                                  "done_on": dt.date(2022, 11, 15), "evidence_th": "คำสั่งแต่งตั้ง"}


def test_a_step_cannot_be_done_in_the_future():
    form = step_form({"ms-1-0-done": "on", "ms-1-0-done_on": "11/04/2566"})
    assert form.errors["done_on"] == ["วันที่ดำเนินการต้องไม่เป็นวันในอนาคต"]


def sub_formset(rows):
    data = {"sub-TOTAL_FORMS": str(len(rows)), "sub-INITIAL_FORMS": "0", "sub-MIN_NUM_FORMS": "0",
            "sub-MAX_NUM_FORMS": "1000"}
    for index, (label, denominator, numerator) in enumerate(rows):
        data.update({f"sub-{index}-label_th": label, f"sub-{index}-denominator": denominator,
                     f"sub-{index}-numerator": numerator})
    formset = SubUnitFormSet(data, prefix="sub")
    formset.is_valid()
    return formset


@pytest.mark.django_db
def test_the_sub_unit_table_adds_up_numerators_and_denominators():
    """DOMAIN.md §3.8: per-unit tables aggregate by summing, not by averaging percentages."""
    formset = sub_formset([("สถานคุ้มครองคนไร้ที่พึ่งทับทวน", "259", "34"),
                           ("สถานคุ้มครองคนไร้ที่พึ่งวังทอง", "๒๕๐", "๒๘"),
                           ("", "", "")])  # a blank row is skipped
    assert formset.is_valid(), formset.errors
    assert formset.totals() == (Decimal(62), Decimal(509))
    assert len(formset.rows()) == 2


@pytest.mark.django_db
def test_the_sub_unit_table_refuses_unnamed_rows_and_an_empty_table():
    unnamed = sub_formset([("", "10", "5")])
    assert unnamed.errors[0]["label_th"] == ["กรุณาระบุชื่อหน่วยงาน"]
    empty = sub_formset([("", "", "")])
    assert empty.non_form_errors() == ["ตารางรายหน่วยงานต้องมีอย่างน้อยหนึ่งแถวที่กรอกตัวเลข"]
    zero = sub_formset([("หน่วย ก", "0", "0")])
    assert "ผลรวมตัวหารต้องมากกว่าศูนย์" in zero.non_form_errors()[0]


# ---- which inputs each FY2566 indicator needs --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "round_number", "kind"),
    [
        ("BUDGET", 1, "ratio"),            # bands on a percentage with a formula (§4.e)
        ("SATISFACTION", 1, "composite"),  # satisfaction and dissatisfaction (§4.f)
        ("ITA", 1, "milestones"),          # round 1 milestones (§4.c)
        ("ITA", 2, "external"),            # round 2: the NACC score (§4.g)
        ("ENERGY", 1, "external"),         # e-report points (§4.g)
        ("HOUSEHOLD", 1, "mixed"),         # level 1 is a milestone, then percentages (§4.c)
        ("PMQA40", 1, "milestones"),       # with "-" levels
    ],
)
def test_each_indicator_gets_the_inputs_its_criteria_need(kks_framework, code, round_number, kind):
    assignment = kks_framework.assignments.get(definition__code=code)
    assert entry_shape(assignment, assignment.criteria_for(round_number)).kind == kind


@pytest.mark.django_db
def test_an_indicator_without_criteria_can_still_be_drafted(kks_framework):
    improved = kks_framework.assignments.get(definition__code="PMQA_KPI_IMPROVED")
    shape = entry_shape(improved, improved.criteria_for(1))
    assert (shape.kind, shape.has_ratio) == ("none", True)
