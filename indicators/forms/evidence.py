"""The evidence upload form (type, size and content are checked by indicators.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class EvidenceUploadForm(forms.Form):
    """A file for the result (or one milestone level); type, size and content are checked by evidence_add."""

    file = forms.FileField(label=_("ไฟล์หลักฐาน"), error_messages={
        "required": _("กรุณาเลือกไฟล์"), "empty": _("ไฟล์ว่างเปล่า"), "invalid": _("ไม่ได้รับไฟล์ กรุณาเลือกไฟล์อีกครั้ง"),
    }, widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx"}))
    description = forms.CharField(label=_("คำอธิบาย"), required=False, max_length=300)
    milestone_level = forms.ChoiceField(label=_("แนบกับขั้นตอน"), required=False)

    def __init__(self, *args: Any, levels: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if levels:
            self.fields["milestone_level"].choices = [("", _("ทั้งตัวชี้วัด"))] + [
                (level, _("ระดับ %(level)s") % {"level": level}) for level in levels
            ]
        else:
            del self.fields["milestone_level"]
