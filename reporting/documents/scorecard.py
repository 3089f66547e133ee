"""The director's scorecard (DOMAIN.md §6.6, appendix 2 of document 003): builder and PDF / XLSX renderers.

A unit's or division's on the five-level scale, the department's on the OPDC 50 / 75 / 100 scale (§4.a, §4.i);
rows without a score say why ("คำนวณไม่ได้: …"), a monitoring-only year is marked, and a division's household score
carries its provinces (§4.h, scorecard_data.ProvinceDrill). The dataclasses and constants live in scorecard_data.py.

``build()`` reads the stored Scorecard (recomputing it when none is stored) once into frozen dataclasses;
``to_pdf()`` and ``to_xlsx()`` only format those dataclasses with indicators/numbers.py, so the page, the PDF and
the workbook show the same digits.

Every row says what its number is: the status of its result (ร่าง / ส่งแล้ว รอพิจารณา / ส่งกลับแก้ไข / อนุมัติแล้ว /
ยังไม่รายงาน). A scorecard with any scored row not approved (or without a total) is a draft: a banner on screen and
in the workbook, a diagonal watermark on every PDF page and no signature blocks. The signable version comes only
when every scored row is approved, or from the frozen copy (Scorecard.frozen_payload).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from indicators import numbers
from indicators.criteria_spec import printed_levels
from indicators.models import OrgUnit, Result, Round
from indicators.models.framework import Component, Scale
from indicators.templatetags.thai_dates import thai_date
from reporting.documents.scorecard_data import (
    DEPARTMENT_TITLE,
    DRAFT_MARK,
    DRAFT_NOTE,
    LEVEL_HEADINGS,
    LEVELS,
    MONITORING_ONLY,
    NOT_COMPUTABLE,
    SOURCE_NOTE,
    STATUS_HEADING,
    STATUS_LABELS,
    THREE_LEVELS,
    TITLE,
    ProvinceDrill,
    ScorecardDoc,
    ScorecardGroup,
    ScorecardRow,
    draft_reasons,
    province_drill,
    row_note,
)

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
        return f"ระดับ {numbers.number(score)}"
    if result.achieved_level and result.value is None and result.numerator is None:
        return f"ระดับ {result.achieved_level}"
    text = numbers.number(_dec(row.get("value"))) or numbers.number(result.value)
    if result.second_value is not None and text:
        text = f"{text} / {numbers.number(result.second_value)}"
    return text or (f"ระดับ {result.achieved_level}" if result.achieved_level else "-")


def build(*, org_unit: OrgUnit, round: Round, use_frozen: bool = False) -> ScorecardDoc:
    """The unit's scorecard for the round from the stored Scorecard (computed now if none is stored).

    ``use_frozen``: print the copy locked by scorecard_freeze() when there is one (else the live scorecard).
    Raises reporting.services.ScorecardError when the unit has no framework in that year.
    """
    from reporting import selectors
    from reporting.errors import ScorecardError
    from reporting.models import ResultScore, Scorecard

    state = selectors.scorecard_state(org_unit=org_unit, round=round)
    if state is None:
        raise ScorecardError(
            f"ไม่พบกรอบตัวชี้วัดของ {org_unit.name_th} ในปีงบประมาณ พ.ศ. {round.fiscal_year.be_year}"
        )
    scorecard = state.scorecard
    frozen = bool(use_frozen and scorecard is not None and scorecard.frozen)
    data = scorecard.frozen_payload if frozen and scorecard is not None else state.data
    framework = state.inputs.framework
    assignments = {a.pk: a for a in state.inputs.assignments}
    payload_rows: list[dict[str, Any]] = list((data.get("payload") or {}).get("rows") or [])
    result_ids = [r["result_id"] for r in payload_rows if r.get("result_id")]
    results = {r.pk: r for r in Result.objects.filter(pk__in=result_ids).order_by()}  # a dict: no ordering joins
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
            status = str(row.get("status") or Result.Status.NOT_REPORTED.value)
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
                status=status,
                status_label=STATUS_LABELS.get(status, status) if scored else "",
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
            # the framework's weights as printed in the rows; Σ ค is the stored one (nothing here adds up scores)
            weight_sum=sum((r.weight or Decimal(0) for r in rows if r.scored), Decimal(0)),
            weighted_sum=_dec(data.get(f"{component.value}_sum")),
        ))
    computed = data.get("status") == Scorecard.Status.COMPUTED
    weight_total = _dec(data.get("weight_total"))
    if weight_total is None:
        weight_total = sum((g.weight_sum for g in groups), Decimal(0))
    problems = tuple((data.get("payload") or {}).get("reasons") or ())
    if not computed and scorecard is not None and scorecard.error:
        problems = tuple(dict.fromkeys([*problems, *scorecard.error.splitlines()]))
    computed_at = data.get("computed_at")
    if isinstance(computed_at, str):
        computed_at = dt.datetime.fromisoformat(computed_at)
    all_rows = [row for group in groups for row in group.rows]
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
        # the printed total is rounded once, from the exact total the band was decided on (never from a rounded one)
        total_100=_dec(data.get("total_100_exact")) if data.get("total_100_exact") is not None
        else _dec(data.get("total_100")),
        band_label=str(data.get("band_label_th") or ""),
        computed=computed,
        status_label=str(Scorecard.Status(data.get("status") or Scorecard.Status.COMPUTED).label),
        problems=problems,
        frozen=frozen,
        computed_at=computed_at,
        generated_at=timezone.now(),
        title=DEPARTMENT_TITLE if org_unit.kind == OrgUnit.Kind.DEPARTMENT else TITLE,
        level_heading=level_heading,
        level_labels=level_labels,
        monitoring_only=round.fiscal_year.is_monitoring_only,
        is_department=org_unit.kind == OrgUnit.Kind.DEPARTMENT,
        province_averages=tuple(drills),
        draft_reasons=() if frozen else draft_reasons(all_rows, computed=computed, fresh=state.fresh),
    )


# ---- formatting shared by the page, the PDF and the workbook -------------------------------------------------


def display(doc: ScorecardDoc, *, thai: bool = False) -> dict[str, Any]:
    """The strings every screen and print shows, formatted once by indicators/numbers.py (thai: Thai digits)."""

    def digits(text: str) -> str:
        return numbers.to_thai_digits(text) if thai else text

    groups = []
    for group in doc.groups:
        rows = []
        for row in group.rows:
            bar = 0.0
            if row.scored and row.score is not None and doc.max_score:
                bar = float(max(Decimal(0), min(row.score / doc.max_score, Decimal(1))) * 100)
            score = numbers.score(row.score, thai=thai)
            if not score and row.scored and not doc.computed:
                score = NOT_COMPUTABLE
            weight = numbers.weight(row.weight, thai=thai)
            rows.append({
                "row": row, "number": digits(row.number), "levels": [digits(t) for t in row.levels],
                "result": digits(row.result_text), "score": score, "status": row.status_label,
                "weight": weight if row.scored or not weight else f"({weight})",
                "weighted": numbers.score(row.weighted, thai=thai), "bar": f"{bar:.1f}",
                "note": digits(row_note(doc, row)),
            })
        groups.append({
            "group": group, "rows": rows, "share": numbers.weight(group.share, thai=thai),
            "weight_sum": numbers.weight(group.weight_sum, thai=thai),
            "weighted_sum": numbers.score(group.weighted_sum, thai=thai) if doc.computed else NOT_COMPUTABLE,
        })
    drills = [{
        "drill": drill, "number": digits(drill.number), "score": numbers.score(drill.score, thai=thai),
        "provinces": [{
            "name": p.province, "target": numbers.number(p.target, thai=thai), "done": numbers.number(p.done, thai=thai),
            "percent": numbers.percent(p.percent, thai=thai), "score": numbers.score(p.score, thai=thai),
            "problem": p.problem,
        } for p in drill.provinces],
    } for drill in doc.province_averages]
    return {
        "doc": doc, "title": doc.title, "groups": groups, "thai": thai, "drills": drills,
        "level_labels": [digits(label) for label in doc.level_labels], "level_count": len(doc.level_labels),
        "band_text": doc.band_text, "not_computable": NOT_COMPUTABLE, "monitoring_note": MONITORING_ONLY,
        "province_source": SOURCE_NOTE, "status_heading": STATUS_HEADING,
        "draft": doc.draft, "signable": doc.signable, "draft_mark": DRAFT_MARK, "draft_note": DRAFT_NOTE,
        "draft_reasons": [digits(reason) for reason in doc.draft_reasons],
        "has_scores": any(row.scored and row.score is not None for row in doc.rows),
        "year": digits(str(doc.fiscal_year)), "round_number": digits(str(doc.round_number)),
        "round_label": digits(doc.round_label),
        "period": digits(f"{thai_date(doc.round_start)} – {thai_date(doc.round_end)}"),
        "weight_total": numbers.weight(doc.weight_total, thai=thai),
        "weighted_sum": numbers.score(doc.weighted_sum, thai=thai) or NOT_COMPUTABLE,
        "total_100": numbers.total(doc.total_100, thai=thai) or NOT_COMPUTABLE,
        "max_score": numbers.count(doc.max_score, thai=thai),
        "max_weighted": numbers.count(doc.max_score * 100, thai=thai),
        "generated": digits(thai_date(doc.generated_at)),
        "generated_time": digits(timezone.localtime(doc.generated_at).strftime("%H:%M")),
        "computed": digits(thai_date(doc.computed_at)) if doc.computed_at else "",
    }


# ---- renderers (no database access) --------------------------------------------------------------------------

PDF_PAGE = "@page { size: A4 landscape; margin: 12mm 10mm 14mm; }"


def page_css(doc: ScorecardDoc) -> str:
    """The page rule; a draft adds the diagonal watermark (an image: not in the text layer) and a mark on every page."""
    if not doc.draft:
        return PDF_PAGE
    from reporting.documents.watermark import watermark_css

    mark = DRAFT_MARK.replace('"', '\\"')
    return (
        f"{PDF_PAGE}\n{watermark_css(DRAFT_MARK, width_mm=297, height_mm=210)}\n"
        f'@page {{ @top-right {{ content: "{mark}"; font-family: "Sarabun"; font-size: 8.5pt; color: #a11; }} }}\n'
    )


def to_html(doc: ScorecardDoc, *, thai_digits: bool = False) -> str:
    return render_to_string("reporting/pdf/scorecard.html", display(doc, thai=thai_digits))


def to_pdf(doc: ScorecardDoc, *, thai_digits: bool = False) -> bytes:
    """A4 landscape PDF (Sarabun embedded, Thai text layer fixed by render_pdf); a draft is watermarked."""
    from reporting.pdf import render_pdf

    return render_pdf(to_html(doc, thai_digits=thai_digits), stylesheets=[page_css(doc)])


def to_pdf_stored(doc: ScorecardDoc, *, thai_digits: bool = False) -> bytes:
    """``to_pdf``, served from the stored rendering when exactly this content was rendered today (reporting/pdf/store.py).

    The key holds every printed value of ``doc`` (so changed data, freshness or draft state give a new document) and
    the day it is prepared on; the time printed as จัดทำเมื่อ is that of the stored rendering.
    """
    from reporting.pdf.store import document_key, stored_pdf

    day = timezone.localtime(doc.generated_at).date()
    content = (dataclasses.replace(doc, generated_at=dt.datetime.combine(day, dt.time())), thai_digits)
    return stored_pdf(document_key("scorecard", content), lambda: to_pdf(doc, thai_digits=thai_digits))


def to_xlsx(doc: ScorecardDoc) -> bytes:
    """The same rows and numbers in a workbook (reporting/documents/scorecard_xlsx.py)."""
    from reporting.documents.scorecard_xlsx import render

    return render(doc)
