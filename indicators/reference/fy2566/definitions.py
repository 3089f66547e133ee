"""FY2566 indicator definitions from the 6.3 catalogue and the standard templates, with their people, baselines
and strategic links (DOMAIN.md §3, §9.4)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from indicators.models import Baseline, IndicatorDefinition, Person, StrategicLink
from indicators.models.catalog import SourceCategory
from indicators.reference.common import LINK_KINDS, _dec
from indicators.reference.fy2566.criteria import CriteriaStage

SOURCE_CATEGORY_PREFIXES = [
    ("ตัวชี้วัดกระทรวง พม.", SourceCategory.MINISTRY_AND_DEPARTMENT),
    ("ตัวชี้วัดกรม", SourceCategory.DEPARTMENT),
    ("ตัวชี้วัด PMQA", SourceCategory.PMQA),
    ("มติคณะรัฐมนตรี", SourceCategory.CABINET_RESOLUTION),
    ("ภารกิจหลัก", SourceCategory.CORE_MISSION),
    ("ภารกิจตามหน้าที่", SourceCategory.CORE_MISSION),
    ("ภารกิจร่วม", SourceCategory.JOINT),
    ("นโยบายผู้บริหาร", SourceCategory.FLAGSHIP),
]

UNIT_OF_MEASURE = {
    "ร้อยละ": IndicatorDefinition.UnitOfMeasure.PERCENT,
    "ระดับความสำเร็จ": IndicatorDefinition.UnitOfMeasure.SUCCESS_LEVEL,
    "ระดับคะแนน": IndicatorDefinition.UnitOfMeasure.SCORE_LEVEL,
    "ระดับ": IndicatorDefinition.UnitOfMeasure.LEVEL,
    "จำนวน": IndicatorDefinition.UnitOfMeasure.COUNT,
    "คะแนน": IndicatorDefinition.UnitOfMeasure.POINTS,
}

EXTERNAL_SYSTEMS = {
    "ENERGY": IndicatorDefinition.ExternalSystem.ENERGY,
    "WASTE": IndicatorDefinition.ExternalSystem.WASTE,
    "ITA": IndicatorDefinition.ExternalSystem.ITA,
    "PMQA40": IndicatorDefinition.ExternalSystem.PMQA,
    "BUDGET": IndicatorDefinition.ExternalSystem.GFMS,
}


def source_category(text: str) -> str:
    for prefix, category in SOURCE_CATEGORY_PREFIXES:
        if text.startswith(prefix) or prefix in text[:40]:
            return str(category)
    return str(SourceCategory.OTHER)


# Thai headings for the keys of the JSON's "definitions" blocks (the text under each is the document's own).
DEFINITION_HEADINGS = {
    "public_benefit_org": "องค์กรสาธารณประโยชน์ หมายถึง",
    "developed": "ได้รับการพัฒนาศักยภาพ หมายถึง",
    "participating": "มีส่วนร่วมในการจัดสวัสดิการสังคม หมายถึง",
    "target_rule": "เป้าหมาย อพม.",
    "entry_paths": "ช่องทางการเป็น อพม.",
    "vulnerable_household": "ครัวเรือนเปราะบาง หมายถึง",
    "household_levels": "ระดับครัวเรือนเปราะบาง",
    "five_dimensions": "การพัฒนาคุณภาพชีวิต 5 มิติ",
    "work_steps": "ขั้นตอนการดำเนินงาน",
    "counting_rule": "การนับผลการดำเนินงาน",
    "division_average_rule_th": "การคิดค่าคะแนนเฉลี่ยของกอง",
    "target_group": "กลุ่มเป้าหมาย",
    "participant_targets": "เป้าหมายผู้เข้าร่วมโครงการ (ราย)",
    "bcg": "BCG Model",
    "income_increase_fy2565": "รายได้ที่เพิ่มขึ้น ปีงบประมาณ พ.ศ. 2565",
    "scope": "ขอบเขตการประเมิน",
    "background": "ความเป็นมา",
    "action_plan": "แผนปฏิบัติการ",
}
_NUMBERED = re.compile(r"^\(?\d+[).]")


def _text(value: Any, depth: int = 0) -> str:
    """Readable Thai from the JSON's nested notes: headings for known keys, lists numbered once."""
    if value is None:
        return ""
    if isinstance(value, list):
        items = [_text(item, depth + 1) for item in value]
        return "\n".join(item if _NUMBERED.match(item) else f"{i}) {item}" for i, item in enumerate(items, start=1))
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            text = _text(item, depth + 1)
            heading = DEFINITION_HEADINGS.get(str(key), str(key))
            if str(key).isdigit() and len(str(key)) == 4:
                lines.append(f"พ.ศ. {key}: {text}")
            elif str(key).isdigit():
                lines.append(f"{key}) {text}")
            elif isinstance(item, (list, dict)):
                lines.append(f"{heading}\n{text}")
            else:
                lines.append(f"{heading} {text}" if heading.endswith("หมายถึง") else f"{heading}: {text}")
        return "\n".join(lines)
    return str(value)


