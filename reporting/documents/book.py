"""The annual results book (รายงานผลการดำเนินงานตามตัวชี้วัดการประเมินส่วนราชการ; DOMAIN.md §6.1, layout of document 000).

Selector → builder → renderer (STYLE.md practice 8): ``build()`` reads the unit's framework, the round's results with
their per-unit tables, milestones, evidence and stored scores, and the year's BookSections once into frozen
dataclasses; ``to_html()``, ``to_pdf()`` and ``to_xlsx()`` only format them. A monitoring-only year (FY2564) prints
targets and results but "ไม่ประเมินผล (Monitoring)" instead of scores; an evaluated year adds คะแนน and
คะแนนถ่วงน้ำหนัก from the rows of the stored Scorecard, and its Σ ค and total. Five-level frameworks (FY2566 divisions) print
levels 1–5 instead of 50/75/100.

The dataclasses live in book_data.py (numbers are printed by indicators/numbers.py), the builder in book_build.py, the workbook in book_xlsx.py;
this module is the public face (``build``, ``to_html``, ``to_pdf``, ``to_xlsx``) that KINDS registers.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from indicators import numbers
from indicators.templatetags.thai_dates import thai_date
from reporting.documents.book_build import build
from reporting.documents.book_data import (
    ANNEX_HEADING,
    AUTHOR,
    FIVE_LEVEL_HEADERS,
    KPI_LIST_TITLE,
    MEASURE,
    MONITORING,
    RESULTS_TITLE,
    THREE_LEVEL_HEADERS,
    TITLE,
    TOC_TITLE,
    BookDoc,
    Column,
    IndicatorReport,
)

__all__ = [
    "FIVE_LEVEL_HEADERS", "MONITORING", "THREE_LEVEL_HEADERS", "TITLE", "BookDoc", "IndicatorReport", "build",
    "display", "page_css", "to_html", "to_pdf", "to_xlsx",
]


# ---- renderers (no database access) --------------------------------------------------------------------------


def _thai_digits_in_text(html: str) -> str:
    return re.sub(r">([^<]+)<", lambda m: ">" + numbers.to_thai_digits(m.group(1)) + "<", html)


def display(doc: BookDoc) -> dict[str, Any]:
    """The template context: the document plus every number formatted once."""
    reports: list[dict[str, Any]] = []
    for report in doc.reports:
        table = report.unit_table
        table_view: dict[str, Any] | None = None
        if table is not None:
            two_rows = any(c.group for c in table.columns)
            head1: list[dict[str, Any]] = []
            for column in table.columns:
                if column.group and head1 and head1[-1]["label"] == column.group and head1[-1]["colspan"]:
                    head1[-1]["colspan"] += 1
                elif column.group:
                    head1.append({"label": column.group, "colspan": 1, "rowspan": 1})
                else:
                    head1.append({"label": column.label, "colspan": 0, "rowspan": 2 if two_rows else 1,
                                  "percent": column.key == "percent"})
            table_view = {
                "table": table, "two_rows": two_rows, "head1": head1,
                "head2": [c.label for c in table.columns if c.group],
                "rows": [{"row": row, "cells": [_cell(c, v) for c, v in zip(table.columns, row.cells, strict=True)]}
                         for row in table.rows],
                "totals": [_cell(c, v) for c, v in zip(table.columns, table.totals, strict=True)],
            }
        reports.append({
            "report": report, "table": table_view,
            "score": numbers.score(report.score),
            "weighted": numbers.score(report.weighted),
            "weight": numbers.weight(report.weight),
        })
    by_anchor = {report.anchor: view for report, view in zip(doc.reports, reports, strict=True)}
    components = [{"component": c, "reports": [by_anchor[r.anchor] for r in c.reports]} for c in doc.components]
    kpi_groups = [{
        "group": g, "weight": numbers.weight(g.weight),
        "rows": [{"row": r, "weight": (f"({numbers.weight(r.weight)})" if r.is_sub else numbers.weight(r.weight)) if r.weight is not None else "",
                  "score": numbers.score(r.score), "weighted": numbers.score(r.weighted)}
                 for r in g.rows],
    } for g in doc.kpi_groups]
    annexes = [{"section": section, "lines": [(line, bool(ANNEX_HEADING.match(line)))
                                              for paragraph in section.paragraphs for line in paragraph]}
               for section in doc.annexes]
    return {
        "doc": doc, "annexes": annexes, "title": TITLE, "measure": MEASURE, "author": AUTHOR, "kpi_title": KPI_LIST_TITLE,
        "results_title": RESULTS_TITLE, "toc_title": TOC_TITLE, "monitoring_label": MONITORING,
        "components": components, "kpi_groups": kpi_groups, "total_weight": numbers.weight(doc.total_weight),
        "total_score": numbers.total(doc.total_score),
        "total_weighted": numbers.score(doc.weighted_sum) if doc.evaluated else "",
        "generated": thai_date(doc.generated_at),
    }


def _cell(column: Column, value: Decimal | None) -> str:
    if value is None:
        return "-"
    return numbers.percent(value) if column.key == "percent" else numbers.number(value)


def to_html(doc: BookDoc, *, thai_digits: bool = False) -> str:
    html = render_to_string("reporting/pdf/book.html", display(doc))
    return _thai_digits_in_text(html) if thai_digits else html


def page_css(doc: BookDoc, *, thai_digits: bool = False) -> str:
    """The running header of the indicator pages and the page-number style (Thai digits when asked)."""
    header = numbers.to_thai_digits(doc.running_header) if thai_digits else doc.running_header
    header = header.replace("\\", "\\\\").replace('"', '\\"')
    style = ", thai" if thai_digits else ""
    return (
        f'@page indicator {{ @top-center {{ content: "{header}"; }} }}\n'
        f"@page {{ @bottom-right {{ content: counter(page{style}); }} }}\n"
        f"a.toc-link::after {{ content: target-counter(attr(href), page{style}); }}\n"
    )


def to_pdf(doc: BookDoc, *, thai_digits: bool = False) -> bytes:
    """A4 portrait PDF (Sarabun embedded, Thai text layer fixed by render_pdf)."""
    from reporting.pdf import render_pdf

    return render_pdf(to_html(doc, thai_digits=thai_digits), stylesheets=[page_css(doc, thai_digits=thai_digits)])


def to_xlsx(doc: BookDoc) -> bytes:
    """A summary sheet (the KPI list) and one sheet per indicator; numbers stay numbers with number formats."""
    from reporting.documents.book_xlsx import write_workbook
    from reporting.documents.xlsx_text import save_workbook

    out = io.BytesIO()
    save_workbook(write_workbook(doc), out)
    return out.getvalue()
