"""The scorecard as data (reporting/documents/scorecard.py): constants, frozen dataclasses and the few rules on them.

Shared by the builder and the page/PDF context (scorecard.py), the workbook (scorecard_xlsx.py) and the drill-down
(scorecard_detail.py), so none of them imports another's renderer: the modules of reporting.documents form no cycle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators.models import Result
from indicators.models.framework import Scale
from indicators.models.policy import ScoringPolicy

TITLE = "แบบรายงานผลการดำเนินงานระดับกองและเทียบเท่า และหน่วยงาน"
#: The department is scored by OPDC on 50 / 75 / 100 targets (DOMAIN §1.8, §4.a), not with appendix 2's form.
DEPARTMENT_TITLE = "รายงานผลการดำเนินงานตามตัวชี้วัดการประเมินส่วนราชการ ระดับกรม"
LEVELS = ("1", "2", "3", "4", "5")
THREE_LEVELS = ("50", "75", "100")
LEVEL_HEADINGS = {
    Scale.FIVE_LEVEL: ("คะแนนตามระดับค่าเป้าหมาย", LEVELS),
    Scale.THREE_LEVEL: ("ค่าเป้าหมาย", ("ขั้นต้น (50)", "มาตรฐาน (75)", "ขั้นสูง (100)")),
}
NOT_COMPUTABLE = "คำนวณไม่ได้"
MONITORING_ONLY = "ติดตามผล ไม่นำมาประเมิน"
#: The status of each row's result as the scorecard prints it (issue 8 item 6: every number says what it is).
STATUS_LABELS: dict[str, str] = {status.value: str(status.label) for status in Result.Status}
STATUS_HEADING = "สถานะผล"
#: The watermark of every page of a draft PDF, and the title of the draft banner.
DRAFT_MARK = "ฉบับร่าง — ยังไม่ได้รับอนุมัติ"
DRAFT_NOTE = "ยังไม่ใช่ฉบับสำหรับลงนาม: ฉบับลงนามพิมพ์ได้เมื่อผลทุกตัวชี้วัดได้รับอนุมัติแล้ว หรือจากฉบับที่ล็อกรับรองแล้ว"


@dataclass(frozen=True)
class ScorecardRow:
    """One indicator line: ตัวชี้วัดผลงาน | levels 1–5 | ผลการดำเนินงาน | ก | ข | ค."""

    number: str
    name: str
    levels: tuple[str, ...]  # 5 cells (levels 1–5) or 3 (targets 50 / 75 / 100)
    result_text: str
    score: Decimal | None
    weight: Decimal | None
    weighted: Decimal | None
    scored: bool  # False for a parent indicator whose sub-indicators carry the score
    note: str = ""
    parts: tuple[str, ...] = ()  # names of the measures of a composite indicator
    reasons: tuple[str, ...] = ()  # why the row has no score (no targets, no weight, not reported, ...)
    assignment_id: int | None = None
    result_id: int | None = None
    method: str = ""  # ResultScore.Method of the stored score
    status: str = Result.Status.NOT_REPORTED.value  # the result's Result.Status when the scorecard was computed
    status_label: str = ""  # STATUS_LABELS[status]; "" for a parent (its sub-indicators carry the results)

    @property
    def approved(self) -> bool:
        return self.status == Result.Status.APPROVED.value


@dataclass(frozen=True)
class ScorecardGroup:
    """Performance Base or Potential Base with its rows and subtotals."""

    component: str
    label: str
    share: Decimal | None  # ร้อยละ 70 / 30 of the framework
    rows: tuple[ScorecardRow, ...]
    weight_sum: Decimal
    weighted_sum: Decimal | None  # Σ ค of the component, as stored by the one computation


@dataclass(frozen=True)
class ScorecardDoc:
    """The scorecard of one unit and round, as data."""

    unit_code: str
    unit_name: str
    round_number: int
    round_label: str
    round_start: dt.date
    round_end: dt.date
    fiscal_year: int
    framework_name: str
    scale: str
    max_score: Decimal  # 5 on the five-level scale, 100 on the three-level (OPDC) scale
    groups: tuple[ScorecardGroup, ...]
    weight_total: Decimal
    weighted_sum: Decimal | None
    total_100: Decimal | None
    band_label: str
    computed: bool
    status_label: str
    problems: tuple[str, ...]
    frozen: bool
    computed_at: dt.datetime | None
    generated_at: dt.datetime
    title: str = TITLE
    level_heading: str = LEVEL_HEADINGS[Scale.FIVE_LEVEL][0]
    level_labels: tuple[str, ...] = LEVELS
    monitoring_only: bool = False  # FiscalYear.evaluation_status: figures shown, not used for evaluation
    is_department: bool = False
    province_averages: tuple[ProvinceDrill, ...] = ()
    draft_reasons: tuple[str, ...] = ()  # why this is not the signable version; () = signable

    @property
    def rows(self) -> tuple[ScorecardRow, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def draft(self) -> bool:
        """Not for signing: a scored row is not approved, or there is no total (a frozen copy is never a draft)."""
        return bool(self.draft_reasons)

    @property
    def signable(self) -> bool:
        return not self.draft_reasons

    @property
    def band_text(self) -> str:
        """The rating band as printed: "คำนวณไม่ได้", or the band marked as monitoring only (DOMAIN §9.2)."""
        if not self.computed:
            return f"{self.status_label} ({MONITORING_ONLY})" if self.monitoring_only else self.status_label
        if self.monitoring_only:
            return f"{MONITORING_ONLY} (ระดับที่คำนวณได้: {self.band_label})" if self.band_label else MONITORING_ONLY
        return self.band_label or self.status_label


#: How the division's score is combined from the provinces (ScoringPolicy.division_average_method, OPEN-15).
METHOD_LABELS: dict[str, str] = {
    ScoringPolicy.DivisionAverage.MEAN_OF_SCORES: "ค่าเฉลี่ยของคะแนนรายจังหวัด (คะแนนแต่ละจังหวัดคิดจากเป้าหมายของจังหวัดนั้น)",
    ScoringPolicy.DivisionAverage.MEAN_OF_PERCENTAGES: "ค่าเฉลี่ยร้อยละรายจังหวัด แล้วคิดคะแนนจากค่าเฉลี่ยนั้น",
    ScoringPolicy.DivisionAverage.POOLED: "ผลรวมทุกจังหวัดหารด้วยเป้าหมายรวม แล้วคิดคะแนน",
}
#: The rule as the FY2566 manual prints it under the household indicator (document 003, appendix 3).
SOURCE_NOTE = (
    "คู่มือปี 2566 (ภาคผนวก 3): การคิดค่าคะแนนเฉลี่ยของกอง ให้นำคะแนนจากกองตรวจราชการที่ประมวลผลได้จากแต่ละจังหวัด "
    "เป็นฐานในการคิดคำนวณค่าคะแนนของกอง"
)


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@dataclass(frozen=True)
class ProvinceScore:
    province: str
    target: Decimal | None
    done: Decimal | None
    percent: Decimal | None
    score: Decimal | None
    problem: str = ""


@dataclass(frozen=True)
class ProvinceDrill:
    """The provinces behind a division's household score, or why they could not be averaged."""

    number: str
    name: str
    method_label: str
    score: Decimal | None
    provinces: tuple[ProvinceScore, ...]
    problem: str
    row_score: Decimal | None = None  # the score (ก) on the scorecard: the aggregate's when the average failed

    @property
    def problem_text(self) -> str:
        """Why the provinces were not averaged and what the scorecard uses instead, in Thai."""
        if not self.problem:
            return ""
        text = f"ยังคิดคะแนนเฉลี่ยของกองจากคะแนนรายจังหวัดไม่ได้: {self.problem}"
        if self.score is None and self.row_score is not None:
            text += " — คะแนน (ก) ในตารางจึงคิดจากผลรวมที่กองรายงาน"
        return text


