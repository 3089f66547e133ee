"""Builder of the annual results book (book.py): the unit's framework, results and book texts, read once.

Scores come from the stored scorecard of the round (the one computation): each indicator's ก and ค = ก × ข from its
row, Σ ค and the 100-point total from the card; nothing here multiplies or adds up scores.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from indicators import numbers
from indicators.breakdown_totals import breakdown_totals
from indicators.breakdown_totals import percent as breakdown_percent
from indicators.criteria_spec import printed_levels
from indicators.models import (
    Assignment,
    Criteria,
    FiscalYear,
    IndicatorDefinition,
    OrgUnit,
    Result,
    Round,
    SubUnitResult,
)
from indicators.models.framework import Component, Scale
from indicators.templatetags.thai_dates import thai_date
from reporting.documents.book_data import (
    AUTHOR,
    COMPONENT_LABELS,
    COUNT_UNIT,
    FIVE_LEVEL_HEADERS,
    FOREWORD_TITLE,
    KPI_LIST_TITLE,
    MEASURE,
    MONITORING,
    PATTERN_MAX,
    RESULTS_TITLE,
    THREE_LEVEL_HEADERS,
    TITLE,
    BookDoc,
    Column,
    ComponentSection,
    ExtraTable,
    History,
    IndicatorReport,
    KpiGroup,
    KpiRow,
    TextSection,
    TocEntry,
    UnitRow,
    UnitTable,
    contact_of,
    number_label,
    percent_of,
    text_lines,
    text_paragraphs,
)

# ---- builder -------------------------------------------------------------------------------------------------


def _criteria_cells(criteria: Criteria | None, count: int) -> tuple[tuple[str, ...], ...]:
    if criteria is None:
        return tuple(("-",) for _ in range(count))
    parts = printed_levels(criteria)
    cells: list[list[str]] = [[] for _ in range(count)]
    for part_number, (part_name, levels) in enumerate(parts, start=1):
        for index, (_label_text, text, _defined) in enumerate(levels[:count]):
            lines = text_lines(text) or ("-",)
            if len(parts) > 1:
                short = re.sub(r"^ร้อยละของระดับ", "", part_name).strip() or f"ตัววัดที่ {part_number}"
                lines = tuple(f"{part_number}) {short} {line}" for line in lines)
            cells[index].extend(lines)
    return tuple(tuple(cell) or ("-",) for cell in cells)


def _value_pattern(criteria: Criteria | None) -> str | None:
    """"ร้อยละ {}" or "ผลการประเมินในชั้นตอนที่ 1 ได้ {} คะแนน": how the criteria cells print a number."""
    if criteria is None:
        return None
    for level in criteria.levels.all():
        if level.threshold is None or not level.printed_text_th:
            continue
        threshold = level.threshold
        for shown in (numbers.number(threshold), str(numbers.rounded(threshold, 2)), numbers.percent(threshold)):
            if shown in level.printed_text_th and len(level.printed_text_th) <= PATTERN_MAX:
                return level.printed_text_th.replace(shown, "{}", 1)
    return None


def _shown_value(value: Decimal, definition: IndicatorDefinition, pattern: str | None) -> str:
    text = numbers.number(value)
    if pattern:
        return pattern.format(text)
    if definition.unit_of_measure == IndicatorDefinition.UnitOfMeasure.PERCENT:
        return f"ร้อยละ {numbers.percent(value)}"
    if definition.unit_of_measure == IndicatorDefinition.UnitOfMeasure.POINTS:
        return f"{text} คะแนน"
    return text


def _result_lines(result: Result | None, criteria: Criteria | None, definition: IndicatorDefinition) -> tuple[str, ...]:
    if result is None:
        return ("ยังไม่รายงานผล",)
    milestones = sorted(result.milestones.all(), key=lambda m: (int(m.level) if m.level.isdigit() else 0, m.deliverable_index))
    if criteria is not None and criteria.method == Criteria.Method.MILESTONES:
        deliverables: dict[tuple[str, int], str] = {}
        for level in criteria.levels.all():
            for index, text in enumerate(text_lines(level.milestone_th)):
                deliverables[(str(level.level), index)] = text.lstrip("-• ")
        lines = [m.evidence_th or deliverables.get((m.level, m.deliverable_index), f"ระดับ {m.level}")
                 for m in milestones if m.done or m.evidence_th]
        if not lines and result.achieved_level:
            lines = [f"ระดับ {result.achieved_level}"]
        return tuple(lines) or ("ยังไม่มีผลผลิตที่ดำเนินการแล้ว",)
    pattern = _value_pattern(criteria)
    value = percent_of(result.numerator, result.denominator) if result.denominator else result.value
    lines = []
    if value is not None:
        lines.append(_shown_value(value, definition, pattern))
    elif result.achieved_level:
        lines.append(f"ระดับ {result.achieved_level}")
    if result.second_value is not None:
        lines.append(f"ตัววัดที่ 2: {_shown_value(result.second_value, definition, None)}")
    if criteria is not None and criteria.level1_milestone_th:
        done = "ดำเนินการแล้ว" if result.level1_milestone_done else "ยังไม่ดำเนินการ"
        lines.insert(0, f"ขั้นตอนระดับ 1: {done}")
    return tuple(lines) or ("-",)


def _unit_columns(definition: IndicatorDefinition) -> tuple[tuple[Column, ...], str]:
    """The columns in print order and the counting unit ("คน") of the denominator."""
    raw = [c for c in definition.breakdown_columns or [] if isinstance(c, dict) and c.get("key")]
    keys = [c["key"] for c in raw]
    columns: list[Column] = []
    if "denominator" not in keys:
        columns.append(Column("denominator", definition.formula_denominator_th or "ตัวหาร", ""))
    if "numerator" not in keys and "denominator" not in keys:
        columns.append(Column("numerator", definition.formula_numerator_th or "ตัวตั้ง", ""))
    for entry in raw:
        columns.append(Column(entry["key"], str(entry.get("label_th") or entry["key"]), str(entry.get("group_th") or "")))
        if entry["key"] == "denominator" and "numerator" not in keys:
            columns.append(Column("numerator", definition.formula_numerator_th or "ตัวตั้ง", ""))
    if "percent" not in keys:
        columns.append(Column("percent", "ร้อยละ", ""))
    unit = ""
    for entry in raw:
        if entry["key"] == "denominator":
            match = COUNT_UNIT.search(str(entry.get("label_th") or ""))
            unit = str(entry.get("unit_th") or (match.group(1) if match else ""))
    return tuple(columns), unit


def _unit_table(definition: IndicatorDefinition, result: Result, rows: list[SubUnitResult]) -> UnitTable:
    columns, _unit = _unit_columns(definition)
    table_rows: list[UnitRow] = []
    sums: list[Decimal | None] = [Decimal(0) if c.key != "percent" else None for c in columns]
    notes: list[str] = []
    for number, item in enumerate(rows, start=1):
        cells: list[Decimal | None] = []
        for index, column in enumerate(columns):
            if column.key == "numerator":
                value = item.numerator
            elif column.key == "denominator":
                value = item.denominator
            elif column.key == "percent":
                value = breakdown_percent(item.numerator, item.denominator)
            else:
                raw = (item.breakdown or {}).get(column.key)
                value = None if raw in (None, "") else Decimal(str(raw))
            cells.append(value)
            if column.key != "percent" and value is not None:
                sums[index] = (sums[index] or Decimal(0)) + value
        note = str((item.breakdown or {}).get("note_th") or "")
        if note:
            notes.append(f"* ลำดับที่ {number} {item.label_th}: {note}")
        name = item.label_th or str(item.org_unit or item.province or "")
        table_rows.append(UnitRow(number, name, tuple(cells), note))
    total_percent = breakdown_totals(rows).percent()
    sums = [total_percent if c.key == "percent" else value for c, value in zip(columns, sums, strict=True)]
    title = definition.unit_table_title_th or f"ผลการดำเนินงานรายหน่วยงาน: {definition.name_th}"
    subject = title.removeprefix("สถิติ") if title.startswith("สถิติ") else "ผลการดำเนินงานรวม"
    by_province = any(r.province_id for r in rows) and not any(r.org_unit_id for r in rows)
    return UnitTable(
        title=title,
        unit_header="จังหวัด" if by_province else "หน่วยงาน",
        columns=columns,
        rows=tuple(table_rows),
        totals=tuple(sums),
        total_percent=total_percent,
        summary=f"{subject} คิดเป็นร้อยละ {numbers.percent(total_percent)}" if total_percent is not None else "",
        as_of=thai_date(result.as_of_date) if result.as_of_date else "",
        notes=tuple(notes),
    )


def _history(definition: IndicatorDefinition, result: Result | None, year: int, unit: str) -> History | None:
    """Y−2, Y−1 from the baselines and Y from the result, for percentages with at least one baseline."""
    if definition.unit_of_measure != IndicatorDefinition.UnitOfMeasure.PERCENT or result is None:
        return None
    baselines = {b.year_be: b for b in definition.baselines.all()}
    years = (year - 2, year - 1, year)
    if not any(y in baselines for y in years[:2]):
        return None
    with_counts = any(baselines[y].numerator is not None for y in years[:2] if y in baselines)
    suffix = f" {unit}" if unit else ""

    def shown(value: Decimal | None, numerator: Decimal | None, denominator: Decimal | None) -> str:
        if value is None:
            return "-"
        text = f"ร้อยละ {numbers.percent(value)}"
        if with_counts and numerator is not None and denominator is not None:
            text += f" ({numbers.number(numerator)}/{numbers.number(denominator)}{suffix})"
        return text

    values: list[Decimal | None] = []
    texts: list[str] = []
    for y in years[:2]:
        baseline = baselines.get(y)
        value = None
        if baseline is not None:
            value = baseline.value if baseline.value is not None else percent_of(baseline.numerator, baseline.denominator)
        values.append(numbers.rounded(value, numbers.PERCENT_PLACES))
        texts.append(shown(values[-1], baseline.numerator if baseline else None, baseline.denominator if baseline else None))
    current = percent_of(result.numerator, result.denominator) if result.denominator else result.value
    values.append(numbers.rounded(current, numbers.PERCENT_PLACES))
    texts.append(shown(values[-1], result.numerator, result.denominator))
    changes = tuple(
        numbers.change(b - a) if a is not None and b is not None else "-"
        for a, b in ((values[0], values[1]), (values[1], values[2]))
    )
    return History(years, tuple(texts), years[1:], changes)


def _extra_tables(definition: IndicatorDefinition, scores: list[Any]) -> tuple[ExtraTable, ...]:
    """Category scores of an externally scored indicator (PMQA 4.0 under 5.2 in 000)."""
    if definition.kind != IndicatorDefinition.Kind.EXTERNAL or not definition.external_system:
        return ()
    tables = []
    for score in scores:
        parts = score.components or {}
        if score.system != definition.external_system or not parts.get("rows"):
            continue
        rows = [tuple(c if isinstance(c, str) else (numbers.count(c) if isinstance(c, int) else str(c)) for c in row)
                for row in [*parts["rows"], parts.get("total_row"), parts.get("scale_row")] if row]
        tables.append(ExtraTable(str(parts.get("title_th") or score.get_system_display()),
                                 tuple(parts.get("columns") or ()), tuple(rows)))
    return tuple(tables)


def _report(assignment: Assignment, parent: Assignment | None, result: Result | None, year: FiscalYear, round_: Round,
            level_count: int, evaluated: bool, external_scores: list[Any], line: Any) -> IndicatorReport:
    """One indicator report; ``line`` is the indicator's row of the scorecard (a LineScore; None when none)."""
    definition = assignment.definition
    criteria = assignment.criteria_for(round_.number)
    supervisor = assignment.supervisor or definition.supervisor
    collectors = list(assignment.collectors.all()) or list(definition.data_collectors.all())
    heading = [number_label(assignment.number, definition.name_th)]
    if parent is not None:
        heading.insert(0, number_label(parent.number, parent.definition.name_th))
    rows = list(result.sub_results.all()) if result is not None else []
    unit_table = _unit_table(definition, result, rows) if rows and result is not None else None
    _columns, unit = _unit_columns(definition)
    stored = getattr(result, "stored_score", None) if result is not None else None
    score = line.score if evaluated and line is not None else None
    weighted = line.weighted if evaluated and line is not None else None
    explanation = text_lines(stored.explanation_th or stored.problem_th) if evaluated and stored is not None else ()
    formula = None
    if definition.has_formula:
        multiplier = definition.formula_multiplier
        formula = (definition.formula_numerator_th, definition.formula_denominator_th,
                   f"× {numbers.number(multiplier)}" if multiplier and multiplier != 1 else "")
    evidence = list(text_lines(result.evidence_th)) if result is not None else []
    if result is not None:
        for file in result.evidence_files.all():
            evidence.append(f"ไฟล์แนบ: {file.original_name}" + (f" ({file.description_th})" if file.description_th else ""))
    return IndicatorReport(
        anchor=f"ind-{assignment.pk}",
        number=assignment.number,
        label=number_label(assignment.number, definition.name_th),
        heading=tuple(heading),
        supervisor=contact_of(supervisor) if supervisor else None,
        collectors=tuple(contact_of(p) for p in collectors),
        description=text_lines(definition.description_th),
        scope=text_lines(definition.scope_th),
        formula=formula,
        level_headers=THREE_LEVEL_HEADERS if level_count == 3 else FIVE_LEVEL_HEADERS,
        levels=_criteria_cells(criteria, level_count),
        history=_history(definition, result, year.be_year, unit),
        unit_table=unit_table,
        extra_tables=_extra_tables(definition, external_scores),
        reported=result is not None,
        result_lines=_result_lines(result, criteria, definition),
        weight=assignment.weight,
        score=score,
        weighted=weighted,
        explanation=explanation,
        actions=text_lines(result.actions_th) if result else (),
        factors=text_lines(result.supporting_factors_th) if result else (),
        obstacles=text_lines(result.obstacles_th) if result else (),
        evidence=tuple(evidence),
        suggestions=text_lines(result.suggestions_th) if result else (),
    )


