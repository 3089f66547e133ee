"""Model rules: Buddhist-Era calendar, validation messages in Thai, criteria rows to engine specs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators import scoring
from indicators.criteria_spec import build_spec, level_text
from indicators.models import Baseline, Criteria, FiscalYear, OrgUnit, ProvinceTarget, Round, ScoringPolicy
from indicators.models.calendar import fiscal_year_bounds, round_bounds
from indicators.templatetags.thai_dates import thai_date, thai_digits

pytestmark = pytest.mark.django_db


def test_fiscal_year_2566_runs_from_1_october_2565_to_30_september_2566():
    """DOMAIN.md §2.1: FY N (BE) = 1 Oct N-1 to 30 Sep N; BE = CE + 543."""
    assert fiscal_year_bounds(2566) == (dt.date(2022, 10, 1), dt.date(2023, 9, 30))
    year = FiscalYear.objects.create(be_year=2570)
    assert (year.start_date, year.end_date) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))


def test_round_one_is_six_months_and_round_two_is_cumulative():
    """DOMAIN.md §2.2: round 2 ("12 เดือน") is cumulative for the whole year."""
    assert round_bounds(2566, 1) == (dt.date(2022, 10, 1), dt.date(2023, 3, 31))
    assert round_bounds(2566, 2) == (dt.date(2022, 10, 1), dt.date(2023, 9, 30))


def test_a_round_outside_its_fiscal_year_is_refused(fy2566):
    round_ = Round(fiscal_year=fy2566, number=1, start_date=dt.date(2022, 10, 1), end_date=dt.date(2023, 12, 31))
    with pytest.raises(ValidationError, match="ช่วงเวลาของรอบต้องอยู่ในปีงบประมาณ"):
        round_.full_clean()


def test_fiscal_year_must_be_buddhist_era():
    with pytest.raises(ValidationError, match="ปีพุทธศักราช"):
        FiscalYear(be_year=2023).full_clean()


def test_thai_dates_and_digits():
    assert thai_date(dt.date(2021, 9, 30)) == "30 กันยายน 2564"
    assert thai_date(dt.date(2022, 9, 8), "short") == "8 ก.ย. 65"
    assert thai_digits("2566") == "๒๕๖๖"


def test_field_unit_needs_a_type_and_province_unit_a_province():
    with pytest.raises(ValidationError) as error:
        OrgUnit(code="x", kind=OrgUnit.Kind.FIELD_UNIT, name_th="หน่วยงานทดสอบ").full_clean()
    assert "หน่วยงานภาคสนามต้องระบุประเภทหน่วยงาน" in str(error.value)


def test_baseline_needs_a_value_or_text(fy2566):
    definition = fy2566.indicator_definitions.get(code="BUDGET")
    with pytest.raises(ValidationError, match="ต้องมีค่า"):
        Baseline(definition=definition, year_be=2561).full_clean()
    with pytest.raises(ValidationError, match="ตัวหารต้องมากกว่าศูนย์"):
        Baseline(definition=definition, year_be=2561, numerator=1, denominator=0).full_clean()


def test_province_target_must_add_up(fy2566):
    target = ProvinceTarget.objects.filter(definition__fiscal_year=fy2566).first()
    target.target += 1
    with pytest.raises(ValidationError, match="เป้าหมายต้องเท่ากับ"):
        target.full_clean()


def test_default_scoring_policy_mirrors_the_engine_default(fy2566):
    assert ScoringPolicy.objects.get(fiscal_year=fy2566).to_engine() == scoring.DEFAULT_POLICY


def test_policy_bands_must_be_ordered(fy2566):
    policy = ScoringPolicy.objects.get(fiscal_year=fy2566)
    policy.band_standard_high_min = Decimal(95)
    with pytest.raises(ValidationError, match="เรียงจากน้อยไปมาก"):
        policy.full_clean()


def _criteria(**fields):
    return Criteria(definition_id=1, round_number=2, **fields)


def test_three_level_rows_become_targets():
    rows = [{"level": lv, "threshold": Decimal(t)} for lv, t in ((50, "13.16"), (75, "17.55"), (100, "21.94"))]
    spec = build_spec(_criteria(method="three_level", scale="three_level"), rows)
    assert spec == {"method": "three_level", "direction": "higher", "targets": ["13.16", "17.55", "21.94"]}
    assert scoring.score(spec, {"numerator": 198, "denominator": 1424}) == Decimal("54.2141")


def test_missing_levels_are_named_in_thai():
    rows = [{"level": 1, "threshold": Decimal(1)}, {"level": 2, "threshold": Decimal(2)}]
    with pytest.raises(scoring.CriteriaError, match="ขาดระดับ 3, 4, 5"):
        build_spec(_criteria(method="five_level"), rows)


def test_undefined_milestone_levels_become_dashes():
    rows = [{"level": lv, "defined": lv in (1, 3, 5), "milestone_th": f"ขั้นตอน {lv}"} for lv in range(1, 6)]
    spec = build_spec(_criteria(method="milestones"), rows)
    assert spec["steps"] == [["ขั้นตอน 1"], None, ["ขั้นตอน 3"], None, ["ขั้นตอน 5"]]


def test_printed_band_texts():
    assert level_text("bands", {"band_min": Decimal("47.50"), "band_max": Decimal("49.49")}) == "47.50 – 49.49"
    assert level_text("bands", {"band_min": Decimal("30"), "band_min_inclusive": False}) == "สูงกว่า 30"
    assert level_text("bands", {"band_max": Decimal("55"), "band_max_inclusive": False}) == "ต่ำกว่า 55"
    assert level_text("five_level", {"defined": False}) == "..."
    assert level_text("milestones", {"defined": False}) == "-"
