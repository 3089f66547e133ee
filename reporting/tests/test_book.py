"""The annual results book (DOMAIN.md §6.1): the FY2564 book reproduces document 000's tables and headings; a FY2566
division book prints five-level criteria and stored scores. Text is read back with pdftotext -raw and pypdf."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators import numbers
from indicators.models import OrgUnit, Round
from indicators.reference_data import BUNDLED_DIR
from indicators.reference_fy2564 import FILE
from reporting.documents import KINDS, book
from reporting.reference_books import Fy2564BookLoader as Fy2564Loader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]
WHITESPACE = re.compile(r"\s+")
HEADINGS = [
    "ชื่อตัวชี้วัด :", "ผู้กำกับดูแลตัวชี้วัด :", "ผู้จัดเก็บข้อมูล :", "โทรศัพท์ :", "คำอธิบาย :", "ขอบเขตการประเมิน :",
    "สูตรการคำนวณ", "เกณฑ์การประเมินผล :", "ข้อมูลผลการดำเนินงาน :", "การคำนวณคะแนนจากผลการดำเนินงาน :",
    "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ:", "ปัจจัยสนับสนุนต่อการดำเนินงาน :", "อุปสรรคต่อการดำเนินงาน :",
    "หลักฐานอ้างอิง :", "เป้าหมายขั้นต่ำ (50)", "เป้าหมายมาตรฐาน (75)", "เป้าหมายขั้นสูง (100)", "คำนำ", "สารบัญ",
    "ตัวชี้วัดการประเมินส่วนราชการตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ", "รวม", "น้ำหนัก (ร้อยละ)",
    "ผลการดำเนินงานตามตัวชี้วัดการประเมินส่วนราชการตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ",
    "องค์ประกอบที่ 1 การประเมินประสิทธิผลการดำเนินงาน (Performance Base)",
    "องค์ประกอบที่ 2 การประเมินศักยภาพในการดำเนินงาน (Potential Base)", "กลุ่มพัฒนาระบบบริหาร",
]


def _squash(text: str) -> str:
    return WHITESPACE.sub("", text)


def _pct(value: float) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Rendered:
    doc: book.BookDoc
    pdf: bytes
    raw: str  # pdftotext -raw, whitespace collapsed to single spaces
    pages: tuple[str, ...]  # pypdf, per page, squashed
    reader: PdfReader
    seconds: float


def _render(doc: book.BookDoc) -> Rendered:
    import time

    start = time.perf_counter()
    pdf = book.to_pdf(doc)
    seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.pdf"
        path.write_bytes(pdf)
        raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout
    reader = PdfReader(io.BytesIO(pdf))
    pages = tuple(_squash(page.extract_text()) for page in reader.pages)
    return Rendered(doc, pdf, WHITESPACE.sub(" ", raw), pages, reader, seconds)


@pytest.fixture(scope="module")
def fy2564(django_db_setup: None, django_db_blocker: Any) -> Iterator[Rendered]:
    """FY2564 loaded, the department's book built, then rolled back; the PDF is rendered once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        Fy2564Loader(Path(settings.DSDW_SHARED_DIR)).load()
        doc = book.build(org_unit=OrgUnit.objects.get(code="dsdw"), fiscal_year=2564)
        transaction.set_rollback(True)
    yield _render(doc)


@pytest.fixture(scope="module")
def source() -> dict[str, Any]:
    return json.loads((BUNDLED_DIR / FILE).read_text(encoding="utf-8"))


def _row_pattern(number: int, name: str, values: list[str]) -> re.Pattern[str]:
    """"3* สถานคุ้มครอง... 1 7 7 0 700.00" with any line breaks inside the name (wrapped cells)."""
    name_part = r"\s*".join(re.escape(ch) for ch in _squash(name))
    return re.compile(rf"(?<!\d){number}\*? {name_part} " + " ".join(re.escape(v) for v in values) + r"(?![\d.])")


def _unit_values(table: str, row: dict[str, Any]) -> list[str]:
    if table == "3.1":
        keys = ["denominator_assessed_2plus_irp", "numerator_improved", "improved_b_to_a", "maintained_a"]
        percent = row["numerator_improved"] * 100 / row["denominator_assessed_2plus_irp"]
    elif table == "3.2":
        keys = ["denominator_group_a", "numerator_reintegrated", "returned_to_family", "employed_in_establishment"]
        percent = row["numerator_reintegrated"] * 100 / row["denominator_group_a"]
    else:
        keys = ["denominator_service_users", "returned_family_community", "employed_in_establishment", "numerator_total"]
        percent = row["reported_percent"]
    return [f"{row[k]:,}" for k in keys] + [_pct(percent)]