def _generated_foreword(unit_name: str, year: FiscalYear, monitoring: bool, department: str) -> TextSection:
    status = (
        f"ปีงบประมาณ พ.ศ. {year.be_year} เป็นปีที่ไม่มีการประเมินผล รายงานผลการดำเนินงานตามตัวชี้วัดเพื่อใช้ในการ"
        f"ติดตามผล (Monitoring) เท่านั้น" + (f" ({year.note_th})" if year.note_th else "")
        if monitoring else
        f"ผลการดำเนินงานในรายงานฉบับนี้ได้รับการประเมินตามเกณฑ์การประเมินผลของปีงบประมาณ พ.ศ. {year.be_year}"
    )
    body = (
        (f"{TITLE}{MEASURE} ประจำปีงบประมาณ พ.ศ. {year.be_year} ของ{unit_name} ฉบับนี้ จัดทำขึ้นเพื่อเผยแพร่"
         f"ผลการดำเนินงานตามตัวชี้วัดการประเมินส่วนราชการ ตามกรอบการประเมิน 2 องค์ประกอบ ได้แก่ "
         "การประเมินประสิทธิผลการดำเนินงาน (Performance Base) และการประเมินศักยภาพในการดำเนินงาน (Potential Base)",),
        (status,),
        (AUTHOR, department),
    )
    return TextSection("foreword", FOREWORD_TITLE, body)


