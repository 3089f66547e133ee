"""The annual results book as a workbook (reporting/documents/book.py): one summary sheet and one sheet per indicator.

Reads the BookDoc dataclass only; numbers stay numbers, rounded half-up to the places the PDF prints and formatted
to show exactly those digits (indicators/numbers.py: #,##0 for counts, #,##0.00 for percentages and the total,
#,##0.0000 for scores).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators import numbers
from reporting.documents.book_data import MONITORING, TITLE, BookDoc, IndicatorReport

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
BAND = PatternFill("solid", fgColor="E8EEF7")
COUNT, PERCENT, SCORE, TOTAL = numbers.COUNT_FORMAT, numbers.PERCENT_FORMAT, numbers.SCORE_FORMAT, numbers.TOTAL_FORMAT


def _number(value: Decimal | None) -> Decimal | int | None:
    """A count or a weight as stored: whole numbers as int, others as the Decimal itself."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value


def _score(value: Decimal | None) -> Decimal | None:
    return numbers.rounded(value, numbers.SCORE_PLACES)


def _row(sheet: Worksheet, values: list[Any], *, bold: bool = False, formats: dict[int, str] | None = None) -> None:
    sheet.append(values)
    for index, cell in enumerate(sheet[sheet.max_row], start=1):
        cell.alignment = WRAP
        if bold:
            cell.font = BOLD
        if formats and index in formats and isinstance(cell.value, (int, float, Decimal)):
            cell.number_format = formats[index]