@pytest.mark.parametrize("table", ["3.1", "3.2", "4"])
def test_every_unit_row_is_printed_as_in_the_document(fy2564: Rendered, source: dict[str, Any], table: str) -> None:
    """Unit or province as printed, denominator, numerator, breakdown counts and the percent, in both extractions."""
    pypdf_text = "".join(fy2564.pages)
    for row in source["unit_tables"][table]["rows"]:
        name = row.get("unit") or row["province"]
        values = _unit_values(table, row)
        assert _row_pattern(row["no"], name, values).search(fy2564.raw), (table, row["no"], name, values)
        assert _squash(name) + "".join(values) in pypdf_text.replace("*", ""), (table, row["no"])


@pytest.mark.parametrize(("table", "total", "sentence"), [
    ("3.1", "1,424 198 91 107 13.90", "กลุ่มเป้าหมายที่ได้รับการพัฒนาศักยภาพและมีสมรรถภาพที่ดีขึ้น คิดเป็นร้อยละ 13.90"),
    ("3.2", "329 55 46 9 16.72", "กลุ่มเป้าหมายที่ได้รับการพัฒนาศักยภาพและสามารถกลับคืนสู่สังคม คิดเป็นร้อยละ 16.72"),
    ("4", "3,791 1,604 292 1,896 50.01", "(ข้อมูล ณ วันที่ 30 กันยายน 2564)"),
])
def test_totals_and_closing_sentences(fy2564: Rendered, table: str, total: str, sentence: str) -> None:
    assert f"รวม {total}" in fy2564.raw
    assert _squash(sentence) in _squash(fy2564.raw)


def test_province_percentages_equal_the_printed_ones(fy2564: Rendered, source: dict[str, Any]) -> None:
    """Table 4 prints its own % column; the book's half-up 2-decimal percent must be the same (25/32 -> 78.13)."""
    doc_table = next(r.unit_table for r in fy2564.doc.reports if r.number == "4")
    assert doc_table is not None
    index = doc_table.percent_index
    printed = [_pct(row["reported_percent"]) for row in source["unit_tables"]["4"]["rows"]]
    assert [numbers.percent(row.cells[index]) for row in doc_table.rows] == printed
    assert numbers.percent(doc_table.total_percent) == "50.01"


def test_headings_indicator_names_and_history(fy2564: Rendered) -> None:
    text = _squash(fy2564.raw)
    pypdf_text = "".join(fy2564.pages)
    for heading in HEADINGS:
        assert _squash(heading) in text and _squash(heading) in pypdf_text, heading
    for group in fy2564.doc.kpi_groups:
        for row in group.rows:
            assert _squash(row.name) in text and _squash(row.name) in pypdf_text, row.name
    for expected in ["ร้อยละ 69.97 (403/576 คน)", "ร้อยละ 72.84 (295/405 คน)", "ร้อยละ 16.72 (55/329 คน)", "+2.87",
                     "-56.12", "ร้อยละ 11.53", "ร้อยละ 13.90", "+4.39", "-2.02", "ร้อยละ 70.64 (1,210/1,713 คน)", "-21.40",
                     "ผลการประเมินในชั้นตอนที่ 1 ได้ 426.86 คะแนน", "คะแนน PMQA 4.0 (*100)", "ไม่ประเมินผล (Monitoring)",
                     "ร้อยละ 100 ของกลุ่มเป้าหมายเข้าถึงบริการทางสังคม (8,520 คน)", "(10)", "(15)", "รวม 100"]:
        assert _squash(expected) in text, expected
    assert "คะแนนถ่วงน้ำหนัก" not in fy2564.raw  # a monitoring year has no score columns


def test_fonts_are_sarabun_and_the_book_is_a4_portrait(fy2564: Rendered) -> None:
    fonts = set()
    for page in fy2564.reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(name.startswith("Sarabun") for name in fonts), fonts
    width, height = (float(v) for v in fy2564.reader.pages[0].mediabox[2:])
    assert round(width) == 595 and round(height) == 842


def test_running_header_on_every_indicator_page(fy2564: Rendered) -> None:
    header = _squash(fy2564.doc.running_header)
    indicator_pages = [i for i, page in enumerate(fy2564.pages) if "ชื่อตัวชี้วัด:" in page]
    assert len(indicator_pages) == len(fy2564.doc.reports)
    first, annex = indicator_pages[0], next(i for i, p in enumerate(fy2564.pages) if p.startswith(_squash("ผลการถอดบทเรียน")))
    assert all(header in fy2564.pages[i] for i in range(first, annex))
    assert header not in fy2564.pages[annex]


