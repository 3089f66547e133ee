"""The evaluation agreement (แบบฟอร์มการประเมินส่วนราชการฯ, appendix 1 of the FY2566 manual; DOMAIN.md §6.2–6.4).

Selector → builder → renderer (STYLE.md practice 8): `build()` reads the unit's framework once and returns a
frozen `AgreementDoc`; `to_pdf()` and `to_xlsx()` only read that dataclass, never the database.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from django.template.loader import render_to_string

from indicators import numbers
from indicators.criteria_spec import printed_levels
from indicators.models import Assignment, FiscalYear, Framework, OrgUnit, Person
from indicators.models.framework import Component, Scale
from indicators.selectors import framework_detail, framework_for_unit
from indicators.templatetags.thai_dates import thai_date

TITLE = "การประเมินส่วนราชการตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ"
DIRECTOR_GENERAL = "อธิบดีกรมพัฒนาสังคมและสวัสดิการ"
BLANK = "." * 40
ROUND_HEADINGS = {
    1: "เกณฑ์การประเมินผล รอบ 1 (1 ต.ค. - 31 มี.ค.)",
    2: "เกณฑ์การประเมินผล รอบ 2 (1 เม.ย. - 30 ก.ย.)",
}
COMPONENT_LABELS = {
    Component.PERFORMANCE: "การประเมินประสิทธิผลการดำเนินงาน (Performance Base)",
    Component.POTENTIAL: "การประเมินศักยภาพในการดำเนินงาน (Potential Base)",
}
BASELINE_YEARS = 3
#: The attachment (appendix 1 of document 003): "หน้าที่ เป้าประสงค์ และตัวชี้วัดของ …" with its two headings.
ATTACHMENT_TITLE = "หน้าที่ เป้าประสงค์ และตัวชี้วัดของ"
DUTIES_HEADING = "➤ หน้าที่"
STRATEGY_HEADING = "➤ ประเด็นยุทธศาสตร์ เป้าประสงค์ และตัวชี้วัด"
PLAN_HEADING = "แผนปฏิบัติราชการกรม เรื่อง/ประเด็นยุทธศาสตร์กอง"
GOAL_HEADING = "เป้าประสงค์"
INDICATOR_HEADING = "ตัวชี้วัด"
DOTS = "." * 30  # an empty cell of the form: the dotted blank, never "None"


@dataclass(frozen=True)
class Party:
    name: str  # "" = a blank line to sign on
    position: str

    @property
    def reference(self) -> str:
        """How clauses 4 and 5 refer to the party: the name, else the position."""
        return self.name or self.position


@dataclass(frozen=True)
class LevelCell:
    lines: tuple[str, ...]
    defined: bool  # False: printed "-" (greyed)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class CriteriaRow:
    number: str
    name: str
    weight: Decimal | None
    round1: tuple[LevelCell, ...]
    round2: tuple[LevelCell, ...]
    baselines: tuple[str, ...]  # one per AgreementDoc.baseline_years
    is_sub: bool
    plan_issue: str = ""  # Assignment.plan_issue_th ("" = not filled in)
    goal: str = ""  # Assignment.goal_th
    plan_span: int = 1  # summary table: rows merged into this plan/goal cell; 0 = covered by the row above


@dataclass(frozen=True)
class StrategyRow:
    """One line of the attachment's table: a plan issue and goal with the indicators that measure them."""

    plan_issue: str  # "" = not filled in (printed as the form's dotted blank)
    goal: str
    indicators: tuple[str, ...]  # "2. ระดับความสำเร็จ…"


@dataclass(frozen=True)
class ComponentGroup:
    label: str  # e.g. "การประเมินประสิทธิผลการดำเนินงาน (Performance Base) (ร้อยละ 70)"
    rows: tuple[CriteriaRow, ...]


