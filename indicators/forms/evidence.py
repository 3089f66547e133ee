"""The evidence upload form (type, size, content and quota are checked by services.results.evidence_add)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.file_checks import ACCEPT_ATTRIBUTE
from indicators.forms.fields import NarrativeField
from indicators.forms.rendering import ENTRY_RENDERER
from indicators.models import EvidenceFile

DESCRIPTION_MAX_CHARS = int(EvidenceFile._meta.get_field("description_th").max_length or 0)


class EvidenceUploadForm(forms.Form):
    """A file for the result (or one milestone level); type, size and content are checked by evidence_add."""

    default_renderer = ENTRY_RENDERER

    file = forms.FileField(label=_("ไฟล์หลักฐาน"), error_messages={
        "required": _("กรุณาเลือกไฟล์"), "empty": _("ไฟล์ว่างเปล่า"), "invalid": _("ไม่ได้รับไฟล์ กรุณาเลือกไฟล์อีกครั้ง"),
    }, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
    description = NarrativeField(label=_("คำอธิบาย"), limit=DESCRIPTION_MAX_CHARS, widget=forms.TextInput)
    milestone_level = forms.ChoiceField(label=_("แนบกับขั้นตอน"), required=False)

    def __init__(self, *args: Any, levels: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if levels:
            self.fields["milestone_level"].choices = [("", _("ทั้งตัวชี้วัด"))] + [
                (level, _("ระดับ %(level)s") % {"level": level}) for level in levels
            ]
        else:
            del self.fields["milestone_level"]