def province_drill(
    number: str, name: str, details: dict[str, Any] | None, row_score: Decimal | None = None
) -> ProvinceDrill | None:
    """The ProvinceDrill stored by reporting.services on ResultScore.details, or None for other indicators."""
    average = (details or {}).get("province_average")
    if not average:
        return None
    provinces = tuple(
        ProvinceScore(
            province=str(p.get("province") or ""), target=_dec(p.get("target")), done=_dec(p.get("done")),
            percent=_dec(p.get("percent")), score=_dec(p.get("score")), problem=str(p.get("problem") or ""),
        )
        for p in average.get("provinces") or []
    )
    method = str(average.get("method") or "")
    return ProvinceDrill(
        number=number, name=name, method_label=METHOD_LABELS.get(method, method), score=_dec(average.get("score")),
        provinces=provinces, problem=str(average.get("problem") or ""), row_score=row_score,
    )


# ---- rules on the data ---------------------------------------------------------------------------------------


def draft_reasons(rows: list[ScorecardRow], *, computed: bool, fresh: bool = True) -> tuple[str, ...]:
    """Why a live scorecard is not the signable version, in Thai; () when every scored row is approved.

    Counts by status are of the scored rows (a parent's result is its sub-indicators'), as the rows print them.
    """
    scored = [row for row in rows if row.scored]
    waiting = [row for row in scored if not row.approved]
    reasons = []
    if waiting:
        by_status = {label: sum(1 for row in waiting if row.status_label == label) for label in STATUS_LABELS.values()}
        detail = ", ".join(f"{label} {count}" for label, count in by_status.items() if count)
        reasons.append(f"ผลการดำเนินงานยังไม่ได้รับอนุมัติ {len(waiting)} จาก {len(scored)} ตัวชี้วัด ({detail})")
    if not computed:
        reasons.append("ยังคำนวณคะแนนรวมไม่ได้")
    if not fresh:
        reasons.append("กำลังคำนวณใหม่: ข้อมูลเปลี่ยนหลังการคำนวณครั้งล่าสุด (หรือยังไม่ได้บันทึกผลการคำนวณ)")
    return tuple(reasons)


def row_note(doc: ScorecardDoc, row: ScorecardRow) -> str:
    """Why a row has no score, in Thai: "คำนวณไม่ได้: …" or, on a computed scorecard, "… (นับคะแนนเป็น 0)"."""
    if not row.reasons:
        return ""
    reasons = "; ".join(row.reasons)
    return f"{reasons} (นับคะแนนเป็น 0)" if doc.computed else f"{NOT_COMPUTABLE}: {reasons}"
