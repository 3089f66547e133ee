"""The department's scorecard on the OPDC 50 / 75 / 100 scale (DOMAIN.md §4.a, §4.i): computed from a fixture with
known targets, marked when the year is monitoring-only, and "คำนวณไม่ได้" with reasons for FY2566.

The fixture is an invented fiscal year 2561 (no document covers it), so it never collides with loaded reference
years; its targets and results are the worked examples of DOMAIN §4.a (document 000 FY2564, 001 FY2563, 004).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
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
from reporting.documents import scorecard as scorecard_doc
from reporting.models import Scorecard
from reporting.services import score_jobs_drain, scorecard_recompute

pytestmark = pytest.mark.django_db
WHITESPACE = re.compile(r"\s+")

# (code, component, weight, (t50, t75, t100), result as (numerator, denominator) or value, score by hand)
FIXTURE = [
    ("T31", "performance", 20, ("13.16", "17.55", "21.94"), (198, 1424), "50 + 25 × (13.90 − 13.16) / 4.39"),
    ("T32", "performance", 20, ("72.84", "74.97", "77.10"), (55, 329), "below t50"),
    ("T4", "performance", 15, ("73.77", "74.54", "75.31"), (1896, 3791), "below t50"),
    ("T11", "performance", 15, ("10.72", "12.05", "13.38"), "12.80", "75 + 25 × 0.75 / 1.33"),
    ("T52", "potential", 15, ("370", "407.02", "415.16"), "426.86", "above t100"),
    ("T21", "potential", 15, ("70", "80", "90"), "85", "75 + 25 × 5 / 10"),
]
FOUR = Decimal("0.0001")
# The scores (ก) worked out by hand (DOMAIN §4.a), rounded half-up to 4 places as the policy prints them.
HAND_SCORES = {
    "T31": (Decimal(50) + Decimal(25) * Decimal("0.74") / Decimal("4.39")).quantize(FOUR, ROUND_HALF_UP),  # 54.2141
    "T32": Decimal(0),
    "T4": Decimal(0),
    "T11": (Decimal(75) + Decimal(25) * Decimal("0.75") / Decimal("1.33")).quantize(FOUR, ROUND_HALF_UP),  # 89.0977
    "T52": Decimal(100),
    "T21": Decimal("87.5"),
}


def squash(text: str) -> str:
    return WHITESPACE.sub("", text)


def pdf_texts(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """The text layer by pypdf and by `pdftotext -raw`, whitespace removed."""
    texts = {"pypdf": squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))}
    if shutil.which("pdftotext"):
        path = tmp_path / "doc.pdf"
        path.write_bytes(pdf)
        raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                             text=True).stdout
        texts["pdftotext"] = squash(raw)
    return texts


def missing_in(texts: dict[str, str], expected: list[str]) -> dict[str, list[str]]:
    return {name: [s for s in expected if squash(s) not in text] for name, text in texts.items()}


@pytest.fixture
def department() -> OrgUnit:
    return OrgUnit.objects.get(code="dsdw")


@pytest.fixture
def fixture_round(department: OrgUnit) -> Round:
    """An approved three-level department framework with targets for round 2 and approved results."""
    year = FiscalYear.objects.create(be_year=2561, note_th="ปีทดสอบ (ไม่มีในเอกสาร)")
    round_ = Round.objects.create(fiscal_year=year, number=2, start_date=dt.date(2018, 4, 1), end_date=dt.date(2018, 9, 30))
    framework = Framework.objects.create(
        fiscal_year=year, name_th="ตัวชี้วัดระดับกรม (ชุดทดสอบ)", level=Framework.Level.DEPARTMENT,
        scale="three_level", status=Framework.Status.APPROVED,
    )
    framework.org_units.set([department])
    for order, (code, component, weight, targets, result, _) in enumerate(FIXTURE, start=1):
        definition = IndicatorDefinition.objects.create(
            fiscal_year=year, code=code, name_th=f"ตัวชี้วัดทดสอบระดับกรม {code}", unit_of_measure="percent",
        )
        assignment = Assignment.objects.create(
            framework=framework, definition=definition, number=str(order), order=order, component=component,
            weight=Decimal(weight),
        )
        criteria = Criteria.objects.create(definition=definition, round_number=2, method=Criteria.Method.THREE_LEVEL,
                                           scale="three_level")
        for level, threshold in zip((50, 75, 100), targets, strict=True):
            CriteriaLevel.objects.create(criteria=criteria, level=level, threshold=Decimal(threshold))
        values: dict[str, Any] = (
            {"numerator": Decimal(result[0]), "denominator": Decimal(result[1])} if isinstance(result, tuple)
            else {"value": Decimal(result)}
        )
        Result.objects.create(assignment=assignment, org_unit=department, round=round_, status=Result.Status.APPROVED,
                              **values)
    score_jobs_drain(fiscal_year_id=year.pk)  # stored as the worker would: every row approved, so it is signable
    return round_


def test_department_scores_and_total_equal_the_hand_computation(department: OrgUnit, fixture_round: Round) -> None:
    # given the fixture (weights 20/20/15/15 Performance, 15/15 Potential)
    # when the scorecard is computed
    scorecard = scorecard_recompute(org_unit_id=department.pk, round_id=fixture_round.pk)
    doc = scorecard_doc.build(org_unit=department, round=fixture_round)

    # then every score (ก) is the hand-computed one and ค = ก × ข
    scores = {row.name.rsplit(" ", 1)[-1]: row for row in doc.rows}
    assert {code: row.score for code, row in scores.items()} == HAND_SCORES
    for code, _component, weight, *_ in FIXTURE:
        assert scores[code].weighted == HAND_SCORES[code] * weight
    # and the total is Σ(ก × ข) / 100 on the 100 scale: (20×54.2141 + 15×89.0977 + 15×100 + 15×87.5) / 100
    weighted = sum(HAND_SCORES[code] * weight for code, _c, weight, *_ in FIXTURE)
    assert weighted == Decimal("5233.2475")
    assert scorecard.status == Scorecard.Status.COMPUTED and scorecard.scale == "three_level"
    assert doc.weighted_sum == weighted
    assert doc.total_100 is not None
    assert doc.total_100.quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("52.33")
    assert doc.band_label == "ระดับต้องปรับปรุง" and doc.band_text == "ระดับต้องปรับปรุง"  # below 60 (DOMAIN §4.i)
    assert [g.weight_sum for g in doc.groups] == [Decimal(70), Decimal(30)]
    assert doc.max_score == 100 and doc.level_labels == ("ขั้นต้น (50)", "มาตรฐาน (75)", "ขั้นสูง (100)")
    assert doc.title == scorecard_doc.DEPARTMENT_TITLE


def test_department_pdf_prints_the_targets_and_the_total(
    department: OrgUnit, fixture_round: Round, tmp_path: Path
) -> None:
    doc = scorecard_doc.build(org_unit=department, round=fixture_round)

    texts = pdf_texts(scorecard_doc.to_pdf(doc), tmp_path)

    expected = [
        scorecard_doc.DEPARTMENT_TITLE, "ค่าเป้าหมาย", "ขั้นต้น (50)", "มาตรฐาน (75)", "ขั้นสูง (100)",
        "13.16", "17.55", "21.94", "407.02", "54.2141", "89.0977", "87.5000", "1,084.2820", "52.33",
        "ระดับต้องปรับปรุง", "อธิบดีกรมพัฒนาสังคมและสวัสดิการ",
        *[f"ตัวชี้วัดทดสอบระดับกรม {code}" for code, *_ in FIXTURE],
    ]
    assert missing_in(texts, expected) == {name: [] for name in texts}
    assert all(squash("ผู้อำนวยการกรม") not in text for text in texts.values())


@pytest.mark.parametrize("framework_status", [Framework.Status.APPROVED, Framework.Status.DRAFT])
def test_monitoring_only_year_shows_the_figures_marked_as_not_evaluated(
    department: OrgUnit, fixture_round: Round, tmp_path: Path, framework_status: str
) -> None:
    # given a monitoring-only year (as FY2564, DOMAIN §9.2), whose framework may stay a draft
    FiscalYear.objects.filter(pk=fixture_round.fiscal_year_id).update(
        evaluation_status=FiscalYear.Status.MONITORING_ONLY
    )
    Framework.objects.filter(fiscal_year_id=fixture_round.fiscal_year_id).update(status=framework_status)
    fixture_round.refresh_from_db()
    scorecard_recompute(org_unit_id=department.pk, round_id=fixture_round.pk)  # the updates above bypass the requests

    doc = scorecard_doc.build(org_unit=department, round=fixture_round)

    # then the numbers are still computed, and the band says they are not used for the evaluation
    assert doc.computed and doc.monitoring_only
    assert doc.total_100 is not None and doc.total_100.quantize(Decimal("0.01")) == Decimal("52.33")
    assert doc.band_text == "ติดตามผล ไม่นำมาประเมิน (ระดับที่คำนวณได้: ระดับต้องปรับปรุง)"
    texts = pdf_texts(scorecard_doc.to_pdf(doc), tmp_path)
    assert missing_in(texts, ["ติดตามผล ไม่นำมาประเมิน", "52.33"]) == {name: [] for name in texts}


def test_monitoring_only_draft_with_an_unscored_indicator_is_not_totalled(
    department: OrgUnit, fixture_round: Round
) -> None:
    # given a monitoring-only year with a draft framework and one indicator without a result
    FiscalYear.objects.filter(pk=fixture_round.fiscal_year_id).update(
        evaluation_status=FiscalYear.Status.MONITORING_ONLY
    )
    Framework.objects.filter(fiscal_year_id=fixture_round.fiscal_year_id).update(status=Framework.Status.DRAFT)
    Result.objects.filter(round=fixture_round, assignment__definition__code="T4").delete()
    fixture_round.refresh_from_db()
    score_jobs_drain(fiscal_year_id=fixture_round.fiscal_year_id)
    scorecard_recompute(org_unit_id=department.pk, round_id=fixture_round.pk)  # the updates above bypass the requests

    doc = scorecard_doc.build(org_unit=department, round=fixture_round)

    # then the other scores are shown, but the total is not computed with an unscored indicator counted as 0
    assert not doc.computed and doc.total_100 is None
    assert doc.band_text == "คำนวณไม่ได้ (ติดตามผล ไม่นำมาประเมิน)"
    assert doc.problems[0] == "ปีงบประมาณ พ.ศ. 2561 เป็นปีติดตามผล: คิดคะแนนรวมเมื่อทุกตัวชี้วัดคิดคะแนนได้"
    assert "ตัวชี้วัด 3 ตัวชี้วัดทดสอบระดับกรม T4: ยังไม่รายงานผล" in doc.problems
    assert {row.name[-3:].strip(): row.score for row in doc.rows}["T31"] == HAND_SCORES["T31"]


def test_fy2566_department_lists_every_indicator_and_says_why_it_cannot_be_computed(
    demo: None, round2: Round, tmp_path: Path
) -> None:
    # given FY2566, whose department 50/75/100 targets are not published, and one reported department result
    department = OrgUnit.objects.get(code="dsdw")
    framework = Framework.objects.get(fiscal_year=round2.fiscal_year, level=Framework.Level.DEPARTMENT)
    pmqa = framework.assignments.get(number="6")
    Result.objects.create(assignment=pmqa, org_unit=department, round=round2, status=Result.Status.SUBMITTED,
                          value=Decimal("449.83"))
    score_jobs_drain(fiscal_year_id=round2.fiscal_year_id)

    doc = scorecard_doc.build(org_unit=department, round=round2)

    # then every indicator keeps its weight, the total is not computable, and each row says why
    names = [a.definition.name_th for a in framework.assignments.order_by("order")]
    assert [row.name for row in doc.rows] == names
    assert [row.weight for row in doc.rows] == [a.weight for a in framework.assignments.order_by("order")]
    assert not doc.computed and doc.total_100 is None and doc.band_text == "คำนวณไม่ได้"
    for row in doc.rows:
        assert "ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ 2" in row.reasons
    pmqa_row = next(row for row in doc.rows if row.number == "6")
    assert pmqa_row.result_text == "449.83" and "ยังไม่รายงานผล" not in pmqa_row.reasons
    texts = pdf_texts(scorecard_doc.to_pdf(doc), tmp_path)
    expected = [
        *names, "ส่งแล้ว รอพิจารณา", "ยังไม่รายงาน", "449.83", "คำนวณไม่ได้: ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ 2",
        "เหตุที่คำนวณคะแนนรวมไม่ได้", "ยังไม่ได้รับอนุมัติ",
    ]
    assert missing_in(texts, expected) == {name: [] for name in texts}


def test_director_page_of_the_fy2566_department_explains_instead_of_failing(
    client: Any, django_user_model: Any, demo: None
) -> None:
    user = django_user_model.objects.create_user("dept-director", password="pw-dept-director-2566")
    Person.objects.create(user=user, full_name="คุณผู้บริหาร ทดสอบ", role=Person.Role.DIRECTOR)
    client.force_login(user)

    response = client.get("/reports/scorecard/", {"year": 2566, "round": 2, "unit": "dsdw"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "คำนวณไม่ได้" in page and "ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ 2" in page
    assert "ขั้นต้น (50)" in page
    assert '<option value="2" selected>' in page and '<option value="2566" selected>' in page  # the form keeps the choice
    pdf = client.get("/reports/scorecard/", {"year": 2566, "round": 2, "unit": "dsdw", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_fy2564_department_shows_document_000_scores_marked_monitoring_only(tmp_path: Path) -> None:
    # given FY2564 as document 000 printed it (loaded by indicators/reference_fy2564.py, another module's loader)
    from django.conf import settings

    from indicators import reference_fy2564 as loader

    loader.Fy2564Loader(Path(settings.DSDW_SHARED_DIR)).load()
    round2 = Round.objects.get(fiscal_year__be_year=2564, number=2)

    doc = scorecard_doc.build(org_unit=OrgUnit.objects.get(code="dsdw"), round=round2)

    # then the scores are the worked examples of DOMAIN §4.a and the year is marked as monitoring only
    assert doc.monitoring_only and "ติดตามผล ไม่นำมาประเมิน" in doc.band_text
    scores = {row.number: row.score for row in doc.rows}
    assert scores["3.1"] == Decimal("54.2141")  # 50 + 25 × (13.90 − 13.16) / (17.55 − 13.16)
    assert scores["3.2"] == Decimal(0) and scores["4"] == Decimal(0)  # below the 50 target
    assert scores["5.2"] == Decimal(100)  # 426.86 above the 100 target (capped)
    # milestones: indicator 1 reached 75 (one of the two 100-level deliverables was not done), indicator 2 reached 50
    assert scores["1"] == Decimal(75) and scores["2"] == Decimal(50) and scores["5.1"] == Decimal(100)
    # and the total is Σ ค / 100 = (75×15 + 50×15 + 54.2141×10 + 0×10 + 0×20 + 100×15 + 100×15) / 100
    # (the document carries the exact total, 54.17141, and prints it once rounded: 54.17)
    assert doc.computed and doc.weighted_sum == Decimal("5417.1410") and doc.total_100 == Decimal("54.17141")
    assert {row.number: row.note for row in doc.rows if not row.scored} == {"3": "", "5": ""}
    # a parent row shows its weight in parentheses and no result of its own (its sub-indicators carry them)
    parents = {r["row"].number: r for g in scorecard_doc.display(doc)["groups"] for r in g["rows"] if not r["row"].scored}
    assert {n: (r["result"], r["weight"], r["score"]) for n, r in parents.items()} == {
        "3": ("", "(20)", ""), "5": ("", "(30)", ""),
    }
    texts = pdf_texts(scorecard_doc.to_pdf(doc), tmp_path)
    expected = ["ติดตามผล ไม่นำมาประเมิน", "54.2141", "13.90", "16.72", "50.01", "426.86", "5,417.1410", "54.17"]
    assert missing_in(texts, expected) == {name: [] for name in texts}


def test_department_workbook_has_three_target_columns_and_the_reasons(demo: None, round2: Round) -> None:
    doc = scorecard_doc.build(org_unit=OrgUnit.objects.get(code="dsdw"), round=round2)

    sheet = load_workbook(io.BytesIO(scorecard_doc.to_xlsx(doc))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert values[0][0] == scorecard_doc.DEPARTMENT_TITLE
    assert values[4][:2] == ["ตัวชี้วัดผลงาน", "ค่าเป้าหมาย"] and values[4][4:10] == [
        "ผลการดำเนินงาน", "สถานะผล", "คะแนน (ก)", "น้ำหนัก (ร้อยละ) (ข)", "คะแนนถ่วงน้ำหนัก (ค) (ค = กxข)", "หมายเหตุ",
    ]
    assert values[5][1:4] == ["ขั้นต้น (50)", "มาตรฐาน (75)", "ขั้นสูง (100)"]
    rows = {str(r[0]): r for r in values if r and r[0]}
    for row in doc.rows:
        line = rows[f"{row.number} {row.name}"]
        assert line[5] == "ยังไม่รายงาน" and line[6] == "คำนวณไม่ได้" and line[7] == float(row.weight)
        assert line[9] == "คำนวณไม่ได้: ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ 2; ยังไม่รายงานผล"
    assert rows["คะแนนรวม (เต็ม 100)"][1] == "คำนวณไม่ได้" and rows["ระดับผลการประเมิน"][1] == "คำนวณไม่ได้"
    assert "เหตุที่คำนวณไม่ได้" in rows