@dataclass(frozen=True)
class AgreementDoc:
    fiscal_year: int  # BE
    unit_name: str
    framework_name: str
    evaluator: Party
    evaluee: Party
    period_start: str  # "1 ตุลาคม 2565"
    period_end: str  # "30 กันยายน 2566"
    clauses: tuple[str, ...]  # clauses 2..6 as printed (clause 1 is laid out from the parties)
    level_labels: tuple[str, ...]
    groups: tuple[ComponentGroup, ...]
    total_weight: Decimal
    baseline_years: tuple[int, ...]
    duties: tuple[str, ...] = ()  # OrgUnit.duties_th, one per line
    strategy_rows: tuple[StrategyRow, ...] = ()

    @property
    def title(self) -> str:
        return TITLE

    @property
    def attachment_title(self) -> str:
        return f"{ATTACHMENT_TITLE}{self.unit_name}"

    @property
    def year_line(self) -> str:
        return f"ประจำปีงบประมาณ พ.ศ. {self.fiscal_year}"

    @property
    def criteria_columns(self) -> int:
        return 1 + 2 * (len(self.level_labels) + 1)

    @property
    def summary_columns(self) -> int:
        return 4 + len(self.baseline_years) + len(self.level_labels)


def _level_cells(criteria: object, labels: tuple[str, ...]) -> tuple[LevelCell, ...]:
    if criteria is None:
        return tuple(LevelCell(("...",), True) for _ in labels)
    parts = printed_levels(criteria)  # type: ignore[arg-type]
    composite = len(parts) > 1
    cells: list[LevelCell] = []
    for index, _label in enumerate(labels):
        lines: list[str] = []
        defined = False
        for part_name, levels in parts:
            if index >= len(levels):
                continue
            _lvl, text, is_defined = levels[index]
            defined = defined or is_defined
            if composite:
                short = re.sub(r"^ร้อยละของระดับ", "", part_name).strip()
                lines.append(f"- {short} {text}".strip())
            else:
                lines.append(text)
        cells.append(LevelCell(tuple(lines) or ("-",), defined))
    return tuple(cells)


def _baseline_text(assignment: Assignment, year: int) -> str:
    definition = assignment.definition
    for baseline in definition.baselines.all():
        if baseline.year_be != year:
            continue
        if baseline.value is None:
            return baseline.text_th or "-"
        shown = numbers.number(baseline.value)
        unit = definition.unit_of_measure
        if unit == definition.UnitOfMeasure.PERCENT:
            return f"ร้อยละ {shown}"
        if unit in (definition.UnitOfMeasure.POINTS, definition.UnitOfMeasure.SCORE_LEVEL):
            return f"{shown} คะแนน"
        return shown
    return "-"


def _duties(text: str) -> tuple[str, ...]:
    """One duty per non-empty line, without the numbers people type ("1. ", "(2)", "๓)")."""
    duties = []
    for line in text.splitlines():
        line = re.sub(r"^\s*[\(]?[0-9๐-๙]+[\.\)]\s*", "", line).strip()
        if line:
            duties.append(line)
    return tuple(duties)


def _strategy_rows(assignments: list[Assignment]) -> tuple[StrategyRow, ...]:
    """Top-level indicators grouped by (plan issue, goal) in framework order; unfilled ones share one row."""
    groups: dict[tuple[str, str], list[str]] = {}
    for a in assignments:
        if a.parent_id is None:
            key = (a.plan_issue_th.strip(), a.goal_th.strip())
            groups.setdefault(key, []).append(f"{a.number}. {a.definition.name_th}" if a.number else a.definition.name_th)
    return tuple(StrategyRow(plan, goal, tuple(names)) for (plan, goal), names in groups.items())


def _spans(rows: list[CriteriaRow]) -> tuple[CriteriaRow, ...]:
    """Merge the plan/goal cells of consecutive rows that share them (the summary table of §6.4)."""
    out: list[CriteriaRow] = []
    for row in rows:
        head = next((i for i in range(len(out) - 1, -1, -1) if out[i].plan_span), None)
        if head is not None and (out[head].plan_issue, out[head].goal) == (row.plan_issue, row.goal):
            out[head] = replace(out[head], plan_span=out[head].plan_span + 1)
            out.append(replace(row, plan_span=0))
        else:
            out.append(row)
    return tuple(out)


def _party(person: Person | None, default_position: str) -> Party:
    if person is None:
        return Party("", default_position)
    return Party(person.full_name, person.position or default_position)


