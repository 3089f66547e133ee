"""What an indicator asks for in a round (EntryShape) and the result form itself (DOMAIN.md §3.4, §3.8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.forms.fields import ThaiDateField, ThaiDecimalField, not_in_future
from indicators.models import Assignment, Criteria, IndicatorDefinition, Result

MODE_RATIO = "ratio"
MODE_VALUE = "value"
MODE_BREAKDOWN = "breakdown"


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
        return self.kind in ("value", "ratio", "external", "composite", "mixed", "none")

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


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ResultForm(forms.Form):
    """The numbers and narrative of one result; fields that do not fit the indicator's shape are removed."""

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
    actions_th = forms.CharField(label=_("คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ"), required=False, widget=_textarea(6))
    supporting_factors_th = forms.CharField(label=_("ปัจจัยสนับสนุนต่อการดำเนินงาน"), required=False, widget=_textarea())
    obstacles_th = forms.CharField(label=_("อุปสรรคต่อการดำเนินงาน"), required=False, widget=_textarea())
    suggestions_th = forms.CharField(label=_("ข้อเสนอแนะ"), required=False, widget=_textarea(3))
    evidence_th = forms.CharField(
        label=_("หลักฐานอ้างอิง"), required=False, widget=_textarea(3),
        help_text=_("รายการเอกสารหรือระบบที่ใช้อ้างอิง เช่น ระบบพัฒนาคุณภาพชีวิต (QLife Plus)"),
    )

    def __init__(self, *args: Any, shape: EntryShape, definition: IndicatorDefinition,
                 levels: list[tuple[str, str]] | None = None, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shape = shape
        self.today = today or timezone.localdate()
        keep = {"version", "as_of_date", *NARRATIVE_FIELDS}
        if shape.uses_value:
            keep.add("value")
        if shape.has_ratio and shape.kind in ("ratio", "mixed", "none"):
            keep |= {"numerator", "denominator", "numerator_above_denominator_confirmed"}
            if shape.kind != "none":
                keep.add("mode")
        if shape.kind == "composite":
            keep.add("second_value")
        if shape.kind == "mixed":
            keep.add("level1_milestone_done")
        if shape.kind == "maturity":
            keep.add("achieved_level")
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

    def clean_as_of_date(self) -> dt.date | None:
        value = self.cleaned_data.get("as_of_date")
        not_in_future(value, self.today, str(_("ข้อมูล ณ วันที่ ต้องไม่เป็นวันในอนาคต")))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        shape = self.shape
        mode = data.get("mode") or (MODE_RATIO if "mode" in self.fields else None)
        if "mode" in self.fields:
            data["mode"] = mode
            if mode == MODE_VALUE:
                data["numerator"] = data["denominator"] = None
            elif mode == MODE_RATIO:
                data["value"] = None
            else:  # breakdown: the view puts the rows' totals into numerator/denominator
                data["value"] = None
        if "numerator" in self.fields and mode != MODE_BREAKDOWN:
            self._check_ratio(data)
        if shape.percent and "value" in self.fields:
            self._check_percent(data, "value")
        if shape.percent and "second_value" in self.fields:
            self._check_percent(data, "second_value")
        return data

    def _check_ratio(self, data: dict[str, Any]) -> None:
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if self.has_error("numerator") or self.has_error("denominator"):
            return
        if numerator is None and denominator is None:
            return
        if numerator is None:
            self.add_error("numerator", _("กรุณากรอกตัวตั้งด้วย (ต้องระบุทั้งตัวตั้งและตัวหาร)"))
        elif denominator is None:
            self.add_error("denominator", _("กรุณากรอกตัวหารด้วย (ต้องระบุทั้งตัวตั้งและตัวหาร)"))
        elif denominator == 0:
            self.add_error("denominator", _("ตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)"))
        elif numerator > denominator and not data.get("numerator_above_denominator_confirmed"):
            self.add_error("numerator", _("ตัวตั้งมากกว่าตัวหาร กรุณาตรวจสอบ หากถูกต้องให้เลือก “ยืนยันตัวตั้งมากกว่าตัวหาร”"))

    def _check_percent(self, data: dict[str, Any], name: str) -> None:
        value = data.get(name)
        if value is not None and value > 100 and not self.has_error(name):
            self.add_error(name, _("ร้อยละต้องไม่เกิน 100"))

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


