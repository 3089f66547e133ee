"""Drill-down of one scorecard row: criteria, result, the stored Thai arithmetic and, for a division's household
indicator, each province's score (DOMAIN.md §4.h). Builders only; the scorecard document and the director's
indicator page render these dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators.criteria_spec import printed_levels, show_number
from indicators.models import OrgUnit, Result, Round
from indicators.models.framework import Criteria
from indicators.models.policy import ScoringPolicy

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


@dataclass(frozen=True)
class CriteriaPart:
    name: str
    levels: tuple[tuple[str, str, bool], ...]  # (level label, printed text, defined)


@dataclass(frozen=True)
class IndicatorDetail:
    """Everything the director's indicator page shows for one row of a scorecard."""

    unit_code: str
    unit_name: str
    fiscal_year: int
    round_number: int
    round_label: str
    number: str
    name: str
    component_label: str
    weight: Decimal | None
    scale: str
    criteria_method: str
    criteria_parts: tuple[CriteriaPart, ...]
    criteria_note: str
    score: Decimal | None
    weighted: Decimal | None
    reasons: tuple[str, ...]
    result_id: int | None
    result_status: str
    result_lines: tuple[tuple[str, str], ...]  # (label, value) as reported
    score_method: str
    explanation: str
    problem: str
    provinces: ProvinceDrill | None
    monitoring_only: bool
    computed: bool


def _result_lines(result: Result) -> tuple[tuple[str, str], ...]:
    fields = [
        ("ผลการดำเนินงาน", show_number(result.value)),
        ("ตัวตั้ง", show_number(result.numerator)),
        ("ตัวหาร", show_number(result.denominator)),
        ("ผลของตัววัดที่ 2", show_number(result.second_value)),
        ("ระดับที่บรรลุ", result.achieved_level),
    ]
    lines = [(label, value) for label, value in fields if value]
    done = [f"ระดับ {m.level}" for m in result.milestones.all() if m.done]
    if done:
        lines.append(("ขั้นตอนที่ดำเนินการแล้ว", ", ".join(dict.fromkeys(done))))
    if result.as_of_date:
        from indicators.templatetags.thai_dates import thai_date

        lines.append(("ข้อมูล ณ วันที่", thai_date(result.as_of_date)))
    return tuple(lines)


def build_indicator(*, org_unit: OrgUnit, round: Round, assignment_id: int) -> IndicatorDetail | None:
    """The drill-down of one row of the unit's scorecard; None when the assignment is not on it."""
    from reporting import selectors
    from reporting.documents import scorecard as scorecard_doc
    from reporting.models import ResultScore

    doc = scorecard_doc.build(org_unit=org_unit, round=round)
    row = next((r for r in doc.rows if r.assignment_id == assignment_id), None)
    if row is None:
        return None
    inputs = selectors.scorecard_inputs(org_unit=org_unit, round=round)
    assignment = next((a for a in inputs.assignments if a.pk == assignment_id), None) if inputs else None
    if assignment is None:
        return None
    criteria: Criteria | None = assignment.criteria_for(round.number)
    parts = tuple(CriteriaPart(name, tuple(levels)) for name, levels in printed_levels(criteria)) if criteria else ()
    result = inputs.results.get(assignment_id) if inputs else None
    stored = ResultScore.objects.filter(result=result).first() if result is not None else None
    drill = province_drill(row.number, row.name, stored.details if stored else None, row_score=row.score)
    return IndicatorDetail(
        unit_code=org_unit.code,
        unit_name=org_unit.name_th,
        fiscal_year=doc.fiscal_year,
        round_number=doc.round_number,
        round_label=doc.round_label,
        number=row.number,
        name=row.name,
        component_label=str(assignment.get_component_display()),
        weight=row.weight,
        scale=doc.scale,
        criteria_method=str(criteria.get_method_display()) if criteria else "",
        criteria_parts=parts,
        criteria_note=criteria.derivation_note_th if criteria else "",
        score=row.score,
        weighted=row.weighted,
        reasons=row.reasons,
        result_id=result.pk if result is not None else None,
        result_status=str(result.get_status_display()) if result is not None else str(Result.Status.NOT_REPORTED.label),
        result_lines=_result_lines(result) if result is not None else (),
        score_method=str(stored.get_method_display()) if stored else "",
        explanation=stored.explanation_th if stored else "",
        problem=stored.problem_th if stored else "",
        provinces=drill,
        monitoring_only=doc.monitoring_only,
        computed=doc.computed,
    )