def _clauses(evaluator: Party, evaluee: Party, start: str, end: str) -> tuple[str, ...]:
    er, ee = evaluator.reference, evaluee.reference
    return (
        f"การประเมินฯ นี้เป็นการประเมินฯ ฝ่ายเดียว มิใช่สัญญา และใช้สำหรับระยะเวลา 1 ปี เริ่มตั้งแต่วันที่ {start} ถึงวันที่ {end}",
        "รายละเอียดของการประเมินฯ ได้แก่ กรอบการประเมินผล ตัวชี้วัดการประเมินส่วนราชการ น้ำหนัก ข้อมูลพื้นฐาน "
        "เป้าหมาย/เกณฑ์การประเมินผล และรายละเอียดอื่น ๆ ตามที่ปรากฏอยู่ในเอกสารประกอบท้ายการประเมินฯ นี้",
        f"ข้าพเจ้า {er} ในฐานะผู้บังคับบัญชาของ {ee} ได้พิจารณาและเห็นชอบกับ กรอบการประเมินผล "
        "ตัวชี้วัดการประเมินส่วนราชการ น้ำหนัก ข้อมูลพื้นฐาน เป้าหมาย/เกณฑ์การประเมินผล และ รายละเอียดอื่น ๆ "
        "ตามที่กำหนดในเอกสารประกอบท้ายการประเมินฯ นี้ และข้าพเจ้ายินดีจะให้คำแนะนำ กำกับ และ "
        f"ตรวจสอบผลการปฏิบัติราชการของ {ee} ให้เป็นไปตามการประเมินฯ ที่จัดทำขึ้นนี้",
        f"ข้าพเจ้า {ee} ได้ทำความเข้าใจการประเมินฯ ตามข้อ 3 แล้ว ขอให้คำรับรองกับ {er} ว่าจะมุ่งมั่น"
        "ปฏิบัติราชการให้เกิดผลงานที่ดีตามเป้าหมายของตัวชี้วัดการประเมินส่วนราชการ ในระดับสูงสุด "
        "เพื่อให้เกิดประโยชน์สุขแก่ประชาชน ตามที่ได้จัดทำการประเมินฯ ไว้",
        "ผู้ประเมินและผู้รับการประเมิน ได้เข้าใจการประเมินฯ และเห็นพ้องกันแล้ว จึงได้ลงลายมือชื่อไว้เป็นสำคัญ",
    )


def build(
    *,
    org_unit: OrgUnit,
    fiscal_year: FiscalYear | int,
    evaluator: Person | None = None,
    evaluee: Person | None = None,
) -> AgreementDoc:
    """The agreement of an org unit for a fiscal year, from the framework it reports on (DOMAIN.md §1.8)."""
    if not isinstance(fiscal_year, FiscalYear):
        fiscal_year = FiscalYear.objects.get(be_year=fiscal_year)
    found = framework_for_unit(org_unit=org_unit, fiscal_year_id=fiscal_year.pk)
    if found is None:
        # The agreement is signed on the framework before it is approved: a unit's own draft framework serves too.
        found = Framework.objects.filter(fiscal_year=fiscal_year, org_units=org_unit).order_by("-is_demo", "pk").first()
    if found is None:
        raise ValueError(f"{org_unit.name_th}: ไม่มีกรอบตัวชี้วัดในปีงบประมาณ {fiscal_year.be_year}")
    framework: Framework = framework_detail(pk=found.pk)
    labels = ("50", "75", "100") if framework.scale == Scale.THREE_LEVEL else ("1", "2", "3", "4", "5")
    years = tuple(range(fiscal_year.be_year - BASELINE_YEARS, fiscal_year.be_year))
    assignments = list(framework.assignments.all())
    for assignment in assignments:
        assignment.framework = framework  # criteria_for() reads the scale without a query
    weights = {Component.PERFORMANCE: framework.performance_weight, Component.POTENTIAL: framework.potential_weight}
    groups = []
    for component, label in COMPONENT_LABELS.items():
        rows = _spans([
            CriteriaRow(
                number=a.number,
                name=a.definition.name_th,
                weight=a.weight,
                round1=_level_cells(a.criteria_for(1), labels),
                round2=_level_cells(a.criteria_for(2), labels),
                baselines=tuple(_baseline_text(a, year) for year in years),
                is_sub=a.parent_id is not None,
                plan_issue=a.plan_issue_th.strip(),
                goal=a.goal_th.strip(),
            )
            for a in assignments
            if a.component == component
        ])
        groups.append(ComponentGroup(f"{label} (ร้อยละ {numbers.weight(weights[component])})", rows))
    total = sum((a.weight or Decimal(0) for a in assignments if a.parent_id is None), Decimal(0))
    unit_name = org_unit.name_th
    evaluator_party = _party(evaluator, DIRECTOR_GENERAL)
    evaluee_party = _party(
        evaluee, f"ผู้อำนวยการ{unit_name}" if org_unit.kind == OrgUnit.Kind.DIVISION else f"หัวหน้า{unit_name}"
    )
    start, end = thai_date(fiscal_year.start_date), thai_date(fiscal_year.end_date)
    return AgreementDoc(
        fiscal_year=fiscal_year.be_year,
        unit_name=unit_name,
        framework_name=framework.name_th,
        evaluator=evaluator_party,
        evaluee=evaluee_party,
        period_start=start,
        period_end=end,
        clauses=_clauses(evaluator_party, evaluee_party, start, end),
        level_labels=labels,
        groups=tuple(groups),
        total_weight=total,
        baseline_years=years,
        duties=_duties(org_unit.duties_th),
        strategy_rows=_strategy_rows(assignments),
    )


