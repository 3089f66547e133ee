"""The director's scorecard (DOMAIN.md §6.6, appendix 2 of document 003): builder and PDF / XLSX renderers.

``build()`` reads the stored Scorecard (recomputing it when none is stored) once into frozen dataclasses;
``to_pdf()`` and ``to_xlsx()`` only format those dataclasses, so the page, the PDF and the workbook show the same
numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from indicators.criteria_spec import printed_levels
from indicators.models import OrgUnit, Result, Round
from indicators.models.framework import Component, Scale
from indicators.templatetags.thai_dates import thai_date, thai_digits

TITLE = "แบบรายงานผลการดำเนินงานระดับกองและเทียบเท่า และหน่วยงาน"
LEVELS = ("1", "2", "3", "4", "5")
SCORE_PLACES = 4  # คะแนน (ก) and คะแนนถ่วงน้ำหนัก (ค), as stored
WEIGHT_PLACES = 2
TOTAL_PLACES = 2  # the 100-point total as printed


@dataclass(frozen=True)
class ScorecardRow:
    """One indicator line: ตัวชี้วัดผลงาน | levels 1–5 | ผลการดำเนินงาน | ก | ข | ค."""

    number: str
    name: str
    levels: tuple[str, str, str, str, str]
    result_text: str
    score: Decimal | None
    weight: Decimal | None
    weighted: Decimal | None
    scored: bool  # False for a parent indicator whose sub-indicators carry the score
    note: str = ""
    parts: tuple[str, ...] = ()  # names of the measures of a composite indicator


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

    @property
    def rows(self) -> tuple[ScorecardRow, ...]:
        return tuple(row for group in self.groups for row in group.rows)


# ---- builder -------------------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _show(value: Decimal | None) -> str:
    """A result value as the manual prints it: thousands separators, up to 2 decimals."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _level_cells(criteria: Any) -> tuple[tuple[str, str, str, str, str], tuple[str, ...]]:
    """The five criteria cells and, for a composite indicator, the names of its parts (cells say "1) … 2) …")."""
    if criteria is None:
        return ("", "", "", "", ""), ()
    parts = printed_levels(criteria)
    cells: list[list[str]] = [[] for _ in LEVELS]
    for number, (_, levels) in enumerate(parts, start=1):
        positions = [LEVELS.index(label) if label in LEVELS else i for i, (label, _, _) in enumerate(levels)]
        for position, (_, text, _) in zip(positions, levels, strict=False):
            if position < len(cells):
                cells[position].append(f"{number}) {text}" if len(parts) > 1 else text)
    names = tuple(f"{n}) {name}" for n, (name, _) in enumerate(parts, start=1) if name) if len(parts) > 1 else ()
    return tuple("\n".join(c) for c in cells), names  # type: ignore[return-value]


def _result_text(row: dict[str, Any], result: Result | None, criteria: Any) -> str:
    if result is None:
        return "ยังไม่รายงาน"
    score = _dec(row.get("score"))
    if criteria is not None and criteria.method == "milestones" and score is not None:
        return f"ระดับ {_show(score)}"
    if result.achieved_level and result.value is None and result.numerator is None:
        return f"ระดับ {result.achieved_level}"
    text = _show(_dec(row.get("value")))
    if result.second_value is not None and text:
        text = f"{text} / {_show(result.second_value)}"
    return text or (f"ระดับ {result.achieved_level}" if result.achieved_level else "-")


