"""Thai numbers and dates in forms: digits, separators, Buddhist-Era dates and plain Thai problems (DOMAIN.md §3.3)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = {
    **{ord(c): str(i) for i, c in enumerate("๐๑๒๓๔๕๖๗๘๙")},  # Thai
    **{ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")},  # Arabic-Indic
    **{ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")},  # Extended Arabic-Indic
    **{ord(c): str(i) for i, c in enumerate("０１２３４５６７８９")},  # full width
}
_DECIMAL_POINTS = {ord("٫"): ".", ord("．"): "."}  # Arabic decimal separator, full-width full stop
_THOUSANDS = {ord("٬"): ",", ord("，"): ","}  # Arabic thousands separator, full-width comma
_MINUS = {ord("−"): "-", ord("－"): "-"}
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class NumberFormatError(ValueError):
    """Raised by normalise_number; ``code`` is "invalid" or "grouping"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_number(text: object) -> str:
    """"๑,๔๒๔.๕๐" → "1424.50": Thai/Arabic digits, thousands separators, spaces and decimal points as typed.

    A comma must separate thousands ("1,424"); "13,90" is refused rather than read as 1390.
    """
    raw = str(text).translate(_DIGITS).translate(_DECIMAL_POINTS).translate(_THOUSANDS).translate(_MINUS)
    raw = "".join(raw.split())  # every Unicode space, also inside the number ("1 424")
    if raw.endswith("%"):
        raw = raw[:-1]
    if "," in raw:
        if not _GROUPED.fullmatch(raw):
            raise NumberFormatError("grouping")
        raw = raw.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
        raise NumberFormatError("invalid")
    return raw


def show_number(value: Decimal | None) -> str:
    """A stored Decimal as a person types it: thousands separators, no trailing zeros (51,230,450 / 13.9)."""
    if value is None:
        return ""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    return f"{normal:,f}"


class ThaiDecimalField(forms.DecimalField):
    """A Decimal typed the Thai way: ๑๓.๙๐, 1,424, "1 424", 13.90% — max 4 decimals, not negative by default."""

    default_error_messages = {
        "required": _("กรุณากรอกข้อมูลช่องนี้"),
        "invalid": _("กรุณากรอกเป็นตัวเลข เช่น 13.90 หรือ 1,424"),
        "grouping": _("เครื่องหมายจุลภาค (,) ไม่ถูกตำแหน่ง: ใช้จุลภาคคั่นหลักพัน และใช้จุด (.) เป็นจุดทศนิยม"),
        "max_digits": _("ตัวเลขยาวเกินไป (ไม่เกิน %(max)s หลัก)"),
        "max_decimal_places": _("ทศนิยมได้ไม่เกิน %(max)s ตำแหน่ง"),
        "max_whole_digits": _("จำนวนเต็มยาวเกินไป (ไม่เกิน %(max)s หลัก)"),
        "min_value": _("ต้องไม่ติดลบ"),
        "max_value": _("ต้องไม่เกิน %(limit_value)s"),
    }

    def __init__(self, *, allow_negative: bool = False, max_digits: int = 18, decimal_places: int = 4,
                 **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                           "spellcheck": "false"}))
        kwargs.setdefault("required", False)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places,
                         min_value=None if allow_negative else Decimal(0), **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return super().to_python(value)  # type: ignore[no-any-return]
        if isinstance(value, str) and not value.strip():
            return None
        try:
            text = normalise_number(value)
        except NumberFormatError as exc:
            raise ValidationError(self.error_messages[exc.code], code=exc.code) from None
        return super().to_python(text)  # type: ignore[no-any-return]

    def prepare_value(self, value: Any) -> Any:
        return show_number(value) if isinstance(value, Decimal) else value


class ThaiDateInput(forms.DateInput):
    """A text box showing the date as Thai people write it: 31/03/2566 (day/month/Buddhist-Era year)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"class": "thai-date", "placeholder": "วว/ดด/ปปปป", "inputmode": "numeric", "autocomplete": "off",
                    "data-thai-date": "1"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return f"{value.day:02d}/{value.month:02d}/{value.year + 543}"
        return super().format_value(value)  # type: ignore[no-any-return]


class ThaiDateField(forms.DateField):
    """A date typed as 31/3/2566 (พ.ศ.), 31/3/2023 or 2023-03-31; Thai digits allowed."""

    default_error_messages = {"invalid": _("กรุณากรอกวันที่ในรูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 31/03/2566")}
    widget = ThaiDateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            text = value.translate(_DIGITS).strip()
            match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
            if match:
                day, month, year = (int(part) for part in match.groups())
                if year > 2400:  # Buddhist Era
                    year -= 543
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            value = text
        return super().to_python(value)  # type: ignore[no-any-return]


def not_in_future(value: dt.date | None, today: dt.date, message: str) -> None:
    if value is not None and value > today:
        raise ValidationError(message, code="future")


def plain_problem(text: str) -> str:
    """The engine's "nothing measured" message in words for the person filling in the form."""
    if text.startswith("ไม่มีผลการดำเนินงาน"):
        return str(_("ยังไม่ได้กรอกผลการดำเนินงาน"))
    if text.startswith("ส่วนที่ ") and "ไม่มีผลการดำเนินงาน" in text:
        return str(_("ยังกรอกผลไม่ครบทั้งสองตัววัด"))
    return text


