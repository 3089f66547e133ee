"""The per-unit breakdown table whose totals become the result's numerator and denominator (DOMAIN.md §6.1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.breakdown_totals import breakdown_totals
from indicators.forms.fields import ThaiDecimalField
from indicators.forms.rendering import ENTRY_RENDERER
from indicators.forms.rules import SUM_NOT_ABOVE_ZERO
from indicators.models import OrgUnit, Result


class SubUnitRowForm(forms.Form):
    """One row of the per-unit table (document 000, indicator 3.1: 14 shelters); blank rows are skipped."""

    default_renderer = ENTRY_RENDERER

    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False, widget=forms.HiddenInput)
    label_th = forms.CharField(label=_("หน่วยงาน"), required=False, max_length=300)
    denominator = ThaiDecimalField(label=_("ตัวหาร"))
    numerator = ThaiDecimalField(label=_("ตัวตั้ง"))

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()
        self.fields["org_unit"].error_messages["invalid_choice"] = _("หน่วยงานนี้ไม่อยู่ในความรับผิดชอบของหน่วยงานที่รายงาน")

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("numerator") is None and data.get("denominator") is None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        numbers = (data.get("numerator"), data.get("denominator"))
        if any(n is not None for n in numbers):
            if not (data.get("label_th") or "").strip() and not data.get("org_unit"):
                self.add_error("label_th", _("กรุณาระบุชื่อหน่วยงาน"))
            if numbers[0] is None and not self.has_error("numerator"):
                self.add_error("numerator", _("กรุณากรอกตัวตั้ง (ใส่ 0 ได้)"))
            if numbers[1] is None and not self.has_error("denominator"):
                self.add_error("denominator", _("กรุณากรอกตัวหาร (ใส่ 0 ได้)"))
        return data

    @property
    def above(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        n, d = data.get("numerator"), data.get("denominator")
        return n is not None and d is not None and n > d

    def service_row(self) -> dict[str, Any]:
        data = self.cleaned_data
        unit = data.get("org_unit")
        return {"org_unit": unit, "label_th": (data.get("label_th") or "").strip() or (unit.name_th if unit else ""),
                "numerator": data.get("numerator"), "denominator": data.get("denominator")}


class BaseSubUnitFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        self.units = units
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"units": self.units}

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = [form for form in self.forms if not form.is_blank]
        if not rows:
            raise ValidationError(_("ตารางรายหน่วยงานต้องมีอย่างน้อยหนึ่งแถวที่กรอกตัวเลข"), code="empty")
        if breakdown_totals(form.cleaned_data for form in rows).denominator <= 0:
            raise ValidationError(SUM_NOT_ABOVE_ZERO, code="zero")

    def rows(self) -> list[dict[str, Any]]:
        return [form.service_row() for form in self.forms if not form.is_blank]

    def totals(self) -> tuple[Decimal, Decimal]:
        totals = breakdown_totals(self.rows())
        return totals.numerator, totals.denominator


SubUnitFormSet = forms.formset_factory(SubUnitRowForm, formset=BaseSubUnitFormSet, extra=2, max_num=200,
                                       validate_max=True, renderer=ENTRY_RENDERER)


def sub_unit_initial(result: Result | None, units: list[OrgUnit]) -> list[dict[str, Any]]:
    """Saved rows, else one row per unit the reporting unit supervises (e.g. the shelters of กคส.)."""
    if result is not None:
        saved = list(result.sub_results.all())
        if saved:
            return [{"org_unit": row.org_unit_id, "label_th": row.label_th, "numerator": row.numerator,
                     "denominator": row.denominator} for row in saved]
    return [{"org_unit": unit.pk, "label_th": unit.name_th} for unit in units]


