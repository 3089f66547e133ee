"""Load the FY2566 framework of document 003 from shared/domain/reference-data/*.json (DOMAIN.md §14).

Idempotent: every row is keyed by a stable code, so running it twice changes nothing. The JSON files are the
structured copy of the source documents; where they record a data-quality issue (DOMAIN.md §11) the note is
kept on the row it concerns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from indicators import scoring
from indicators.models import (
    Assignment,
    Baseline,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Person,
    Province,
    ProvinceTarget,
    Round,
    ScoringPolicy,
    StrategicLink,
    UnitType,
)
from indicators.models.calendar import round_bounds
from indicators.models.catalog import SourceCategory
from indicators.services.frameworks import criteria_validate, framework_problems

FY = 2566

UNIT_TYPES = [
    ("shelter", "สถานคุ้มครองคนไร้ที่พึ่ง", "Protection centre (shelter) for destitute persons"),
    ("life_skills", "ศูนย์ส่งเสริมและพัฒนาทักษะชีวิต", "Life-skills promotion and development centre"),
    ("provincial_protection", "ศูนย์คุ้มครองคนไร้ที่พึ่ง", "Provincial protection centre for destitute persons"),
    ("settlement", "นิคมสร้างตนเอง", "Self-help settlement"),
    ("highland", "ศูนย์พัฒนาราษฎรบนพื้นที่สูง", "Highland people development centre"),
    ("coop_village", "ศูนย์ประสานงานโครงการหมู่บ้านสหกรณ์", "Cooperative-village project coordination centre"),
]
# Spellings of unit types in the 6.4 table, including its typo (DOMAIN.md §11 and the JSON notes).
UNIT_TYPE_ALIASES = {"ศูนย์พัฒนารายกรบนพื้นที่สูง": "highland"}

EXTERNAL_ORGS = [
    ("msdhs", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "พม.", OrgUnit.Kind.MINISTRY),
    ("ops", "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "สป.พม.", OrgUnit.Kind.EXTERNAL),
    ("dcy", "กรมกิจการเด็กและเยาวชน", "ดย.", OrgUnit.Kind.EXTERNAL),
    ("dwf", "กรมกิจการสตรีและสถาบันครอบครัว", "สค.", OrgUnit.Kind.EXTERNAL),
    ("dop", "กรมกิจการผู้สูงอายุ", "ผส.", OrgUnit.Kind.EXTERNAL),
    ("dep", "กรมส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ", "พก.", OrgUnit.Kind.EXTERNAL),
    ("codi", "สถาบันพัฒนาองค์กรชุมชน", "พอช.", OrgUnit.Kind.EXTERNAL),
    ("inspection", "กองตรวจราชการ", "", OrgUnit.Kind.EXTERNAL),
]

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

LINK_KINDS = [
    ("ยุทธศาสตร์ชาติ", StrategicLink.Kind.NATIONAL_STRATEGY),
    ("แผนแม่บท", StrategicLink.Kind.MASTER_PLAN),
    ("แผนพัฒนาเศรษฐกิจ", StrategicLink.Kind.NESDP),
    ("แผนการปฏิรูป", StrategicLink.Kind.REFORM_PLAN),
    ("นโยบายรัฐบาล", StrategicLink.Kind.GOVERNMENT_POLICY),
    ("Proxy", StrategicLink.Kind.MINISTRY_KPI),
    ("Strategic", StrategicLink.Kind.MINISTRY_KPI),
    ("แผนปฏิบัติการกระทรวง", StrategicLink.Kind.MINISTRY_PLAN),
    ("มติคณะรัฐมนตรี", StrategicLink.Kind.CABINET_RESOLUTION),
]


@dataclass
class LoadSummary:
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


REFERENCE_FILES = (
    "fy2566_department_indicators.json",
    "fy2566_division_frameworks.json",
    "fy2566_standard_criteria.json",
    "fy2566_vulnerable_household_targets.json",
)
# A copy of the four files ships in fixtures/ so a clone without ../shared still starts; a test keeps them equal.
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "reference-data"


def reference_dir(shared_dir: Path | None) -> Path:
    """shared/domain/reference-data when it exists (the source of truth), else the copy in fixtures/."""
    candidates = [shared_dir / "domain" / "reference-data"] if shared_dir else []
    candidates.append(BUNDLED_DIR)
    for path in candidates:
        if all((path / name).is_file() for name in REFERENCE_FILES):
            return path
    raise FileNotFoundError(
        f"ไม่พบไฟล์ข้อมูลอ้างอิงใน {', '.join(map(str, candidates))} (ตั้งค่า DSDW_SHARED_DIR ให้ชี้ไปที่โฟลเดอร์ shared)"
    )


def _read(directory: Path, name: str) -> Any:
    with (directory / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


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


class ReferenceLoader:
    """Loads FY2566: provinces, org units, unit types, definitions with criteria, frameworks, provincial targets."""

    def __init__(self, shared_dir: Path | None) -> None:
        self.dir = reference_dir(shared_dir)
        self.summary = LoadSummary()
        self.units_by_abbrev: dict[str, OrgUnit] = {}
        self.unit_types: dict[str, UnitType] = {}
        self.definitions: dict[str, IndicatorDefinition] = {}

    @transaction.atomic
    def load(self) -> LoadSummary:
        self.year = self._fiscal_year()
        self._unit_types()
        self._provinces()
        self._org_units()
        standard = _read(self.dir, "fy2566_standard_criteria.json")
        frameworks = _read(self.dir, "fy2566_division_frameworks.json")
        department = _read(self.dir, "fy2566_department_indicators.json")
        self._definitions(standard, frameworks, department)
        self._department_framework(department)
        self._division_frameworks(frameworks)
        self._unit_framework(frameworks, standard)
        self._province_targets()
        return self.summary

    # --- calendar ---------------------------------------------------------------------------------------------
    def _fiscal_year(self) -> FiscalYear:
        year, _ = FiscalYear.objects.update_or_create(
            be_year=FY, defaults={"evaluation_status": FiscalYear.Status.EVALUATED,
                                  "note_th": "กรอบการประเมินตามคู่มือการประเมินส่วนราชการฯ ปีงบประมาณ พ.ศ. 2566"},
        )
        printed = {1: "1 ต.ค. 2565 - 31 มี.ค. 2566", 2: "1 เม.ย. - 30 ก.ย. 2566"}
        for number in (1, 2):
            start, end = round_bounds(FY, number)
            Round.objects.update_or_create(
                fiscal_year=year, number=number,
                defaults={"start_date": start, "end_date": end, "printed_period_th": printed[number]},
            )
        ScoringPolicy.objects.get_or_create(fiscal_year=year)
        self.summary.add("fiscal_years")
        return year

    # --- organisation -----------------------------------------------------------------------------------------
    def _unit_types(self) -> None:
        for code, name_th, name_en in UNIT_TYPES:
            unit_type, _ = UnitType.objects.update_or_create(code=code, defaults={"name_th": name_th, "name_en": name_en})
            self.unit_types[name_th] = unit_type
            self.summary.add("unit_types")
        for alias, code in UNIT_TYPE_ALIASES.items():
            self.unit_types[alias] = UnitType.objects.get(code=code)

    def _provinces(self) -> None:
        data = _read(self.dir, "fy2566_vulnerable_household_targets.json")
        rows = sorted(data["provinces"], key=lambda r: r["no"])
        for row in rows:
            self._province(f"P{row['no']:02d}", row["province"], row["no"], is_bangkok=False)
        # Bangkok reports too (FY2564 indicator 4 table) but has no household target row (DOMAIN.md §1.5).
        self._province("BKK", "กรุงเทพมหานคร", len(rows) + 1, is_bangkok=True)

    def _province(self, code: str, name_th: str, order: int, *, is_bangkok: bool) -> None:
        province, _ = Province.objects.update_or_create(
            code=code, defaults={"name_th": name_th, "order": order, "is_bangkok": is_bangkok}
        )
        OrgUnit.objects.update_or_create(
            code=f"province-{code.lower()}",
            defaults={"kind": OrgUnit.Kind.PROVINCE, "name_th": f"จังหวัด{name_th}" if not is_bangkok else name_th,
                      "province": province, "order": order},
        )
        self.summary.add("provinces")

    def _org_units(self) -> None:
        ministry = None
        for code, name_th, abbreviation, kind in EXTERNAL_ORGS:
            unit, _ = OrgUnit.objects.update_or_create(
                code=code, defaults={"name_th": name_th, "abbreviation": abbreviation, "kind": kind, "parent": ministry}
            )
            if kind == OrgUnit.Kind.MINISTRY:
                ministry = unit
            self.units_by_abbrev[abbreviation or name_th] = unit
        self.department, _ = OrgUnit.objects.update_or_create(
            code="dsdw",
            defaults={"name_th": "กรมพัฒนาสังคมและสวัสดิการ", "abbreviation": "พส.", "kind": OrgUnit.Kind.DEPARTMENT,
                      "name_en": "Department of Social Development and Welfare", "parent": ministry},
        )
        self.units_by_abbrev["พส."] = self.department
        frameworks = _read(self.dir, "fy2566_division_frameworks.json")["division_frameworks"]
        for framework in frameworks:
            members = framework.get("members") or [framework["org_name_th"]]
            for index, name_th in enumerate(members):
                single = len(members) == 1
                code = f"div-{framework['framework_no']}" + ("" if single else f"-{index + 1}")
                variants = [v.split(" (")[0] for v in framework.get("name_variants") or [] if v.split(" (")[0] != name_th]
                unit, _ = OrgUnit.objects.update_or_create(
                    code=code,
                    defaults={
                        "kind": OrgUnit.Kind.DIVISION,
                        "name_th": name_th,
                        "name_en": framework.get("org_name_en", "") if single else "",
                        "abbreviation": (framework.get("abbreviation") or "") if single else "",
                        "name_variants": variants,
                        "parent": self.department,
                        "order": framework["framework_no"] * 10 + index,
                    },
                )
                self.units_by_abbrev[unit.abbreviation or name_th] = unit
                self.summary.add("divisions")
        # Other spellings of กสศ. found in 003/002 (DOMAIN.md §1.3).
        self.units_by_abbrev["กสค."] = self.units_by_abbrev["กสศ."]

    # --- definitions and criteria -----------------------------------------------------------------------------
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

    @staticmethod
    def _round_block(template: dict[str, Any], round_number: int) -> dict[str, Any] | None:
        if template.get("scheme") == "composite_banded":
            return {"scheme": "composite_banded", "measures": template["measures"]}
        block = template.get(f"round{round_number}")
        if not isinstance(block, dict) or not isinstance(block.get("levels"), list):
            return None  # "ร้อยละ..." placeholders: the manual publishes no thresholds
        return block

    def _criteria(self, definition: IndicatorDefinition, assignment: Assignment | None, round_number: int,
                  block: dict[str, Any]) -> Criteria:
        scheme = block["scheme"]
        fields: dict[str, Any] = {
            "scale": "five_level", "direction": "higher", "external": False, "level1_milestone_th": "",
            "part_names_th": [], "measure_th": str(block.get("measure", ""))[:300], "combine": "",
        }
        levels: list[dict[str, Any]] = []
        if scheme == "milestone":
            fields["method"] = Criteria.Method.MILESTONES
            for row in block["levels"]:
                text = row.get("milestone_th", "")
                deliverables = [p.strip() for p in text.lstrip("- ").split(" - ")] if text.startswith("- ") else [text]
                levels.append({"level": row["level"], "defined": row.get("defined", True),
                               "milestone_th": "\n".join(deliverables) if row.get("defined", True) else "",
                               "printed_text_th": text})
        elif scheme in ("threshold", "mixed_milestone_then_threshold"):
            fields["method"] = Criteria.Method.FIVE_LEVEL
            fields["direction"] = "lower" if block.get("direction") == "lower_is_better" else "higher"
            for row in block["levels"]:
                milestone = row.get("milestone_th")
                if milestone and row["level"] == 1:
                    fields["level1_milestone_th"] = milestone
                threshold = _dec(row.get("threshold"))
                levels.append({"level": row["level"], "defined": threshold is not None or bool(milestone),
                               "threshold": threshold, "printed_text_th": row.get("text_th") or milestone or ""})
        elif scheme == "banded":
            fields["method"] = Criteria.Method.BANDS
            levels = [self._band_row(row, 1) for row in block["levels"]]
        elif scheme == "external_threshold":
            fields["method"] = Criteria.Method.BANDS
            fields["external"] = True
            spec_bands = {b["level"]: b for b in scoring.EREPORT_LEVEL_SPEC["bands"]}
            for row in block["levels"]:
                band = spec_bands[row["level"]]
                levels.append({"level": row["level"], "defined": True, "band_min": _dec(band.get("min")),
                               "band_min_inclusive": band.get("min_inclusive", True), "band_max": _dec(band.get("max")),
                               "band_max_inclusive": band.get("max_inclusive", True), "printed_text_th": row.get("text_th", "")})
        elif scheme == "composite_banded":
            fields["method"] = Criteria.Method.COMPOSITE
            names = {"satisfaction": "ร้อยละของระดับความพึงพอใจ", "dissatisfaction": "ร้อยละของระดับความไม่พึงพอใจ"}
            for part, key in enumerate(("satisfaction", "dissatisfaction"), start=1):
                fields["part_names_th"].append(names[key])
                levels += [self._band_row(row, part) for row in block["measures"][key]["levels"]]
        else:
            raise scoring.CriteriaError(f"ไม่รู้จักรูปแบบเกณฑ์ {scheme!r} ในข้อมูลอ้างอิง")
        criteria, _ = Criteria.objects.update_or_create(
            definition=definition, assignment=assignment, round_number=round_number, defaults=fields
        )
        criteria.levels.all().delete()
        for row in levels:
            CriteriaLevel.objects.create(criteria=criteria, part=row.pop("part", 1), **row)
        criteria_validate(criteria)
        self.summary.add("criteria")
        return criteria

    @staticmethod
    def _band_row(row: dict[str, Any], part: int) -> dict[str, Any]:
        return {
            "part": part, "level": row["level"], "defined": True,
            "band_min": _dec(row.get("min")), "band_min_inclusive": row.get("min_inclusive") is not False,
            "band_max": _dec(row.get("max")), "band_max_inclusive": row.get("max_inclusive") is not False,
            "printed_text_th": row.get("text_th", ""),
        }

    # --- frameworks -------------------------------------------------------------------------------------------
    def _framework(self, *, key: dict[str, Any], defaults: dict[str, Any]) -> Framework:
        framework, _ = Framework.objects.update_or_create(fiscal_year=self.year, **key, defaults=defaults)
        self.summary.add("frameworks")
        return framework

    def _assign(self, framework: Framework, order: int, code: str, component: str, weight: Any, source: str,
                responsible: str = "") -> Assignment:
        assignment, _ = Assignment.objects.update_or_create(
            framework=framework, definition=self.definitions[code], parent=None,
            defaults={"number": str(order), "order": order, "component": component, "weight": _dec(weight),
                      "source_category": source_category(source), "source_detail_th": source,
                      "responsible_text_th": responsible},
        )
        units = [self.units_by_abbrev[a.strip()] for a in responsible.replace(" ", "").split("/") if a.strip() in self.units_by_abbrev]
        if units:
            assignment.responsible_units.set(units)
        self.summary.add("assignments")
        return assignment

    def _approve_if_complete(self, framework: Framework) -> None:
        problems = framework_problems(framework)
        framework.status = Framework.Status.DRAFT if problems else Framework.Status.APPROVED
        framework.save(update_fields=["status"])
        if problems:
            self.summary.notes.append(f"{framework.name_th}: ร่าง — " + "; ".join(problems))

    def _department_framework(self, department: dict[str, Any]) -> None:
        framework = self._framework(
            key={"level": Framework.Level.DEPARTMENT, "number": None, "is_demo": False},
            defaults={"name_th": "ตัวชี้วัดการประเมินส่วนราชการระดับกรม (6.2)", "scale": "three_level",
                      "notes_th": department.get("note", "")},
        )
        framework.org_units.set([self.department])
        for row in department["indicators"]:
            code = next(
                (c for c, d in self.definitions.items() if row["name_th"] in {d.name_th, *d.name_variants}
                 or row.get("name_in_6_3_th") == d.name_th or (c == "PMQA40" and "PMQA 4.0" in row["name_th"])),
                None,
            )
            if code is None:
                raise ValueError(f"ไม่พบตัวชี้วัดระดับกรม: {row['name_th']}")
            self._assign(framework, row["no"], code, row["component"], row["weight"], row.get("source_category", ""),
                         "/".join(row.get("responsible_divisions") or []))
        self._approve_if_complete(framework)

    def _division_frameworks(self, frameworks: dict[str, Any]) -> None:
        for data in frameworks["division_frameworks"]:
            number = data["framework_no"]
            framework = self._framework(
                key={"level": Framework.Level.DIVISION, "number": number, "is_demo": False},
                defaults={"name_th": data["heading_line"].split(") ", 1)[-1], "scale": "five_level",
                          "notes_th": "\n".join(frameworks["division_framework_notes"])},
            )
            framework.org_units.set(OrgUnit.objects.filter(code__regex=rf"^div-{number}(-\d+)?$"))
            for row in data["indicators"]:
                self._assign(framework, row["no"], row["code"], row["component"], row["weight"], row["source_category"])
            self._approve_if_complete(framework)

    def _unit_framework(self, frameworks: dict[str, Any], standard: dict[str, Any]) -> None:
        data = frameworks["unit_framework_6_4"]
        framework = self._framework(
            key={"level": Framework.Level.FIELD_UNIT, "number": None, "is_demo": False},
            defaults={"name_th": "กรอบตัวชี้วัดระดับหน่วยงาน (6.4)", "scale": "five_level",
                      "notes_th": data["note"] + "\n" + "\n".join(data["notes"])},
        )
        all_types = [self.unit_types[name] for name, _en in ((t[1], t[2]) for t in UNIT_TYPES)]
        framework.unit_types.set(all_types)
        for row in data["rows"]:
            assignment = self._assign(framework, row["no"], row["code"], row["component"], row.get("weight"),
                                      row.get("source_category", ""))
            types = row["responsible_unit_types"]
            if types != ["ทุกหน่วยงาน"]:
                assignment.applies_to_unit_types.set([self.unit_types[name] for name in types])
            variant = self.unit_variant_templates.get(row["code"])
            if variant:
                for round_number in (1, 2):
                    block = self._round_block(variant, round_number)
                    if block:
                        self._criteria(self.definitions[row["code"]], assignment, round_number, block)
        self._approve_if_complete(framework)

    # --- provincial targets -----------------------------------------------------------------------------------
    def _province_targets(self) -> None:
        data = _read(self.dir, "fy2566_vulnerable_household_targets.json")
        definition = self.definitions["HOUSEHOLD"]
        provinces = {p.name_th: p for p in Province.objects.all()}
        for row in data["provinces"]:
            ProvinceTarget.objects.update_or_create(
                definition=definition, province=provinces[row["province"]],
                defaults={"base_value": row["fy2565_result"], "increase": row["increase_35pct"],
                          "target": row["fy2566_target"],
                          "level_counts": {str(k): int(v) for k, v in row["level_households"].items()}},
            )
            self.summary.add("province_targets")
