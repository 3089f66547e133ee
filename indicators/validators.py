"""Validators shared by the models and the forms (issue 8: bad input, handled)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


def text_length(value: str) -> int:
    """Characters as the page's counter shows them: a line break counts once (browsers post it as CR LF)."""
    return len(value.replace("\r\n", "\n"))


@deconstructible
class TextLimit(MaxLengthValidator):
    """At most ``limit_value`` characters, said in Thai with thousands separators ("ไม่เกิน 8,000 ตัวอักษร")."""

    message = _("ข้อความยาวเกินกำหนด: ได้ไม่เกิน %(limit)s ตัวอักษร (ขณะนี้ %(length)s ตัวอักษร เกิน %(over)s)")
    code = "max_length"

    def __call__(self, value: Any) -> None:
        length = text_length(str(value))
        if length > self.limit_value:
            raise ValidationError(self.message, code=self.code, params={
                "limit": f"{self.limit_value:,}", "length": f"{length:,}", "over": f"{length - self.limit_value:,}",
                "limit_value": self.limit_value, "show_value": length,
            })
