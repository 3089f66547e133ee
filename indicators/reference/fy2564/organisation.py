"""FY2564 calendar and organisation: the monitoring-only year and its rounds, the department, the field units of
tables 3.1 and 3.2, and the people named in the book."""

from __future__ import annotations

from typing import Any

from indicators.models import FiscalYear, OrgUnit, Person, Province, Round, ScoringPolicy, UnitType
from indicators.models.calendar import round_bounds
from indicators.reference.common import UNIT_TYPES
from indicators.reference.fy2564.base import FY, ROUND_2_PRINTED, STATUS_NOTE_TH, Fy2564Stage


class OrganisationStage(Fy2564Stage):
    """Year and rounds (closed), the department, the 14 field units, supervisors and data collectors."""

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
