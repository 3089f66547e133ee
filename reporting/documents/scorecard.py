"""The director's scorecard (DOMAIN.md §6.6, appendix 2 of document 003): builder and PDF / XLSX renderers.

A unit's or division's on the five-level scale, the department's on the OPDC 50 / 75 / 100 scale (§4.a, §4.i);
rows without a score say why ("คำนวณไม่ได้: …"), a monitoring-only year is marked, and a division's household score
carries its provinces (§4.h, scorecard_detail.ProvinceDrill).

``build()`` reads the stored Scorecard (recomputing it when none is stored) once into frozen dataclasses;
``to_pdf()`` and ``to_xlsx()`` only format those dataclasses, so the page, the PDF and the workbook show the same
numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from indicators.criteria_spec import printed_levels, show_number
from indicators.models import OrgUnit, Result, Round
from indicators.models.framework import Component, Scale
from indicators.templatetags.thai_dates import thai_date, thai_digits
from reporting.documents.scorecard_detail import SOURCE_NOTE, ProvinceDrill, province_drill

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
SCORE_PLACES = 4  # คะแนน (ก) and คะแนนถ่วงน้ำหนัก (ค), as stored
WEIGHT_PLACES = 2
TOTAL_PLACES = 2  # the 100-point total as printed


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


@dataclass(frozen=True)
class ScorecardGroup:
    """Performance Base or Potential Base with its rows and subtotals."""

    component: str
    label: str
    share: Decimal | None  # ร้อยละ 70 / 30 of the framework
    rows: tuple[ScorecardRow, ...]
    weight_sum: Decimal
    weighted_sum: Decimal


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

    @property
    def rows(self) -> tuple[ScorecardRow, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def band_text(self) -> str:
        """The rating band as printed: "คำนวณไม่ได้", or the band marked as monitoring only (DOMAIN §9.2)."""
        if not self.computed:
            return f"{self.status_label} ({MONITORING_ONLY})" if self.monitoring_only else self.status_label
        if self.monitoring_only:
            return f"{MONITORING_ONLY} (ระดับที่คำนวณได้: {self.band_label})" if self.band_label else MONITORING_ONLY
        return self.band_label or self.status_label


# ---- builder -------------------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _level_cells(criteria: Any, labels: tuple[str, ...] = LEVELS) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The criteria cells (one per level label) and, for a composite indicator, the names of its parts."""
    if criteria is None:
        return tuple("" for _ in labels), ()
    parts = printed_levels(criteria)
    cells: list[list[str]] = [[] for _ in labels]
    for number, (_, levels) in enumerate(parts, start=1):
        positions = [labels.index(label) if label in labels else i for i, (label, _, _) in enumerate(levels)]
        for position, (_, text, _) in zip(positions, levels, strict=False):
            if position < len(cells):
                cells[position].append(f"{number}) {text}" if len(parts) > 1 else text)
    names = tuple(f"{n}) {name}" for n, (name, _) in enumerate(parts, start=1) if name) if len(parts) > 1 else ()
    return tuple("\n".join(c) for c in cells), names


def _result_text(row: dict[str, Any], result: Result | None, criteria: Any) -> str:
    if result is None:
        return "ยังไม่รายงาน"
    score = _dec(row.get("score"))
    if criteria is not None and criteria.method == "milestones" and score is not None:
        return f"ระดับ {show_number(score)}"
    if result.achieved_level and result.value is None and result.numerator is None:
        return f"ระดับ {result.achieved_level}"
    text = show_number(_dec(row.get("value"))) or show_number(result.value)
    if result.second_value is not None and text:
        text = f"{text} / {show_number(result.second_value)}"
    return text or (f"ระดับ {result.achieved_level}" if result.achieved_level else "-")


