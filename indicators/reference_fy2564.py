"""Load FY2564 (document 000, monitoring only) from fy2564_unit_results.json: the department framework, criteria,
baselines, the round-2 results with their per-unit tables, and the texts of the annual results book (DOMAIN.md §9.2).

Idempotent: every row is keyed by a stable code or natural key, so running it twice changes nothing. Needs the
provinces of the FY2566 reference data: ``manage.py load_fy2564`` runs after ``load_reference_data``
(scripts/run.sh). Printed anomalies are kept as printed (DOMAIN.md §11 item 1: row 3 of table 3.2 has numerator 7 >
denominator 1); the row carries a note.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from indicators import reference_fy2564_texts as texts
from indicators.models import (
    Assignment,
    Baseline,
    Criteria,
    CriteriaLevel,
    ExternalScore,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    MilestoneCompletion,
    OrgUnit,
    Person,
    Province,
    Result,
    Round,
    ScoringPolicy,
    StrategicLink,
    SubUnitResult,
    UnitType,
)
from indicators.models.calendar import BE_OFFSET, round_bounds
from indicators.models.catalog import SourceCategory
from indicators.reference_data import BUNDLED_DIR, LINK_KINDS, UNIT_TYPES, LoadSummary, _dec, _read
from indicators.services.frameworks import criteria_validate, framework_problems
from indicators.templatetags.thai_dates import THAI_MONTHS

FY = 2564
FILE = "fy2564_unit_results.json"
ROUND_2_PRINTED = "1 ต.ค. 2563 - 30 ก.ย. 2564"
STATUS_NOTE_TH = (
    "มติคณะรัฐมนตรี เมื่อวันที่ 20 กรกฎาคม 2564 ไม่นำผลการดำเนินงานของส่วนราชการ ประจำปีงบประมาณ พ.ศ. 2564 "
    "มาประเมิน เนื่องจากสถานการณ์ของโรค COVID-19 ให้รายงานผลการดำเนินงานตามตัวชี้วัดเพื่อใช้ในการติดตามผล "
    "(Monitoring) และรายงานผลการถอดบทเรียน"
)

# (indicator id, stable definition code, kind, unit of measure, label suffix, source category)
DEFINITIONS = [
    ("1", "DB_SOCIAL_ACCESS", "milestone", "success_level", "(1 กรม 1 ปฏิรูป)", SourceCategory.REFORM),
    ("2", "OPM_VOLUNTEER", "milestone", "success_level", "(Agenda KPI)", SourceCategory.AGENDA),
    ("3", "PMQA_KPI", "quantitative", "percent", "(Function KPI)", SourceCategory.FUNCTION),
    ("3.1", "PMQA_KPI_IMPROVED", "quantitative", "percent", "", SourceCategory.FUNCTION),
    ("3.2", "PMQA_KPI_REINTEGRATION", "quantitative", "percent", "", SourceCategory.FUNCTION),
    ("4", "SHELTER_RETURN", "quantitative", "percent", "(Function KPI)", SourceCategory.FUNCTION),
    ("5", "GOV40", "milestone", "success_level", "", SourceCategory.PMQA),
    ("5.1", "EFORM_GRANT", "maturity", "success_level", "", SourceCategory.OTHER),
    ("5.2", "PMQA40", "external", "points", "", SourceCategory.PMQA),
]

# The per-unit tables as printed (column heads of 000; `group_th` spans the heads above the breakdown columns, `unit_th`
# is the counting unit the book prints after numerator/denominator pairs, e.g. "ร้อยละ 72.84 (295/405 คน)").
UNIT_TABLES: dict[str, dict[str, Any]] = {
    "3.1": {
        "numerator": "numerator_improved", "denominator": "denominator_assessed_2plus_irp",
        "columns": [
            {"key": "denominator", "label_th": "กลุ่มเป้าหมายที่ได้รับการพัฒนาศักยภาพตามแผนการฟื้นฟูและพัฒนาศักยภาพรายบุคคล และมีผลการประเมิน 2 ครั้งขึ้นไป (คน)",
             "unit_th": "คน"},
            {"key": "numerator", "label_th": "กลุ่มเป้าหมายที่มีสมรรถภาพดีขึ้น (คน)"},
            {"key": "improved_b_to_a", "label_th": "ยกระดับจาก B ไปเป็น A (คน)", "group_th": "สมรรถภาพดีขึ้นจำแนกเป็น"},
            {"key": "maintained_a", "label_th": "คงระดับสมรรถภาพ A (คน)", "group_th": "สมรรถภาพดีขึ้นจำแนกเป็น"},
        ],
    },
    "3.2": {
        "numerator": "numerator_reintegrated", "denominator": "denominator_group_a",
        "columns": [
            {"key": "denominator", "label_th": "กลุ่มเป้าหมายที่ได้รับการประเมินศักยภาพและมีคะแนนอยู่ในกลุ่ม A (คน)",
             "unit_th": "คน"},
            {"key": "numerator", "label_th": "กลุ่มเป้าหมายที่สามารถกลับคืนสู่สังคม (คน)"},
            {"key": "returned_to_family", "label_th": "กลับคืนสู่ครอบครัว (คน)", "group_th": "กลับคืนสู่สังคมจำแนกเป็น"},
            {"key": "employed_in_establishment", "label_th": "ทำงานในสถานประกอบการแบบประจำ (คน)",
             "group_th": "กลับคืนสู่สังคมจำแนกเป็น"},
        ],
    },
    "4": {
        "numerator": "numerator_total", "denominator": "denominator_service_users",
        "columns": [
            {"key": "denominator", "label_th": "กลุ่มเป้าหมายที่เข้ารับบริการภายใน", "unit_th": "คน"},
            {"key": "returned_family_community", "label_th": "ส่งกลับครอบครัว/ชุมชน", "group_th": "การส่งกลับคืนสู่สังคม"},
            {"key": "employed_in_establishment", "label_th": "ทำงานในสถานประกอบการ", "group_th": "การส่งกลับคืนสู่สังคม"},
            {"key": "numerator", "label_th": "รวม", "group_th": "การส่งกลับคืนสู่สังคม"},
            {"key": "percent", "label_th": "%"},
        ],
    },
}
# Province names printed differently from the province table: row 75 of table 4 prints "อุดรดิตถ์" (= อุตรดิตถ์);
# the FY2566 province table spells it the same way today, the alias covers a corrected province table.
PROVINCE_ALIASES = {"อุดรดิตถ์": "อุตรดิตถ์"}
ABOVE_DENOMINATOR_NOTE = "ตัวตั้ง ({numerator}) มากกว่าตัวหาร ({denominator}) ตามที่พิมพ์ในเอกสารต้นฉบับ"
PMQA_TABLE_TITLE = "คะแนน PMQA 4.0 (*100)"


@dataclass(frozen=True)
class FieldUnitSpec:
    code: str
    name_th: str
    variants: tuple[str, ...]
    unit_type_code: str


def fy2564_file(shared_dir: Path | None) -> Path:
    """shared/domain/reference-data/fy2564_unit_results.json when it exists (the source of truth), else the bundled copy."""
    candidates = [shared_dir / "domain" / "reference-data"] if shared_dir else []
    candidates.append(BUNDLED_DIR)
    for directory in candidates:
        if (directory / FILE).is_file():
            return directory
    raise FileNotFoundError(
        f"ไม่พบไฟล์ {FILE} ใน {', '.join(map(str, candidates))} (ตั้งค่า DSDW_SHARED_DIR ให้ชี้ไปที่โฟลเดอร์ shared)"
    )


def thai_date_parse(text: str) -> dt.date:
    """"30 กันยายน 2564" -> date(2021, 9, 30) (Buddhist-Era year, full Thai month name)."""
    day, month, year = text.split()
    return dt.date(int(year) - BE_OFFSET, THAI_MONTHS.index(month) + 1, int(day))


def _split_suffix(name: str, suffix: str) -> str:
    return name[: -len(suffix)].strip() if suffix and name.endswith(suffix) else name


class Fy2564Loader:
    """FY2564: year, rounds, department framework 70/30, criteria 50/75/100, baselines, round-2 results, book texts."""

    def __init__(self, shared_dir: Path | None) -> None:
        self.dir = fy2564_file(shared_dir)
        self.summary = LoadSummary()
        self.definitions: dict[str, IndicatorDefinition] = {}
        self.assignments: dict[str, Assignment] = {}
        self.people: dict[str, Person] = {}

    @transaction.atomic
    def load(self) -> LoadSummary:
        data = self.data = _read(self.dir, FILE)
        if not Province.objects.exists():
            raise FileNotFoundError("ยังไม่มีข้อมูลจังหวัด: โหลดข้อมูลอ้างอิงปีงบประมาณ พ.ศ. 2566 ก่อน (load_reference_data)")
        self.year, self.round2 = self._calendar(data)
        self.department = self._department()
        self.field_units = self._field_units(data)
        indicators = {row["id"]: row for row in data["indicators"]}
        for number, code, kind, unit, suffix, _source in DEFINITIONS:
            self._definition(indicators[number], number, code, kind, unit, suffix)
        self._framework(data, indicators)
        for number, row in indicators.items():
            if not row.get("is_parent"):
                self._result(number, row, data["unit_tables"].get(number))
        self._pmqa_scores(indicators["5.2"])
        self._book_sections()
        return self.summary

    # --- calendar and organisation --------------------------------------------------------------------------
    def _calendar(self, data: dict[str, Any]) -> tuple[FiscalYear, Round]:
        year, _ = FiscalYear.objects.update_or_create(
            be_year=FY, defaults={"evaluation_status": FiscalYear.Status.MONITORING_ONLY, "note_th": STATUS_NOTE_TH},
        )
        printed = {1: "1 ต.ค. 2563 - 31 มี.ค. 2564", 2: ROUND_2_PRINTED}
        rounds = {}
        for number in (1, 2):
            start, end = round_bounds(FY, number)
            rounds[number], _ = Round.objects.update_or_create(
                fiscal_year=year, number=number,
                defaults={"start_date": start, "end_date": end, "printed_period_th": printed[number], "is_open": False},
            )
        ScoringPolicy.objects.get_or_create(fiscal_year=year)
        self.summary.add("fiscal_years")
        return year, rounds[2]

    def _department(self) -> OrgUnit:
        department, _ = OrgUnit.objects.get_or_create(
            code="dsdw",
            defaults={"name_th": "กรมพัฒนาสังคมและสวัสดิการ", "abbreviation": "พส.", "kind": OrgUnit.Kind.DEPARTMENT,
                      "name_en": "Department of Social Development and Welfare"},
        )
        return department

    def _field_units(self, data: dict[str, Any]) -> dict[int, OrgUnit]:
        """The 11 shelters and 3 life-skills centres of tables 3.1 and 3.2 (same units, same order; DOMAIN.md §11)."""
        types = {code: UnitType.objects.get_or_create(code=code, defaults={"name_th": name_th, "name_en": name_en})[0]
                 for code, name_th, name_en in UNIT_TYPES}
        type_codes = {"สถานคุ้มครองคนไร้ที่พึ่ง": "shelter", "ศูนย์ส่งเสริมและพัฒนาทักษะชีวิต": "life_skills"}
        provinces = sorted(Province.objects.all(), key=lambda p: -len(p.name_th))
        division = OrgUnit.objects.filter(code="div-3").first()
        rows_32 = {row["no"]: row for row in data["unit_tables"]["3.2"]["rows"]}
        units: dict[int, OrgUnit] = {}
        counters: dict[str, int] = {}
        for row in data["unit_tables"]["3.1"]["rows"]:
            type_code = type_codes[row["unit_type"]]
            counters[type_code] = counters.get(type_code, 0) + 1
            code = f"{type_code.replace('_', '-')}-{counters[type_code]:02d}"
            names = {row["unit"], rows_32[row["no"]]["unit"]}
            province = next((p for p in provinces if p.name_th in row["unit"]), None)
            unit = (OrgUnit.objects.filter(code=code).first()
                    or OrgUnit.objects.filter(is_demo=False, kind=OrgUnit.Kind.FIELD_UNIT, name_th__in=names).first())
            variants = sorted(names - {row["unit"]})
            defaults = {"kind": OrgUnit.Kind.FIELD_UNIT, "unit_type": types[type_code], "province": province,
                        "parent": self.department, "supervising_division": division, "order": row["no"]}
            if unit is None:
                unit = OrgUnit(code=code, name_th=row["unit"], name_variants=variants, **defaults)
            else:
                for name, value in defaults.items():
                    setattr(unit, name, value)
                unit.name_variants = sorted(set(unit.name_variants or []) | set(variants) - {unit.name_th})
            unit.full_clean()
            unit.save()
            units[row["no"]] = unit
            self.summary.add("field_units")
        return units

    def _person(self, entry: dict[str, Any]) -> Person:
        person, _ = Person.objects.update_or_create(
            full_name=entry["name"], defaults={"position": entry.get("position", ""), "phone": entry.get("phone", "")}
        )
        self.summary.add("people")
        return person

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

    # --- results --------------------------------------------------------------------------------------------
    def _result(self, number: str, row: dict[str, Any], table: dict[str, Any] | None) -> None:
        text = texts.INDICATOR_TEXTS.get(number, {})
        values: dict[str, Any] = {
            "status": Result.Status.APPROVED, "value": None, "numerator": None, "denominator": None,
            "achieved_level": "", "as_of_date": None, "actions_th": text.get("actions", ""),
            "supporting_factors_th": text.get("factors", ""), "obstacles_th": text.get("obstacles", ""),
            "evidence_th": text.get("evidence") or row.get("evidence", ""), "is_demo": False,
        }
        history = (row.get("history") or {}).get(str(FY))
        if table is not None:
            total = table.get("total_computed") or {}
            spec = UNIT_TABLES[number]
            values["numerator"] = Decimal(total.get("numerator", total.get(spec["numerator"], 0)))
            values["denominator"] = Decimal(total["denominator"])
        elif isinstance(history, dict):
            values["numerator"], values["denominator"] = _dec(history["numerator"]), _dec(history["denominator"])
        elif isinstance(row.get("reported_result"), (int, float)):
            values["value"] = _dec(row["reported_result"])
        as_of = row.get("data_as_of") or (table or {}).get("data_as_of")
        if as_of:
            values["as_of_date"] = thai_date_parse(as_of)
        if row.get("type", "").startswith("milestone_three_level (maturity"):
            values["achieved_level"] = "100"
        result, _ = Result.objects.update_or_create(
            assignment=self.assignments[number], org_unit=self.department, round=self.round2, defaults=values,
        )
        result.full_clean()
        self.summary.add("results")
        if isinstance(row.get("reported_result"), list):
            self._milestones(result, row)
        if table is not None:
            self._sub_results(result, number, table)

    def _milestones(self, result: Result, row: dict[str, Any]) -> None:
        """The deliverables printed in the result cell; each is matched to its criteria level (done or partly done)."""
        reported: list[str] = list(row["reported_result"])
        criteria = row["criteria"]
        matches = self._match_deliverables(criteria, reported)
        kept = set()
        for (level, index), text, done in matches:
            MilestoneCompletion.objects.update_or_create(
                result=result, level=level, deliverable_index=index,
                defaults={"done": done, "evidence_th": text, "done_on": None},
            )
            kept.add((level, index))
            self.summary.add("milestones")
        # A deliverable the document reports nothing on was not done; it still gets its row, so the engine sees
        # every deliverable of every level (done or not) rather than a short list.
        for level, deliverables in criteria.items():
            for index, deliverable in enumerate(deliverables):
                if (level, index) not in kept:
                    implied = self._implied_by(deliverable, reported)
                    MilestoneCompletion.objects.update_or_create(
                        result=result, level=level, deliverable_index=index,
                        defaults={"done": implied is not None, "evidence_th": implied or "", "done_on": None},
                    )
                    kept.add((level, index))
                    self.summary.add("milestones")
        for completion in result.milestones.all():
            if (completion.level, completion.deliverable_index) not in kept:
                completion.delete()

    @staticmethod
    def _implied_by(deliverable: str, reported: list[str]) -> str | None:
        """The printed line that implies a deliverable asking for a lower percentage of the same thing.

        Indicator 1's 50-level asks "ร้อยละ 80 ของกลุ่มเป้าหมายเข้าถึงบริการทางสังคม"; the document reports only the
        75-level "ร้อยละ 100 ของกลุ่มเป้าหมายเข้าถึงบริการทางสังคม (8,520 คน)", which reaches 80 as well.
        """
        asked = re.match(r"ร้อยละ (\d+(?:\.\d+)?) (.+)", deliverable)
        if asked is None:
            return None
        for line in reported:
            done = re.match(r"ร้อยละ (\d+(?:\.\d+)?) (.+)", line)
            if done and done.group(2).startswith(asked.group(2)) and Decimal(done.group(1)) >= Decimal(asked.group(1)):
                return line
        return None

    @staticmethod
    def _match_deliverables(criteria: dict[str, list[str]], reported: list[str]) -> list[tuple[tuple[str, int], str, bool]]:
        """Pair each printed result with the deliverable it reports on (word overlap), in level order.

        The printed result list has one line per deliverable reported. A line reports the deliverable fully unless
        the JSON row notes otherwise: indicator 2 reached 60% of the plan (75-level asks 100%), and indicator 1's and
        2's last 100-level deliverables were not done (COVID-19), so they get no line.
        """
        slots = [(level, index, text) for level in ("50", "75", "100") for index, text in enumerate(criteria.get(level, []))]
        out: list[tuple[tuple[str, int], str, bool]] = []
        used: set[tuple[str, int]] = set()
        for line in reported:
            words = set(line.split())
            level, index, target = max(
                ((lv, ix, tx) for lv, ix, tx in slots if (lv, ix) not in used),
                key=lambda slot: len(words & set(slot[2].split())),
            )
            used.add((level, index))
            partial = "ร้อยละ 60" in line and "ร้อยละ 100" in target
            out.append(((level, index), line, not partial))
        return sorted(out, key=lambda item: (int(item[0][0]), item[0][1]))

    def _sub_results(self, result: Result, number: str, table: dict[str, Any]) -> None:
        spec = UNIT_TABLES[number]
        provinces = {p.name_th: p for p in Province.objects.all()}
        extra_keys = [c["key"] for c in spec["columns"] if c["key"] not in ("numerator", "denominator", "percent")]
        for order, row in enumerate(table["rows"]):
            numerator, denominator = Decimal(row[spec["numerator"]]), Decimal(row[spec["denominator"]])
            breakdown: dict[str, Any] = {key: row[key] for key in extra_keys}
            if "reported_percent" in row:
                breakdown["printed_percent"] = str(Decimal(str(row["reported_percent"])).quantize(Decimal("0.01")))
            if numerator > denominator:
                breakdown["note_th"] = ABOVE_DENOMINATOR_NOTE.format(numerator=numerator, denominator=denominator)
            if "province" in row:
                label = row["province"]
                target = {"province": provinces.get(label) or provinces[PROVINCE_ALIASES[label]], "org_unit": None}
            else:
                label = row["unit"]
                target = {"org_unit": self.field_units[row["no"]], "province": None}
            item, _ = SubUnitResult.objects.update_or_create(
                result=result, order=order,
                defaults={"label_th": label, "numerator": numerator, "denominator": denominator,
                          "breakdown": breakdown, **target},
            )
            item.full_clean()
            self.summary.add("sub_results")
        result.sub_results.filter(order__gte=len(table["rows"])).delete()

    def _pmqa_scores(self, row: dict[str, Any]) -> None:
        """PMQA 4.0 stage-1 points by category (the table under indicator 5.2) as the external score of the year."""
        table = row["pmqa_category_scores"]
        ExternalScore.objects.update_or_create(
            system=ExternalScore.System.PMQA, org_unit=self.department, fiscal_year=self.year, round_number=2,
            defaults={"score": Decimal(str(row["reported_result"])),
                      "components": {"title_th": PMQA_TABLE_TITLE, "columns": table["columns"], "rows": table["rows"],
                                     "total_row": ["คะแนนรวม (500) คะแนน", *table["total_500"]],
                                     "scale_row": ["กรมพัฒนาสังคมและสวัสดิการ เป็นระบบราชการ", *table["as_4_0_scale"]]},
                      "note_th": "คะแนนผลการประเมินสถานะการเป็นระบบราชการ 4.0 ขั้นตอนที่ 1 (เอกสาร 000)"},
        )
        self.summary.add("external_scores")

    # --- book texts -----------------------------------------------------------------------------------------
    def _book_sections(self) -> None:
        """The foreword and annex of the annual results book are the reporting app's: see reporting.reference_books."""
