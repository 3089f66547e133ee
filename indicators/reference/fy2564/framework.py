"""FY2564 definitions with their people, links, baselines and three-level criteria, and the department framework
(70/30) that assigns them (DOMAIN.md §9.2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from indicators import reference_fy2564_texts as texts
from indicators.models import (
    Assignment,
    Baseline,
    Criteria,
    CriteriaLevel,
    Framework,
    IndicatorDefinition,
    StrategicLink,
)
from indicators.reference.common import LINK_KINDS, _dec
from indicators.reference.fy2564.base import FY, STATUS_NOTE_TH, _split_suffix
from indicators.reference.fy2564.organisation import OrganisationStage
from indicators.reference.fy2564.tables import DEFINITIONS, UNIT_TABLES
from indicators.services.frameworks import criteria_validate, framework_problems


class FrameworkStage(OrganisationStage):
    """One definition per indicator of 000 (criteria for round 2 only) and the department framework, left a draft."""

    # --- definitions, criteria, baselines -------------------------------------------------------------------
    def _definition(self, row: dict[str, Any], number: str, code: str, kind: str, unit: str, suffix: str) -> None:
        text = texts.INDICATOR_TEXTS.get(number, {})
        formula = row.get("formula") or {}
        table = UNIT_TABLES.get(number)
        parent = self.definitions.get(row["parent"]) if row.get("parent") else None
        definition, _ = IndicatorDefinition.objects.update_or_create(
            fiscal_year=self.year, code=code,
            defaults={
                "name_th": _split_suffix(row["name_th"], suffix), "label_suffix": suffix,
                "name_variants": [n for n in [row.get("name_in_report_th", "").split(". ", 1)[-1]] if n],
                "unit_of_measure": unit, "kind": kind, "parent": parent,
                "description_th": text.get("description", ""), "scope_th": text.get("scope") or row.get("scope", ""),
                "formula_numerator_th": formula.get("numerator", ""),
                "formula_denominator_th": formula.get("denominator", ""),
                "formula_multiplier": _dec(formula.get("multiplier")) or Decimal(100),
                "data_source_th": row.get("data_source", ""),
                "external_system": IndicatorDefinition.ExternalSystem.PMQA if kind == "external" else "",
                "breakdown_columns": table["columns"] if table else [],
                "unit_table_title_th": self._table_title(number),
            },
        )
        self.definitions[number] = definition
        self.summary.add("definitions")
        if row.get("supervisor"):
            definition.supervisor = self._person(row["supervisor"])
            definition.save(update_fields=["supervisor"])
        definition.data_collectors.set([self._person(entry) for entry in row.get("data_collectors") or []])
        for order, link in enumerate(row.get("links") or []):
            link_kind = next((k for prefix, k in LINK_KINDS if prefix in link), StrategicLink.Kind.OTHER)
            StrategicLink.objects.update_or_create(definition=definition, order=order,
                                                   defaults={"kind": link_kind, "text_th": link})
        for year, raw in (row.get("history") or {}).items():
            if int(year) >= FY:
                continue  # the year's own value is the result
            values = raw if isinstance(raw, dict) else {"percent": raw}
            Baseline.objects.update_or_create(
                definition=definition, year_be=int(year),
                defaults={"value": _dec(values.get("percent")), "numerator": _dec(values.get("numerator")),
                          "denominator": _dec(values.get("denominator")), "text_th": ""},
            )
            self.summary.add("baselines")
        if row.get("targets") or row.get("criteria"):
            self._criteria(definition, row)

    def _table_title(self, number: str) -> str:
        data = self.data["unit_tables"].get(number)
        if not data:
            return ""
        # Table 4's first page prints "การส่งกลับคืนสิ่งของ", a conversion error for "การส่งกลับคืนสู่สังคม" (§11 item 3).
        return str(data["title"])

    def _criteria(self, definition: IndicatorDefinition, row: dict[str, Any]) -> None:
        """Round 2 (12 months) only: the OPDC targets are annual; document 000 prints no 6-month targets."""
        levels: list[dict[str, Any]] = []
        if row.get("targets"):
            fields = {"method": Criteria.Method.THREE_LEVEL, "scale": "three_level", "direction": "higher"}
            points = definition.unit_of_measure == IndicatorDefinition.UnitOfMeasure.POINTS
            for level, value in row["targets"].items():
                threshold = Decimal(str(value))
                shown = f"{threshold:,.2f}" if threshold != threshold.to_integral_value() else f"{int(threshold):,}"
                printed = f"ผลการประเมินในชั้นตอนที่ 1 ได้ {shown} คะแนน" if points else f"ร้อยละ {threshold:.2f}"
                levels.append({"level": int(level), "threshold": threshold, "printed_text_th": printed})
        else:
            fields = {"method": Criteria.Method.MILESTONES, "scale": "three_level", "direction": "higher"}
            for level, deliverables in row["criteria"].items():
                levels.append({"level": int(level), "milestone_th": "\n".join(deliverables)})
        criteria, _ = Criteria.objects.update_or_create(
            definition=definition, assignment=None, round_number=2,
            defaults={**fields, "external": definition.kind == IndicatorDefinition.Kind.EXTERNAL,
                      "measure_th": definition.get_unit_of_measure_display()},
        )
        criteria.levels.all().delete()
        for level in levels:
            CriteriaLevel.objects.create(criteria=criteria, **level)
        criteria_validate(criteria)
        self.summary.add("criteria")

    # --- framework ------------------------------------------------------------------------------------------
    def _framework(self, data: dict[str, Any], indicators: dict[str, dict[str, Any]]) -> None:
        framework, _ = Framework.objects.update_or_create(
            fiscal_year=self.year, level=Framework.Level.DEPARTMENT, number=None, is_demo=False,
            defaults={"name_th": "ตัวชี้วัดการประเมินส่วนราชการระดับกรม ปีงบประมาณ พ.ศ. 2564", "scale": "three_level",
                      "notes_th": STATUS_NOTE_TH},
        )
        framework.org_units.set([self.department])
        source = {number: category for number, _code, _kind, _unit, _suffix, category in DEFINITIONS}
        for order, (number, row) in enumerate(indicators.items(), start=1):
            parent = self.assignments.get(row["parent"]) if row.get("parent") else None
            assignment, _ = Assignment.objects.update_or_create(
                framework=framework, definition=self.definitions[number],
                defaults={"number": number, "order": order, "component": row["component"], "parent": parent,
                          "weight": _dec(row["weight"]), "source_category": str(source[number]),
                          "source_detail_th": row.get("label", "")},
            )
            assignment.full_clean()
            definition = self.definitions[number]
            assignment.supervisor = definition.supervisor
            assignment.save(update_fields=["supervisor"])
            assignment.collectors.set(definition.data_collectors.all())
            self.assignments[number] = assignment
            self.summary.add("assignments")
        # Both rounds need criteria for approval; a monitoring-only year prints annual targets only, so it stays draft.
        problems = framework_problems(framework)
        framework.status = Framework.Status.DRAFT if problems else Framework.Status.APPROVED
        framework.save(update_fields=["status"])
        if problems:
            self.summary.notes.append(f"{framework.name_th}: ร่าง (ปีติดตามผล มีเฉพาะเป้าหมายรอบ 12 เดือน)")
        self.framework = framework
