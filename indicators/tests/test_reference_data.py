"""The FY2566 framework loaded from shared/domain/reference-data (DOMAIN.md §9.3, §9.4, §5.3, §14)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators import scoring
from indicators.models import Assignment, Criteria, Framework, IndicatorDefinition, OrgUnit, Province, ProvinceTarget
from indicators.services.frameworks import assignment_rows, framework_problems, weight_summary
from indicators.tests.conftest import load_reference

pytestmark = pytest.mark.django_db

# Weights per framework as printed in 003 §6.3 (DOMAIN.md §9.4).
EXPECTED_DIVISION_WEIGHTS = {
    1: {"CORE": 55, "ITA": 15, "PMQA40": 6, "SATISFACTION": 6, "BUDGET": 6, "ENERGY": 6, "WASTE": 6},
    2: {"CORE": 55, "HOUSEHOLD": 15, "ITA": 5, "PMQA40": 5, "SATISFACTION": 5, "BUDGET": 5, "ENERGY": 5, "WASTE": 5},
    3: {"CORE": 35, "HOUSEHOLD": 15, "PMQA_KPI_IMPROVED": 10, "PMQA_KPI_REINTEGRATION": 10, "ITA": 5, "PMQA40": 5,
        "SATISFACTION": 5, "BUDGET": 5, "ENERGY": 5, "WASTE": 5},
    4: {"CORE": 55, "PBO": 15, "ITA": 5, "PMQA40": 5, "SATISFACTION": 5, "BUDGET": 5, "ENERGY": 5, "WASTE": 5},
    5: {"CORE": 55, "ALERT": 15, "ITA": 5, "PMQA40": 5, "SATISFACTION": 5, "BUDGET": 5, "ENERGY": 5, "WASTE": 5},
    6: {"CORE": 20, "HOUSEHOLD": 15, "BCG": 20, "ALERT": 15, "ITA": 5, "PMQA40": 5, "SATISFACTION": 5, "BUDGET": 5,
        "ENERGY": 5, "WASTE": 5},
    7: {"CORE": 50, "APHM": 20, "ITA": 5, "PMQA40": 5, "SATISFACTION": 5, "BUDGET": 5, "ENERGY": 5, "WASTE": 5},
    8: {"CORE": 55, "PMQA40": 15, "ITA": 6, "SATISFACTION": 6, "BUDGET": 6, "ENERGY": 6, "WASTE": 6},
    9: {"CORE": 70, "ITA": 5, "PMQA40": 5, "SATISFACTION": 5, "BUDGET": 5, "ENERGY": 5, "WASTE": 5},
}


def test_nine_division_frameworks_have_the_printed_weights_and_split_70_30(fy2566):
    """DOMAIN.md §9.4: every framework totals 100 with Performance 70 and Potential 30."""
    frameworks = Framework.objects.filter(fiscal_year=fy2566, level=Framework.Level.DIVISION).order_by("number")
    assert [f.number for f in frameworks] == list(range(1, 10))
    for framework in frameworks:
        weights = {a.definition.code: int(a.weight) for a in framework.assignments.select_related("definition")}
        assert weights == EXPECTED_DIVISION_WEIGHTS[framework.number], framework.name_th
        summary = weight_summary(assignment_rows(framework))
        assert (summary.total, summary.performance, summary.potential) == (100, 70, 30)


def test_component_of_a_standard_indicator_depends_on_the_framework(fy2566):
    """ITA is Performance (15) in framework 1, PMQA 4.0 Performance (15) in framework 8, ALERT Performance in 5 and 6."""
    def component(number: int, code: str) -> str:
        return Assignment.objects.get(
            framework__fiscal_year=fy2566, framework__number=number, framework__level="division", definition__code=code
        ).component

    assert component(1, "ITA") == "performance"
    assert component(2, "ITA") == "potential"
    assert component(8, "PMQA40") == "performance"
    assert component(5, "ALERT") == "performance"
    department_alert = Assignment.objects.get(framework__level="department", definition__code="ALERT")
    assert department_alert.component == "potential"


def test_framework_nine_is_shared_by_three_organisations(fy2566):
    framework = Framework.objects.get(fiscal_year=fy2566, level="division", number=9)
    assert sorted(u.name_th for u in framework.org_units.all()) == sorted(
        ["กลุ่มงานผู้เชี่ยวชาญ", "กองส่งเสริมและพัฒนาองค์กรภาคประชาสังคม", "กลุ่มตรวจสอบภายใน"]
    )


def test_department_framework_has_six_indicators_and_no_published_targets(fy2566):
    """DOMAIN.md §9.3: weights 15/20/15/20 + 15/15; the 50/75/100 values are not in the documents, so it stays draft."""
    framework = Framework.objects.get(fiscal_year=fy2566, level="department")
    weights = [int(a.weight) for a in framework.assignments.order_by("order")]
    assert weights == [15, 20, 15, 20, 15, 15]
    assert framework.status == Framework.Status.DRAFT
    assert any("50/75/100" in problem for problem in framework_problems(framework))


def test_complete_division_frameworks_are_approved_and_kks_waits_for_its_thresholds(fy2566):
    """Framework 3 (กคส.) uses two indicators whose FY2566 levels are printed "ร้อยละ...", so it is a draft."""
    statuses = dict(Framework.objects.filter(fiscal_year=fy2566, level="division").values_list("number", "status"))
    assert statuses.pop(3) == Framework.Status.DRAFT
    assert set(statuses.values()) == {Framework.Status.APPROVED}


def test_unit_framework_has_no_weights_and_restricts_indicators_by_unit_type(fy2566):
    """DOMAIN.md §1.4 / 003 §6.4: BCG only for settlements; capability improved for shelters and life-skills centres."""
    framework = Framework.objects.get(fiscal_year=fy2566, level="field_unit", is_demo=False)
    assert all(a.weight is None for a in framework.assignments.all())
    bcg = framework.assignments.get(definition__code="BCG")
    assert [t.code for t in bcg.applies_to_unit_types.all()] == ["settlement"]
    improved = framework.assignments.get(definition__code="PMQA_KPI_IMPROVED")
    assert sorted(t.code for t in improved.applies_to_unit_types.all()) == ["life_skills", "shelter"]
    energy = framework.assignments.get(definition__code="ENERGY")
    assert sorted(t.code for t in energy.applies_to_unit_types.all()) == ["highland", "settlement", "shelter"]
    assert framework.assignments.get(definition__code="WASTE").applies_to_unit_types.count() == 0


def test_unit_household_criteria_override_the_division_wording(fy2566):
    """The unit template's level-1 milestone differs from the division's (003 appendix 3)."""
    unit_assignment = Assignment.objects.get(framework__level="field_unit", framework__is_demo=False,
                                             definition__code="HOUSEHOLD")
    division_assignment = Assignment.objects.get(framework__level="division", framework__number=2,
                                                 definition__code="HOUSEHOLD")
    assert unit_assignment.criteria_for(1).level1_milestone_th == "ทบทวน และยืนยันกลุ่มเป้าหมายครัวเรือนเปราะบาง"
    assert division_assignment.criteria_for(1).level1_milestone_th.startswith("กำกับติดตามการทบทวน")


@pytest.mark.parametrize(
    ("code", "round_number", "measurement", "expected"),
    [
        ("BUDGET", 2, {"value": "97.96"}, "4"),        # DOMAIN 4.e: FY2565 budget 97.96 -> 4
        ("BUDGET", 2, {"value": "93.50"}, "2"),
        ("BUDGET", 1, {"value": "40.00"}, "1"),
        ("BUDGET", 1, {"value": "53.50"}, "5"),
        ("ITA", 2, {"value": "88.02"}, "5"),
        ("ITA", 2, {"value": "54.99"}, "1"),
        ("PMQA40", 2, {"value": "452.08"}, "3.5"),      # DOMAIN 4.b
        ("PMQA40", 2, {"value": "412.46"}, "1.5"),
        ("BCG", 2, {"value": "55.00"}, "3.362"),
        ("PBO", 2, {"numerator": 9, "denominator": 40}, "3.5"),
        ("ALERT", 2, {"value": "92.5"}, "3.5"),
        ("APHM", 2, {"value": "73.04"}, "3"),           # only levels 3 and 5 defined
        ("ENERGY", 2, {"value": "7.0"}, "3"),
        ("WASTE", 2, {"value": "9.5"}, "5"),
        ("SATISFACTION", 2, {"parts": [{"value": "82.00"}, {"value": "26.00"}]}, "2"),  # DOMAIN 4.f min
        ("HOUSEHOLD", 1, {"level1_milestone_done": True, "value": "35"}, "3.5"),         # DOMAIN 4.c mixed
        ("PMQA40", 1, {"completed": {"1": [True], "3": [True]}}, "3"),                   # "-" levels
    ],
)
def test_loaded_criteria_score_the_worked_examples(fy2566, code, round_number, measurement, expected):
    criteria = Criteria.objects.get(definition__fiscal_year=fy2566, definition__code=code, assignment=None,
                                    round_number=round_number)
    assert scoring.score(criteria.to_spec(), measurement) == Decimal(expected)


def test_provincial_household_targets_match_the_table_and_the_rule(fy2566):
    """DOMAIN.md §5.3: 76 provinces; the stored counts equal scoring.province_targets for every cell."""
    targets = ProvinceTarget.objects.filter(definition__fiscal_year=fy2566).select_related("province")
    assert targets.count() == 76
    for target in targets:
        computed = scoring.province_targets(target.base_value)
        assert (computed.increase, computed.target) == (target.increase, target.target)
        assert {str(k): v for k, v in computed.counts.items()} == target.level_counts
    krabi = targets.get(province__name_th="กระบี่")
    assert (krabi.base_value, krabi.target, krabi.level_counts["50"]) == (8117, 10958, 5479)


def test_provinces_and_org_units(fy2566):
    assert Province.objects.count() == 77
    assert Province.objects.get(is_bangkok=True).name_th == "กรุงเทพมหานคร"
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE).count() == 77
    kks = OrgUnit.objects.get(abbreviation="กคส.")
    assert kks.parent.abbreviation == "พส."
    secretary = OrgUnit.objects.get(abbreviation="สลก.")
    assert "สำนักงานเลขาธิการกรม" in secretary.name_variants


def test_definitions_keep_documented_details(fy2566):
    ita = IndicatorDefinition.objects.get(fiscal_year=fy2566, code="ITA")
    assert ita.supervisor.full_name == "นายกิตติ อินทรกุล"
    assert ita.data_collectors.count() == 3
    assert [(b.year_be, b.value) for b in ita.baselines.all()] == [
        (2562, Decimal("86.3300")), (2563, Decimal("80.5000")), (2564, Decimal("92.9900")), (2565, Decimal("88.0200"))
    ]
    waste = IndicatorDefinition.objects.get(fiscal_year=fy2566, code="WASTE")
    assert waste.baselines.get(year_be=2564).text_th == "ไม่มีการประเมินผล"
    budget = IndicatorDefinition.objects.get(fiscal_year=fy2566, code="BUDGET")
    assert budget.formula_denominator_th == "วงเงินงบประมาณรายจ่ายภาพรวมที่ส่วนราชการได้รับทั้งปี"
    household = IndicatorDefinition.objects.get(fiscal_year=fy2566, code="HOUSEHOLD")
    assert household.strategic_links.filter(kind="national_strategy").exists()


def test_loading_twice_changes_nothing(fy2566):
    before = {
        model.__name__: model.objects.count()
        for model in (Framework, Assignment, Criteria, IndicatorDefinition, ProvinceTarget, OrgUnit, Province)
    }
    load_reference()
    after = {name: model.objects.count() for name, model in
             ((m.__name__, m) for m in (Framework, Assignment, Criteria, IndicatorDefinition, ProvinceTarget, OrgUnit, Province))}
    assert after == before


def test_bundled_fixture_copies_equal_the_shared_reference_data(settings):
    """fixtures/reference-data is a copy for clones without ../shared; it must not drift from the source."""
    from indicators.reference_data import BUNDLED_DIR, REFERENCE_FILES

    shared = settings.DSDW_SHARED_DIR / "domain" / "reference-data"
    if not shared.is_dir():
        pytest.fail(f"{shared} is missing: set DSDW_SHARED_DIR to the shared/ folder")
    for name in REFERENCE_FILES:
        assert (BUNDLED_DIR / name).read_bytes() == (shared / name).read_bytes(), name


def test_loader_falls_back_to_the_bundled_copy(tmp_path):
    from indicators.reference_data import BUNDLED_DIR, reference_dir

    assert reference_dir(tmp_path / "no-shared-here") == BUNDLED_DIR