# --- renderers: the dataclass only ---------------------------------------------------------------------------

PAGE_CSS = """
@page criteria { size: A4 landscape; margin: 12mm 10mm 14mm; }
.criteria-pages { page: criteria; }
.doc-title { text-align: center; font-size: 15pt; font-weight: 700; line-height: 1.6; margin: 0 0 10pt; }
.clause { margin: 0 0 5pt; text-indent: 0; }
.party { margin: 2pt 0 2pt 24pt; }
/* two table cells, not flex: WeasyPrint lays out a fixed table in one pass (about 9% of this document's layout) */
.signatures { display: table; table-layout: fixed; width: 100%; margin-top: 28pt; break-inside: avoid; }
.signature { display: table-cell; text-align: center; line-height: 1.9; padding: 0 2%; }
h2.section { font-size: 13pt; margin: 0 0 4pt; }
table.criteria { font-size: 8.5pt; line-height: 1.45; table-layout: fixed; }
table.criteria th, table.criteria td { padding: 2pt 2.5pt; text-align: center; vertical-align: top; }
table.criteria td.name { text-align: left; }
table.criteria td.lvl { text-align: left; }
table.criteria td.undefined { color: #888; background: #f3f3f3; text-align: center; }
table.criteria tr.group td { background: #e8eef7; font-weight: 700; text-align: left; }
table.criteria tr.total td { font-weight: 700; }
table.criteria td.sub { padding-left: 10pt; }
.line { display: block; }
"""


def _thai_digits_in_text(html: str) -> str:
    return re.sub(r">([^<]+)<", lambda m: ">" + numbers.to_thai_digits(m.group(1)) + "<", html)


def to_html(doc: AgreementDoc, thai_digits: bool = False) -> str:
    html = render_to_string("reporting/pdf/agreement.html", {"doc": doc, "dots": DOTS, "short_dots": DOTS[:12]})
    return _thai_digits_in_text(html) if thai_digits else html


def to_pdf(doc: AgreementDoc, thai_digits: bool = False) -> bytes:
    from reporting.pdf import render_pdf

    return render_pdf(to_html(doc, thai_digits), stylesheets=[PAGE_CSS])


