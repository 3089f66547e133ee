"""The FY2564 reference file, where it is found, how its dates read, and the state every stage of Fy2564Loader shares."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from indicators.models import Assignment, FiscalYear, Framework, IndicatorDefinition, OrgUnit, Person, Round
from indicators.models.calendar import BE_OFFSET
from indicators.reference.common import BUNDLED_DIR, LoadSummary
from indicators.templatetags.thai_dates import THAI_MONTHS

FY = 2564
FILE = "fy2564_unit_results.json"
ROUND_2_PRINTED = "1 ต.ค. 2563 - 30 ก.ย. 2564"
STATUS_NOTE_TH = (
    "มติคณะรัฐมนตรี เมื่อวันที่ 20 กรกฎาคม 2564 ไม่นำผลการดำเนินงานของส่วนราชการ ประจำปีงบประมาณ พ.ศ. 2564 "
    "มาประเมิน เนื่องจากสถานการณ์ของโรค COVID-19 ให้รายงานผลการดำเนินงานตามตัวชี้วัดเพื่อใช้ในการติดตามผล "
    "(Monitoring) และรายงานผลการถอดบทเรียน"
)


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


class Fy2564Stage:
    """What the stages read and fill: the file's directory and data, the summary, and the rows later stages look up."""

    data: dict[str, Any]  # set by Fy2564Loader.load
    year: FiscalYear  # set by OrganisationStage._calendar, with round2
    round2: Round
    department: OrgUnit  # set by OrganisationStage._department
    field_units: dict[int, OrgUnit]  # set by OrganisationStage._field_units
    framework: Framework  # set by FrameworkStage._framework

    def __init__(self, shared_dir: Path | None) -> None:
        self.dir = fy2564_file(shared_dir)
        self.summary = LoadSummary()
        self.definitions: dict[str, IndicatorDefinition] = {}
        self.assignments: dict[str, Assignment] = {}
        self.people: dict[str, Person] = {}
