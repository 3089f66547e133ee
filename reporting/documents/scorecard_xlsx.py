"""The scorecard as an Excel workbook: the same dataclass as the PDF, numbers kept as numbers (STYLE.md practice 8).

Each number cell holds the value rounded half-up to the places the PDF prints (indicators/numbers.py) with a number
format showing exactly those places, so Excel shows the same digits as the page and the PDF (a full-precision
float would be rounded by the spreadsheet, from its binary value). A draft says so above the table (row 4).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from indicators import numbers
from indicators.templatetags.thai_dates import thai_date
from reporting.documents.scorecard_data import (
    DRAFT_MARK,
    DRAFT_NOTE,
    MONITORING_ONLY,
    NOT_COMPUTABLE,
    STATUS_HEADING,
    ScorecardDoc,
    row_note,
)


def _score(value: Decimal | None) -> Decimal | None:
    return numbers.rounded(value, numbers.SCORE_PLACES)


def render(doc: ScorecardDoc) -> bytes:
    """The same rows and numbers in a workbook: numbers stay numbers, rounded and formatted as printed."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from reporting.documents.xlsx_text import save_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"รอบ {doc.round_number} {doc.fiscal_year}"
    bold = Font(name="TH Sarabun New", bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="EEEEEE")
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")
    score_format = numbers.SCORE_FORMAT
    n = len(doc.level_labels)
    width = n + 7  # name, levels, result, status, ก, ข, ค, note
    col_result, col_status, col_score, col_weight, col_weighted = n + 2, n + 3, n + 4, n + 5, n + 6

    sheet.append([doc.title])
    sheet.append([f"{doc.unit_name} · {doc.round_label} ปีงบประมาณ พ.ศ. {doc.fiscal_year}"])
    sheet.append([doc.framework_name + (f" · {MONITORING_ONLY}" if doc.monitoring_only else "")])
    for row_number in (1, 2, 3):
        sheet.cell(row_number, 1).font = bold
    if doc.draft:
        sheet.append([" · ".join([DRAFT_MARK, *doc.draft_reasons, DRAFT_NOTE])])
        sheet.cell(4, 1).font = Font(name="TH Sarabun New", bold=True, color="AA1111")
    elif doc.frozen:
        sheet.append(["ฉบับที่ล็อกรับรองแล้ว"])
    header_top = 5
    headers = ["ตัวชี้วัดผลงาน", doc.level_heading, *[""] * (n - 1), "ผลการดำเนินงาน", STATUS_HEADING, "คะแนน (ก)",
               "น้ำหนัก (ร้อยละ) (ข)", "คะแนนถ่วงน้ำหนัก (ค) (ค = กxข)", "หมายเหตุ"]
    for column, text in enumerate(headers, start=1):
        sheet.cell(header_top, column, text)
    for column, level in enumerate(doc.level_labels, start=2):
        sheet.cell(header_top + 1, column, int(level) if level.isdigit() else level)
    for column in (1, col_result, col_status, col_score, col_weight, col_weighted, width):
        sheet.merge_cells(start_row=header_top, end_row=header_top + 1, start_column=column, end_column=column)
    sheet.merge_cells(start_row=header_top, end_row=header_top, start_column=2, end_column=n + 1)
    for row_number in (header_top, header_top + 1):
        for column in range(1, width + 1):
            cell = sheet.cell(row_number, column)
            cell.font, cell.alignment, cell.border, cell.fill = bold, center, border, fill
    sheet.freeze_panes = sheet.cell(header_top + 2, 2)
    sheet.print_title_rows = f"{header_top}:{header_top + 1}"

    def line(values: list[Any], *, strong: bool = False) -> None:
        sheet.append(values)
        row_number = sheet.max_row
        for column in range(1, width + 1):
            cell = sheet.cell(row_number, column)
            cell.border, cell.alignment = border, wrap
            if strong:
                cell.font = bold
            if isinstance(cell.value, (int, float, Decimal)):
                if column in (col_score, col_weighted):
                    cell.number_format = score_format
                elif column == col_weight:
                    cell.number_format = numbers.whole_or_format(cell.value)

    blanks = [""] * (n + 2)
    for group in doc.groups:
        share = f" ร้อยละ {numbers.weight(group.share)}" if group.share is not None else ""
        line([f"{group.label}{share}"], strong=True)
        sheet.merge_cells(start_row=sheet.max_row, end_row=sheet.max_row, start_column=1, end_column=width)
        for row in group.rows:
            note = row_note(doc, row)
            score: Any = _score(row.score)
            if score is None and row.scored and not doc.computed:
                score = NOT_COMPUTABLE
            line([
                f"{row.number} {row.name}".strip(), *row.levels, row.result_text, row.status_label,
                score, row.weight if row.scored else None, _score(row.weighted), note,
            ])
        subtotal: Any = _score(group.weighted_sum) if doc.computed else NOT_COMPUTABLE
        line([f"รวม {group.label}", *blanks, None, group.weight_sum, subtotal], strong=True)
    total: Any = _score(doc.weighted_sum) if doc.weighted_sum is not None else NOT_COMPUTABLE
    line(["รวม", *blanks, None, doc.weight_total, total], strong=True)
    sheet.append([])
    total_100 = numbers.rounded(doc.total_100, numbers.TOTAL_PLACES)
    sheet.append(["คะแนนรวม (เต็ม 100)", total_100 if total_100 is not None else NOT_COMPUTABLE])
    sheet.cell(sheet.max_row, 2).number_format = numbers.TOTAL_FORMAT
    sheet.cell(sheet.max_row, 1).font = bold
    sheet.append(["ระดับผลการประเมิน", doc.band_text])
    sheet.cell(sheet.max_row, 1).font = bold
    if doc.problems:
        sheet.append(["เหตุที่คำนวณไม่ได้" if not doc.computed else "หมายเหตุ"])
        sheet.cell(sheet.max_row, 1).font = bold
    for problem in doc.problems:
        sheet.append([problem])
    for drill in doc.province_averages:
        sheet.append([])
        sheet.append([f"ตัวชี้วัดที่ {drill.number} คะแนนเฉลี่ยของกองจากคะแนนรายจังหวัด: {drill.method_label}"])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(["จังหวัด", "เป้าหมาย", "ผลการดำเนินงาน", "ร้อยละ", "คะแนน"])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for province in drill.provinces:
            sheet.append([province.province, province.target, province.done,
                          numbers.rounded(province.percent, numbers.PERCENT_PLACES), _score(province.score)])
            for column, value in ((2, province.target), (3, province.done)):
                sheet.cell(sheet.max_row, column).number_format = numbers.whole_or_format(value, numbers.PERCENT_PLACES)
            sheet.cell(sheet.max_row, 4).number_format = numbers.PERCENT_FORMAT
            sheet.cell(sheet.max_row, 5).number_format = score_format
        sheet.append(["คะแนนเฉลี่ยของกอง", None, None, None,
                      _score(drill.score) if drill.score is not None else drill.problem])
        sheet.cell(sheet.max_row, 5).number_format = score_format
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([f"จัดทำเมื่อ {thai_date(doc.generated_at)}"])
    widths = [48, *[max(8, 70 // n)] * n, 16, 14, 11, 12, 16, 30]
    for column, col_width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = col_width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    save_workbook(workbook, out)
    return out.getvalue()