def to_xlsx(doc: AgreementDoc) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from reporting.documents.xlsx_text import save_workbook

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    grey = Font(color="888888")
    band = PatternFill("solid", fgColor="E8EEF7")
    n = len(doc.level_labels)
    wb = Workbook()
    ws = wb.active
    ws.title = "เกณฑ์การประเมินผล"
    ws.append([f"{doc.title} {doc.unit_name} {doc.year_line}"])
    ws.append(["ตัวชี้วัดการประเมินฯ น้ำหนัก เป้าหมาย/เกณฑ์การประเมินผล มีดังต่อไปนี้"])
    ws.append(["ตัวชี้วัดการประเมินฯ", ROUND_HEADINGS[1], *[""] * n, ROUND_HEADINGS[2], *[""] * n])
    ws.append(["", "น้ำหนัก (คะแนน)", *doc.level_labels, "น้ำหนัก (คะแนน)", *doc.level_labels])
    ws.merge_cells(start_row=3, start_column=2, end_row=3, end_column=2 + n)
    ws.merge_cells(start_row=3, start_column=3 + n, end_row=3, end_column=3 + 2 * n)
    for row in ws.iter_rows(min_row=1, max_row=4):
        for cell in row:
            cell.font = bold
    for group in doc.groups:
        ws.append([group.label])
        for cell in ws[ws.max_row]:
            cell.fill = band
            cell.font = bold
        for r in group.rows:
            weight = float(r.weight) if r.weight is not None else None
            ws.append(
                [f"{r.number}. {r.name}", weight, *[c.text for c in r.round1], weight, *[c.text for c in r.round2]]
            )
            for cell, level in zip(ws[ws.max_row][2 : 2 + n], r.round1, strict=True):
                cell.font = grey if not level.defined else Font()
            for cell, level in zip(ws[ws.max_row][3 + n : 3 + 2 * n], r.round2, strict=True):
                cell.font = grey if not level.defined else Font()
    ws.append(["รวม", float(doc.total_weight), *[""] * n, float(doc.total_weight)])
    for cell in ws[ws.max_row]:
        cell.font = bold
    ws.column_dimensions["A"].width = 45
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap

    summary = wb.create_sheet("ตารางสรุปตัวชี้วัด")
    summary.append([f"ตารางสรุปตัวชี้วัด {doc.year_line} ของ{doc.unit_name}"])
    summary.append(
        [
            "แผนปฏิบัติราชการกรม เรื่อง/ประเด็นยุทธศาสตร์กอง",
            "เป้าประสงค์",
            "ตัวชี้วัด",
            "น้ำหนัก (ร้อยละ)",
            *[f"ข้อมูลพื้นฐาน ปีงบประมาณ พ.ศ. {y}" for y in doc.baseline_years],
            *[f"{ROUND_HEADINGS[2]} {label}" for label in doc.level_labels],
        ]
    )
    for cell in summary[2]:
        cell.font = bold
    for group in doc.groups:
        summary.append([group.label])
        for cell in summary[summary.max_row]:
            cell.fill = band
            cell.font = bold
        for r in group.rows:
            summary.append(
                [
                    r.plan_issue or DOTS,
                    r.goal or DOTS,
                    f"{r.number}. {r.name}",
                    float(r.weight) if r.weight is not None else None,
                    *r.baselines,
                    *[c.text for c in r.round2],
                ]
            )
    summary.append(["", "", "รวม", float(doc.total_weight)])
    for cell in summary[summary.max_row]:
        cell.font = bold
    summary.column_dimensions["C"].width = 45
    summary.column_dimensions["A"].width = summary.column_dimensions["B"].width = 30
    for row in summary.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap

    attachment = wb.create_sheet("หน้าที่ เป้าประสงค์ ตัวชี้วัด", 0)
    attachment.append([doc.attachment_title])
    attachment.append([DUTIES_HEADING])
    for number, duty in enumerate(doc.duties or (DOTS, DOTS), start=1):
        attachment.append([f"{number}. {duty}"])
    attachment.append([])
    attachment.append([STRATEGY_HEADING])
    heading_row = attachment.max_row + 1
    attachment.append([PLAN_HEADING, GOAL_HEADING, INDICATOR_HEADING])
    for number, line in enumerate(doc.strategy_rows, start=1):
        attachment.append(
            [f"{number}. {line.plan_issue or DOTS}", f"{number}. {line.goal or DOTS}", "\n".join(line.indicators)]
        )
    for row_number in (1, 2, 4 + max(len(doc.duties), 2), heading_row):
        for cell in attachment[row_number]:
            cell.font = bold
    for column in "ABC":
        attachment.column_dimensions[column].width = 45
    for row in attachment.iter_rows(min_row=heading_row):
        for cell in row:
            cell.alignment = wrap
    out = io.BytesIO()
    save_workbook(wb, out)
    return out.getvalue()
