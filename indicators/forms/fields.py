"""Thai numbers and dates in forms: digits, separators, Buddhist-Era dates and plain Thai problems (DOMAIN.md §3.3)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.models import Result
from indicators.validators import TextLimit

# Typed numbers are stored in Result's DecimalFields (18 digits, 4 of them decimals): a form field refuses whatever
# those columns could not hold, so the save and the live preview (which cleans with the same field) agree.
_STORED = Result._meta.get_field("numerator")
STORED_MAX_DIGITS: int = _STORED.max_digits
STORED_DECIMAL_PLACES: int = _STORED.decimal_places

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
    from indicators import numbers

    return numbers.typed(value)


def _trimmed(number: Decimal) -> Decimal:
    """13.90000 → 13.9: zeros after the last decimal digit do not count against the decimal places."""
    sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):
        return number
    kept = list(digits)
    while exponent < 0 and len(kept) > 1 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    if kept == [0]:
        return Decimal(0)
    return Decimal((sign, tuple(kept), exponent))


class ThaiDecimalField(forms.DecimalField):
    """A Decimal typed the Thai way: ๑๓.๙๐, 1,424, "1 424", 13.90% — within the stored digits, not negative by default.

    The score preview API cleans its numbers with this same field, so both refuse the same input with the same words.
    """

    default_error_messages = {
        "required": _("กรุณากรอกข้อมูลช่องนี้"),
        "invalid": _("กรุณากรอกเป็นตัวเลข เช่น 13.90 หรือ 1,424"),
        "grouping": _("เครื่องหมายจุลภาค (,) ไม่ถูกตำแหน่ง: ใช้จุลภาคคั่นหลักพัน และใช้จุด (.) เป็นจุดทศนิยม"),
        "max_digits": _("ตัวเลขยาวเกินไป (ไม่เกิน %(max)s หลัก)"),
        "max_decimal_places": _("ทศนิยมได้ไม่เกิน %(max)s ตำแหน่ง"),
        "max_whole_digits": _("ตัวเลขยาวเกินไป: ก่อนจุดทศนิยมได้ไม่เกิน %(max)s หลัก"),
        "min_value": _("ต้องไม่ติดลบ"),
        "max_value": _("ต้องไม่เกิน %(limit_value)s"),
    }

    def __init__(self, *, allow_negative: bool = False, max_digits: int = STORED_MAX_DIGITS,
                 decimal_places: int = STORED_DECIMAL_PLACES, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                           "spellcheck": "false"}))
        kwargs.setdefault("required", False)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places,
                         min_value=None if allow_negative else Decimal(0), **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return self._within_columns(super().to_python(value))
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, bool):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            text = normalise_number(value)
        except NumberFormatError as exc:
            raise ValidationError(self.error_messages[exc.code], code=exc.code) from None
        return self._within_columns(super().to_python(text))

    def _within_columns(self, number: Decimal | None) -> Decimal | None:
        """Refuse more whole digits than the column holds (a 23-digit numerator) before any other digit rule."""
        if number is None:
            return None
        number = _trimmed(number)
        _sign, digits, exponent = number.as_tuple()
        whole = max(len(digits) + int(exponent), 0)
        if self.max_digits is not None and self.decimal_places is not None:
            allowed = self.max_digits - self.decimal_places
            if whole > allowed:
                raise ValidationError(self.error_messages["max_whole_digits"], code="max_whole_digits",
                                      params={"max": allowed})
        return number

    def prepare_value(self, value: Any) -> Any:
        return show_number(value) if isinstance(value, Decimal) else value


class NarrativeField(forms.CharField):
    """Free text of at most ``limit`` characters, the limit of its model field (indicators/models/results.py).

    The textarea carries ``data-maxlength`` rather than ``maxlength``: a browser silently cuts a paste at maxlength,
    whereas the page's counter (static/indicators/js/limits.js) shows how far over the text is and keeps all of it.
    Line breaks are stored as LF, so a line break counts once here, in the model and on the page.
    """

    def __init__(self, *, limit: int, rows: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(validators=[TextLimit(limit)], **kwargs)
        self.limit = limit
        self.limit_text = f"{limit:,}"  # 8,000 as the counter under the box shows it
        self.widget.attrs["data-maxlength"] = str(limit)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return str(text).replace("\r\n", "\n").replace("\r", "\n")


def narrative_field(model: Any, name: str, rows: int = 4, **kwargs: Any) -> NarrativeField:
    """A NarrativeField labelled and limited like ``model.name``."""
    field = model._meta.get_field(name)
    kwargs.setdefault("label", field.verbose_name)
    return NarrativeField(limit=field.max_length, rows=rows, **kwargs)


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


