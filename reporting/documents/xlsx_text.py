"""Every XLSX document is saved through ``save_workbook``: text that a spreadsheet would take as a formula stays text.

A staff narrative such as ``=HYPERLINK("http://x",A1)`` became a live formula in the director's workbook (issue 9):
openpyxl stores a string starting with "=" as a formula. Text starting with = + - @, a tab or a carriage return
(the characters spreadsheets read as the start of a formula, OWASP "CSV injection") is kept as a string cell, with the
text exactly as typed, and marked with the quote prefix, so Excel and LibreOffice show it as typed and do not
evaluate it even when the cell is edited. The writers put no formula of their own in any workbook.
"""

from __future__ import annotations

from typing import IO, Any

from openpyxl.cell.cell import TYPE_STRING
from openpyxl.workbook import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise_formulas(workbook: Workbook) -> int:
    """Turn every formula-like text cell of every sheet into plain, quote-prefixed text; returns how many."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    cell.data_type = TYPE_STRING
                    cell.quotePrefix = True
                    changed += 1
    return changed


def save_workbook(workbook: Workbook, out: IO[bytes]) -> None:
    """The one way the documents write a workbook (agreement, scorecard, report book)."""
    neutralise_formulas(workbook)
    workbook.save(out)
