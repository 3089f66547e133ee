"""FY2566 calendar and organisation: the year and its rounds, unit types, provinces, the ministry, the department
and its divisions (DOMAIN.md §1, §2)."""

from __future__ import annotations

from indicators.models import FiscalYear, OrgUnit, Province, Round, ScoringPolicy, UnitType
from indicators.models.calendar import round_bounds
from indicators.reference.common import UNIT_TYPES, _read
from indicators.reference.fy2566.base import FY, ReferenceStage

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


class OrganisationStage(ReferenceStage):
    """Year, rounds and scoring policy; unit types, provinces (with their org units), external orgs, divisions."""

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