def build(*, org_unit: OrgUnit, round: Round, use_frozen: bool = False) -> ScorecardDoc:
    """The unit's scorecard for the round from the stored Scorecard (computed now if none is stored).

    ``use_frozen``: print the copy locked by scorecard_freeze() when there is one (else the live scorecard).
    Raises reporting.services.ScorecardError when the unit has no framework in that year.
    """
    from reporting import selectors, services
    from reporting.models import ResultScore, Scorecard

    scorecard = (
        Scorecard.objects.select_related("framework", "round__fiscal_year", "org_unit")
        .filter(org_unit=org_unit, round=round)
        .first()
    )
    stale = scorecard is not None and any(  # stored before rows carried their reasons: compute once more
        "reasons_th" not in row for row in (scorecard.payload or {}).get("rows") or ()
    )
    if scorecard is None or scorecard.status == Scorecard.Status.FAILED or not scorecard.payload or stale:
        scorecard = services.scorecard_recompute(org_unit_id=org_unit.pk, round_id=round.pk)
    data = scorecard.frozen_payload if use_frozen and scorecard.frozen else services._snapshot(scorecard)
    framework = scorecard.framework
    inputs = selectors.scorecard_inputs(org_unit=org_unit, round=round)
    assignments = {a.pk: a for a in inputs.assignments} if inputs is not None else {}
    payload_rows: list[dict[str, Any]] = list((data.get("payload") or {}).get("rows") or [])
    result_ids = [r["result_id"] for r in payload_rows if r.get("result_id")]
    results = {r.pk: r for r in Result.objects.filter(pk__in=result_ids)}
    stored_scores = {s.result_id: s for s in ResultScore.objects.filter(result_id__in=result_ids)}

    scale = data.get("scale") or (framework.scale if framework else Scale.FIVE_LEVEL)
    level_heading, level_labels = LEVEL_HEADINGS.get(scale, LEVEL_HEADINGS[Scale.FIVE_LEVEL])
    criteria_labels = THREE_LEVELS if scale == Scale.THREE_LEVEL else LEVELS
    drills: list[ProvinceDrill] = []
    groups: list[ScorecardGroup] = []
    for component in Component:
        rows: list[ScorecardRow] = []
        for row in payload_rows:
            if row.get("component") != component.value:
                continue
            score, weight, weighted = _dec(row.get("score")), _dec(row.get("weight")), _dec(row.get("weighted"))
            scored = bool(row.get("scored", True))
            assignment = assignments.get(row.get("assignment_id"))
            criteria = assignment.criteria_for(round.number) if assignment is not None else None
            levels, parts = _level_cells(criteria, criteria_labels)
            stored = stored_scores.get(row.get("result_id"))
            drill = province_drill(str(row.get("number") or ""), str(row.get("name_th") or ""),
                                   stored.details if stored else None, row_score=score)
            # A frozen copy keeps its own score: show the provinces only when they still add up to it.
            if drill is not None and (drill.score is None or drill.score == score):
                drills.append(drill)
            rows.append(ScorecardRow(
                number=str(row.get("number") or ""),
                name=str(row.get("name_th") or ""),
                levels=levels,
                parts=parts,
                # a parent's result and score are its sub-indicators'
                result_text=_result_text(row, results.get(row.get("result_id")), criteria) if scored else "",
                score=score if scored else None,
                weight=weight,
                weighted=weighted if scored else None,
                scored=scored,
                note=str(row.get("problem_th") or ""),
                reasons=tuple(row.get("reasons_th") or ()),
                assignment_id=row.get("assignment_id"),
                result_id=row.get("result_id"),
                method=str(row.get("method") or ""),
            ))
        if not rows:
            continue
        share = None
        if framework is not None:
            share = framework.performance_weight if component == Component.PERFORMANCE else framework.potential_weight
        groups.append(ScorecardGroup(
            component=component.value,
            label=str(component.label),
            share=share,
            rows=tuple(rows),
            weight_sum=sum((r.weight or Decimal(0) for r in rows if r.scored), Decimal(0)),
            weighted_sum=sum((r.weighted or Decimal(0) for r in rows if r.scored), Decimal(0)),
        ))
    computed = data.get("status") == Scorecard.Status.COMPUTED
    weight_total = _dec(data.get("weight_total"))
    if weight_total is None:
        weight_total = sum((g.weight_sum for g in groups), Decimal(0))
    problems = tuple((data.get("payload") or {}).get("reasons") or ())
    if not computed and scorecard.error:
        problems = tuple(dict.fromkeys([*problems, *scorecard.error.splitlines()]))
    computed_at = data.get("computed_at")
    if isinstance(computed_at, str):
        computed_at = dt.datetime.fromisoformat(computed_at)
    return ScorecardDoc(
        unit_code=org_unit.code,
        unit_name=org_unit.name_th,
        round_number=round.number,
        round_label=str(round.get_number_display()),
        round_start=round.start_date,
        round_end=round.end_date,
        fiscal_year=round.fiscal_year.be_year,
        framework_name=framework.name_th if framework else "",
        scale=scale,
        max_score=Decimal(100) if scale == Scale.THREE_LEVEL else Decimal(5),
        groups=tuple(groups),
        weight_total=weight_total,
        weighted_sum=_dec(data.get("weighted_sum")),
        total_100=_dec(data.get("total_100")),
        band_label=str(data.get("band_label_th") or ""),
        computed=computed,
        status_label=str(Scorecard.Status(data.get("status") or Scorecard.Status.COMPUTED).label),
        problems=problems,
        frozen=bool(use_frozen and scorecard.frozen),
        computed_at=computed_at,
        generated_at=timezone.now(),
        title=DEPARTMENT_TITLE if org_unit.kind == OrgUnit.Kind.DEPARTMENT else TITLE,
        level_heading=level_heading,
        level_labels=level_labels,
        monitoring_only=round.fiscal_year.is_monitoring_only,
        is_department=org_unit.kind == OrgUnit.Kind.DEPARTMENT,
        province_averages=tuple(drills),
    )


# ---- formatting shared by the page, the PDF and the workbook -------------------------------------------------


