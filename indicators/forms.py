"""Forms of the result-entry screens: Thai numbers and dates, the result form per input kind, milestone rows,
the sub-unit breakdown formset and the evidence upload (DOMAIN.md §3.3, §3.8, §4.c, §6.1).

Forms only validate and normalise; every write goes through indicators.services.results.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Assignment, Criteria, IndicatorDefinition, OrgUnit, Result

# ---- Thai numbers -----------------------------------------------------------------------------------------------

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


# ---- what to ask for -------------------------------------------------------------------------------------------

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


# ---- milestone steps --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One deliverable of one milestone level (levels printed "-" have no steps)."""

    level: str
    index: int
    text: str
    first_of_level: bool
    deliverables: int


def milestone_steps(spec: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    """[(level label, deliverables or None for "-")] from an engine spec of method milestones."""
    labels = ("50", "75", "100") if spec.get("scale") == "three_level" else ("1", "2", "3", "4", "5")
    return list(zip(labels, spec.get("steps") or [], strict=False))


class MilestoneStepForm(forms.Form):
    """Done or not, when, and with what evidence — one row per deliverable (DOMAIN.md §4.c)."""

    done = forms.BooleanField(label=_("ดำเนินการแล้ว"), required=False)
    done_on = ThaiDateField(label=_("วันที่ดำเนินการ"))
    evidence_th = forms.CharField(label=_("หลักฐาน"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, step: Step, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("done") and not data.get("done_on") and not self.has_error("done_on"):
            self.add_error("done_on", _("กรุณาระบุวันที่ดำเนินการของขั้นตอนที่ทำแล้ว"))
        if data.get("done_on") and data["done_on"] > self.today:
            self.add_error("done_on", _("วันที่ดำเนินการต้องไม่เป็นวันในอนาคต"))
        return data

    def service_row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"level": self.step.level, "deliverable_index": self.step.index, "done": bool(data.get("done")),
                "done_on": data.get("done_on"), "evidence_th": data.get("evidence_th") or ""}


def milestone_forms(spec: dict[str, Any], result: Result | None, data: Any = None,
                    today: dt.date | None = None) -> list[MilestoneStepForm]:
    """One form per deliverable of every defined level, filled from the saved completions."""
    today = today or timezone.localdate()
    saved = {(m.level, m.deliverable_index): m for m in (result.milestones.all() if result else [])}
    out = []
    for level, deliverables in milestone_steps(spec):
        if deliverables is None:
            continue
        for index, text in enumerate(deliverables):
            step = Step(level, index, text, index == 0, len(deliverables))
            item = saved.get((level, index))
            initial = {"done": item.done, "done_on": item.done_on, "evidence_th": item.evidence_th} if item else {}
            out.append(MilestoneStepForm(data, prefix=f"ms-{level}-{index}", initial=initial, step=step, today=today))
    return out


# ---- sub-unit breakdown -----------------------------------------------------------------------------------------


class SubUnitRowForm(forms.Form):
    """One row of the per-unit table (document 000, indicator 3.1: 14 shelters); blank rows are skipped."""

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
        if sum((form.cleaned_data["denominator"] for form in rows), Decimal(0)) <= 0:
            raise ValidationError(_("ผลรวมตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)"), code="zero")

    def rows(self) -> list[dict[str, Any]]:
        return [form.service_row() for form in self.forms if not form.is_blank]

    def totals(self) -> tuple[Decimal, Decimal]:
        rows = self.rows()
        return (sum((r["numerator"] for r in rows), Decimal(0)), sum((r["denominator"] for r in rows), Decimal(0)))


SubUnitFormSet = forms.formset_factory(SubUnitRowForm, formset=BaseSubUnitFormSet, extra=2, max_num=200,
                                       validate_max=True)


def sub_unit_initial(result: Result | None, units: list[OrgUnit]) -> list[dict[str, Any]]:
    """Saved rows, else one row per unit the reporting unit supervises (e.g. the shelters of กคส.)."""
    if result is not None:
        saved = list(result.sub_results.all())
        if saved:
            return [{"org_unit": row.org_unit_id, "label_th": row.label_th, "numerator": row.numerator,
                     "denominator": row.denominator} for row in saved]
    return [{"org_unit": unit.pk, "label_th": unit.name_th} for unit in units]


# ---- evidence ---------------------------------------------------------------------------------------------------


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
