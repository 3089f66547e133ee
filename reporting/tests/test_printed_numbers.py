"""One stored number, the same digits everywhere it is printed; and every scorecard says whether it can be signed.

Issue 8 item 1 ("one rounding rule, half-up, and one formatting module") and item 6 ("every number says what it
is"). The fixture is a five-level division framework whose numbers end in 5 just after the printed places:

- ค of indicator B = 2.5 × 1.2001 = 3.00025, printed with 4 decimals: 3.0003 half-up (3.0002 half-even);
- Σ ค = 67.5 × 4.4089 + 2.5 × 1.2001 + 30 × 3.0008 = 390.625, so the 100-point total is 390.625 / 5 = 78.1250,
  printed with 2 decimals: 78.13 half-up (78.12 half-even, as the scorecard printed it before).

The unit round page, the scorecard page, the scorecard PDF and XLSX, the drill-down and the annual book must all
print 3.0003, 390.6250 and 78.13, and none of them the half-even digits.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Person,
    Result,
    Round,
)
from reporting import services
from reporting.documents import book
from reporting.documents import scorecard as scorecard_doc
from reporting.models import Scorecard
from reporting.tests import pdfcheck
from reporting.tests.factories import person_user

pytestmark = pytest.mark.django_db

#: (code, component, weight, value = score on thresholds 1 / 2 / 3 / 4 / 5)
LINES = (
    ("A", "performance", "67.5", "4.4089"),
    ("B", "performance", "2.5", "1.2001"),
    ("C", "potential", "30", "3.0008"),
)
HALF_UP = {"weighted_b": "3.0003", "weighted_sum": "390.6250", "total": "78.13", "score_a": "4.4089"}
HALF_EVEN = {"weighted_b": "3.0002", "total": "78.12"}


def _text(html: str) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _shown_digits(cell: Any) -> str:
    """What a spreadsheet shows for a number cell: its value with the places of its number format."""
    places = len(cell.number_format.split(".")[1]) if "." in cell.number_format else 0
    grouping = "," if "," in cell.number_format else ""
    return f"{Decimal(str(cell.value)):{grouping}.{places}f}"


@pytest.fixture
def unit() -> OrgUnit:
    return OrgUnit.objects.create(code="test-rounding", kind=OrgUnit.Kind.DIVISION, name_th="กองทดสอบการปัดเศษ")


@pytest.fixture
def round2(unit: OrgUnit) -> Round:
    """FY2560 (a test year), round 2, an approved five-level framework of three indicators, every result approved."""
    year = FiscalYear.objects.create(be_year=2560, note_th="ปีทดสอบ (ไม่มีในเอกสาร)")
    round_ = Round.objects.create(fiscal_year=year, number=2, start_date=dt.date(2017, 4, 1), end_date=dt.date(2017, 9, 30))
    framework = Framework.objects.create(
        fiscal_year=year, name_th="กรอบทดสอบการปัดเศษ", level=Framework.Level.DIVISION, scale="five_level",
        status=Framework.Status.APPROVED,
    )
    framework.org_units.set([unit])
    for order, (code, component, weight, value) in enumerate(LINES, start=1):
        definition = IndicatorDefinition.objects.create(
            fiscal_year=year, code=f"ROUNDING-{code}", name_th=f"ตัวชี้วัดทดสอบการปัดเศษ {code}",
            unit_of_measure=IndicatorDefinition.UnitOfMeasure.POINTS,
        )
        assignment = Assignment.objects.create(
            framework=framework, definition=definition, number=str(order), order=order, component=component,
            weight=Decimal(weight),
        )
        criteria = Criteria.objects.create(definition=definition, round_number=2, method=Criteria.Method.FIVE_LEVEL,
                                           scale="five_level")
        for level in range(1, 6):
            CriteriaLevel.objects.create(criteria=criteria, level=level, threshold=Decimal(level))
        Result.objects.create(assignment=assignment, org_unit=unit, round=round_, status=Result.Status.APPROVED,
                              value=Decimal(value))
    _store(unit, round_)
    return round_


def _store(unit: OrgUnit, round_: Round) -> None:
    """Store the scorecard as the worker would: drain the recompute requests, then recompute (updates bypass them)."""
    services.score_jobs_drain(fiscal_year_id=round_.fiscal_year_id)
    services.scorecard_recompute(org_unit_id=unit.pk, round_id=round_.pk)


@pytest.fixture
def director(client: Any, django_user_model: Any) -> Any:
    user = person_user(django_user_model, "rounding-director", Person.Role.DIRECTOR)
    client.force_login(user)
    return user


def _scorecard_page(client: Any, unit: OrgUnit, **extra: str) -> Any:
    return client.get(reverse("report-scorecard"), {"year": 2560, "round": 2, "unit": unit.code, **extra})


def test_the_fixture_stores_numbers_ending_in_5_after_the_printed_places(unit: OrgUnit, round2: Round) -> None:
    stored = Scorecard.objects.get(org_unit=unit, round=round2)
    assert stored.status == Scorecard.Status.COMPUTED
    assert stored.total_100 == Decimal("78.1250") and stored.weighted_sum == Decimal("390.6250")
    rows = {row["code"]: row for row in stored.payload["rows"]}
    assert Decimal(rows["ROUNDING-B"]["weighted"]) == Decimal("3.00025")
    assert Decimal(rows["ROUNDING-A"]["score"]) == Decimal("4.4089")


def test_every_display_prints_the_same_half_up_digits(
    client: Any, director: Any, unit: OrgUnit, round2: Round
) -> None:
    expected = list(HALF_UP.values())
    printed: dict[str, str] = {}
    # the unit round page (the live computation) and the scorecard page (the stored one)
    page = client.get(reverse("unit-round", args=[round2.pk, unit.pk]))
    assert page.status_code == 200
    printed["unit round page"] = _text(page.content.decode())
    page = _scorecard_page(client, unit)
    assert page.status_code == 200
    printed["scorecard page"] = _text(page.content.decode())
    # the scorecard PDF, read back by both extractors
    pdf = _scorecard_page(client, unit, format="pdf").content
    printed["scorecard PDF (pdftotext)"] = pdfcheck.pdftotext_raw(pdf)
    printed["scorecard PDF (pypdf)"] = pdfcheck.pypdf_text(pdf)
    # the drill-down of indicator B
    assignment = Assignment.objects.get(definition__code="ROUNDING-B")
    detail = client.get(reverse("report-scorecard-indicator", args=[unit.code, 2560, 2, assignment.pk]))
    assert detail.status_code == 200
    # the annual book (PDF text)
    book_pdf = book.to_pdf(book.build(org_unit=unit, fiscal_year=2560, round=round2))
    printed["book PDF"] = pdfcheck.pdftotext_raw(book_pdf)

    for where, text in printed.items():
        assert pdfcheck.missing(expected, text) == [], where
        for digits in HALF_EVEN.values():
            assert not re.search(rf"(?<![\d.,]){re.escape(digits)}(?![\d])", text), (where, digits)
    assert HALF_UP["weighted_b"] in _text(detail.content.decode())
    assert f"คะแนนรวม (เต็ม 100) {HALF_UP['total']}" in pdfcheck.single_spaces(printed["book PDF"])

    # the workbooks hold the rounded values, formatted to show exactly those digits
    sheet = load_workbook(io.BytesIO(_scorecard_page(client, unit, format="xlsx").content)).active
    shown = [_shown_digits(cell) for row in sheet.iter_rows() for cell in row if isinstance(cell.value, (int, float))]
    assert set(HALF_UP.values()) <= set(shown), shown
    assert not set(HALF_EVEN.values()) & set(shown)
    summary = load_workbook(io.BytesIO(book.to_xlsx(book.build(org_unit=unit, fiscal_year=2560, round=round2))))
    shown = [_shown_digits(cell) for sheet in summary.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, (int, float))]
    assert {HALF_UP["weighted_b"], HALF_UP["total"], HALF_UP["score_a"]} <= set(shown), shown


def test_the_book_reads_the_weighted_scores_of_the_stored_scorecard(unit: OrgUnit, round2: Round) -> None:
    stored = Scorecard.objects.get(org_unit=unit, round=round2)
    rows = {row["assignment_id"]: row for row in stored.payload["rows"]}
    # when the stored row differs from what score × weight would give, the book prints the stored one
    doc = book.build(org_unit=unit, fiscal_year=2560, round=round2)
    by_number = {report.number: report for report in doc.reports}
    for assignment in Assignment.objects.filter(framework__fiscal_year__be_year=2560):
        report = by_number[assignment.number]
        assert report.weighted == Decimal(rows[assignment.pk]["weighted"])
        assert report.score == Decimal(rows[assignment.pk]["score"])
    assert doc.weighted_sum == stored.weighted_sum and doc.total_score == stored.total_100


# ---- item 6: every row says what its number is; drafts are marked and have no signatures ----------------------


def _pdf_has_an_image_on_every_page(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    return all(len(page.images) >= 1 for page in reader.pages)


def test_a_scorecard_with_a_submitted_result_is_a_draft_everywhere(
    client: Any, director: Any, unit: OrgUnit, round2: Round
) -> None:
    # given one result that was submitted but not yet approved
    Result.objects.filter(assignment__definition__code="ROUNDING-B").update(status=Result.Status.SUBMITTED)
    _store(unit, round2)
    doc = scorecard_doc.build(org_unit=unit, round=round2)
    assert doc.draft and not doc.signable
    assert [row.status_label for row in doc.rows] == ["อนุมัติแล้ว", "ส่งแล้ว รอพิจารณา", "อนุมัติแล้ว"]
    assert doc.draft_reasons[0] == "ผลการดำเนินงานยังไม่ได้รับอนุมัติ 1 จาก 3 ตัวชี้วัด (ส่งแล้ว รอพิจารณา 1)"

    # the page: a banner and the status of each row
    html = _scorecard_page(client, unit).content.decode()
    assert 'id="scorecard-draft"' in html and scorecard_doc.DRAFT_MARK in html
    assert html.count("ส่งแล้ว รอพิจารณา") >= 2 and "อนุมัติแล้ว" in html

    # the PDF: the draft mark and the statuses in the text, the watermark as an image on every page, no signatures
    pdf = _scorecard_page(client, unit, format="pdf").content
    for text in (pdfcheck.pdftotext_raw(pdf), pdfcheck.pypdf_text(pdf)):
        assert pdfcheck.missing([scorecard_doc.DRAFT_MARK, *doc.draft_reasons, "ส่งแล้ว รอพิจารณา", "อนุมัติแล้ว"],
                                text) == []
        assert "ลงชื่อ" not in text
    assert _pdf_has_an_image_on_every_page(pdf)

    # the workbook: a note above the table and a status column
    sheet = load_workbook(io.BytesIO(scorecard_doc.to_xlsx(doc))).active
    assert str(sheet.cell(4, 1).value).startswith(scorecard_doc.DRAFT_MARK)
    statuses = [row[len(doc.level_labels) + 2] for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert "ส่งแล้ว รอพิจารณา" in statuses and "อนุมัติแล้ว" in statuses


def test_every_row_approved_gives_the_signable_version(client: Any, director: Any, unit: OrgUnit, round2: Round) -> None:
    doc = scorecard_doc.build(org_unit=unit, round=round2)
    assert doc.signable and not doc.draft_reasons
    pdf = scorecard_doc.to_pdf(doc)
    text = pdfcheck.pdftotext_raw(pdf)
    assert "ลงชื่อ" in text and "ผู้อำนวยการ" in text
    assert pdfcheck.missing([scorecard_doc.DRAFT_MARK], text) == [scorecard_doc.DRAFT_MARK]
    assert not any(page.images for page in PdfReader(io.BytesIO(pdf)).pages)
    assert 'id="scorecard-draft"' not in _scorecard_page(client, unit).content.decode()
    sheet = load_workbook(io.BytesIO(scorecard_doc.to_xlsx(doc))).active
    assert sheet.cell(4, 1).value is None


def test_a_frozen_copy_is_signable_and_the_live_draft_is_not(director: Any, unit: OrgUnit, round2: Round) -> None:
    # given the approved scorecard locked, then a result sent back for correction
    services.scorecard_freeze(actor=director, scorecard=Scorecard.objects.get(org_unit=unit, round=round2))
    Result.objects.filter(assignment__definition__code="ROUNDING-C").update(status=Result.Status.RETURNED)
    _store(unit, round2)
    live = scorecard_doc.build(org_unit=unit, round=round2)
    frozen = scorecard_doc.build(org_unit=unit, round=round2, use_frozen=True)
    assert live.draft and "ส่งกลับแก้ไข 1" in live.draft_reasons[0]
    assert frozen.frozen and frozen.signable
    assert [row.status_label for row in frozen.rows] == ["อนุมัติแล้ว"] * 3
    assert "ลงชื่อ" in pdfcheck.pdftotext_raw(scorecard_doc.to_pdf(frozen))


def test_the_total_is_rounded_once_from_the_exact_total_the_band_was_decided_on(
    client: Any, director: Any, unit: OrgUnit, round2: Round
) -> None:
    # given a stored total whose 4-place copy (78.1250) would round up to 78.13 while the exact total is 78.12496
    Scorecard.objects.filter(org_unit=unit, round=round2).update(total_100_exact=Decimal("78.1249600000000000"))
    stored = Scorecard.objects.get(org_unit=unit, round=round2)
    assert stored.total_100 == Decimal("78.1250")

    # when the scorecard is shown, printed and exported
    page = _text(_scorecard_page(client, unit).content.decode())
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(_scorecard_page(client, unit, format="pdf").content)).pages)

    # then every copy prints 78.12 (one rounding of the exact value), never the double-rounded 78.13
    assert "78.12" in page and "78.13" not in page
    assert "78.12" in pdf and "78.13" not in pdf