def _summary(sheet: Worksheet, doc: BookDoc) -> None:
    sheet.title = "สรุปตัวชี้วัด"
    _row(sheet, [f"{TITLE} {doc.year_line}"], bold=True)
    _row(sheet, [doc.unit_name])
    _row(sheet, [f"สถานะการประเมิน: {doc.status_label}"])
    heads = ["ตัวชี้วัด", "ความเชื่อมโยงกับยุทธศาสตร์ชาติ / แผนแม่บท / แผน 12 / นโยบายรัฐบาล", "น้ำหนัก (ร้อยละ)",
             "ผลการดำเนินงาน", "คะแนน", "คะแนนถ่วงน้ำหนัก"]
    _row(sheet, heads, bold=True)
    formats = {5: SCORE, 6: SCORE}
    for group in doc.kpi_groups:
        _row(sheet, [group.label, "", _number(group.weight)], bold=True, formats={3: numbers.whole_or_format(group.weight)})
        for cell in sheet[sheet.max_row]:
            cell.fill = BAND
        for line in group.rows:
            label = f"{line.number} {line.name}" if "." in line.number else f"{line.number}. {line.name}"
            report = next((r for r in doc.reports if r.number == line.number), None)
            score: Any = MONITORING if doc.monitoring and report else _score(line.score)
            _row(sheet, [label, "\n".join(line.links), _number(line.weight),
                         "\n".join(report.result_lines) if report else "", score, _score(line.weighted)],
                 formats={**formats, 3: numbers.whole_or_format(line.weight)})
    _row(sheet, ["รวม", "", _number(doc.total_weight), "", "", numbers.rounded(doc.total_score, numbers.TOTAL_PLACES)],
         bold=True, formats={3: numbers.whole_or_format(doc.total_weight), 6: TOTAL})
    for column, width in enumerate([55, 40, 12, 40, 12, 14], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A5"


def _indicator(sheet: Worksheet, report: IndicatorReport, doc: BookDoc) -> None:
    _row(sheet, ["ชื่อตัวชี้วัด :", " ".join(report.heading)], bold=True)
    if report.supervisor:
        _row(sheet, ["ผู้กำกับดูแลตัวชี้วัด :", f"{report.supervisor.name} {report.supervisor.position}",
                     f"โทรศัพท์ : {report.supervisor.phone}"])
    for person in report.collectors:
        _row(sheet, ["ผู้จัดเก็บข้อมูล :", f"{person.name} {person.position}", f"โทรศัพท์ : {person.phone}"])
    _row(sheet, [])
    _row(sheet, ["เกณฑ์การประเมินผล :"], bold=True)
    _row(sheet, ["ตัวชี้วัด", *report.level_headers, "ผลการดำเนินงาน", "คะแนน", "คะแนนถ่วงน้ำหนัก"], bold=True)
    score: Any = MONITORING if doc.monitoring else _score(report.score)
    _row(sheet, [report.label, *["\n".join(cell) for cell in report.levels], "\n".join(report.result_lines), score,
                 _score(report.weighted)], formats={len(report.levels) + 3: SCORE, len(report.levels) + 4: SCORE})
    if report.history:
        _row(sheet, [])
        _row(sheet, ["ข้อมูลผลการดำเนินงาน :"], bold=True)
        _row(sheet, ["ตัวชี้วัด", *[f"ปีงบประมาณ พ.ศ. {y}" for y in report.history.years],
                     *[f"การเปลี่ยนแปลง (%) {y}" for y in report.history.change_years]], bold=True)
        _row(sheet, [report.label, *report.history.values, *report.history.changes])
    table = report.unit_table
    if table:
        _row(sheet, [])
        _row(sheet, [table.title], bold=True)
        heads = ["ที่", table.unit_header, *[f"{c.group} {c.label}".strip() for c in table.columns]]
        _row(sheet, heads, bold=True)
        body = [(row.number, row.name, row.cells, False) for row in table.rows]
        for label, name, cells, strong in [*body, ("รวม", "", table.totals, True)]:
            # a count as the PDF prints it (numbers.number: whole, or 2 decimals), a percentage with 2 decimals
            values = [numbers.rounded(v, numbers.PERCENT_PLACES) if c.key == "percent"
                      else _number(numbers.rounded(v, numbers.PERCENT_PLACES)) for c, v in zip(table.columns, cells, strict=True)]
            formats = {i + 3: PERCENT if c.key == "percent" else numbers.whole_or_format(v, numbers.PERCENT_PLACES)
                       for i, (c, v) in enumerate(zip(table.columns, cells, strict=True))}
            _row(sheet, [label, name, *values], bold=strong, formats=formats)
        if table.summary:
            _row(sheet, [table.summary])
        if table.as_of:
            _row(sheet, [f"(ข้อมูล ณ วันที่ {table.as_of})"])
    for extra in report.extra_tables:
        _row(sheet, [])
        _row(sheet, [extra.title], bold=True)
        _row(sheet, list(extra.columns), bold=True)
        for cells in extra.rows:
            _row(sheet, [cells[0], *[float(c.replace(",", "")) for c in cells[1:]]], formats={2: PERCENT, 3: PERCENT, 4: PERCENT})
    for heading, lines in (("คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ:", report.actions),
                           ("ปัจจัยสนับสนุนต่อการดำเนินงาน :", report.factors),
                           ("อุปสรรคต่อการดำเนินงาน :", report.obstacles),
                           ("หลักฐานอ้างอิง :", report.evidence), ("ข้อเสนอแนะ :", report.suggestions)):
        if lines or heading != "ข้อเสนอแนะ :":
            _row(sheet, [])
            _row(sheet, [heading], bold=True)
            for line in lines or ("-",):
                _row(sheet, ["", line])
    widths = [14, 48, *[16] * (len(table.columns) if table else 6)]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def write_workbook(doc: BookDoc) -> Workbook:
    workbook = Workbook()
    _summary(workbook.active, doc)
    used: set[str] = set()
    for report in doc.reports:
        name = f"ตัวชี้วัด {report.number or len(used) + 1}"[:31]
        while name in used:
            name = f"{name[:28]}-{len(used)}"
        used.add(name)
        _indicator(workbook.create_sheet(name), report, doc)
    return workbook