class DefinitionsStage(CriteriaStage):
    """One IndicatorDefinition per catalogue code, its supervisor and collectors, baselines, links and criteria."""

    def _definitions(self, standard: dict[str, Any], frameworks: dict[str, Any], department: dict[str, Any]) -> None:
        catalog = {row["code"]: row for row in frameworks["catalog_6_3"]["rows"]}
        dept_by_name = {}
        for row in department["indicators"]:
            dept_by_name[row.get("name_in_6_3_th", row["name_th"])] = row
        templates: dict[str, dict[str, Any]] = {}
        unit_variants: dict[str, dict[str, Any]] = {}
        for template in standard["standard_indicators"] + standard["detailed_templates"]:
            if template.get("variant") == "unit":
                unit_variants[template["code"]] = template
            else:
                templates[template["code"]] = template
        self.unit_variant_templates = unit_variants
        for code, row in catalog.items():
            template = templates.get(code, {})
            placeholder = code in ("CORE", "JOINT", "FLAGSHIP")
            dept = self._department_row(department, code, row)
            name_th = row["name_th"]
            variants = [n for n in {template.get("name_th"), dept.get("name_th") if dept else None} if n and n != name_th]
            formula = template.get("formula") or {}
            definitions = template.get("definitions")
            kind = self._kind(code, template, placeholder)
            unit_text = str(template.get("unit_of_measure") or (dept or {}).get("unit_of_measure") or "ร้อยละ")
            definition, _ = IndicatorDefinition.objects.update_or_create(
                fiscal_year=self.year,
                code=code,
                defaults={
                    "name_th": name_th,
                    "name_variants": variants,
                    "unit_of_measure": self._unit(unit_text, placeholder),
                    "kind": kind,
                    "source_category": source_category(row.get("source_category", "")),
                    "source_detail_th": row.get("source_category", ""),
                    "description_th": _text(definitions) if definitions else "",
                    "formula_numerator_th": formula.get("numerator", ""),
                    "formula_denominator_th": formula.get("denominator", ""),
                    "formula_multiplier": Decimal(str(formula.get("multiplier", 100))),
                    "conditions_th": _text(template.get("rules") or template.get("note") or ""),
                    "data_source_th": _text(template.get("data_source")),
                    "collection_method_th": _text(template.get("collection_method")),
                    "external_system": EXTERNAL_SYSTEMS.get(code, ""),
                    "mandatory": code == "ALERT",
                },
            )
            self.definitions[code] = definition
            self.summary.add("definitions")
            self._people(definition, template)
            self._baselines(definition, template.get("baseline") or {})
            if dept:
                self._links(definition, dept.get("links") or [])
            for round_number in (1, 2):
                block = self._round_block(template, round_number)
                if block:
                    self._criteria(definition, None, round_number, block)

    @staticmethod
    def _department_row(department: dict[str, Any], code: str, row: dict[str, Any]) -> dict[str, Any] | None:
        for dept in department["indicators"]:
            names = {dept["name_th"], dept.get("name_in_6_3_th")}
            if row["name_th"] in names or (code == "PMQA40" and "PMQA 4.0" in dept["name_th"]):
                return dept  # type: ignore[no-any-return]
        return None

    @staticmethod
    def _kind(code: str, template: dict[str, Any], placeholder: bool) -> str:
        kinds = IndicatorDefinition.Kind
        if placeholder:
            return str(kinds.PLACEHOLDER)
        if code in ("ENERGY", "WASTE", "ITA", "PMQA40"):
            return str(kinds.EXTERNAL)
        if template.get("scheme") == "composite_banded":
            return str(kinds.COMPOSITE)
        if code == "BUDGET":
            return str(kinds.BANDED)
        schemes = {(template.get("round1") or {}).get("scheme"), (template.get("round2") or {}).get("scheme")}
        if "mixed_milestone_then_threshold" in schemes:
            return str(kinds.MIXED)
        if schemes == {"milestone"}:
            return str(kinds.MILESTONE)
        return str(kinds.QUANTITATIVE)

    @staticmethod
    def _unit(text: str, placeholder: bool) -> str:
        if placeholder:
            return str(IndicatorDefinition.UnitOfMeasure.LEVEL)
        for prefix in ("ระดับความสำเร็จ", "ระดับคะแนน", "ระดับ", "ร้อยละ", "จำนวน", "คะแนน"):
            if text.startswith(prefix):
                return str(UNIT_OF_MEASURE[prefix])
        return str(IndicatorDefinition.UnitOfMeasure.PERCENT)

    def _people(self, definition: IndicatorDefinition, template: dict[str, Any]) -> None:
        supervisor = template.get("supervisor")
        if supervisor:
            person, _ = Person.objects.update_or_create(
                full_name=supervisor["name"],
                defaults={"position": supervisor.get("position", ""), "phone": supervisor.get("phone", "")},
            )
            definition.supervisor = person
            definition.save(update_fields=["supervisor"])
        collectors = []
        for entry in template.get("data_collectors") or []:
            person, _ = Person.objects.update_or_create(
                full_name=entry["name"], defaults={"phone": entry.get("phone", ""), "position": entry.get("position", "")}
            )
            collectors.append(person)
        if collectors:
            definition.data_collectors.set(collectors)

    def _baselines(self, definition: IndicatorDefinition, baseline: dict[str, Any]) -> None:
        for year, raw in baseline.items():
            if not str(year).isdigit():
                continue
            values: dict[str, Any] = {"value": None, "numerator": None, "denominator": None, "text_th": ""}
            if isinstance(raw, (int, float)):
                values["value"] = _dec(raw)
            elif isinstance(raw, str):
                values["text_th"] = raw
            elif isinstance(raw, dict):
                values["value"] = _dec(raw.get("percent", raw.get("value")))
                values["numerator"] = _dec(raw.get("numerator"))
                values["denominator"] = _dec(raw.get("denominator"))
                extras = [f"{k}: {v}" for k, v in raw.items() if k not in ("percent", "value", "numerator", "denominator")]
                if values["value"] is None and "count" in raw:
                    values["value"] = _dec(raw["count"])
                if values["value"] is None and "households" in raw:
                    values["value"] = _dec(raw["households"])
                values["text_th"] = "; ".join(extras)[:500]
            Baseline.objects.update_or_create(definition=definition, year_be=int(year), defaults=values)
            self.summary.add("baselines")

    def _links(self, definition: IndicatorDefinition, links: list[str]) -> None:
        for order, text in enumerate(links):
            kind = next((k for prefix, k in LINK_KINDS if prefix in text), StrategicLink.Kind.OTHER)
            StrategicLink.objects.update_or_create(definition=definition, order=order, defaults={"kind": kind, "text_th": text})
