"""Drill-down of one scorecard row: criteria, result, the stored Thai arithmetic and, for a division's household
indicator, each province's score (DOMAIN.md §4.h; the province dataclasses live in scorecard_data.py). Builders
only; the director's indicator page renders these dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from indicators import numbers
from indicators.criteria_spec import printed_levels
from indicators.models import OrgUnit, Result, Round
from indicators.models.framework import Criteria
from reporting.documents.scorecard_data import (  # the province drill is part of the scorecard's data
    METHOD_LABELS,
    SOURCE_NOTE,
    STATUS_LABELS,
    ProvinceDrill,
    ProvinceScore,
    province_drill,
)

__all__ = [
    "METHOD_LABELS", "SOURCE_NOTE", "CriteriaPart", "IndicatorDetail", "ProvinceDrill", "ProvinceScore",
    "build_indicator", "province_drill",
]


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
        ("ผลการดำเนินงาน", numbers.number(result.value)),
        ("ตัวตั้ง", numbers.number(result.numerator)),
        ("ตัวหาร", numbers.number(result.denominator)),
        ("ผลของตัววัดที่ 2", numbers.number(result.second_value)),
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
    state = selectors.scorecard_state(org_unit=org_unit, round=round)
    inputs = state.inputs if state is not None else None
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
        # the status the scorecard row prints (the one the score was computed with)
        result_status=row.status_label or STATUS_LABELS[Result.Status.NOT_REPORTED.value],
        result_lines=_result_lines(result) if result is not None else (),
        score_method=str(stored.get_method_display()) if stored else "",
        explanation=stored.explanation_th if stored else "",
        problem=stored.problem_th if stored else "",
        provinces=drill,
        monitoring_only=doc.monitoring_only,
        computed=doc.computed,
    )