def test_contents_page_numbers_point_to_the_section_starts(fy2564: Rendered) -> None:
    doc = fy2564.doc
    toc_index = next(i for i, page in enumerate(fy2564.pages) if page.startswith("สารบัญ"))
    toc_text = WHITESPACE.sub(" ", fy2564.reader.pages[toc_index].extract_text())
    reports = {r.anchor: r for r in doc.reports}
    for entry in doc.toc:
        label = r"\s*".join(re.escape(ch) for ch in _squash(entry.label))
        found = re.search(label + r"\s+(\d+)(?=\s|$)", toc_text)
        assert found, entry.label
        text = fy2564.pages[int(found.group(1)) - 1]
        if entry.anchor in reports:
            assert "ชื่อตัวชี้วัด:" in text, entry.label
            key = reports[entry.anchor].heading[-1]
        else:
            key = entry.label[:40]
        assert _squash(key) in text, (entry.label, found.group(1))
    assert [e.level for e in doc.toc].count(3) == 4  # 3.1, 3.2, 5.1, 5.2


def test_workbook_holds_the_same_numbers(fy2564: Rendered, source: dict[str, Any]) -> None:
    workbook = load_workbook(io.BytesIO(book.to_xlsx(fy2564.doc)))
    assert workbook.sheetnames[0] == "สรุปตัวชี้วัด"
    sheet = workbook["ตัวชี้วัด 4"]
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)}
    for row in source["unit_tables"]["4"]["rows"]:
        cells = rows[row["province"]]
        assert cells[2:6] == (row["denominator_service_users"], row["returned_family_community"],
                              row["employed_in_establishment"], row["numerator_total"])
        assert f"{cells[6]:.2f}" == _pct(row["reported_percent"])
    total = next(r for r in sheet.iter_rows() if r[0].value == "รวม")
    assert [c.value for c in total[2:7]] == [3791, 1604, 292, 1896, pytest.approx(50.01)]
    assert total[6].number_format == numbers.PERCENT_FORMAT == "#,##0.00" and total[2].number_format == "#,##0"
    summary = [r for r in workbook["สรุปตัวชี้วัด"].iter_rows(values_only=True) if r[0] == "รวม"]
    assert summary[0][2] == 100


def test_renderers_never_query_and_thai_digits(fy2564: Rendered, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        html = book.to_html(fy2564.doc, thai_digits=True)
        book.to_xlsx(fy2564.doc)
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๔" in html and "href=\"#ind-" in html
    assert "counter(page, thai)" in book.page_css(fy2564.doc, thai_digits=True)
    assert KINDS["book"] is book


def test_build_reads_the_database_in_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    Fy2564Loader(Path(settings.DSDW_SHARED_DIR)).load()
    unit = OrgUnit.objects.get(code="dsdw")
    with django_assert_max_num_queries(25):
        doc = book.build(org_unit=unit, fiscal_year=2564)
    assert len(doc.reports) == 7 and doc.monitoring and not doc.foreword_generated


def test_unit_without_framework_is_an_error() -> None:
    unit = OrgUnit.objects.create(code="no-framework", kind=OrgUnit.Kind.GROUP, name_th="กลุ่มทดสอบ")
    with pytest.raises(ValueError, match="ไม่มีกรอบตัวชี้วัด"):
        book.build(org_unit=unit, fiscal_year=2566)


def test_book_of_a_fy2566_division_prints_five_levels_and_stored_scores(kks: OrgUnit) -> None:
    unit = kks  # the demo division: the กคส. framework with demo criteria and results
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    doc = book.build(org_unit=unit, fiscal_year=2566, round=round1)
    rendered = _render(doc)
    text = _squash(rendered.raw)
    assert doc.evaluated and doc.level_headers == book.FIVE_LEVEL_HEADERS
    assert "ระดับ1" in text and "ไม่ประเมินผล" not in rendered.raw
    for report in doc.reports:
        assert _squash(report.heading[-1]) in text, report.label
    scored = [r for r in doc.reports if r.score is not None]
    assert scored and all(_squash(numbers.score(r.score)) in text for r in scored)
    assert doc.total_score is not None
    assert f"คะแนนรวม (เต็ม 100) {numbers.total(doc.total_score)}" in rendered.raw
    assert doc.foreword_generated and unit.name_th in rendered.raw
