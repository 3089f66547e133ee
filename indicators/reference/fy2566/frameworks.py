"""FY2566 frameworks (department 6.2, divisions, field units 6.4) with their assignments, and the provincial
household targets (DOMAIN.md §9.3, §9.4, §5.3)."""

from __future__ import annotations

from typing import Any

from indicators.models import Assignment, Framework, OrgUnit, Province, ProvinceTarget
from indicators.reference.common import UNIT_TYPES, _dec, _read
from indicators.reference.fy2566.definitions import DefinitionsStage, source_category
from indicators.services.frameworks import framework_problems


class FrameworksStage(DefinitionsStage):
    """The frameworks of the year, approved when complete (else drafts with a note), and the provincial targets."""

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