def build(*, org_unit: OrgUnit, round: Round, use_frozen: bool = False) -> ScorecardDoc:
    """The unit's scorecard for the round from the stored Scorecard (computed now if none is stored).

    ``use_frozen``: print the copy locked by scorecard_freeze() when there is one (else the live scorecard).
    Raises reporting.services.ScorecardError when the unit has no framework in that year.
    """
    from reporting import selectors, services
    from reporting.models import Scorecard

    scorecard = (
        Scorecard.objects.select_related("framework", "round__fiscal_year", "org_unit")
        .filter(org_unit=org_unit, round=round)
        .first()
    )
    if scorecard is None or scorecard.status == Scorecard.Status.FAILED or not scorecard.payload:
        scorecard = services.scorecard_recompute(org_unit_id=org_unit.pk, round_id=round.pk)
    data = scorecard.frozen_payload if use_frozen and scorecard.frozen else services._snapshot(scorecard)
    framework = scorecard.framework
    inputs = selectors.scorecard_inputs(org_unit=org_unit, round=round)
    assignments = {a.pk: a for a in inputs.assignments} if inputs is not None else {}
    payload_rows: list[dict[str, Any]] = list((data.get("payload") or {}).get("rows") or [])
    result_ids = [r["result_id"] for r in payload_rows if r.get("result_id")]
    results = {r.pk: r for r in Result.objects.filter(pk__in=result_ids)}

    scale = data.get("scale") or (framework.scale if framework else Scale.FIVE_LEVEL)
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
            levels, parts = _level_cells(criteria)
            rows.append(ScorecardRow(
                number=str(row.get("number") or ""),
                name=str(row.get("name_th") or ""),
                levels=levels,
                parts=parts,
                result_text=_result_text(row, results.get(row.get("result_id")), criteria),
                score=score if scored else None,
                weight=weight,
                weighted=weighted if scored else None,
                scored=scored,
                note=str(row.get("problem_th") or ""),
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
    )


# ---- formatting shared by the page, the PDF and the workbook -------------------------------------------------


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
            rows.append({
                "row": row, "number": digits(row.number), "levels": [digits(t) for t in row.levels],
                "result": digits(row.result_text), "score": fmt(row.score, SCORE_PLACES, thai=thai),
                "weight": fmt(row.weight, WEIGHT_PLACES, thai=thai) if row.scored else "",
                "weighted": fmt(row.weighted, SCORE_PLACES, thai=thai), "bar": f"{bar:.1f}",
            })
        groups.append({
            "group": group, "rows": rows, "share": fmt(group.share, 0, thai=thai) if group.share is not None else "",
            "weight_sum": fmt(group.weight_sum, WEIGHT_PLACES, thai=thai),
            "weighted_sum": fmt(group.weighted_sum, SCORE_PLACES, thai=thai),
        })
    return {
        "doc": doc, "title": TITLE, "groups": groups, "thai": thai,
        "year": digits(str(doc.fiscal_year)), "round_number": digits(str(doc.round_number)),
        "round_label": digits(doc.round_label),
        "period": digits(f"{thai_date(doc.round_start)} – {thai_date(doc.round_end)}"),
        "weight_total": fmt(doc.weight_total, WEIGHT_PLACES, thai=thai),
        "weighted_sum": fmt(doc.weighted_sum, SCORE_PLACES, thai=thai),
        "total_100": fmt(doc.total_100, TOTAL_PLACES, thai=thai),
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
    """The same rows and numbers in a workbook: numbers stay numbers, formatted 0.0000 / 0.00."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"รอบ {doc.round_number} {doc.fiscal_year}"
    bold = Font(name="TH Sarabun New", bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="EEEEEE")
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")
    score_format, weight_format = "0.0000", "0.00"

    sheet.append([TITLE])
    sheet.append([f"{doc.unit_name} · {doc.round_label} ปีงบประมาณ พ.ศ. {doc.fiscal_year}"])
    sheet.append([doc.framework_name])
    for row_number in (1, 2, 3):
        sheet.cell(row_number, 1).font = bold
    header_top = 5
    headers = ["ตัวชี้วัดผลงาน", "คะแนนตามระดับค่าเป้าหมาย", "", "", "", "", "ผลการดำเนินงาน", "คะแนน (ก)",
               "น้ำหนัก (ร้อยละ) (ข)", "คะแนนถ่วงน้ำหนัก (ค) (ค = กxข)"]
    for column, text in enumerate(headers, start=1):
        sheet.cell(header_top, column, text)
    for column, level in enumerate(LEVELS, start=2):
        sheet.cell(header_top + 1, column, int(level))
    for column in (1, 7, 8, 9, 10):
        sheet.merge_cells(start_row=header_top, end_row=header_top + 1, start_column=column, end_column=column)
    sheet.merge_cells(start_row=header_top, end_row=header_top, start_column=2, end_column=6)
    for row_number in (header_top, header_top + 1):
        for column in range(1, 11):
            cell = sheet.cell(row_number, column)
            cell.font, cell.alignment, cell.border, cell.fill = bold, center, border, fill
    sheet.freeze_panes = sheet.cell(header_top + 2, 2)
    sheet.print_title_rows = f"{header_top}:{header_top + 1}"

    def line(values: list[Any], *, strong: bool = False, formats: dict[int, str] | None = None) -> None:
        sheet.append(values)
        row_number = sheet.max_row
        for column in range(1, 11):
            cell = sheet.cell(row_number, column)
            cell.border, cell.alignment = border, wrap
            if strong:
                cell.font = bold
            if formats and column in formats and isinstance(cell.value, (int, float, Decimal)):
                cell.number_format = formats[column]

    numbers = {8: score_format, 9: weight_format, 10: score_format}
    for group in doc.groups:
        share = f" ร้อยละ {group.share:.0f}" if group.share is not None else ""
        line([f"{group.label}{share}"], strong=True)
        sheet.merge_cells(start_row=sheet.max_row, end_row=sheet.max_row, start_column=1, end_column=10)
        for row in group.rows:
            line([
                f"{row.number} {row.name}".strip(), *row.levels, row.result_text,
                row.score, row.weight if row.scored else None, row.weighted,
            ], formats=numbers)
        line([f"รวม {group.label}", "", "", "", "", "", "", None, group.weight_sum, group.weighted_sum],
             strong=True, formats=numbers)
    line(["รวม", "", "", "", "", "", "", None, doc.weight_total, doc.weighted_sum], strong=True, formats=numbers)
    sheet.append([])
    sheet.append(["คะแนนรวม (เต็ม 100)", doc.total_100])
    sheet.cell(sheet.max_row, 2).number_format = "0.00"
    sheet.cell(sheet.max_row, 1).font = bold
    sheet.append(["ระดับผลการประเมิน", doc.band_label or doc.status_label])
    sheet.cell(sheet.max_row, 1).font = bold
    for problem in doc.problems:
        sheet.append([problem])
    sheet.append([f"จัดทำเมื่อ {thai_date(doc.generated_at)}"])
    for column, width in enumerate([48, 14, 14, 14, 14, 14, 16, 11, 12, 16], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
