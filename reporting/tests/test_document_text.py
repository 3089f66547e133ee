"""Every generated document, read back from its PDF (issue 4, "How it is checked").

For each document kind in the registry (reporting.documents.KINDS: a kind registered later is checked
automatically) and representative demo units, the PDF is rendered once and then:

- every Thai string the builder put into its dataclass tree is found, code point for code point (whitespace
  removed on both sides), by both ``pdftotext -raw`` and pypdf; strings a template deliberately does not print
  are listed in NOT_PRINTED with the reason;
- the only fonts are Sarabun, embedded;
- no line break inside a table cell splits a Thai word (pythainlp; see pdfcheck.check_line_breaks and
  docs/pdf-performance.md for the residual disagreements between pythainlp's dictionary and the renderer's);
- no glyph lies outside the page or across a cell's border.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from reporting.documents import KINDS
from reporting.pdf import render_pdf
from reporting.tests import pdfcheck

# pytest-django creates the test database only for a session that has database tests; the module fixture
# below renders every document in one rolled-back transaction of its own.
pytestmark = pytest.mark.django_db
#: Representative units of the demo data: the demo division (a copy of กคส.'s framework, with the long milestone
#: texts), a demo field unit and the department (three-level OPDC scale). "province" is the first province-reporting
#: unit with a framework.
# Province-reporting units have no framework of their own: they report rows of a division's per-province table
# (DOMAIN §4.h), so they get no scorecard, agreement or book.
UNITS = {"division": "demo-division", "field-unit": "demo-shelter-1", "department": "dsdw"}
CASES = [(kind, unit) for kind in KINDS for unit in UNITS]


@dataclass(frozen=True)
class NotPrinted:
    """A builder field the template does not print (when ``applies`` says so), and why."""

    reason: str
    applies: Callable[[Any, Any], bool] = lambda owner, doc: True  # (dataclass holding the field, document)


#: (dataclass name, field) -> why the PDF does not show it. Everything else with Thai in it must be printed.
NOT_PRINTED: dict[tuple[str, str], NotPrinted] = {
    ("AgreementDoc", "framework_name"): NotPrinted(
        "appendix 1 names the unit and the year in its title, not the framework"
    ),
    ("BookDoc", "round_label"): NotPrinted(
        "the annual book is printed for the fiscal year; the round only selects which results it reads"
    ),
    ("BookDoc", "status_note"): NotPrinted(
        "book.html prints the status note only in a monitoring-only year", lambda owner, doc: not owner.monitoring
    ),
    ("ScorecardDoc", "status_label"): NotPrinted(
        "the rating line prints ScorecardDoc.band_text, which is the status only when there is no band",
        lambda owner, doc: owner.band_text != owner.status_label,
    ),
    ("ScorecardDoc", "band_label"): NotPrinted(
        "printed through ScorecardDoc.band_text, which replaces it by the status when not computed",
        lambda owner, doc: owner.band_label not in owner.band_text,
    ),
    ("ScorecardRow", "note"): NotPrinted(
        "the builder's raw problem text; the row prints scorecard.row_note() made from ScorecardRow.reasons"
    ),
    ("ScorecardRow", "reasons"): NotPrinted(
        "printed joined by '; ' in scorecard.row_note(), whose result _derived_strings() expects instead",
    ),
}


def _derived_strings(kind: str, doc: Any) -> list[str]:
    """Strings the template prints in place of fields listed in NOT_PRINTED (built by the module's own helpers)."""
    module = KINDS[kind]
    out = []
    if hasattr(module, "row_note") and hasattr(doc, "groups"):
        out += [module.row_note(doc, row) for group in doc.groups for row in group.rows]
    if hasattr(doc, "band_text"):
        out.append(doc.band_text)
    return [s for s in out if s and pdfcheck.THAI.search(s)]


def expected_strings(kind: str, doc: Any) -> list[str]:
    found = pdfcheck.thai_strings(doc)
    printed = []
    for item in found:
        rule = NOT_PRINTED.get((type(item.owner).__name__, item.field))
        if rule is None or not rule.applies(item.owner, doc):
            printed.append(item.text)
    return list(dict.fromkeys(printed + _derived_strings(kind, doc)))


@dataclass(frozen=True)
class Rendered:
    kind: str
    unit: str
    doc: Any
    html: str
    pdf: bytes


def _build(kind: str, unit: Any, fiscal_year: Any, round_: Any) -> Any:
    module = KINDS[kind]
    accepted = inspect.signature(module.build).parameters
    kwargs: dict[str, Any] = {"org_unit": unit}
    if "fiscal_year" in accepted:
        kwargs["fiscal_year"] = fiscal_year
    if "round" in accepted:
        kwargs["round"] = round_
    return module.build(**kwargs)


@pytest.fixture(scope="module")
def rendered(django_db_setup: Any, django_db_blocker: Any) -> dict[tuple[str, str], Rendered]:
    """Every (kind, unit) case rendered once from the demo data (rolled back afterwards)."""
    from indicators.models import FiscalYear, OrgUnit, Round
    from reporting import services
    from reporting.services import jobs

    out: dict[tuple[str, str], Rendered] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        with open("/dev/null", "w") as quiet:
            call_command("load_demo_data", stdout=quiet)
        jobs._local.__dict__.pop("batch", None)
        services.score_jobs_drain()  # the scorecards stored, as the worker would after the commit
        year = FiscalYear.objects.get(be_year=2566)
        round1 = Round.objects.get(fiscal_year=year, number=1)
        for label, code in UNITS.items():
            unit = OrgUnit.objects.get(code=code)
            for kind, module in KINDS.items():
                doc = _build(kind, unit, year, round1)
                out[kind, label] = Rendered(kind, unit.code, doc, module.to_html(doc), module.to_pdf(doc))
        jobs._local.__dict__.pop("batch", None)
        transaction.set_rollback(True)
    return out


def _case(rendered: dict[tuple[str, str], Rendered], kind: str, unit: str) -> Rendered:
    return rendered[kind, unit]


@pytest.mark.parametrize(("kind", "unit"), CASES)
@pytest.mark.parametrize("extract", [pdfcheck.pdftotext_raw, pdfcheck.pypdf_text], ids=["pdftotext-raw", "pypdf"])
def test_every_thai_string_of_the_builder_is_in_the_text_layer(
    rendered: dict[tuple[str, str], Rendered], kind: str, unit: str, extract: Callable[[bytes], str]
) -> None:
    # given the document and every Thai string its builder produced
    case = _case(rendered, kind, unit)
    expected = expected_strings(kind, case.doc)
    assert len(expected) >= 10, expected
    # when the PDF's text is extracted, then each string is there exactly (whitespace aside)
    missing = pdfcheck.missing(expected, extract(case.pdf))
    paths = {s.text: s.path for s in pdfcheck.thai_strings(case.doc)}
    assert missing == [], [(paths.get(s, "derived"), s) for s in missing]


@pytest.mark.parametrize(("kind", "unit"), CASES)
def test_the_only_fonts_are_embedded_sarabun(rendered: dict[tuple[str, str], Rendered], kind: str, unit: str) -> None:
    fonts = pdfcheck.pdf_fonts(_case(rendered, kind, unit).pdf)
    assert fonts
    assert {font.family for font in fonts} <= {"Sarabun", "Sarabun-Bold"}, {font.base_font for font in fonts}
    assert all(font.embedded for font in fonts), [font for font in fonts if not font.embedded]


@pytest.mark.parametrize(("kind", "unit"), CASES)
def test_no_thai_word_is_broken_across_lines_in_a_table_cell(
    rendered: dict[tuple[str, str], Rendered], kind: str, unit: str
) -> None:
    # given the table cells of the PDF and the strings they were made from
    case = _case(rendered, kind, unit)
    cells = pdfcheck.table_cells(case.pdf)
    assert cells
    sources = [s.text for s in pdfcheck.thai_strings(case.doc)] + pdfcheck.html_text_nodes(case.html)
    # when every wrap between two Thai letters is judged against pythainlp's segmentation
    report = pdfcheck.check_line_breaks(cells, sources)
    # then none splits a word (breaks that only a dictionary alternative accepts are reported, not failed)
    assert report.breaks
    assert report.broken == [], "\n".join(map(str, report.broken))


@pytest.mark.parametrize(("kind", "unit"), CASES)
def test_no_text_outside_the_page_or_across_a_cell_border(
    rendered: dict[tuple[str, str], Rendered], kind: str, unit: str
) -> None:
    assert pdfcheck.stray_text(_case(rendered, kind, unit).pdf) == []


# ---- the checks themselves catch what they are for (no database) ---------------------------------------------

NARROW_CELL = (
    "<html lang='th'><body><table style='width: {width}; table-layout: fixed'><tr>"
    "<td style='{style}'>กำกับติดตามการดำเนินงานให้ความช่วยเหลือครัวเรือนเปราะบางได้ร้อยละ 20</td>"
    "<td>ผลการดำเนินงาน</td></tr></table></body></html>"
)


def test_the_word_break_check_catches_words_split_to_fit_a_narrow_cell() -> None:
    # overflow-wrap: anywhere lets the renderer split a word that does not fit (ติดตา|ม), which is what to catch
    pdf = render_pdf(NARROW_CELL.format(width="24mm", style="overflow-wrap: anywhere"))
    report = pdfcheck.check_line_breaks(pdfcheck.table_cells(pdf), [])
    assert len(report.broken) >= 3, report.breaks


def test_the_word_break_check_accepts_the_renderers_thai_breaks() -> None:
    pdf = render_pdf(NARROW_CELL.format(width="40mm", style=""))
    report = pdfcheck.check_line_breaks(pdfcheck.table_cells(pdf), [])
    assert len(report.breaks) >= 5 and report.broken == [], report.breaks


def test_the_overflow_check_catches_text_across_a_cell_border() -> None:
    pdf = render_pdf(NARROW_CELL.format(width="40mm", style="white-space: nowrap"))
    strays = pdfcheck.stray_text(pdf)
    assert strays and all("border" in s.why for s in strays)


def test_judge_break_tells_words_compounds_and_broken_words_apart() -> None:
    text = "คุณภาพชีวิตครัวเรือนเปราะบาง"
    assert pdfcheck.judge_break(text, text.index("เปราะ")) == "newmm"
    assert pdfcheck.judge_break(text, text.index("เรือน")) == "compound"  # ครัว|เรือน: two dictionary words
    assert pdfcheck.judge_break(text, text.index("ราะ")) == "broken"  # เป|ราะ
