"""The director's scorecard document (DOMAIN.md §6.6): builder, PDF, XLSX, page, permissions and command."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators import numbers
from indicators.models import OrgUnit, Person, Round
from reporting import selectors, services
from reporting.documents import KINDS
from reporting.documents import scorecard as scorecard_doc
from reporting.models import Scorecard
from reporting.tests.factories import person_user

WHITESPACE = re.compile(r"\s+")
HEADINGS = ["ตัวชี้วัดผลงาน", "คะแนนถ่วงน้ำหนัก", "การประเมินประสิทธิผลการดำเนินงาน (Performance Base)"]


def squash(text: str) -> str:
    return WHITESPACE.sub("", text)


@pytest.fixture(autouse=True)
def _stored(request: pytest.FixtureRequest) -> None:
    """With the demo data loaded, store its scorecards as the worker would after the commit (a GET never computes)."""
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")
        services.score_jobs_drain()


@pytest.fixture
def doc(kks: OrgUnit, round1: Round) -> scorecard_doc.ScorecardDoc:
    return scorecard_doc.build(org_unit=kks, round=round1)


def framework_names(kks: OrgUnit, round1: Round) -> list[str]:
    state = selectors.scorecard_state(org_unit=kks, round=round1)
    assert state is not None
    return [a.definition.name_th for a in state.inputs.assignments]


def test_registry_lists_the_scorecard() -> None:
    assert KINDS["scorecard"] is scorecard_doc


def test_build_reads_the_stored_scorecard(doc: scorecard_doc.ScorecardDoc, kks: OrgUnit, round1: Round) -> None:
    stored = Scorecard.objects.get(org_unit=kks, round=round1)
    assert doc.total_100 == stored.total_100
    assert doc.weighted_sum == stored.weighted_sum
    assert doc.band_label == stored.band_label_th
    assert [g.component for g in doc.groups] == ["performance", "potential"]
    assert sum(g.weighted_sum for g in doc.groups) == doc.weighted_sum
    assert doc.weight_total == Decimal(100)
    assert [row.name for row in doc.rows] == framework_names(kks, round1)
    for row in doc.rows:
        if row.score is not None and row.weight is not None:
            assert row.weighted == row.score * row.weight


def test_pdf_text_layer_has_headings_indicators_and_total(
    doc: scorecard_doc.ScorecardDoc, kks: OrgUnit, round1: Round, tmp_path: Path
) -> None:
    # given the กคส. round-1 scorecard as PDF
    pdf = scorecard_doc.to_pdf(doc)
    (tmp_path / "scorecard.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    extracted = {"pypdf": squash("".join(page.extract_text() for page in reader.pages))}
    if shutil.which("pdftotext"):
        raw = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", str(tmp_path / "scorecard.pdf"), "-"],
            check=True, capture_output=True, text=True,
        ).stdout
        extracted["pdftotext"] = squash(raw)
    expected = [*HEADINGS, *framework_names(kks, round1), numbers.total(doc.total_100), doc.band_label]
    # then both extractors find every string, whitespace aside
    for name, text in extracted.items():
        missing = [s for s in expected if squash(s) not in text]
        assert not missing, f"{name} misses {missing}"
    # and the only fonts are Sarabun, embedded
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            assert descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3"))
    assert fonts and all("Sarabun" in name for name in fonts), fonts


def test_pdf_with_thai_digits_prints_the_total_in_thai_digits(doc: scorecard_doc.ScorecardDoc) -> None:
    text = squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(scorecard_doc.to_pdf(doc, thai_digits=True))).pages))
    assert numbers.total(doc.total_100, thai=True) in text


def test_xlsx_has_the_same_numbers(doc: scorecard_doc.ScorecardDoc) -> None:
    sheet = load_workbook(io.BytesIO(scorecard_doc.to_xlsx(doc))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    headers = values[4]
    assert headers[0] == "ตัวชี้วัดผลงาน" and headers[7] == scorecard_doc.STATUS_HEADING
    assert headers[10].startswith("คะแนนถ่วงน้ำหนัก") and headers[11] == "หมายเหตุ"
    rows = {str(r[0]): r for r in values if r and r[0]}

    def shown(value: Decimal | None, places: int) -> float | None:  # the cell holds the value as printed
        return None if value is None else float(numbers.round_half_up(value, places))

    for row in doc.rows:
        line = rows[f"{row.number} {row.name}".strip()]
        assert (line[7] or "") == row.status_label
        assert (line[8], line[9], line[10]) == (
            shown(row.score, 4), None if row.weight is None or not row.scored else float(row.weight), shown(row.weighted, 4),
        )
    assert rows["รวม"][9] == float(doc.weight_total) and rows["รวม"][10] == shown(doc.weighted_sum, 4)
    assert rows["คะแนนรวม (เต็ม 100)"][1] == shown(doc.total_100, 2)
    total_cell = next(c for c in sheet["B"] if c.value == shown(doc.total_100, 2))
    assert total_cell.number_format == "#,##0.00"
    score_cells = [sheet.cell(r, 9) for r in range(7, sheet.max_row + 1) if isinstance(sheet.cell(r, 9).value, float)]
    assert score_cells and all(c.number_format == "#,##0.0000" for c in score_cells)


def test_director_sees_the_same_total_and_downloads(client: Any, django_user_model: Any, kks: OrgUnit, round1: Round) -> None:
    client.force_login(person_user(django_user_model, "sc-director", Person.Role.DIRECTOR))
    response = client.get("/reports/scorecard/", {"year": 2566, "round": 1, "unit": kks.code})
    assert response.status_code == 200
    stored = Scorecard.objects.get(org_unit=kks, round=round1)
    assert numbers.total(stored.total_100) in response.content.decode()
    assert "คะแนนและรายงาน" in response.content.decode()  # header link
    xlsx = client.get("/reports/scorecard/", {"year": 2566, "round": 1, "unit": kks.code, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_staff_of_another_unit_gets_404(client: Any, django_user_model: Any, kks: OrgUnit) -> None:
    other = person_user(django_user_model, "sc-other", Person.Role.STAFF, [OrgUnit.objects.get(code="div-2")])
    client.force_login(other)
    response = client.get("/reports/scorecard/", {"year": 2566, "round": 1, "unit": kks.code, "format": "pdf"})
    assert response.status_code == 404


def test_staff_see_their_own_unit(client: Any, django_user_model: Any, kks: OrgUnit) -> None:
    client.force_login(person_user(django_user_model, "sc-own", Person.Role.STAFF, [kks]))
    response = client.get("/reports/scorecard/", {"year": 2566, "round": 1, "unit": kks.code})
    assert response.status_code == 200 and kks.name_th in response.content.decode()


def test_user_without_units_gets_404(client: Any, django_user_model: Any, demo: None) -> None:
    client.force_login(person_user(django_user_model, "sc-nobody", Person.Role.SUPERVISOR))
    assert client.get("/reports/scorecard/").status_code == 404


def test_command_writes_a_pdf_and_an_xlsx(kks: OrgUnit, round1: Round, tmp_path: Path) -> None:
    call_command("render_report", kind="scorecard", year=2566, round=1, unit=kks.code,
                 output=str(tmp_path / "out.pdf"), stdout=io.StringIO())
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    call_command("render_report", kind="scorecard", year=2566, round=1, unit=kks.code,
                 output=str(tmp_path / "out.xlsx"), stdout=io.StringIO())
    assert (tmp_path / "out.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "nothing", "year": 2566, "unit": "div-3"}, "ไม่รู้จักเอกสารชนิด"),
        ({"kind": "scorecard", "year": 2400, "unit": "div-3"}, "ไม่พบปีงบประมาณ"),
        ({"kind": "scorecard", "year": 2566, "unit": "no-such-unit"}, "ไม่พบหน่วยงาน"),
    ],
)
def test_command_explains_bad_arguments_in_thai(demo: None, tmp_path: Path, options: dict[str, Any], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("render_report", round=1, output=str(tmp_path / "x.pdf"), **options)
