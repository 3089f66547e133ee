"""What an indicator asks for in a round (EntryShape) and the result form itself (DOMAIN.md §3.4, §3.8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.forms.fields import ThaiDateField, ThaiDecimalField, narrative_field
from indicators.forms.rendering import ENTRY_RENDERER
from indicators.forms.rules import MODE_BREAKDOWN, MODE_RATIO, MODE_VALUE, apply_mode, check_values, entry_fields
from indicators.models import Assignment, Criteria, IndicatorDefinition, Result


@dataclass(frozen=True)
class EntryShape:
    """Which inputs an indicator needs in one round, decided by its criteria and definition (DOMAIN.md §3.4)."""

    kind: str  # value | ratio | external | composite | mixed | milestones | maturity | none
    has_ratio: bool  # numerator/denominator (and a breakdown table) may be entered
    percent: bool  # unit of measure ร้อยละ: a typed value may not exceed 100
    level1_text: str = ""
    part_names: tuple[str, str] = ("", "")

    @property
    def uses_value(self) -> bool:
        return "value" in entry_fields(self.kind, self.has_ratio)

    @property
    def modes(self) -> bool:
        return self.has_ratio and self.kind in ("ratio", "mixed")


def entry_shape(assignment: Assignment, criteria: Criteria | None) -> EntryShape:
    definition = assignment.definition
    percent = definition.unit_of_measure == IndicatorDefinition.UnitOfMeasure.PERCENT
    has_ratio = definition.has_formula
    if criteria is None:
        return EntryShape("none", has_ratio, percent)
    if criteria.method == Criteria.Method.MILESTONES:
        if definition.kind == IndicatorDefinition.Kind.MATURITY:
            return EntryShape("maturity", False, False)
        return EntryShape("milestones", False, False)
    if criteria.method == Criteria.Method.COMPOSITE:
        names = list(criteria.part_names_th or []) + ["", ""]
        return EntryShape("composite", False, percent, part_names=(names[0], names[1]))
    if criteria.level1_milestone_th:
        return EntryShape("mixed", has_ratio, percent, level1_text=criteria.level1_milestone_th)
    if criteria.external or definition.kind == IndicatorDefinition.Kind.EXTERNAL:
        return EntryShape("external", False, False)
    return EntryShape("ratio" if has_ratio else "value", has_ratio, percent)


def initial_mode(result: Result | None, has_sub_rows: bool) -> str:
    if has_sub_rows:
        return MODE_BREAKDOWN
    if result is not None and result.value is not None and result.numerator is None:
        return MODE_VALUE
    return MODE_RATIO


# ---- the result form --------------------------------------------------------------------------------------------

NARRATIVE_FIELDS = ("actions_th", "supporting_factors_th", "obstacles_th", "suggestions_th", "evidence_th")


class ResultForm(forms.Form):
    """The numbers and narrative of one result; fields that do not fit the indicator's shape are removed."""

    default_renderer = ENTRY_RENDERER

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        label=_("วิธีกรอกผล"), required=False, widget=forms.RadioSelect,
        choices=[(MODE_RATIO, _("กรอกตัวตั้งและตัวหาร")), (MODE_BREAKDOWN, _("กรอกแยกรายหน่วยงาน (รวมเป็นตัวตั้ง/ตัวหาร)")),
                 (MODE_VALUE, _("กรอกผลเป็นร้อยละโดยตรง"))],
    )
    numerator = ThaiDecimalField(label=_("ตัวตั้ง"))
    denominator = ThaiDecimalField(label=_("ตัวหาร"))
    numerator_above_denominator_confirmed = forms.BooleanField(
        label=_("ยืนยันตัวตั้งมากกว่าตัวหาร"), required=False,
        help_text=_("ตัวตั้งมากกว่าตัวหารได้ในบางกรณี (เช่น ตารางที่ 3.2 ของรายงานปี 2564) กรุณาตรวจสอบแล้วยืนยัน"),
    )
    value = ThaiDecimalField(label=_("ผลการดำเนินงาน"))
    second_value = ThaiDecimalField(label=_("ผลของตัววัดที่ 2"))
    level1_milestone_done = forms.BooleanField(label=_("ดำเนินการขั้นตอนระดับ 1 แล้ว"), required=False)
    achieved_level = forms.ChoiceField(label=_("ระดับที่บรรลุ"), required=False)
    as_of_date = ThaiDateField(label=_("ข้อมูล ณ วันที่"))
    actions_th = narrative_field(Result, "actions_th", rows=6)
    supporting_factors_th = narrative_field(Result, "supporting_factors_th")
    obstacles_th = narrative_field(Result, "obstacles_th")
    suggestions_th = narrative_field(Result, "suggestions_th", rows=3)
    evidence_th = narrative_field(
        Result, "evidence_th", rows=3,
        help_text=_("รายการเอกสารหรือระบบที่ใช้อ้างอิง เช่น ระบบพัฒนาคุณภาพชีวิต (QLife Plus)"),
    )

    def __init__(self, *args: Any, shape: EntryShape, definition: IndicatorDefinition,
                 levels: list[tuple[str, str]] | None = None, today: dt.date | None = None,
                 fiscal_year_be: int | None = None, **kwargs: Any) -> None:
        """``fiscal_year_be``: the round's fiscal year, which the as-of date must lie in (None: not checked)."""
        super().__init__(*args, **kwargs)
        self.shape = shape
        self.today = today or timezone.localdate()
        self.fiscal_year_be = fiscal_year_be
        keep = entry_fields(shape.kind, shape.has_ratio) | set(NARRATIVE_FIELDS)
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self._label(definition, levels or [])

    def _label(self, definition: IndicatorDefinition, levels: list[tuple[str, str]]) -> None:
        shape = self.shape
        fields = self.fields
        unit = definition.get_unit_of_measure_display()
        if "value" in fields:
            if shape.kind == "external":
                label = _("คะแนนที่ได้จากระบบภายนอก")
                if definition.external_system:
                    label = _("คะแนนจาก%(system)s") % {"system": definition.get_external_system_display()}
                fields["value"].label = label
            elif shape.kind == "composite":
                fields["value"].label = shape.part_names[0] or _("ร้อยละของระดับความพึงพอใจ")
            elif shape.kind == "mixed":
                fields["value"].label = _("ผลการดำเนินงาน (ร้อยละของเป้าหมาย)")
            else:
                fields["value"].label = _("ผลการดำเนินงาน (%(unit)s)") % {"unit": unit}
        if "second_value" in fields:
            fields["second_value"].label = shape.part_names[1] or _("ร้อยละของระดับความไม่พึงพอใจ")
        if "numerator" in fields:
            fields["numerator"].help_text = definition.formula_numerator_th
            fields["denominator"].help_text = definition.formula_denominator_th
        if "level1_milestone_done" in fields:
            fields["level1_milestone_done"].label = _("ระดับ 1: %(step)s — ดำเนินการแล้ว") % {"step": shape.level1_text}
        if "achieved_level" in fields:
            fields["achieved_level"].choices = [("", _("— ยังไม่ระบุ —")), ("0", _("ยังไม่บรรลุระดับใด"))] + [
                (label, _("ระดับ %(level)s: %(text)s") % {"level": label, "text": text}) for label, text in levels
            ]

    def clean(self) -> dict[str, Any]:
        """The rules shared with the live score preview (indicators/forms/rules.py)."""
        data = super().clean()
        shape = self.shape
        mode = apply_mode(data, frozenset(self.fields), data.get("mode"))
        if mode is not None:
            data["mode"] = mode
        # In breakdown mode the view adds the table's totals up and checks them (the typed totals are not used).
        judged = {**data, "numerator": None, "denominator": None} if mode == MODE_BREAKDOWN else data
        problems = check_values(
            judged, kind=shape.kind, has_ratio=shape.has_ratio, percent=shape.percent, mode=mode,
            fiscal_year_be=self.fiscal_year_be, today=self.today, failed=frozenset(self.errors),
            part_names=shape.part_names,
        )
        for name, message in problems.items():
            if name in self.fields:
                self.add_error(name, message)
        return data

    def service_values(self, totals: tuple[Decimal, Decimal] | None = None) -> dict[str, Any]:
        """The cleaned values as result_save expects them (only Result fields)."""
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name, "") or "" for name in NARRATIVE_FIELDS}
        values["as_of_date"] = data.get("as_of_date")
        if "value" in self.fields:
            values["value"] = data.get("value")
        if "numerator" in self.fields:
            if totals is not None:
                values["numerator"], values["denominator"] = totals
            else:
                values["numerator"], values["denominator"] = data.get("numerator"), data.get("denominator")
            values["numerator_above_denominator_confirmed"] = bool(data.get("numerator_above_denominator_confirmed"))
        if "second_value" in self.fields:
            values["second_value"] = data.get("second_value")
        if "level1_milestone_done" in self.fields:
            values["level1_milestone_done"] = bool(data.get("level1_milestone_done"))
        if "achieved_level" in self.fields:
            values["achieved_level"] = data.get("achieved_level") or ""
        return values


def result_initial(result: Result | None, mode: str) -> dict[str, Any]:
    if result is None:
        return {"version": "", "mode": mode}
    initial: dict[str, Any] = {name: getattr(result, name) for name in (
        "version", "value", "numerator", "denominator", "second_value", "level1_milestone_done", "achieved_level",
        "numerator_above_denominator_confirmed", "as_of_date", *NARRATIVE_FIELDS)}
    initial["mode"] = mode
    return initial


