"""The FY2566 reference files, where they are found, and the state every stage of ReferenceLoader shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indicators.models import FiscalYear, IndicatorDefinition, OrgUnit, UnitType
from indicators.reference.common import BUNDLED_DIR, LoadSummary

FY = 2566

REFERENCE_FILES = (
    "fy2566_department_indicators.json",
    "fy2566_division_frameworks.json",
    "fy2566_standard_criteria.json",
    "fy2566_vulnerable_household_targets.json",
)


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


class ReferenceStage:
    """What the stages read and fill: the files' directory, the summary, and the rows later stages look up."""

    year: FiscalYear  # set by OrganisationStage._fiscal_year
    department: OrgUnit  # set by OrganisationStage._org_units
    unit_variant_templates: dict[str, dict[str, Any]]  # set by DefinitionsStage._definitions

    def __init__(self, shared_dir: Path | None) -> None:
        self.dir = reference_dir(shared_dir)
        self.summary = LoadSummary()
        self.units_by_abbrev: dict[str, OrgUnit] = {}
        self.unit_types: dict[str, UnitType] = {}
        self.definitions: dict[str, IndicatorDefinition] = {}
