"""Buddhist-Era dates with Thai month names, as the documents print them (DOMAIN.md §2.1)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from indicators.numbers import to_thai_digits

register = template.Library()

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)


@register.filter(expects_localtime=True)
def thai_date(value: dt.date | None, style: str = "long") -> str:
    """30 กันยายน 2564 (long) or 30 ก.ย. 64 (short); an aware datetime is shown in Asia/Bangkok."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    be = value.year + 543
    if style == "short":
        return f"{value.day} {THAI_MONTHS_SHORT[value.month - 1]} {be % 100:02d}"
    return f"{value.day} {THAI_MONTHS[value.month - 1]} {be}"


@register.filter
def thai_digits(value: object) -> str:
    """Arabic digits to Thai digits (๒๕๖๖), an option for official letters."""
    return to_thai_digits(str(value))
