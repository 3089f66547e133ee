"""FY2564 loaded from fy2564_unit_results.json and the texts of document 000 (DOMAIN.md §9.2, §11, §14)."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from indicators import scoring
from indicators.models import (
    Assignment,
    Baseline,
    Criteria,
    CriteriaLevel,
    ExternalScore,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    MilestoneCompletion,
    OrgUnit,
    Person,
    Result,
    StrategicLink,
    SubUnitResult,
    UnitType,
)
from indicators.reference_data import BUNDLED_DIR
from indicators.reference_fy2564 import FILE, UNIT_TABLES
from reporting.models import BookSection
from reporting.reference_books import Fy2564BookLoader as Fy2564Loader

pytestmark = pytest.mark.django_db
SHARED = Path(settings.DSDW_SHARED_DIR)
MODELS = (FiscalYear, Framework, IndicatorDefinition, Assignment, Criteria, CriteriaLevel, Baseline, StrategicLink,
          Person, OrgUnit, Result, MilestoneCompletion, SubUnitResult, ExternalScore, BookSection)


def _json() -> dict[str, Any]:
    return json.loads((BUNDLED_DIR / FILE).read_text(encoding="utf-8"))


@pytest.fixture
def fy2564(db: Any) -> FiscalYear:
    Fy2564Loader(SHARED).load()
    return FiscalYear.objects.get(be_year=2564)


def _result(number: str) -> Result:
    return Result.objects.get(round__fiscal_year__be_year=2564, round__number=2, assignment__number=number,
                              assignment__framework__level=Framework.Level.DEPARTMENT)


def test_bundled_copy_is_identical_to_the_shared_file() -> None:
    shared = SHARED / "domain" / "reference-data" / FILE
    if not shared.is_file():
        pytest.skip("shared/domain/reference-data is not beside the repository")
    assert (BUNDLED_DIR / FILE).read_bytes() == shared.read_bytes()


def test_loading_twice_changes_no_counts(fy2564: FiscalYear) -> None:
    before = {model.__name__: model.objects.count() for model in MODELS}
    Fy2564Loader(SHARED).load()
    after = {model.__name__: model.objects.count() for model in MODELS}
    assert after == before


def test_command_loads_fy2564_and_says_so(db: Any) -> None:
    out = StringIO()
    call_command("load_fy2564", stdout=out)
    assert "sub_results: 105" in out.getvalue() and "2564" in out.getvalue()
    assert Result.objects.filter(round__fiscal_year__be_year=2564).count() == 7


def test_the_year_is_monitoring_only_with_the_cabinet_note(fy2564: FiscalYear) -> None:
    assert fy2564.is_monitoring_only
    assert "20 กรกฎาคม 2564" in fy2564.note_th and "Monitoring" in fy2564.note_th
    round2 = fy2564.rounds.get(number=2)
    assert (str(round2.start_date), str(round2.end_date)) == ("2020-10-01", "2021-09-30")


def test_department_framework_has_the_printed_weights(fy2564: FiscalYear) -> None:
    framework = Framework.objects.get(fiscal_year=fy2564, level=Framework.Level.DEPARTMENT)
    assert list(framework.org_units.values_list("code", flat=True)) == ["dsdw"]
    weights = {a.number: (a.weight, a.component, a.parent.number if a.parent else None)
               for a in framework.assignments.select_related("parent")}
    assert weights == {
        "1": (Decimal(15), "performance", None), "2": (Decimal(15), "performance", None),
        "3": (Decimal(20), "performance", None), "3.1": (Decimal(10), "performance", "3"),
        "3.2": (Decimal(10), "performance", "3"), "4": (Decimal(20), "performance", None),
        "5": (Decimal(30), "potential", None), "5.1": (Decimal(15), "potential", "5"),
        "5.2": (Decimal(15), "potential", "5"),
    }


def test_three_level_targets_and_milestone_deliverables(fy2564: FiscalYear) -> None:
    def levels(code: str) -> dict[int, Any]:
        criteria = Criteria.objects.get(definition__fiscal_year=fy2564, definition__code=code, round_number=2)
        return {lvl.level: lvl for lvl in criteria.levels.all()}

    improved = levels("PMQA_KPI_IMPROVED")
    assert {k: v.threshold for k, v in improved.items()} == {50: Decimal("13.16"), 75: Decimal("17.55"), 100: Decimal("21.94")}
    assert improved[50].printed_text_th == "ร้อยละ 13.16"
    pmqa = levels("PMQA40")
    assert pmqa[75].printed_text_th == "ผลการประเมินในชั้นตอนที่ 1 ได้ 407.02 คะแนน"
    database = levels("DB_SOCIAL_ACCESS")
    assert database[50].milestone_th.splitlines() == _json()["indicators"][0]["criteria"]["50"]


def test_the_engine_scores_3_1_as_domain_4a_works_it_out(fy2564: FiscalYear) -> None:
    """DOMAIN.md §4.a: 13.90 against 13.16 / 17.55 / 21.94 -> 54.2141 (printed nowhere: the year is not evaluated)."""
    result = _result("3.1")
    criteria = result.assignment.criteria_for(2)
    assert scoring.score(criteria.to_spec(), result.measurement()) == Decimal("54.2141")


def test_people_with_positions_and_phones(fy2564: FiscalYear) -> None:
    pmqa = IndicatorDefinition.objects.get(fiscal_year=fy2564, code="PMQA40")
    assert (pmqa.supervisor.full_name, pmqa.supervisor.position, pmqa.supervisor.phone) == (
        "นายสุรพิเชษฐ์ สุขโชติ", "หัวหน้ากลุ่มพัฒนาระบบบริหาร", "0 2659 6243")
    assert pmqa.data_collectors.count() == 4
    assignment = Assignment.objects.get(framework__fiscal_year=fy2564, number="3.1")
    assert sorted(p.full_name for p in assignment.collectors.all()) == ["นายณัฐพงษ์ แก้วสุวรรณ", "นายสมศักดิ์ เพ็ญโพธิ์"]


def test_baselines_and_results_as_printed(fy2564: FiscalYear) -> None:
    reintegration = IndicatorDefinition.objects.get(fiscal_year=fy2564, code="PMQA_KPI_REINTEGRATION")
    baselines = {b.year_be: (b.value, b.numerator, b.denominator) for b in reintegration.baselines.all()}
    assert baselines == {2562: (Decimal("69.97"), Decimal(403), Decimal(576)),
                         2563: (Decimal("72.84"), Decimal(295), Decimal(405))}
    assert (_result("3.1").numerator, _result("3.1").denominator) == (Decimal(198), Decimal(1424))
    assert _result("5.2").value == Decimal("426.86")
    assert all(r.status == Result.Status.APPROVED for r in Result.objects.filter(round__fiscal_year=fy2564))
    assert str(_result("4").as_of_date) == "2021-09-30"


def test_narratives_come_from_the_seed(fy2564: FiscalYear) -> None:
    result = _result("3.1")
    assert result.evidence_th == "ระบบพัฒนาคุณภาพชีวิต (QLife Plus)"
    assert result.supporting_factors_th.splitlines()[1] == "2) ความต่อเนื่องในการเข้าร่วมกิจกรรมของกลุ่มเป้าหมาย"
    assert _result("5.2").obstacles_th == "-"
    assert _result("1").actions_th.startswith("1. ตรวจสอบฐานข้อมูลกลุ่มเป้าหมายในพื้นที่ 135 ตำบล")


def test_milestone_results_as_printed(fy2564: FiscalYear) -> None:
    """Indicator 2 reached 60 % of its plan: the printed line is kept, the 75-level deliverable is not done."""
    completions = {(m.level, m.deliverable_index): m for m in _result("2").milestones.all()}
    # every deliverable has its row: the draft plan No. 2 (100-level, second deliverable) is reported as not done
    assert set(completions) == {("50", 0), ("75", 0), ("100", 0), ("100", 1)}
    assert completions[("75", 0)].done is False
    assert "ร้อยละ 60" in completions[("75", 0)].evidence_th
    assert completions[("100", 1)].done is False and completions[("100", 1)].evidence_th == ""
    printed = _json()["indicators"][0]["reported_result"]
    reported = {m.evidence_th for m in _result("1").milestones.all() if m.evidence_th}
    assert reported == set(printed)
    first = {(m.level, m.deliverable_index): m for m in _result("1").milestones.all()}
    # the lessons-learned deliverable was not done (COVID-19); 80 % access is implied by the 100 % printed
    assert [key for key, m in first.items() if not m.done] == [("100", 1)]
    assert first[("50", 1)].evidence_th == first[("75", 0)].evidence_th == printed[1]
    assert _result("5.1").achieved_level == "100"


@pytest.mark.parametrize("number", ["3.1", "3.2", "4"])
def test_per_unit_rows_add_up_to_the_printed_totals(fy2564: FiscalYear, number: str) -> None:
    table = _json()["unit_tables"][number]
    rows = list(_result(number).sub_results.order_by("order"))
    assert len(rows) == len(table["rows"])
    printed = table["total_printed"]
    spec = UNIT_TABLES[number]
    assert sum(r.denominator for r in rows) == printed["denominator"]
    assert sum(r.numerator for r in rows) == printed.get("numerator", printed.get(spec["numerator"]))
    for column in spec["columns"]:
        if column["key"] not in ("numerator", "denominator", "percent"):
            assert sum(r.breakdown[column["key"]] for r in rows) == printed[column["key"]]
    result = _result(number)
    assert (result.numerator, result.denominator) == (sum(r.numerator for r in rows), sum(r.denominator for r in rows))
    keys = [c["key"] for c in result.assignment.definition.breakdown_columns]
    assert keys == [c["key"] for c in spec["columns"]]


def test_row_3_of_table_3_2_keeps_numerator_above_denominator_with_a_note(fy2564: FiscalYear) -> None:
    row = _result("3.2").sub_results.get(order=2)
    assert (row.label_th, row.numerator, row.denominator) == ("สถานคุ้มครองคนไร้ที่พึ่งประจวบคีรีขันธ์", 7, 1)
    assert "มากกว่าตัวหาร" in row.breakdown["note_th"]


def test_units_and_provinces_of_the_tables(fy2564: FiscalYear) -> None:
    units = [r.org_unit for r in _result("3.1").sub_results.order_by("order")]
    assert [u.code for u in units[:2]] == ["shelter-01", "shelter-02"] and units[-1].code == "life-skills-03"
    assert units[0].name_variants == ["สถานคุ้มครองคนไร้ที่พึ่งทับทิวา จังหวัดสระบุรี"]
    assert [r.org_unit_id for r in _result("3.2").sub_results.order_by("order")] == [u.pk for u in units]
    provinces = _result("4").sub_results.order_by("order")
    assert provinces.count() == 77 and all(r.province_id for r in provinces)
    assert provinces.first().province.name_th == "กรุงเทพมหานคร"
    assert provinces.get(order=58).breakdown["printed_percent"] == "78.13"  # 25/32 = 78.125, half-up (§11 item 3)


def test_existing_non_demo_unit_is_reused_by_name(db: Any) -> None:
    shelter = OrgUnit.objects.create(code="existing-shelter", kind=OrgUnit.Kind.FIELD_UNIT,
                                     name_th="สถานคุ้มครองคนไร้ที่พึ่งวังทอง จังหวัดพิษณุโลก",
                                     unit_type=UnitType.objects.get(code="shelter"))
    Fy2564Loader(SHARED).load()
    assert _result("3.1").sub_results.get(order=1).org_unit_id == shelter.pk
    assert not OrgUnit.objects.filter(code="shelter-02").exists()


def test_pmqa_category_scores_and_book_sections(fy2564: FiscalYear) -> None:
    score = ExternalScore.objects.get(fiscal_year=fy2564, system=ExternalScore.System.PMQA)
    assert score.score == Decimal("426.86") and len(score.components["rows"]) == 7
    sections = BookSection.objects.filter(fiscal_year=fy2564, org_unit__code="dsdw")
    foreword = sections.get(position=BookSection.Position.FOREWORD)
    assert foreword.body_th.startswith("ตามมติคณะรัฐมนตรี เมื่อวันที่ 20 กรกฎาคม 2564")
    annex = list(sections.filter(position=BookSection.Position.ANNEX).values_list("title_th", flat=True))
    assert annex[0].startswith("ผลการถอดบทเรียน") and annex[-1] == "4. ข้อเสนอแนะ"
