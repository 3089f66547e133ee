"""The reopen form (reason and date) shared by the review page and the admin's intermediate pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

# simple-history keeps at most 100 characters of a change reason; services prefix the reason ("เปิดรอบการรายงาน: ").
REASON_MAX_LENGTH = 80


class ThaiDateInput(forms.TextInput):
    """A date shown and typed the Thai way, day/month/Buddhist-Era year (a browser date picker shows CE years)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"placeholder": "เช่น 31/3/2567", "inputmode": "numeric", "size": 14, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return f"{value.day}/{value.month}/{value.year + 543}"
        return super().format_value(value)  # type: ignore[no-any-return]


class ThaiDateField(forms.DateField):
    """A date typed the Thai way: 31/3/2567 (Buddhist Era; 31/3/2024 also works) or ISO 2024-03-31."""

    widget = ThaiDateInput
    default_error_messages = {"invalid": "กรุณาระบุวันที่เป็นวัน/เดือน/ปี พ.ศ. เช่น 31/3/2567"}

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and value.count("/") == 2:
            day, month, year = (part.strip() for part in value.split("/"))
            if day.isdigit() and month.isdigit() and year.isdigit():
                be_or_ce = int(year)
                try:
                    return dt.date(be_or_ce - 543 if be_or_ce > 2400 else be_or_ce, int(month), int(day))
                except ValueError as exc:
                    raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return super().to_python(value)  # type: ignore[no-any-return]


class ReopenForm(forms.Form):
    """Reason and date for reopening a result or a round (the review page and the admin's intermediate pages)."""

    reason = forms.CharField(
        label="เหตุผลในการเปิดให้แก้ไข", max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_LENGTH}),
        help_text=f"บันทึกไว้ในประวัติการแก้ไข (ไม่เกิน {REASON_MAX_LENGTH} ตัวอักษร)",
        error_messages={"required": "กรุณาระบุเหตุผลในการเปิดให้แก้ไข",
                        "max_length": f"เหตุผลยาวได้ไม่เกิน {REASON_MAX_LENGTH} ตัวอักษร"},
    )
    until = ThaiDateField(
        label="เปิดให้แก้ไขถึงวันที่", help_text="วัน/เดือน/ปี พ.ศ. (รวมวันนั้นด้วย)",
        error_messages={"required": "กรุณาระบุวันที่สิ้นสุดการเปิดให้แก้ไข"},
    )

    def clean_until(self) -> dt.date:
        until: dt.date = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise ValidationError("วันที่ที่ระบุผ่านมาแล้ว กรุณาระบุวันนี้หรือวันถัดไป")
        return until

