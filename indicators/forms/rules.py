"""The rules a result's typed values must keep — one function for the save and the live score preview (issue 8).

ResultForm.clean() and POST /api/score-preview/ (indicators/apis.py) both call check_values() on values cleaned by
the same form fields, so the preview never shows a score for input the save refuses, and both say why in the same
Thai words. Rules (DOMAIN.md §2.1, §3.8, §4.f):

- numerator and denominator come together, the denominator is above zero, a numerator above its denominator is
  confirmed on purpose (document 000 table 3.2 has 7 of 1);
- a typed percentage is at most 100; satisfaction + dissatisfaction is at most 100 (each respondent is in one group);
- the as-of date (ข้อมูล ณ วันที่) is not in the future (Asia/Bangkok) and lies in the round's fiscal year
  (1 October BE−1 to 30 September BE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models.calendar import fiscal_year_bounds
from indicators.templatetags.thai_dates import thai_date

MODE_RATIO = "ratio"
MODE_VALUE = "value"
MODE_BREAKDOWN = "breakdown"

# Fields a result may carry, in the order their problems are reported.
VALUE_FIELDS = ("value", "numerator", "denominator", "numerator_above_denominator_confirmed", "second_value",
                "as_of_date")
# Also the sub-unit table's own refusal (indicators/forms/sub_units.py).
SUM_NOT_ABOVE_ZERO = gettext_lazy("ผลรวมตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)")


def entry_fields(kind: str, has_ratio: bool) -> frozenset[str]:
    """The inputs of an indicator's shape (EntryShape.kind / has_ratio); the narrative fields always come too."""
    keep = {"version", "as_of_date"}
    if kind in ("value", "ratio", "external", "composite", "mixed", "none"):
        keep.add("value")
    if has_ratio and kind in ("ratio", "mixed", "none"):
        keep |= {"numerator", "denominator", "numerator_above_denominator_confirmed"}
        if kind != "none":
            keep.add("mode")
    if kind == "composite":
        keep.add("second_value")
    if kind == "mixed":
        keep.add("level1_milestone_done")
    if kind == "maturity":
        keep.add("achieved_level")
    return frozenset(keep)


def apply_mode(data: dict[str, Any], fields: frozenset[str], mode: str | None) -> str | None:
    """Drop the numbers of the modes not chosen (typed totals, a sub-unit table, or the percentage itself)."""
    if "mode" not in fields:
        return None
    mode = mode or MODE_RATIO
    if mode == MODE_VALUE:
        data["numerator"] = data["denominator"] = None
    else:  # ratio, or breakdown: the table's totals become the numerator and denominator
        data["value"] = None
    return mode


def check_values(
    data: Mapping[str, Any],
    *,
    kind: str,
    has_ratio: bool,
    percent: bool,
    mode: str | None,
    fiscal_year_be: int | None,
    today: dt.date,
    failed: frozenset[str] = frozenset(),
    rows_above: bool = False,
    part_names: tuple[str, str] = ("", ""),
) -> dict[str, str]:
    """{field: Thai message} for every rule the values break; empty when the save accepts them.

    ``data`` holds cleaned values (Decimal, date, bool or None); ``failed`` names fields whose own cleaning already
    failed (they are not judged again). In breakdown mode numerator and denominator are the table's totals and
    ``rows_above`` says whether any row has its numerator above its denominator.
    """
    fields = entry_fields(kind, has_ratio)
    errors: dict[str, str] = {}

    def refuse(name: str, message: str) -> None:
        if name not in failed and name not in errors:
            errors[name] = message

    def number(name: str) -> Decimal | None:
        return None if name in failed or name not in fields else data.get(name)

    numerator, denominator = number("numerator"), number("denominator")
    confirmed = bool(data.get("numerator_above_denominator_confirmed"))
    if "numerator" in fields and not {"numerator", "denominator"} & failed:
        if mode == MODE_BREAKDOWN:
            if denominator is not None and denominator <= 0:
                refuse("denominator", str(SUM_NOT_ABOVE_ZERO))
            elif numerator is not None and denominator is not None and (numerator > denominator or rows_above) \
                    and not confirmed:
                refuse("numerator_above_denominator_confirmed", _(
                    "มีหน่วยงานที่ตัวตั้งมากกว่าตัวหาร กรุณาตรวจสอบ หากถูกต้องให้เลือก “ยืนยันตัวตั้งมากกว่าตัวหาร”"))
        elif numerator is None and denominator is not None:
            refuse("numerator", _("กรุณากรอกตัวตั้งด้วย (ต้องระบุทั้งตัวตั้งและตัวหาร)"))
        elif denominator is None and numerator is not None:
            refuse("denominator", _("กรุณากรอกตัวหารด้วย (ต้องระบุทั้งตัวตั้งและตัวหาร)"))
        elif denominator is not None and denominator == 0:
            refuse("denominator", _("ตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)"))
        elif numerator is not None and denominator is not None and numerator > denominator and not confirmed:
            refuse("numerator", _(
                "ตัวตั้งมากกว่าตัวหาร กรุณาตรวจสอบ หากถูกต้องให้เลือก “ยืนยันตัวตั้งมากกว่าตัวหาร”"))

    value, second = number("value"), number("second_value")
    if percent:
        for name, typed in (("value", value), ("second_value", second)):
            if typed is not None and typed > 100:
                refuse(name, _("ร้อยละต้องไม่เกิน 100"))
    if kind == "composite" and value is not None and second is not None and value + second > 100:
        first_name = part_names[0] or _("ร้อยละของระดับความพึงพอใจ")
        second_name = part_names[1] or _("ร้อยละของระดับความไม่พึงพอใจ")
        refuse("second_value", _(
            "%(first)s (%(a)s) รวมกับ%(second)s (%(b)s) ได้ %(sum)s ซึ่งเกิน 100 "
            "(ผู้ตอบแต่ละคนอยู่ได้เพียงกลุ่มเดียว) กรุณาตรวจสอบ"
        ) % {"first": first_name, "second": second_name, "a": _plain(value), "b": _plain(second),
             "sum": _plain(value + second)})

    if "as_of_date" not in failed:
        problem = as_of_date_problem(data.get("as_of_date"), fiscal_year_be, today)
        if problem:
            refuse("as_of_date", problem)
    return {name: errors[name] for name in sorted(errors, key=_order)}


def as_of_date_problem(value: dt.date | None, fiscal_year_be: int | None, today: dt.date) -> str:
    """Why an as-of date is refused ("" when it is fine): not after today, and inside the round's fiscal year."""
    if value is None:
        return ""
    if value > today:
        return _("ข้อมูล ณ วันที่ ต้องไม่เป็นวันในอนาคต")
    if fiscal_year_be is not None:
        start, end = fiscal_year_bounds(fiscal_year_be)
        if not start <= value <= end:
            return _(
                "ข้อมูล ณ วันที่ ต้องอยู่ในปีงบประมาณ พ.ศ. %(year)s (%(start)s – %(end)s)"
            ) % {"year": fiscal_year_be, "start": thai_date(start), "end": thai_date(end)}
    return ""


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _order(name: str) -> int:
    return VALUE_FIELDS.index(name) if name in VALUE_FIELDS else len(VALUE_FIELDS)

