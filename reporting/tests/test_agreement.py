"""The evaluation agreement (appendix 1 of the FY2566 manual, DOMAIN.md §6.2–6.4): data, PDF text, fonts, XLSX."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators.models import Framework, OrgUnit, Person
from indicators.tests.conftest import fy2566, kks_framework  # noqa: F401  (fixtures)
from reporting.documents import agreement

pytestmark = pytest.mark.django_db
WHITESPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return WHITESPACE.sub("", text)


@pytest.fixture
def kks_unit(kks_framework: Framework) -> OrgUnit:  # noqa: F811
    return OrgUnit.objects.get(code="div-3")


@pytest.fixture
def doc(kks_unit: OrgUnit) -> agreement.AgreementDoc:
    return agreement.build(org_unit=kks_unit, fiscal_year=2566)


def _indicator_names(framework: Framework) -> list[str]:
    return [a.definition.name_th for a in framework.assignments.select_related("definition")]


def test_build_fills_the_clauses_and_tables(doc: agreement.AgreementDoc, kks_framework: Framework) -> None:  # noqa: F811
    assert doc.fiscal_year == 2566
    assert doc.unit_name == "กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต"
    assert doc.evaluator == agreement.Party("", "อธิบดีกรมพัฒนาสังคมและสวัสดิการ")
    assert doc.evaluee.name == ""
    assert (doc.period_start, doc.period_end) == ("1 ตุลาคม 2565", "30 กันยายน 2566")
    assert "เริ่มตั้งแต่วันที่ 1 ตุลาคม 2565 ถึงวันที่ 30 กันยายน 2566" in doc.clauses[0]
    assert doc.clauses[2].startswith("ข้าพเจ้า อธิบดีกรมพัฒนาสังคมและสวัสดิการ ในฐานะผู้บังคับบัญชาของ ผู้อำนวยการกอง")
    assert len(doc.clauses) == 5
    assert doc.level_labels == ("1", "2", "3", "4", "5")
    assert doc.baseline_years == (2563, 2564, 2565)
    assert [g.label for g in doc.groups] == [
        "การประเมินประสิทธิผลการดำเนินงาน (Performance Base) (ร้อยละ 70)",
        "การประเมินศักยภาพในการดำเนินงาน (Potential Base) (ร้อยละ 30)",
    ]
    rows = [r for g in doc.groups for r in g.rows]
    assert sorted(r.name for r in rows) == sorted(_indicator_names(kks_framework))
    assert doc.total_weight == Decimal(100)
    assert sum(r.weight for r in doc.groups[0].rows if not r.is_sub) == Decimal(70)
    by_name = {r.name: r for r in rows}
    budget = by_name["ร้อยละของการเบิกจ่ายงบประมาณรายจ่ายภาพรวม"]
    assert budget.round1[1].text == "ร้อยละ 47.50 – 49.49"
    assert budget.baselines == ("ร้อยละ 97.38", "ร้อยละ 97.74", "ร้อยละ 97.96")
    pmqa = next(r for r in rows if "PMQA 4.0" in r.name)
    assert [c.defined for c in pmqa.round1] == [True, False, True, False, True]
    assert pmqa.round1[1].text == "-"
    assert pmqa.round2[0].text == "400 คะแนน"
    waste = by_name["มาตรการลดและคัดแยกขยะมูลฝอย"]
    assert waste.baselines[1] == "ไม่มีการประเมินผล"
    satisfaction = next(r for r in rows if r.name.startswith("ร้อยละของระดับความพึงพอใจ"))
    assert satisfaction.round1[0].lines == ("- ความพึงพอใจ ต่ำกว่า ร้อยละ 70.00", "- ความไม่พึงพอใจ สูงกว่า ร้อยละ 30.00")


def test_named_parties(kks_unit: OrgUnit) -> None:
    boss = Person(full_name="นายทดสอบ ผู้ประเมิน", position="อธิบดีกรมพัฒนาสังคมและสวัสดิการ")
    head = Person(full_name="นางทดสอบ ผู้รับ", position="ผู้อำนวยการกองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต")
    doc = agreement.build(org_unit=kks_unit, fiscal_year=2566, evaluator=boss, evaluee=head)
    assert doc.clauses[2].startswith("ข้าพเจ้า นายทดสอบ ผู้ประเมิน ในฐานะผู้บังคับบัญชาของ นางทดสอบ ผู้รับ ")
    assert "ขอให้คำรับรองกับ นายทดสอบ ผู้ประเมิน ว่าจะมุ่งมั่น" in doc.clauses[3]


def test_unit_without_framework_is_an_error(fy2566: Any) -> None:  # noqa: F811
    unit = OrgUnit.objects.create(code="no-framework", kind=OrgUnit.Kind.GROUP, name_th="กลุ่มทดสอบ")
    with pytest.raises(ValueError, match="ไม่มีกรอบตัวชี้วัด"):
        agreement.build(org_unit=unit, fiscal_year=fy2566)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_fonts_and_pages(
    doc: agreement.AgreementDoc,
    kks_framework: Framework,  # noqa: F811
    tmp_path: Path,
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):  # renderers never touch the database
        pdf = agreement.to_pdf(doc)
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    by_pypdf = _squash("".join(page.extract_text() for page in reader.pages))
    by_poppler = _squash(
        subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout
    )
    expected = [
        "การประเมินส่วนราชการตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ",
        "กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต",
        "ประจำปีงบประมาณ พ.ศ. 2566",
        "เริ่มตั้งแต่วันที่ 1 ตุลาคม 2565 ถึงวันที่ 30 กันยายน 2566",
        "ผู้ประเมินและผู้รับการประเมิน ได้เข้าใจการประเมินฯ และเห็นพ้องกันแล้ว จึงได้ลงลายมือชื่อไว้เป็นสำคัญ",
        "อธิบดีกรมพัฒนาสังคมและสวัสดิการ",
        "เกณฑ์การประเมินผล รอบ 1 (1 ต.ค. - 31 มี.ค.)",
        "เกณฑ์การประเมินผล รอบ 2 (1 เม.ย. - 30 ก.ย.)",
        "น้ำหนัก (คะแนน)",
        "การประเมินประสิทธิผลการดำเนินงาน (Performance Base) (ร้อยละ 70)",
        "การประเมินศักยภาพในการดำเนินงาน (Potential Base) (ร้อยละ 30)",
        "ตารางสรุปตัวชี้วัด ประจำปีงบประมาณ พ.ศ. 2566",
        "ร้อยละ 47.50 – 49.49",
        "400 คะแนน",
        "ไม่มีการประเมินผล",
        *_indicator_names(kks_framework),
    ]
    missing = {
        name: [s for s in expected if _squash(s) not in text]
        for name, text in (("pypdf", by_pypdf), ("pdftotext", by_poppler))
    }
    assert missing == {"pypdf": [], "pdftotext": []}
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Sarabun" in f for f in fonts), fonts
    # Portrait agreement page, then the landscape criteria and summary tables.
    first, last = reader.pages[0].mediabox, reader.pages[-1].mediabox
    assert first.height > first.width
    assert last.width > last.height
    assert len(reader.pages) >= 3


def test_pdf_with_thai_digits(doc: agreement.AgreementDoc) -> None:
    html = agreement.to_html(doc, thai_digits=True)
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๖" in html
    assert "1 ตุลาคม 2565" not in html
    assert "@page" not in html and "width: 17%" in html  # attributes keep their digits


def test_xlsx_has_the_same_weights(doc: agreement.AgreementDoc, kks_framework: Framework) -> None:  # noqa: F811
    wb = load_workbook(io.BytesIO(agreement.to_xlsx(doc)))
    criteria, summary = wb["เกณฑ์การประเมินผล"], wb["ตารางสรุปตัวชี้วัด"]
    rows = list(criteria.iter_rows(min_row=5, values_only=True))
    indicator_rows = [r for r in rows if r[1] is not None and r[0] != "รวม"]
    assert len(indicator_rows) == kks_framework.assignments.count()
    assert sum(r[1] for r in indicator_rows) == 100
    assert all(r[1] == r[7] for r in indicator_rows)  # the same weight in both rounds
    assert rows[-1][:2] == ("รวม", 100)
    assert "ร้อยละ 47.50 – 49.49" in [c for r in rows for c in r[2:]]
    summary_rows = list(summary.iter_rows(min_row=3, values_only=True))
    assert summary_rows[-1][2:4] == ("รวม", 100)
    assert sum(r[3] for r in summary_rows[:-1] if r[3] is not None) == 100
    budget = next(r for r in summary_rows if r[2] and "การเบิกจ่ายงบประมาณ" in r[2])
    assert budget[4:7] == ("ร้อยละ 97.38", "ร้อยละ 97.74", "ร้อยละ 97.96")


# --- the attachment "หน้าที่ เป้าประสงค์ และตัวชี้วัดของ …" (appendix 1 of 003, DOMAIN.md §6.2 end, §6.4) ---------


def _pdf_texts(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    texts = {"pypdf": _squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))}
    if shutil.which("pdftotext"):
        texts["pdftotext"] = _squash(
            subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout
        )
    return texts


def test_attachment_has_numbered_duties_and_plan_goal_rows(kks: OrgUnit) -> None:
    from indicators.demo_data import DEMO_DIVISION_DUTIES, DEMO_DIVISION_NAME

    # given the demo division (a copy of the กคส. framework) with its demo duties, plan issues and goals
    doc = agreement.build(org_unit=kks, fiscal_year=2566)

    # then the duties come one per line and the indicators are grouped by plan issue and goal, in framework order
    assert doc.attachment_title == f"หน้าที่ เป้าประสงค์ และตัวชี้วัดของ{DEMO_DIVISION_NAME}"
    assert doc.duties == tuple(DEMO_DIVISION_DUTIES)
    assert [len(row.indicators) for row in doc.strategy_rows] == [2, 2, 6]
    assert doc.strategy_rows[0].indicators[1].startswith("2. ระดับความสำเร็จในการช่วยเหลือประชากรกลุ่มเป้าหมาย")
    assert all(row.plan_issue.endswith("(สาธิต)") and row.goal.endswith("(สาธิต)") for row in doc.strategy_rows)
    # and the summary table merges the plan/goal cells of consecutive rows that share them
    performance = doc.groups[0].rows
    assert [r.plan_span for r in performance] == [2, 0, 2, 0]
    assert performance[0].plan_issue == doc.strategy_rows[0].plan_issue


def test_duty_numbers_typed_by_hand_are_not_printed_twice(kks_unit: OrgUnit) -> None:
    kks_unit.duties_th = "1. คุ้มครองสวัสดิภาพ\n\n(2) พัฒนาคุณภาพชีวิต\n๓) ติดตามผล"
    kks_unit.save()

    doc = agreement.build(org_unit=kks_unit, fiscal_year=2566)

    assert doc.duties == ("คุ้มครองสวัสดิภาพ", "พัฒนาคุณภาพชีวิต", "ติดตามผล")


def test_attachment_text_is_in_the_pdf(kks: OrgUnit, tmp_path: Path) -> None:
    from indicators.demo_data import DEMO_DIVISION_DUTIES

    doc = agreement.build(org_unit=kks, fiscal_year=2566)

    texts = _pdf_texts(agreement.to_pdf(doc), tmp_path)

    expected = [
        doc.attachment_title, "หน้าที่", "ประเด็นยุทธศาสตร์ เป้าประสงค์ และตัวชี้วัด",
        "แผนปฏิบัติราชการกรม เรื่อง/ ประเด็นยุทธศาสตร์กอง", "เป้าประสงค์",
        *[f"{n}. {duty}" for n, duty in enumerate(DEMO_DIVISION_DUTIES, start=1)],
        *[f"{n}. {row.plan_issue}" for n, row in enumerate(doc.strategy_rows, start=1)],
        *[f"{n}. {row.goal}" for n, row in enumerate(doc.strategy_rows, start=1)],
        *[name for row in doc.strategy_rows for name in row.indicators],
    ]
    assert {name: [s for s in expected if _squash(s) not in text] for name, text in texts.items()} == {
        name: [] for name in texts
    }
    assert all("None" not in text for text in texts.values())


def test_empty_attachment_prints_the_forms_dotted_blanks(doc: agreement.AgreementDoc, tmp_path: Path) -> None:
    # given กคส. without duties, plan issues or goals (reference data only)
    assert doc.duties == () and all(not (r.plan_issue or r.goal) for r in doc.strategy_rows)

    texts = _pdf_texts(agreement.to_pdf(doc), tmp_path)

    for text in texts.values():
        assert "None" not in text
        assert _squash(f"1. {agreement.DOTS}{agreement.DOTS}2. {agreement.DOTS}{agreement.DOTS}") in text
        assert _squash(f"1. {agreement.DOTS}1. {agreement.DOTS}") in text  # plan issue and goal of the first row
    summary = load_workbook(io.BytesIO(agreement.to_xlsx(doc)))["ตารางสรุปตัวชี้วัด"]
    first = next(r for r in summary.iter_rows(min_row=3, values_only=True) if r[2] and r[2].startswith("1. "))
    assert first[:2] == (agreement.DOTS, agreement.DOTS)


def test_xlsx_has_the_attachment_and_the_plan_goal_columns(kks: OrgUnit) -> None:
    doc = agreement.build(org_unit=kks, fiscal_year=2566)

    wb = load_workbook(io.BytesIO(agreement.to_xlsx(doc)))

    attachment = [r for r in wb["หน้าที่ เป้าประสงค์ ตัวชี้วัด"].iter_rows(values_only=True)]
    assert attachment[0][0] == doc.attachment_title
    assert ("➤ หน้าที่", None, None) in attachment
    assert (f"1. {doc.duties[0]}", None, None) in attachment
    header = attachment.index(("แผนปฏิบัติราชการกรม เรื่อง/ประเด็นยุทธศาสตร์กอง", "เป้าประสงค์", "ตัวชี้วัด"))
    assert attachment[header + 1][:2] == (f"1. {doc.strategy_rows[0].plan_issue}", f"1. {doc.strategy_rows[0].goal}")
    assert attachment[header + 1][2] == "\n".join(doc.strategy_rows[0].indicators)
    summary = list(wb["ตารางสรุปตัวชี้วัด"].iter_rows(min_row=3, values_only=True))
    household = next(r for r in summary if r[2] and "กลุ่มเปราะบางรายครัวเรือน" in r[2])
    assert household[:2] == (doc.strategy_rows[0].plan_issue, doc.strategy_rows[0].goal)


def test_admin_edits_duties_and_plan_goal(admin_client: Any, kks_framework: Framework) -> None:  # noqa: F811
    unit = OrgUnit.objects.get(code="div-3")
    unit_page = admin_client.get(f"/admin/indicators/orgunit/{unit.pk}/change/").content.decode()
    framework_page = admin_client.get(f"/admin/indicators/framework/{kks_framework.pk}/change/").content.decode()

    assert 'name="duties_th"' in unit_page and "หน้าที่ (เอกสารแนบท้ายการประเมินฯ)" in unit_page
    assert "plan_issue_th" in framework_page and "goal_th" in framework_page