def build(*, org_unit: OrgUnit, fiscal_year: FiscalYear | int, round: Round | None = None) -> BookDoc:  # noqa: A002
    """The unit's annual results book for a year; round defaults to round 2 (12 months).

    Raises ValueError (Thai) when the unit has no framework in that year.
    """
    from reporting import selectors
    from reporting.models import BookSection

    if not isinstance(fiscal_year, FiscalYear):
        fiscal_year = FiscalYear.objects.get(be_year=fiscal_year)
    round_ = round or Round.objects.filter(fiscal_year=fiscal_year, number=2).first()
    if round_ is None:
        raise ValueError(f"ไม่พบรอบที่ 2 ของปีงบประมาณ พ.ศ. {fiscal_year.be_year}")
    framework, _approved = selectors.scorecard_framework(org_unit=org_unit, fiscal_year_id=fiscal_year.pk)
    if framework is None:
        raise ValueError(f"{org_unit.name_th}: ไม่มีกรอบตัวชี้วัดในปีงบประมาณ พ.ศ. {fiscal_year.be_year}")
    monitoring = fiscal_year.is_monitoring_only
    state = None if monitoring else selectors.scorecard_state(org_unit=org_unit, round=round_)
    card = state.card if state is not None else None

    from indicators.selectors import _assignments_with_criteria, applies_to

    assignments = [
        a for a in _assignments_with_criteria().filter(framework=framework).prefetch_related(
            "collectors", "definition__data_collectors", "definition__strategic_links", "definition__baselines",
        )
        if applies_to(a, org_unit)
    ]
    for assignment in assignments:
        assignment.framework = framework
    sub_results = SubUnitResult.objects.select_related("province", "org_unit").order_by("order", "pk")
    results = {
        r.assignment_id: r
        for r in Result.objects.filter(org_unit=org_unit, round=round_, assignment__framework=framework)
        .select_related("stored_score")
        .prefetch_related("milestones", "evidence_files", Prefetch("sub_results", queryset=sub_results))
    }
    external_scores = list(org_unit.external_scores.filter(fiscal_year=fiscal_year))
    sections = list(BookSection.objects.filter(fiscal_year=fiscal_year, org_unit=org_unit).order_by("position", "order", "pk"))
    department = org_unit if org_unit.kind == OrgUnit.Kind.DEPARTMENT else (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT, code="dsdw").first() or org_unit
    )

    level_count = 3 if framework.scale == Scale.THREE_LEVEL else 5
    lines = {line.assignment_id: line for line in card.rows} if card is not None else {}
    by_pk = {a.pk: a for a in assignments}
    parents = {a.parent_id for a in assignments if a.parent_id}
    components: list[ComponentSection] = []
    kpi_groups: list[KpiGroup] = []
    toc: list[TocEntry] = []
    for component, label in COMPONENT_LABELS.items():
        members = [a for a in assignments if a.component == component]
        if not members:
            continue
        reports: list[IndicatorReport] = []
        kpi_rows: list[KpiRow] = []
        anchor = f"component-{component}"
        toc.append(TocEntry(label, anchor, 1))
        for assignment in members:
            definition = assignment.definition
            name = f"{definition.name_th} {definition.label_suffix}".strip()
            is_sub = assignment.parent_id is not None
            report = None
            if assignment.pk not in parents:
                parent = by_pk.get(assignment.parent_id) if assignment.parent_id else None
                report = _report(assignment, parent, results.get(assignment.pk), fiscal_year, round_, level_count,
                                 not monitoring, external_scores, lines.get(assignment.pk))
                reports.append(report)
            kpi_rows.append(KpiRow(
                number=assignment.number, name=name,
                links=tuple(link.text_th for link in definition.strategic_links.all()),
                weight=assignment.weight, is_sub=is_sub,
                score=report.score if report else None, weighted=report.weighted if report else None,
            ))
            if is_sub:
                toc.append(TocEntry(number_label(assignment.number, definition.name_th), report.anchor if report else anchor, 3))
            else:
                first_child = next((f"ind-{a.pk}" for a in members if a.parent_id == assignment.pk), None)
                target = report.anchor if report else (first_child or anchor)
                number = f"ตัวชี้วัดที่ {assignment.number} " if assignment.number else ""
                toc.append(TocEntry(f"{number}{name}", target, 2))
        share = framework.performance_weight if component == Component.PERFORMANCE else framework.potential_weight
        kpi_groups.append(KpiGroup(label, share, tuple(kpi_rows)))
        components.append(ComponentSection(anchor, label, tuple(reports)))

    forewords = [s for s in sections if s.position == BookSection.Position.FOREWORD]
    if forewords:
        foreword = TextSection("foreword", forewords[0].title_th or FOREWORD_TITLE,
                               tuple(p for s in forewords for p in text_paragraphs(s.body_th)))
    else:
        foreword = _generated_foreword(org_unit.name_th, fiscal_year, monitoring, department.name_th)
    annexes = tuple(
        TextSection(f"annex-{s.pk}", s.title_th, text_paragraphs(s.body_th))
        for s in sections if s.position == BookSection.Position.ANNEX
    )
    toc = [
        TocEntry(foreword.title, foreword.anchor, 0),
        TocEntry(f"{KPI_LIST_TITLE} ประจำปีงบประมาณ พ.ศ. {fiscal_year.be_year}", "kpi-list", 0),
        TocEntry(f"{RESULTS_TITLE} ประจำปีงบประมาณ พ.ศ. {fiscal_year.be_year}", components[0].anchor if components else "kpi-list", 0),
        *toc,
        *(TocEntry(a.title, a.anchor, 0) for a in annexes),
    ]
    total_weight = card.weight_total if card is not None else None
    if total_weight is None:  # no stored total (a monitoring-only year): the framework's weights as listed
        total_weight = sum((a.weight or Decimal(0) for a in assignments if a.parent_id is None), Decimal(0))
    return BookDoc(
        unit_code=org_unit.code,
        unit_name=org_unit.name_th,
        department_name=department.name_th,
        fiscal_year=fiscal_year.be_year,
        period_start=thai_date(fiscal_year.start_date),
        period_end=thai_date(fiscal_year.end_date),
        round_number=round_.number,
        round_label=str(round_.get_number_display()),
        scale=framework.scale,
        monitoring=monitoring,
        status_label=MONITORING if monitoring else str(fiscal_year.get_evaluation_status_display()),
        status_note=fiscal_year.note_th,
        foreword=foreword,
        foreword_generated=not forewords,
        kpi_groups=tuple(kpi_groups),
        total_weight=total_weight,
        total_score=card.total_100_exact if card is not None else None,
        band_label=card.band_label_th if card is not None else "",
        components=tuple(components),
        annexes=annexes,
        toc=tuple(toc),
        generated_at=timezone.now(),
        weighted_sum=card.weighted_sum if card is not None else None,
    )
