"""The annual results book as data (reporting/documents/book.py): frozen dataclasses and constants.

Numbers are printed by indicators/numbers.py, the formatter of every document.

Shared by the builder (book_build.py), the PDF/HTML renderer (book.py) and the workbook (book_xlsx.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators import numbers
from indicators.models.framework import Component, Scale

TITLE = "รายงานผลการดำเนินงานตามตัวชี้วัดการประเมินส่วนราชการ"
MEASURE = "ตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ"
RUNNING_TITLE = "รายงานผลการปฏิบัติราชการตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ"
AUTHOR = "กลุ่มพัฒนาระบบบริหาร"
KPI_LIST_TITLE = "ตัวชี้วัดการประเมินส่วนราชการตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ"
RESULTS_TITLE = "ผลการดำเนินงานตามตัวชี้วัดการประเมินส่วนราชการตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ"
FOREWORD_TITLE = "คำนำ"
TOC_TITLE = "สารบัญ"
MONITORING = "ไม่ประเมินผล (Monitoring)"
COMPONENT_LABELS = {
    Component.PERFORMANCE.value: "องค์ประกอบที่ 1 การประเมินประสิทธิผลการดำเนินงาน (Performance Base)",
    Component.POTENTIAL.value: "องค์ประกอบที่ 2 การประเมินศักยภาพในการดำเนินงาน (Potential Base)",
}
THREE_LEVEL_HEADERS = ("เป้าหมายขั้นต่ำ (50)", "เป้าหมายมาตรฐาน (75)", "เป้าหมายขั้นสูง (100)")
FIVE_LEVEL_HEADERS = ("ระดับ 1", "ระดับ 2", "ระดับ 3", "ระดับ 4", "ระดับ 5")
COUNT_UNIT = re.compile(r"\(([^()]+)\)\s*$")
ANNEX_HEADING = re.compile(r"^(\d+\.\d+ |\(\d+\) |คำอธิบาย$|ตารางที่ \d)")  # sub-headings of annex text
PATTERN_MAX = 60  # a criteria cell longer than this is a sentence, not a way to print a number


# ---- the book as data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    position: str
    phone: str


@dataclass(frozen=True)
class KpiRow:
    """A line of the KPI list: ตัวชี้วัด | ความเชื่อมโยง... | น้ำหนัก (+ คะแนน, คะแนนถ่วงน้ำหนัก in evaluated years)."""

    number: str
    name: str
    links: tuple[str, ...]
    weight: Decimal | None
    is_sub: bool
    score: Decimal | None
    weighted: Decimal | None


@dataclass(frozen=True)
class KpiGroup:
    label: str
    weight: Decimal
    rows: tuple[KpiRow, ...]


@dataclass(frozen=True)
class Column:
    key: str  # "denominator", "numerator", "percent" or a breakdown key
    label: str
    group: str  # a head spanning neighbouring columns ("" = none)


@dataclass(frozen=True)
class UnitRow:
    number: int
    name: str
    cells: tuple[Decimal | None, ...]  # one per UnitTable.columns; the percent column holds the computed percent
    note: str


@dataclass(frozen=True)
class UnitTable:
    """The per-unit statistics of an indicator (§6.1 item 7a) with its รวม row."""

    title: str
    unit_header: str  # หน่วยงาน / จังหวัด
    columns: tuple[Column, ...]
    rows: tuple[UnitRow, ...]
    totals: tuple[Decimal | None, ...]
    total_percent: Decimal | None
    summary: str  # "... คิดเป็นร้อยละ 13.90"
    as_of: str  # "30 กันยายน 2564" or ""
    notes: tuple[str, ...]

    @property
    def percent_index(self) -> int:
        return next(i for i, column in enumerate(self.columns) if column.key == "percent")


@dataclass(frozen=True)
class History:
    """ข้อมูลผลการดำเนินงาน: Y−2, Y−1, Y and the change in percentage points for Y−1 and Y."""

    years: tuple[int, ...]
    values: tuple[str, ...]
    change_years: tuple[int, ...]
    changes: tuple[str, ...]


@dataclass(frozen=True)
class ExtraTable:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class IndicatorReport:
    """One indicator report with the headings of DOMAIN.md §6.1, in order."""

    anchor: str
    number: str
    label: str  # "3.1 ร้อยละของ..." as the criteria and score tables print it
    heading: tuple[str, ...]  # after "ชื่อตัวชี้วัด :" — parent line first for a sub-indicator
    supervisor: Contact | None
    collectors: tuple[Contact, ...]
    description: tuple[str, ...]
    scope: tuple[str, ...]
    formula: tuple[str, str, str] | None  # numerator, denominator, "× 100"
    level_headers: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]  # criteria cells, one tuple of lines per level
    history: History | None
    unit_table: UnitTable | None
    extra_tables: tuple[ExtraTable, ...]
    reported: bool
    result_lines: tuple[str, ...]  # the ผลการดำเนินงาน cell (bullets for milestones)
    weight: Decimal | None
    score: Decimal | None  # ก and ค as the stored scorecard has them (the one computation), None when not scored
    weighted: Decimal | None
    explanation: tuple[str, ...]
    actions: tuple[str, ...]
    factors: tuple[str, ...]
    obstacles: tuple[str, ...]
    evidence: tuple[str, ...]
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class TocEntry:
    label: str
    anchor: str
    level: int  # 0 chapter, 1 component, 2 indicator, 3 sub-indicator


@dataclass(frozen=True)
class ComponentSection:
    anchor: str
    label: str
    reports: tuple[IndicatorReport, ...]


@dataclass(frozen=True)
class TextSection:
    anchor: str
    title: str
    paragraphs: tuple[tuple[str, ...], ...]  # paragraphs of lines


@dataclass(frozen=True)
class BookDoc:
    unit_code: str
    unit_name: str
    department_name: str
    fiscal_year: int
    period_start: str
    period_end: str
    round_number: int
    round_label: str
    scale: str
    monitoring: bool
    status_label: str
    status_note: str
    foreword: TextSection
    foreword_generated: bool
    kpi_groups: tuple[KpiGroup, ...]
    total_weight: Decimal
    total_score: Decimal | None  # the stored scorecard's 100-point total
    band_label: str
    components: tuple[ComponentSection, ...]
    annexes: tuple[TextSection, ...]
    toc: tuple[TocEntry, ...]
    generated_at: dt.datetime
    weighted_sum: Decimal | None = None  # Σ ค of the stored scorecard

    @property
    def year_line(self) -> str:
        return f"ประจำปีงบประมาณ พ.ศ. {self.fiscal_year}"

    @property
    def running_header(self) -> str:
        return f"{RUNNING_TITLE} {self.year_line} ({self.period_start} – {self.period_end})"

    @property
    def evaluated(self) -> bool:
        return not self.monitoring

    @property
    def level_headers(self) -> tuple[str, ...]:
        return THREE_LEVEL_HEADERS if self.scale == Scale.THREE_LEVEL else FIVE_LEVEL_HEADERS

    @property
    def reports(self) -> tuple[IndicatorReport, ...]:
        return tuple(report for component in self.components for report in component.reports)


# ---- helpers -------------------------------------------------------------------------------------------------


def percent_of(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return numbers.round_half_up(numerator * 100 / denominator, numbers.PERCENT_PLACES)


def text_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def text_paragraphs(text: str) -> tuple[tuple[str, ...], ...]:
    blocks = re.split(r"\n\s*\n", (text or "").strip())
    return tuple(lines for lines in (text_lines(block) for block in blocks) if lines)


def number_label(number: str, name: str) -> str:
    if not number:
        return name
    return f"{number} {name}" if "." in number else f"{number}. {name}"


def contact_of(person: Any) -> Contact:
    return Contact(person.full_name, person.position, person.phone)