def row_note(doc: ScorecardDoc, row: ScorecardRow) -> str:
    """Why a row has no score, in Thai: "คำนวณไม่ได้: …" or, on a computed scorecard, "… (นับคะแนนเป็น 0)"."""
    if not row.reasons:
        return ""
    reasons = "; ".join(row.reasons)
    return f"{reasons} (นับคะแนนเป็น 0)" if doc.computed else f"{NOT_COMPUTABLE}: {reasons}"


def fmt(value: Decimal | None, places: int, *, thai: bool = False) -> str:
    """A number with a fixed number of decimals (half-up, as stored) and thousands separators; "" for None."""
    if value is None:
        return ""
    text = f"{value.quantize(Decimal(1).scaleb(-places)):,.{places}f}"
    return thai_digits(text) if thai else text


def display(doc: ScorecardDoc, *, thai: bool = False) -> dict[str, Any]:
    """The strings every screen and print shows, formatted once (thai: Thai digits in numbers and dates)."""

    def digits(text: str) -> str:
        return thai_digits(text) if thai else text

    groups = []
    for group in doc.groups:
        rows = []
        for row in group.rows:
            bar = 0.0
            if row.scored and row.score is not None and doc.max_score:
                bar = float(max(Decimal(0), min(row.score / doc.max_score, Decimal(1))) * 100)
            score = fmt(row.score, SCORE_PLACES, thai=thai)
            if not score and row.scored and not doc.computed:
                score = NOT_COMPUTABLE
            rows.append({
                "row": row, "number": digits(row.number), "levels": [digits(t) for t in row.levels],
                "result": digits(row.result_text), "score": score,
                "weight": fmt(row.weight, WEIGHT_PLACES, thai=thai) if row.scored
                else f"({fmt(row.weight, WEIGHT_PLACES, thai=thai)})" if row.weight is not None else "",
                "weighted": fmt(row.weighted, SCORE_PLACES, thai=thai), "bar": f"{bar:.1f}",
                "note": digits(row_note(doc, row)),
            })
        groups.append({
            "group": group, "rows": rows, "share": fmt(group.share, 0, thai=thai) if group.share is not None else "",
            "weight_sum": fmt(group.weight_sum, WEIGHT_PLACES, thai=thai),
            "weighted_sum": fmt(group.weighted_sum, SCORE_PLACES, thai=thai) if doc.computed else NOT_COMPUTABLE,
        })
    drills = [{
        "drill": drill, "number": digits(drill.number), "score": fmt(drill.score, SCORE_PLACES, thai=thai),
        "provinces": [{
            "name": p.province, "target": digits(show_number(p.target)), "done": digits(show_number(p.done)),
            "percent": fmt(p.percent, 2, thai=thai), "score": fmt(p.score, SCORE_PLACES, thai=thai),
            "problem": p.problem,
        } for p in drill.provinces],
    } for drill in doc.province_averages]
    return {
        "doc": doc, "title": doc.title, "groups": groups, "thai": thai, "drills": drills,
        "level_labels": [digits(label) for label in doc.level_labels], "level_count": len(doc.level_labels),
        "band_text": doc.band_text, "not_computable": NOT_COMPUTABLE, "monitoring_note": MONITORING_ONLY,
        "province_source": SOURCE_NOTE,
        "has_scores": any(row.scored and row.score is not None for row in doc.rows),
        "year": digits(str(doc.fiscal_year)), "round_number": digits(str(doc.round_number)),
        "round_label": digits(doc.round_label),
        "period": digits(f"{thai_date(doc.round_start)} – {thai_date(doc.round_end)}"),
        "weight_total": fmt(doc.weight_total, WEIGHT_PLACES, thai=thai),
        "weighted_sum": fmt(doc.weighted_sum, SCORE_PLACES, thai=thai) or NOT_COMPUTABLE,
        "total_100": fmt(doc.total_100, TOTAL_PLACES, thai=thai) or NOT_COMPUTABLE,
        "max_score": digits(str(int(doc.max_score))),
        "max_weighted": digits(f"{int(doc.max_score * 100):,}"),
        "generated": digits(thai_date(doc.generated_at)),
        "generated_time": digits(timezone.localtime(doc.generated_at).strftime("%H:%M")),
        "computed": digits(thai_date(doc.computed_at)) if doc.computed_at else "",
    }


# ---- renderers (no database access) --------------------------------------------------------------------------

PDF_PAGE = "@page { size: A4 landscape; margin: 12mm 10mm 14mm; }"


def to_html(doc: ScorecardDoc, *, thai_digits: bool = False) -> str:
    return render_to_string("reporting/pdf/scorecard.html", display(doc, thai=thai_digits))


def to_pdf(doc: ScorecardDoc, *, thai_digits: bool = False) -> bytes:
    """A4 landscape PDF (Sarabun embedded, Thai text layer fixed by render_pdf)."""
    from reporting.pdf import render_pdf

    return render_pdf(to_html(doc, thai_digits=thai_digits), stylesheets=[PDF_PAGE])


def to_xlsx(doc: ScorecardDoc) -> bytes:
    """The same rows and numbers in a workbook (reporting/documents/scorecard_xlsx.py)."""
    from reporting.documents.scorecard_xlsx import render

    return render(doc)
