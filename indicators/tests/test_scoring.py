"""Specification tests for ``indicators.scoring``: every worked example of DOMAIN.md §4 and §5.

Each test names the rule it pins down and cites the DOMAIN section it comes from. No Django:
run with ``python -m pytest indicators/tests/test_scoring*.py -p no:django``.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from indicators import scoring
from indicators.tests.specs import (
    ALERT,
    APHM_R2,
    BCG,
    BUDGET_R1,
    BUDGET_R2,
    CAPABILITY_FY2563,
    CAPABILITY_FY2564,
    DISSATISFACTION,
    DISSATISFACTION_THREE,
    E_FORM_FY2564,
    FY2564_INDICATOR_1,
    HOUSEHOLD_R1,
    HOUSEHOLD_R2,
    ITA_R2,
    MSDHS_2_1,
    PBO,
    PMQA_FY2564,
    PMQA_R1,
    PMQA_R2,
    REINTEGRATION_FY2564,
    RETURN_HOME_FY2564,
    SATISFACTION,
    SATISFACTION_COMPOSITE,
)

D = Decimal
THAI = re.compile(r"[\u0E00-\u0E7F]")
SCORING_DIR = Path(scoring.__file__).resolve().parent
SCORING_MODULES = sorted(SCORING_DIR.glob("*.py"))

ALL_SPECS = {
    "capability_fy2564": CAPABILITY_FY2564,
    "dissatisfaction_three": DISSATISFACTION_THREE,
    "bcg": BCG,
    "aphm_r2": APHM_R2,
    "household_r1": HOUSEHOLD_R1,
    "pmqa_r1": PMQA_R1,
    "fy2564_indicator_1": FY2564_INDICATOR_1,
    "budget_r1": BUDGET_R1,
    "budget_r2": BUDGET_R2,
    "ita_r2": ITA_R2,
    "dissatisfaction": DISSATISFACTION,
    "satisfaction_composite": SATISFACTION_COMPOSITE,
    "ereport": scoring.EREPORT_LEVEL_SPEC,
}


def value(x: Any) -> dict[str, Any]:
    return {"value": x}


def ratio(numerator: Any, denominator: Any) -> dict[str, Any]:
    return {"numerator": numerator, "denominator": denominator}


def policy(**changes: Any) -> scoring.ScoringPolicy:
    return scoring.ScoringPolicy(**changes)


def assert_thai(error: pytest.ExceptionInfo[BaseException]) -> None:
    assert THAI.search(str(error.value)), f"message is not Thai: {error.value}"


# =============================================================================================
# §4.a OPDC three-level targets 50 / 75 / 100
# =============================================================================================


def test_three_level_capability_improved_fy2564_scores_54_2141() -> None:
    """DOMAIN §4.a, §12.1 (document 000, indicator 3.1): 198/1,424 = 13.9045 -> 13.90 -> 54.2141."""
    # given the FY2564 targets 13.16 / 17.55 / 21.94 and the summed unit table 198 / 1,424
    criteria = scoring.criteria_from_dict(CAPABILITY_FY2564)
    # when
    result = scoring.evaluate(criteria, ratio(198, 1424))
    # then the rounded percentage is what is scored, the exact one is kept
    assert result.value == D("13.90")
    assert scoring.round_half_up(result.value_exact or D(0), 4) == D("13.9045")
    assert result.score == D("54.2141")
    assert scoring.score(criteria, ratio(198, 1424)) == D("54.2141")


def test_three_level_reintegration_fy2564_below_minimum_scores_0() -> None:
    """DOMAIN §4.a (document 000, indicator 3.2): 55/329 = 16.72 < t50 72.84 -> 0 (DOC 003 §3.3)."""
    assert scoring.score(scoring.criteria_from_dict(REINTEGRATION_FY2564), ratio(55, 329)) == D("0")


def test_three_level_return_to_family_fy2564_50_01_scores_0() -> None:
    """DOMAIN §4.a (document 000, indicator 4): 1,896/3,791 = 50.01 < 73.77 -> 0."""
    result = scoring.evaluate(RETURN_HOME_FY2564, ratio(1896, 3791))
    assert result.value == D("50.01")
    assert result.score == D("0")


def test_three_level_pmqa_426_86_above_t100_is_capped_at_100() -> None:
    """DOMAIN §4.a (document 000, indicator 5.2): 426.86 > t100 415.16 -> 100 (cap, OPEN-19)."""
    assert scoring.score(PMQA_FY2564, value("426.86")) == D("100")


def test_three_level_fy2563_capability_12_80_scores_89_0977() -> None:
    """DOMAIN §4.a (document 001 targets 10.72/12.05/13.38): 75 + 25 × 0.75/1.33 = 89.0977."""
    assert scoring.score(CAPABILITY_FY2563, value("12.80")) == D("89.0977")


def test_three_level_msdhs_2_1_result_85_scores_87_5() -> None:
    """DOMAIN §4.a (document 004, สป.พม. 2.1 targets 70/80/90): 75 + 25 × 5/10 = 87.5."""
    assert scoring.score(MSDHS_2_1, value(85)) == D("87.5")


def test_three_level_reaching_each_anchor_scores_exactly_50_75_100() -> None:
    """DOMAIN §4.a boundaries: x == t50 -> 50; x == t75 -> 75; x == t100 -> 100."""
    assert [scoring.score(CAPABILITY_FY2564, value(x)) for x in ("13.16", "17.55", "21.94")] == [50, 75, 100]


def test_three_level_lower_is_better_12_scores_90() -> None:
    """DOMAIN §4.a lower-is-better variant: t50=20, t75=15, t100=10, x=12 -> 75 + 25 × 3/5 = 90."""
    assert scoring.score(DISSATISFACTION_THREE, value(12)) == D("90")
    assert scoring.score(DISSATISFACTION_THREE, value(21)) == D("0")
    assert scoring.score(DISSATISFACTION_THREE, value(5)) == D("100")


def test_three_level_step_rule_gives_the_highest_anchor_reached() -> None:
    """DOMAIN §4.b / §12.1 (OPEN-19): with interpolation off the score is 0 / 50 / 75 / 100."""
    stepped = dict(CAPABILITY_FY2564, interpolate=False)
    assert scoring.score(stepped, value("13.90")) == D("50")
    assert scoring.score(CAPABILITY_FY2564, value("13.90"), policy(interpolate=False)) == D("50")
    # the per-criteria switch overrides the policy in both directions
    forced = dict(CAPABILITY_FY2564, interpolate=True)
    assert scoring.score(forced, value("13.90"), policy(interpolate=False)) == D("54.2141")


def test_three_level_can_score_the_unrounded_percentage_when_policy_says_so() -> None:
    """DOMAIN §12.1: rounding before scoring is a policy switch; the exact ratio is then used."""
    exact = D(198) * 100 / D(1424)
    expected = scoring.round_half_up(50 + 25 * (exact - D("13.16")) / (D("17.55") - D("13.16")), 4)
    result = scoring.score(CAPABILITY_FY2564, ratio(198, 1424), policy(round_percent_before_scoring=False))
    assert result == expected
    assert result != D("54.2141")


# =============================================================================================
# §4.b Five-level thresholds
# =============================================================================================


def test_five_level_bcg_55_00_scores_3_3620() -> None:
    """DOMAIN §4.b (BCG round 2, document 003): 3 + (55.00 − 53.19)/5 = 3.3620."""
    assert scoring.score(BCG, value("55.00")) == D("3.3620")


def test_five_level_bcg_fy2565_53_19_exactly_on_t3_scores_3() -> None:
    """DOMAIN §4.b: a result exactly on T3 scores 3.0000."""
    assert str(scoring.score(BCG, value("53.19"))) == "3.0000"


def test_five_level_bcg_70_is_capped_at_5() -> None:
    """DOMAIN §4.b: x >= T5 -> 5 (cap, OPEN-19)."""
    assert scoring.score(BCG, value(70)) == D(5)


def test_five_level_pmqa_452_08_scores_3_5() -> None:
    """DOMAIN §4.b (PMQA 4.0 round 2): 3 + 2.25/4.5 = 3.5000."""
    assert scoring.score(PMQA_R2, value("452.08")) == D("3.5")


def test_five_level_pmqa_412_46_scores_1_5() -> None:
    """DOMAIN §4.b: 1 + 12.46/24.92 = 1.5000."""
    assert scoring.score(PMQA_R2, value("412.46")) == D("1.5")


def test_five_level_public_benefit_organisations_9_of_40_scores_3_5() -> None:
    """DOMAIN §4.b: 9/40 = 22.50 % against 10/15/20/25/30 -> 3 + 2.5/5 = 3.5000."""
    assert scoring.score(PBO, ratio(9, 40)) == D("3.5")


def test_five_level_alert_system_92_5_scores_3_5() -> None:
    """DOMAIN §4.b (alert system action plan 80/85/90/95/100): 92.5 -> 3.5000."""
    assert scoring.score(ALERT, value("92.5")) == D("3.5")


def test_five_level_household_krabi_9500_of_10958_scores_3_6690() -> None:
    """DOMAIN §4.b, §12.1: 9,500/10,958 = 86.6947 % -> 86.69 -> 3 + 6.69/10 = 3.6690."""
    result = scoring.evaluate(HOUSEHOLD_R2, ratio(9500, 10958))
    assert result.value == D("86.69")
    assert scoring.round_half_up(result.value_exact or D(0), 4) == D("86.6947")
    assert result.score == D("3.6690")


def test_five_level_below_level_1_scores_0_by_default() -> None:
    """DOMAIN §4.b, OPEN-5: below T1 -> 0 (by analogy with the DOC rule of §4.a)."""
    assert scoring.score(BCG, value("43.18")) == D("0")


def test_five_level_below_level_1_alternatives_one_and_extrapolate() -> None:
    """DOMAIN §4.b, OPEN-5 alternatives: 1, or linear with the T1..T2 slope floored at 0."""
    assert scoring.score(BCG, value("40.69"), policy(below_floor="one")) == D("1")
    assert scoring.score(BCG, value("40.69"), policy(below_floor="extrapolate")) == D("0.5")
    assert scoring.score(BCG, value("30"), policy(below_floor="extrapolate")) == D("0")


def test_five_level_aphm_undefined_levels_73_04_scores_3() -> None:
    """DOMAIN §4.b, OPEN-6 (อพม. round 2: levels 1, 2, 4 printed "..."): 73.04 -> 3."""
    assert scoring.score(APHM_R2, value("73.04")) == D("3")


def test_five_level_aphm_interpolates_between_defined_neighbours() -> None:
    """DOMAIN §4.b, OPEN-6: 3 + 2 × (x − 73.04)/26.96; 86.52 (the implied level 4) -> 4."""
    assert scoring.score(APHM_R2, value("86.52")) == D("4")
    assert scoring.score(APHM_R2, value("80")) == scoring.round_half_up(3 + 2 * D("6.96") / D("26.96"), 4)
    assert scoring.score(APHM_R2, value("100")) == D("5")


def test_five_level_aphm_below_lowest_defined_level_scores_0() -> None:
    """DOMAIN §4.b, OPEN-6: nothing below the lowest defined level (73.04) -> 0."""
    assert scoring.score(APHM_R2, value("73.03")) == D("0")


def test_five_level_step_rule_scores_the_highest_level_reached() -> None:
    """DOMAIN §4.b: the step alternative (per criteria) gives integers; "..." levels are skipped."""
    assert scoring.score(dict(BCG, interpolate=False), value("55.00")) == D("3")
    assert scoring.score(dict(APHM_R2, interpolate=False), value("99.99")) == D("3")


def test_five_level_lower_is_better_applies_the_rule_to_negated_values() -> None:
    """DOMAIN §4.0, §4.d: a reverse threshold indicator is scored on −x."""
    reverse = {"method": "five_level", "direction": "lower", "thresholds": [30, 25, 20, 15, 10]}
    assert scoring.score(reverse, value("22.5")) == D("2.5")
    assert scoring.score(reverse, value("31")) == D("0")
    assert scoring.score(reverse, value("9")) == D("5")


# =============================================================================================
# §4.c Milestones, maturity states and mixed criteria
# =============================================================================================


def test_milestones_pmqa_round1_steps_1_and_3_done_scores_3() -> None:
    """DOMAIN §4.c: PMQA round 1 (levels 2 and 4 are "-"), steps 1 and 3 done, 5 not -> 3."""
    measurement = {"completed": {"1": [True], "3": [True], "5": [False]}}
    assert scoring.score(PMQA_R1, measurement) == D("3")


def test_milestones_only_step_1_done_scores_1_never_the_dash_level_2() -> None:
    """DOMAIN §4.c, OPEN-7: a "-" level cannot be earned on its own -> 1, never 2."""
    assert scoring.score(PMQA_R1, {"completed": {"1": [True]}}) == D("1")


def test_milestones_step_3_done_without_step_1_scores_0_under_the_cumulative_rule() -> None:
    """DOMAIN §4.c, OPEN-8: out-of-order completion -> 0 (cumulative); 3 when not cumulative."""
    measurement = {"completed": {"1": [False], "3": [True]}}
    assert scoring.score(PMQA_R1, measurement) == D("0")
    assert scoring.score(PMQA_R1, measurement, policy(milestone_cumulative=False)) == D("3")


def test_milestones_all_steps_done_scores_5() -> None:
    """DOMAIN §4.c: every defined step complete -> the top level."""
    assert scoring.score(PMQA_R1, {"completed": {"1": True, "3": True, "5": True}}) == D("5")


def test_milestones_fy2564_indicator_1_half_of_the_100_level_scores_75() -> None:
    """DOMAIN §4.c, OPEN-9 (document 000 indicator 1): 100-level deliverable (b) not done -> 75."""
    measurement = {"completed": {"50": [True, True], "75": [True], "100": [True, False]}}
    assert scoring.score(FY2564_INDICATOR_1, measurement) == D("75")


def test_milestones_fy2564_indicator_1_with_partial_credit_scores_87_5() -> None:
    """DOMAIN §4.c, OPEN-9 alternative: 75 + 25 × 1/2 = 87.5."""
    measurement = {"completed": {"50": [True, True], "75": [True], "100": [True, False]}}
    assert scoring.score(FY2564_INDICATOR_1, measurement, policy(milestone_partial_credit=True)) == D("87.5")


def test_milestones_three_level_with_the_50_level_incomplete_scores_0() -> None:
    """DOMAIN §4.c [DOC 003 §3.3]: 50-level deliverables incomplete -> 0, even with partial credit."""
    measurement = {"completed": {"50": [True, False], "75": [True]}}
    assert scoring.score(FY2564_INDICATOR_1, measurement) == D("0")
    assert scoring.score(FY2564_INDICATOR_1, measurement, policy(milestone_partial_credit=True)) == D("0")


def test_maturity_state_e_form_achieved_level_100_scores_100() -> None:
    """DOMAIN §4.c (FY2564 5.1 e-form): secure online form with attachments -> 100."""
    assert scoring.score(E_FORM_FY2564, {"achieved_level": "100"}) == D("100")
    assert scoring.score(E_FORM_FY2564, {"achieved_level": 75}) == D("75")


def test_maturity_state_must_be_a_defined_level() -> None:
    """DOMAIN §4.c: a state that is not a level of the criteria is refused (Thai message)."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.score(E_FORM_FY2564, {"achieved_level": "60"})
    assert_thai(error)
    with pytest.raises(scoring.MeasurementError):
        scoring.score(PMQA_R1, {"achieved_level": "2"})  # a "-" level


def test_milestones_missing_level_key_means_not_done() -> None:
    """DOMAIN §4.c: a level absent from ``completed`` is not complete."""
    assert scoring.score(PMQA_R1, {"completed": {}}) == D("0")


def test_milestones_refuse_a_dash_level_marked_done() -> None:
    """DOMAIN §4.c: the UI greys "-" levels out; marking one done is an input error."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.score(PMQA_R1, {"completed": {"2": [True]}})
    assert_thai(error)


def test_milestones_refuse_a_wrong_number_of_deliverable_flags() -> None:
    """DOMAIN §4.c: one boolean per deliverable."""
    with pytest.raises(scoring.MeasurementError):
        scoring.score(FY2564_INDICATOR_1, {"completed": {"50": [True]}})


def test_mixed_household_round1_milestone_done_and_35_percent_scores_3_5() -> None:
    """DOMAIN §4.c mixed criteria (household round 1): milestone done, 35 % -> 3.5."""
    assert scoring.score(HOUSEHOLD_R1, {"level1_milestone_done": True, "value": "35"}) == D("3.5")


def test_mixed_household_round1_milestone_not_done_scores_0() -> None:
    """DOMAIN §4.c: milestone not done -> 0 whatever the percentage."""
    assert scoring.score(HOUSEHOLD_R1, {"level1_milestone_done": False, "value": "35"}) == D("0")
    assert scoring.score(HOUSEHOLD_R1, {"level1_milestone_done": False}) == D("0")


def test_mixed_household_round1_milestone_done_below_20_percent_scores_1() -> None:
    """DOMAIN §4.c, OPEN-10: done and x < 20 -> 1 (no interpolation by default)."""
    assert scoring.score(HOUSEHOLD_R1, {"level1_milestone_done": True, "value": "10"}) == D("1")


def test_mixed_household_round1_50_percent_or_more_scores_5() -> None:
    """DOMAIN §4.c: x >= 50 -> 5."""
    assert scoring.score(HOUSEHOLD_R1, {"level1_milestone_done": True, "value": "50"}) == D("5")
    assert scoring.score(HOUSEHOLD_R1, {"level1_milestone_done": True, "value": "72"}) == D("5")


def test_mixed_household_round1_can_interpolate_from_0_percent_when_policy_says_so() -> None:
    """DOMAIN §4.c, OPEN-10 alternative: level 1 at 0 % rising to level 2 at 20 %: 10 % -> 1.5."""
    measurement = {"level1_milestone_done": True, "value": "10"}
    assert scoring.score(HOUSEHOLD_R1, measurement, policy(mixed_level1_interpolate=True)) == D("1.5")


def test_mixed_household_round1_requires_the_milestone_flag() -> None:
    """DOMAIN §4.c: the milestone status is part of the result."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.score(HOUSEHOLD_R1, value("35"))
    assert_thai(error)


# =============================================================================================
# §4.d Reverse bands, §4.e range bands
# =============================================================================================


@pytest.mark.parametrize(("x", "level"), [("30.00", 2), ("30.01", 1), ("15.00", 4), ("14.99", 5), ("25.00", 2)])
def test_dissatisfaction_reverse_bands_follow_the_printed_boundaries(x: str, level: int) -> None:
    """DOMAIN §4.d: 30.00 belongs to level 2, only > 30.00 is 1; 15.00 is 4, only < 15.00 is 5."""
    assert scoring.score(DISSATISFACTION, value(x)) == D(level)


def test_reverse_band_gap_takes_the_lower_level_symmetrically() -> None:
    """DOMAIN §4.e, OPEN-11 on −x: 24.995 (between 20.00–24.99 and 25.00–30.00) -> level 2."""
    assert scoring.score(DISSATISFACTION, value("24.995")) == D("2")


@pytest.mark.parametrize(("x", "level"), [("97.96", 4), ("93.50", 2), ("93.49", 1), ("99.50", 5), ("100", 5)])
def test_budget_round2_bands(x: str, level: int) -> None:
    """DOMAIN §4.e: budget FY2565 97.96 -> 4; 93.50 -> 2."""
    assert scoring.score(BUDGET_R2, value(x)) == D(level)


def test_budget_round1_40_scores_1_and_53_50_scores_5() -> None:
    """DOMAIN §4.e: round-1 budget 40.00 -> 1; 53.50 -> 5 (open-ended level 5)."""
    assert scoring.score(BUDGET_R1, value("40.00")) == D("1")
    assert scoring.score(BUDGET_R1, value("53.50")) == D("5")


def test_budget_gap_97_495_is_half_open_by_lower_bound_and_scores_3() -> None:
    """DOMAIN §4.e, OPEN-11: 97.495 (between 97.49 and 97.50) -> 3 on the unrounded value."""
    assert scoring.score(BUDGET_R2, value("97.495")) == D("3")


def test_budget_gap_rounded_first_scores_4_when_policy_says_so() -> None:
    """DOMAIN §4.e, OPEN-11 alternative: round to 2 decimals first -> 97.50 -> 4."""
    assert scoring.score(BUDGET_R2, value("97.495"), policy(band_round_value_first=True)) == D("4")


def test_ita_88_02_scores_5_and_54_99_scores_1() -> None:
    """DOMAIN §4.e: ITA FY2565 88.02 -> 5; 54.99 -> 1."""
    assert scoring.score(ITA_R2, value("88.02")) == D("5")
    assert scoring.score(ITA_R2, value("54.99")) == D("1")


def test_bands_above_the_top_printed_range_stay_at_level_5() -> None:
    """DOMAIN §4.e half-open rule: above the last printed maximum (100) is still level 5."""
    assert scoring.score(BUDGET_R2, ratio(101, 100)) == D("5")


def test_bands_integer_levels_are_never_interpolated() -> None:
    """DOMAIN §4.e: banded criteria score the integer level even with interpolation on."""
    assert scoring.score(BUDGET_R2, value("96.40"), policy(interpolate=True, external_interpolate=True)) == D("3")


# =============================================================================================
# §4.f Composite (satisfaction AND dissatisfaction)
# =============================================================================================


def test_composite_satisfaction_86_20_dissatisfaction_12_00_scores_5_under_every_rule() -> None:
    """DOMAIN §4.f: 86.20 % / 12.00 % -> levels 5 and 5 -> 5 (min, mean and first)."""
    measurement = {"parts": [value("86.20"), value("12.00")]}
    for combine in ("min", "mean", "first"):
        assert scoring.score(SATISFACTION_COMPOSITE, measurement, policy(composite_combine=combine)) == D("5")


@pytest.mark.parametrize(("combine", "expected"), [("min", 2), ("mean", 3), ("first", 4)])
def test_composite_82_26_scores_2_min_3_mean_4_first(combine: str, expected: int) -> None:
    """DOMAIN §4.f, OPEN-12: 82.00 % (level 4) and 26.00 % (level 2) -> 2 / 3 / 4."""
    measurement = {"parts": [value("82.00"), value("26.00")]}
    assert scoring.score(SATISFACTION_COMPOSITE, measurement, policy(composite_combine=combine)) == D(expected)


def test_composite_default_is_the_lower_level() -> None:
    """DOMAIN §12.1 (OPEN-12): min of the two levels by default."""
    assert scoring.score(SATISFACTION_COMPOSITE, {"parts": [value(82), value(26)]}) == D("2")


def test_composite_combine_in_the_criteria_overrides_the_policy() -> None:
    """DOMAIN §4.f: ``combine`` in the spec wins over ``policy.composite_combine``."""
    spec = dict(SATISFACTION_COMPOSITE, combine="first")
    assert scoring.score(spec, {"parts": [value(82), value(26)]}, policy(composite_combine="min")) == D("4")


def test_composite_measurement_needs_one_result_per_part() -> None:
    """DOMAIN §4.f: both measures are required."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.score(SATISFACTION_COMPOSITE, {"parts": [value(82)]})
    assert_thai(error)


# =============================================================================================
# §4.g External systems
# =============================================================================================


def test_energy_electricity_17_0_and_fuel_12_5_total_7_0_is_level_3() -> None:
    """DOMAIN §4.g (document 003 points table): 4.0 + 3.0 = 7.0 -> level 3."""
    total = scoring.ereport_energy_score("17.0", "12.5")
    assert total == D("7.0")
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value(total)) == D("3")


def test_energy_electricity_3_5_and_fuel_10_0_total_3_0_is_level_1() -> None:
    """DOMAIN §4.g: 0.5 + 2.5 = 3.0 -> level 1."""
    total = scoring.ereport_energy_score("3.5", "10.0")
    assert total == D("3.0")
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value(total)) == D("1")


def test_energy_points_table_edges() -> None:
    """DOMAIN §4.g: < 4.00 -> 0.5; 4.00 -> 1; 5.995 (gap) -> 1; >= 20 -> 5; more use -> 0.5."""
    assert scoring.ereport_energy_score("3.99", "4.00") == D("1.5")
    assert scoring.ereport_energy_score("5.995", "20") == D("6.0")
    assert scoring.ereport_energy_score("-2.5", "35") == D("5.5")


def test_waste_25_100_92_100_averages_9_0_and_is_level_5() -> None:
    """DOMAIN §4.g (document 003): (8 + 10 + 8 + 10)/4 = 9.0 -> level 5."""
    total = scoring.ereport_waste_score(25, 100, 92, 100)
    assert total == D("9.0")
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value(total)) == D("5")


def test_waste_sub_score_gaps_are_half_open_by_lower_bound() -> None:
    """DOMAIN §4.g + OPEN-11: 8.995 % disposal (between 8.99 and 9.00) -> 2; 99.995 bags -> 9."""
    assert scoring.ereport_waste_score("8.995", 100, 100, 100) == D("8.0")  # (2 + 10 + 10 + 10) / 4
    assert scoring.ereport_waste_score(30, "99.995", 100, 100) == D("9.75")
    assert scoring.ereport_waste_score("5.99", "59.99", 0, 0) == D("1")


def test_waste_fy2565_9_5_is_level_5() -> None:
    """DOMAIN §4.g: FY2565 waste total 9.5 -> level 5."""
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value("9.5")) == D("5")


@pytest.mark.parametrize(("total", "level"), [("5.99", 1), ("6", 2), ("7", 3), ("8", 4), ("9", 5), ("10", 5), ("1", 1)])
def test_ereport_level_mapping(total: str, level: int) -> None:
    """DOMAIN §4.g: < 6 -> 1; 6 -> 2; 7 -> 3; 8 -> 4; >= 9 -> 5."""
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value(total)) == D(level)


def test_ereport_6_5_scores_2_by_step_and_2_5_when_policy_interpolates() -> None:
    """DOMAIN §4.g, OPEN-14: energy 6.5 (3.5 + 3.0) -> 2 (step), 2.5 with external_interpolate."""
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value("6.5")) == D("2")
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value("6.5"), policy(external_interpolate=True)) == D("2.5")
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value("9.5"), policy(external_interpolate=True)) == D("5")
    assert scoring.score(scoring.EREPORT_LEVEL_SPEC, value("4"), policy(external_interpolate=True)) == D("1")


def test_pmqa_total_fy2564_reviewer_scores_426_86_and_3_41() -> None:
    """DOMAIN §4.g (document 000): mean of the 7 categories 426.86; × 4/500 = 3.41."""
    reviewer = ["453.13", "437.5", "442.71", "434.03", "421.88", "468.75", "330"]
    assert scoring.pmqa_total(reviewer) == (D("426.86"), D("3.41"))


def test_pmqa_total_fy2564_self_assessment_and_all_agency_mean() -> None:
    """DOMAIN §4.g: self-assessment 482.38 -> 3.86; all-agency mean 370.96 -> 2.97."""
    assert scoring.pmqa_total([500, 500, 500, 500, 500, 500, "376.67"]) == (D("482.38"), D("3.86"))
    agencies = ["384.34", "392.59", "375.81", "386.34", "372", "383.17", "302.49"]
    assert scoring.pmqa_total(agencies) == (D("370.96"), D("2.97"))


def test_pmqa_total_needs_seven_categories() -> None:
    """DOMAIN §4.g: PMQA 4.0 has 7 categories."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.pmqa_total([400] * 6)
    assert_thai(error)


# =============================================================================================
# §4.h Division score from provincial scores
# =============================================================================================

HOUSEHOLD_PROVINCES = [(9862, 10958), (11709, 14637), (13122, 13122), (2500, 3121)]


def test_division_average_of_four_provinces_is_3_7525() -> None:
    """DOMAIN §4.h: (4 + 3 + 5 + 3.01)/4 = 3.7525."""
    assert scoring.division_average([4, 3, 5, "3.01"]) == D("3.7525")


def test_division_provinces_are_scored_on_rounded_percentages() -> None:
    """DOMAIN §4.h table: 89.9982 -> 90.00 -> 4; 79.9959 -> 80.00 -> 3; 80.1025 -> 80.10 -> 3.01."""
    scores = [scoring.score(HOUSEHOLD_R2, ratio(done, target)) for done, target in HOUSEHOLD_PROVINCES]
    assert scores == [D("4"), D("3"), D("5"), D("3.01")]
    assert scoring.division_score(HOUSEHOLD_PROVINCES, HOUSEHOLD_R2) == D("3.7525")


def test_division_score_open_15_mean_of_scores_mean_of_percentages_pooled() -> None:
    """DOMAIN §4.h, OPEN-15: (1,000/1,000) and (5,400/9,000): 3.0 / 3.0 / pooled 64 % -> 1.4."""
    provinces = [(1000, 1000), (5400, 9000)]
    assert scoring.division_score(provinces, HOUSEHOLD_R2) == D("3")
    assert scoring.division_score(provinces, HOUSEHOLD_R2, policy(division_average_method="mean_of_percentages")) == D(
        "3"
    )
    assert scoring.division_score(provinces, HOUSEHOLD_R2, policy(division_average_method="pooled")) == D("1.4")
    assert scoring.division_score(provinces, HOUSEHOLD_R2, method="pooled") == D("1.4")


def test_division_average_of_no_province_is_an_error() -> None:
    """DOMAIN §4.h: an empty province list cannot be averaged (Thai message)."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.division_average([])
    assert_thai(error)
    with pytest.raises(scoring.MeasurementError):
        scoring.division_score([], HOUSEHOLD_R2)


# =============================================================================================
# §4.i Weighted totals and rating bands
# =============================================================================================


def test_weighted_total_fy2564_department_scorecard_is_54_1714_needs_improvement() -> None:
    """DOMAIN §4.i: weights 15,15,10,10,20,15,15; scores 75,50,54.2141,0,0,100,100 -> 54.1714."""
    items = [(15, 75), (15, 50), (10, "54.2141"), (10, 0), (20, 0), (15, 100), (15, 100)]
    total = scoring.weighted_total(items, scale="three_level")
    assert total.weighted_sum == D("5417.141")
    assert total.weight_total == D(100)
    assert total.total_100 == D("54.1714")
    assert total.band.code == "needs_improvement"
    assert total.band.label_th == "ระดับต้องปรับปรุง"
    assert total.scale == "three_level"
    assert total.missing == 0


KOR_KOR_SOR = [(35, "4.2"), (15, "3.7"), (10, 3), (10, 2), (5, 5), (5, "3.5"), (5, 5), (5, 4), (5, 5), (5, 5)]
KOR_OR_SOR = [(50, 3), (20, 3), (5, 5), (5, 3), (5, 3), (5, 3), (5, 4), (5, 5)]


def test_weighted_total_kor_kor_sor_390_is_78_standard_high() -> None:
    """DOMAIN §4.i (กคส. framework 3): Σค = 390 -> 390/5 = 78.00 -> ระดับมาตรฐานขั้นสูง."""
    total = scoring.weighted_total(KOR_KOR_SOR, scale="five_level")
    assert total.weighted_sum == D("390")
    assert total.total_100 == D("78.00")
    assert total.band.label_th == "ระดับมาตรฐานขั้นสูง"


def test_weighted_total_kor_kor_sor_opdc_anchored_is_86_25() -> None:
    """DOMAIN §4.i, OPEN-17 option 2: 50 + 12.5 × (s − 1) per score -> 86.25."""
    total = scoring.weighted_total(KOR_KOR_SOR, scale="five_level", policy=policy(five_level_total="opdc_anchored"))
    assert total.total_100 == D("86.25")
    assert total.band.code == "standard_high"


def test_weighted_total_kor_or_sor_325_is_65_standard_basic_and_78_125_opdc() -> None:
    """DOMAIN §4.i (กอส. framework 7): 325/5 = 65.00 -> ขั้นต้น; OPDC-anchored 78.125 -> ขั้นสูง."""
    default = scoring.weighted_total(KOR_OR_SOR, scale="five_level")
    assert default.weighted_sum == D("325")
    assert default.total_100 == D("65.00")
    assert default.band.label_th == "ระดับมาตรฐานขั้นต้น"
    anchored = scoring.weighted_total(KOR_OR_SOR, scale="five_level", policy=policy(five_level_total="opdc_anchored"))
    assert anchored.total_100 == D("78.125")
    assert anchored.band.label_th == "ระดับมาตรฐานขั้นสูง"


def test_weighted_total_five_level_extremes_level_5_is_100_and_level_3_is_60() -> None:
    """DOMAIN §4.i option 1: level 5 everywhere -> 100; level 3 everywhere -> 60."""
    assert scoring.weighted_total([(70, 5), (30, 5)]).total_100 == D(100)
    assert scoring.weighted_total([(70, 3), (30, 3)]).total_100 == D(60)


def test_weighted_total_opdc_anchoring_of_scores_below_1_is_linear_from_0() -> None:
    """docs/scoring.md (OPEN-17 option 2): 0 -> 0, 0.5 -> 25 (50 × s), 1 -> 50."""
    anchored = policy(five_level_total="opdc_anchored")
    assert scoring.weighted_total([(100, 0)], policy=anchored).total_100 == D(0)
    assert scoring.weighted_total([(100, "0.5")], policy=anchored).total_100 == D(25)
    assert scoring.weighted_total([(100, 1)], policy=anchored).total_100 == D(50)


def test_weighted_total_missing_result_counts_as_zero() -> None:
    """DOMAIN §4.i / docs: a None score is 0 in the total and counted in ``missing``."""
    total = scoring.weighted_total([(50, 5), (50, None)])
    assert total.total_100 == D(50)
    assert total.missing == 1


def test_weighted_total_refuses_negative_weights_and_out_of_scale_scores() -> None:
    """DOMAIN §4.i: weights are non-negative percents; scores 0–5 or 0–100 by scale."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.weighted_total([(-5, 3)])
    assert_thai(error)
    with pytest.raises(scoring.MeasurementError):
        scoring.weighted_total([(100, 6)], scale="five_level")
    with pytest.raises(scoring.MeasurementError):
        scoring.weighted_total([(100, 101)], scale="three_level")
    with pytest.raises(scoring.MeasurementError):
        scoring.weighted_total([(100, -1)], scale="three_level")


@pytest.mark.parametrize(
    ("total", "code"),
    [
        ("100", "quality"),
        ("90", "quality"),
        ("89.995", "standard_high"),
        ("89.99", "standard_high"),
        ("75", "standard_high"),
        ("74.99", "standard_basic"),
        ("60", "standard_basic"),
        ("59.9999", "needs_improvement"),
        ("0", "needs_improvement"),
    ],
)
def test_rating_bands_on_the_unrounded_total(total: str, code: str) -> None:
    """DOMAIN §4.i, OPEN-16: >= 90 quality, >= 75 standard-high, >= 60 standard-basic, unrounded."""
    assert scoring.band_for(total).code == code


def test_rating_band_89_995_moves_to_quality_only_when_policy_rounds_first() -> None:
    """DOMAIN §4.i, OPEN-16 alternative: rounding to 2 decimals first gives 90.00 -> quality."""
    assert scoring.band_for("89.995", policy(band_on_rounded_total=True)).code == "quality"


def test_rating_band_labels_and_minimums() -> None:
    """DOMAIN §4.i table: Thai labels and lower bounds 90 / 75 / 60 / 0."""
    bands = [scoring.band_for(x) for x in (95, 80, 65, 10)]
    assert [(b.label_th, b.min) for b in bands] == [
        ("ระดับคุณภาพ", D(90)),
        ("ระดับมาตรฐานขั้นสูง", D(75)),
        ("ระดับมาตรฐานขั้นต้น", D(60)),
        ("ระดับต้องปรับปรุง", D(0)),
    ]


def test_weighted_total_band_uses_the_unrounded_total() -> None:
    """DOMAIN §4.i, OPEN-16: a 89.995 total stays standard-high although it prints 89.9950."""
    total = scoring.weighted_total([(100, "4.49975")])
    assert total.total_100_exact == D("89.995")
    assert total.band.code == "standard_high"


# =============================================================================================
# §5.2 growth targets, §5.3 provincial household targets
# =============================================================================================


def test_growth_targets_fy2563_indicator_1_1_are_10_72_12_05_13_38() -> None:
    """DOMAIN §5.2 (document 001): 2561 9.39 %, 2562 10.72 % -> g 1.33 -> 10.72 / 12.05 / 13.38."""
    assert scoring.growth_targets({2561: "9.39", 2562: "10.72"}) == (D("10.72"), D("12.05"), D("13.38"))


def test_growth_targets_fy2563_indicator_1_2_are_69_97_71_36_72_75() -> None:
    """DOMAIN §5.2: 68.58 -> 69.97, growth 1.39 -> 69.97 / 71.36 / 72.75."""
    assert scoring.growth_targets({"2561": "68.58", "2562": "69.97"}) == (D("69.97"), D("71.36"), D("72.75"))


def test_growth_targets_use_the_two_latest_years() -> None:
    """DOMAIN §5.2: the last year and the one before it, whatever the key order."""
    assert scoring.growth_targets({2562: "10.72", 2560: "1", 2561: "9.39"}) == (D("10.72"), D("12.05"), D("13.38"))
    with pytest.raises(scoring.MeasurementError):
        scoring.growth_targets({2562: "10.72"})


def test_province_targets_kanchanaburi_uses_the_unrounded_target() -> None:
    """DOMAIN §5.3: r = 10,842 -> +3,795 -> 14,637; 50 % = 7,318 (not 7,319 from the rounded target)."""
    targets = scoring.province_targets(10842)
    assert (targets.base, targets.increase, targets.target) == (10842, 3795, 14637)
    assert targets.counts[50] == 7318
    assert targets.counts == {
        20: 2927, 30: 4391, 40: 5855, 50: 7318, 60: 8782, 70: 10246, 80: 11709, 90: 13173, 100: 14637,
    }  # fmt: skip


def test_province_targets_printed_total_row_572_976() -> None:
    """DOMAIN §5.3: the total row is computed from r = 572,976 -> 200,542 / 773,518."""
    targets = scoring.province_targets(572976)
    assert (targets.increase, targets.target) == (200542, 773518)
    assert targets.counts[20] == 154704
    assert targets.counts[100] == 773518


def test_province_targets_refuse_a_fractional_household_count() -> None:
    """DOMAIN §5.3: the base is a number of households."""
    with pytest.raises(scoring.MeasurementError):
        scoring.province_targets("10.5")


# =============================================================================================
# §3.8 percentages, measurements and errors
# =============================================================================================


def test_percentage_keeps_rounded_and_exact_values() -> None:
    """DOMAIN §3.3, §3.8: 25/32 = 78.125 is printed 78.13 (half-up); the exact value is kept."""
    result = scoring.percentage(25, 32)
    assert result.value_rounded == D("78.13")
    assert result.value_exact == D("78.125")
    assert not result.over_100


def test_zero_denominator_is_not_computable() -> None:
    """DOMAIN §3.8: a zero denominator means "not computable" -> MeasurementError in Thai."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.percentage(0, 0)
    assert_thai(error)
    assert "ตัวหาร" in str(error.value)
    with pytest.raises(scoring.MeasurementError):
        scoring.score(HOUSEHOLD_R2, ratio(5, 0))


def test_numerator_greater_than_denominator_is_allowed_and_flagged() -> None:
    """DOMAIN §11.1 (000 table 3.2 row 3: 7 > 1): allowed; ``over_100`` lets the caller flag it."""
    result = scoring.percentage(7, 1)
    assert result.value_rounded == D("700.00")
    assert result.over_100
    assert scoring.score(CAPABILITY_FY2564, ratio(7, 1)) == D("100")


def test_missing_result_is_an_error() -> None:
    """STYLE practice 1: a missing result has an explicit rule -> MeasurementError (Thai)."""
    for measurement in ({}, {"value": None}, None, {"numerator": 5}):
        with pytest.raises(scoring.MeasurementError) as error:
            scoring.score(BCG, measurement)  # type: ignore[arg-type]
        assert_thai(error)


def test_negative_results_are_refused_where_meaningless() -> None:
    """DOMAIN §3.8: percentages and counts cannot be negative."""
    for measurement in (value("-1"), ratio(-1, 10), ratio(1, -10)):
        with pytest.raises(scoring.MeasurementError) as error:
            scoring.score(BCG, measurement)
        assert_thai(error)


def test_negative_results_are_allowed_when_the_criteria_have_negative_thresholds() -> None:
    """A change indicator may legitimately be negative when its thresholds are."""
    change = {"method": "five_level", "thresholds": ["-2", "-1", "0", "1", "2"]}
    assert scoring.score(change, value("-1.5")) == D("1.5")


def test_unknown_or_inapplicable_measurement_keys_are_refused() -> None:
    """Typos must not be silently ignored."""
    with pytest.raises(scoring.MeasurementError) as error:
        scoring.score(BCG, {"valeu": 5})
    assert_thai(error)
    with pytest.raises(scoring.MeasurementError):
        scoring.score(BCG, {"completed": {"1": [True]}})
    with pytest.raises(scoring.MeasurementError):
        scoring.score(BCG, {"value": 5, "numerator": 1, "denominator": 2})


def test_numbers_may_be_str_int_decimal_or_float() -> None:
    """Inputs are converted to Decimal; floats through str (0.1 is Decimal("0.1"))."""
    for x in ("55.00", D("55.00"), 55.0, "55"):
        assert scoring.score(BCG, value(x)) == D("3.3620")
    assert scoring.score(BCG, 55) == D("3.3620")  # a bare number is {"value": 55}
    assert scoring.score(HOUSEHOLD_R2, ratio("9,500", "10,958")) == D("3.6690")  # thousands separators
    assert scoring.percentage(0.1, 0.3).value_rounded == D("33.33")


def test_non_numeric_and_non_finite_inputs_are_refused() -> None:
    """Thai message for garbage input."""
    for bad in ("abc", "NaN", float("inf"), True):
        with pytest.raises(scoring.MeasurementError) as error:
            scoring.score(BCG, value(bad))
        assert_thai(error)


def test_errors_are_value_errors() -> None:
    """Public contract: both errors subclass ValueError."""
    assert issubclass(scoring.CriteriaError, ValueError)
    assert issubclass(scoring.MeasurementError, ValueError)


# =============================================================================================
# Criteria validation (Thai messages)
# =============================================================================================

INVALID_SPECS: dict[str, Any] = {
    "three_level_unordered": {"method": "three_level", "direction": "higher", "targets": [20, 15, 10]},
    "three_level_lower_unordered": {"method": "three_level", "direction": "lower", "targets": [10, 15, 20]},
    "three_level_duplicate": {"method": "three_level", "targets": [10, 10, 20]},
    "three_level_two_targets": {"method": "three_level", "targets": [10, 20]},
    "three_level_bad_number": {"method": "three_level", "targets": [10, "x", 20]},
    "bad_direction": {"method": "three_level", "direction": "up", "targets": [10, 15, 20]},
    "five_level_unordered": {"method": "five_level", "thresholds": [1, 2, 4, 3, 5]},
    "five_level_unordered_with_nulls": {"method": "five_level", "thresholds": [None, 5, None, 3, None]},
    "five_level_all_null": {"method": "five_level", "thresholds": [None, None, None, None, None]},
    "five_level_four_values": {"method": "five_level", "thresholds": [1, 2, 3, 4]},
    "five_level_milestone_with_t1": {"method": "five_level", "thresholds": [10, 20, 30, 40, 50], "level1_milestone": "x"},
    "five_level_milestone_empty": {"method": "five_level", "thresholds": [None, 20, 30, 40, 50], "level1_milestone": " "},
    "five_level_interpolate_not_bool": {"method": "five_level", "thresholds": [1, 2, 3, 4, 5], "interpolate": "no"},
    "bands_overlap": {
        "method": "bands",
        "bands": [
            {"level": 1, "min": 0, "max": 50},
            {"level": 2, "min": 50, "max": 60},
            {"level": 3, "min": 61, "max": 70},
            {"level": 4, "min": 71, "max": 80},
            {"level": 5, "min": 81, "max": None},
        ],
    },
    "bands_missing_level": {
        "method": "bands",
        "bands": [{"level": 1, "min": 0, "max": 50}, {"level": 2, "min": 51, "max": None}],
    },
    "bands_duplicate_level": {
        "method": "bands",
        "bands": [{"level": lv, "min": 10 * i, "max": 10 * i + 9} for i, lv in enumerate([1, 2, 3, 3, 5])],
    },
    "bands_zigzag": {
        "method": "bands",
        "bands": [
            {"level": 1, "min": 0, "max": 9},
            {"level": 2, "min": 10, "max": 19},
            {"level": 3, "min": 40, "max": 49},
            {"level": 4, "min": 30, "max": 39},
            {"level": 5, "min": 50, "max": None},
        ],
    },
    "bands_min_above_max": {
        "method": "bands",
        "bands": [
            {"level": 1, "min": 9, "max": 0},
            {"level": 2, "min": 10, "max": 19},
            {"level": 3, "min": 20, "max": 29},
            {"level": 4, "min": 30, "max": 39},
            {"level": 5, "min": 40, "max": None},
        ],
    },
    "bands_direction_disagrees": dict(BUDGET_R2, direction="lower"),
    "bands_unknown_band_key": {
        "method": "bands",
        "bands": [{"level": lv, "min": 10 * lv, "max": 10 * lv + 9, "mni": 1} for lv in range(1, 6)],
    },
    "milestones_four_entries": {"method": "milestones", "scale": "five_level", "steps": [["a"], ["b"], ["c"], ["d"]]},
    "milestones_three_scale_five_entries": {"method": "milestones", "scale": "three_level", "steps": [["a"]] * 5},
    "milestones_none_defined": {"method": "milestones", "scale": "five_level", "steps": [None] * 5},
    "milestones_empty_list": {"method": "milestones", "scale": "five_level", "steps": [["a"], [], None, None, None]},
    "milestones_blank_deliverable": {"method": "milestones", "scale": "five_level", "steps": [["a", " "], None, None, None, None]},
    "milestones_bad_scale": {"method": "milestones", "scale": "ten_level", "steps": [["a"]] * 5},
    "composite_one_part": {"method": "composite", "parts": [SATISFACTION]},
    "composite_nested": {"method": "composite", "parts": [SATISFACTION, SATISFACTION_COMPOSITE]},
    "composite_bad_combine": {"method": "composite", "parts": [SATISFACTION, DISSATISFACTION], "combine": "max"},
    "composite_mixed_scales": {"method": "composite", "parts": [SATISFACTION, CAPABILITY_FY2564]},
    "composite_invalid_part": {"method": "composite", "parts": [SATISFACTION, {"method": "five_level"}]},
    "unknown_method": {"method": "quadratic"},
    "unknown_key": dict(BCG, threshold=[1]),
    "not_a_dict": ["five_level"],
}


@pytest.mark.parametrize("name", sorted(INVALID_SPECS))
def test_invalid_criteria_raise_criteria_error_with_a_thai_message(name: str) -> None:
    """Criteria validation (brief + DOMAIN §4): every invalid spec is refused in Thai."""
    with pytest.raises(scoring.CriteriaError) as error:
        scoring.criteria_from_dict(INVALID_SPECS[name])
    assert_thai(error)


def test_five_level_order_message_names_the_direction() -> None:
    """The ordering message tells the admin how levels 1–5 must be ordered."""
    with pytest.raises(scoring.CriteriaError, match="เกณฑ์ระดับ 1–5 ต้องเรียงจากน้อยไปมาก"):
        scoring.criteria_from_dict(INVALID_SPECS["five_level_unordered"])


def test_lower_direction_criteria_are_valid_when_decreasing() -> None:
    """DOMAIN §4.d: reverse thresholds decrease from level 1 to level 5."""
    criteria = scoring.criteria_from_dict({"method": "five_level", "direction": "lower", "thresholds": [30, None, 20, 15, 10]})
    assert isinstance(criteria, scoring.FiveLevelCriteria)
    assert criteria.direction == "lower"


def test_bands_direction_is_derived_from_the_ranges() -> None:
    """DOMAIN §4.d/4.e: dissatisfaction bands are reverse (higher value = lower level)."""
    assert scoring.criteria_from_dict(DISSATISFACTION).direction == "lower"  # type: ignore[union-attr]
    assert scoring.criteria_from_dict(BUDGET_R2).direction == "higher"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", sorted(ALL_SPECS))
def test_criteria_round_trip_through_dicts(name: str) -> None:
    """``criteria_to_dict`` is JSON-able and ``criteria_from_dict`` rebuilds an equal criteria."""
    criteria = scoring.criteria_from_dict(ALL_SPECS[name])
    spec = scoring.criteria_to_dict(criteria)
    assert scoring.criteria_from_dict(json.loads(json.dumps(spec))) == criteria


def test_scale_of_each_method() -> None:
    """Scores are 0–100 for 50/75/100 criteria and 0–5 otherwise."""
    assert scoring.scale_of(scoring.criteria_from_dict(CAPABILITY_FY2564)) == "three_level"
    assert scoring.scale_of(scoring.criteria_from_dict(FY2564_INDICATOR_1)) == "three_level"
    assert scoring.scale_of(scoring.criteria_from_dict(SATISFACTION_COMPOSITE)) == "five_level"
    assert scoring.level_labels(scoring.criteria_from_dict(PMQA_R1)) == (1, 2, 3, 4, 5)


# =============================================================================================
# Policy
# =============================================================================================


def test_default_policy_matches_the_product_decisions_of_domain_12_1() -> None:
    """DOMAIN §12.1: every default."""
    assert scoring.DEFAULT_POLICY.to_dict() == {
        "percent_decimals": 2,
        "round_percent_before_scoring": True,
        "score_decimals": 4,
        "interpolate": True,
        "below_floor": "zero",
        "milestone_cumulative": True,
        "milestone_partial_credit": False,
        "mixed_level1_interpolate": False,
        "band_round_value_first": False,
        "composite_combine": "min",
        "external_interpolate": False,
        "division_average_method": "mean_of_scores",
        "band_on_rounded_total": False,
        "five_level_total": "percent_of_max",
        "band_quality_min": "90",
        "band_standard_high_min": "75",
        "band_standard_basic_min": "60",
    }


def test_policy_round_trips_through_dicts_and_accepts_partial_dicts() -> None:
    """``ScoringPolicy.from_dict`` mirrors the Django model; missing keys take the default."""
    changed = scoring.ScoringPolicy.from_dict({"below_floor": "one", "band_quality_min": "91.5"})
    assert changed.band_quality_min == D("91.5")
    assert scoring.ScoringPolicy.from_dict(changed.to_dict()) == changed
    assert scoring.ScoringPolicy.from_dict(json.loads(json.dumps(changed.to_dict()))) == changed


@pytest.mark.parametrize(
    "data",
    [
        {"unknown": 1},
        {"below_floor": "two"},
        {"interpolate": "yes"},
        {"score_decimals": -1},
        {"score_decimals": True},
        {"composite_combine": "max"},
        {"five_level_total": "sum"},
        {"division_average_method": "median"},
        {"band_quality_min": "abc"},
        {"band_standard_high_min": 95},
    ],
)
def test_policy_refuses_unknown_keys_and_bad_values_in_thai(data: dict[str, Any]) -> None:
    """Bad policy values -> CriteriaError with a Thai message."""
    with pytest.raises(scoring.CriteriaError) as error:
        scoring.ScoringPolicy.from_dict(data)
    assert_thai(error)


def test_policy_score_decimals_controls_the_rounding() -> None:
    """DOMAIN §3.3: 4 decimals by default; the policy may change it."""
    assert str(scoring.score(CAPABILITY_FY2564, ratio(198, 1424), policy(score_decimals=2))) == "54.21"


# =============================================================================================
# describe() and explain()
# =============================================================================================


def test_describe_budget_bands_as_printed() -> None:
    """DOMAIN §4.e: "ร้อยละ 47.50 – 49.49" style texts, one per level."""
    assert scoring.describe(BUDGET_R1) == [
        "ร้อยละ 0 – 47.49",
        "ร้อยละ 47.50 – 49.49",
        "ร้อยละ 49.50 – 51.49",
        "ร้อยละ 51.50 – 53.49",
        "ร้อยละ 53.50 ขึ้นไป",
    ]


def test_describe_dissatisfaction_open_ends() -> None:
    """DOMAIN §4.d: "สูงกว่าร้อยละ 30.00" ... "ต่ำกว่าร้อยละ 15.00"."""
    lines = scoring.describe(DISSATISFACTION)
    assert lines[0] == "สูงกว่าร้อยละ 30.00"
    assert lines[1] == "ร้อยละ 25.00 – 30.00"
    assert lines[4] == "ต่ำกว่าร้อยละ 15.00"


def test_describe_undefined_levels_print_a_dash() -> None:
    """DOMAIN §4.b/§4.c: undefined levels ("..." / "-") are shown as "-"."""
    assert scoring.describe(APHM_R2) == ["-", "-", "ร้อยละ 73.04", "-", "ร้อยละ 100"]
    assert scoring.describe(PMQA_R1)[1] == "-"
    assert scoring.describe(HOUSEHOLD_R1)[0] == HOUSEHOLD_R1["level1_milestone"]
    assert scoring.describe(ITA_R2, unit="points")[0] == "ต่ำกว่า 55.00 คะแนน"
    assert scoring.describe(CAPABILITY_FY2564) == ["ร้อยละ 13.16", "ร้อยละ 17.55", "ร้อยละ 21.94"]


def test_describe_composite_joins_both_conditions_per_level() -> None:
    """DOMAIN §4.f: one cell per level holds both the satisfaction and dissatisfaction band."""
    assert scoring.describe(SATISFACTION_COMPOSITE)[4] == "ร้อยละ 85.00 ขึ้นไป และ ต่ำกว่าร้อยละ 15.00"


def test_explain_writes_out_the_three_level_interpolation_like_document_000() -> None:
    """DOMAIN §4.a: "50 + 25 × (13.90 − 13.16) / (17.55 − 13.16) = 54.2141"."""
    text = scoring.explain(CAPABILITY_FY2564, ratio(198, 1424))
    assert "198 × 100 / 1,424 = 13.9045" in text
    assert "50 + 25 × (13.90 − 13.16) / (17.55 − 13.16) = 54.2141" in text


def test_explain_five_level_and_reverse_formulas() -> None:
    """DOMAIN §4.b and §4.a lower-is-better: the formula with the real numbers."""
    assert "3 + (55.00 − 53.19) / (58.19 − 53.19) = 3.3620" in scoring.explain(BCG, value("55.00"))
    assert "75 + 25 × (15 − 12) / (15 − 10) = 90.0000" in scoring.explain(DISSATISFACTION_THREE, value(12))
    assert "3 + 2 × (80 − 73.04) / (100 − 73.04)" in scoring.explain(APHM_R2, value(80))


def test_explain_covers_every_method_in_thai() -> None:
    """Every method explains itself in Thai and ends with the score."""
    cases: list[tuple[Any, Any]] = [
        (REINTEGRATION_FY2564, ratio(55, 329)),
        (PMQA_FY2564, value("426.86")),
        (BCG, value("40")),
        (HOUSEHOLD_R1, {"level1_milestone_done": True, "value": 10}),
        (HOUSEHOLD_R1, {"level1_milestone_done": False}),
        (PMQA_R1, {"completed": {"1": [True], "3": [True]}}),
        (E_FORM_FY2564, {"achieved_level": "100"}),
        (BUDGET_R2, value("97.495")),
        (SATISFACTION_COMPOSITE, {"parts": [value(82), value(26)]}),
    ]
    for criteria, measurement in cases:
        text = scoring.explain(criteria, measurement)
        assert THAI.search(text)
        assert text.splitlines()[-1] == f"คะแนน = {scoring.score(criteria, measurement)}"


# =============================================================================================
# Purity (STYLE practice 1)
# =============================================================================================


def test_scoring_imports_only_the_standard_library() -> None:
    """STYLE practice 1: every module of the scoring package imports only the standard library and its siblings."""
    assert SCORING_MODULES[0].name == "__init__.py" and len(SCORING_MODULES) > 1, SCORING_MODULES
    siblings = {path.stem for path in SCORING_MODULES} - {"__init__"}
    for path in SCORING_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level:
                names = [node.module] if node.module else [alias.name for alias in node.names]
                assert node.level == 1 and set(names) <= siblings, f"{path.name}: relative import outside the package"
            elif isinstance(node, ast.ImportFrom):
                modules.add((node.module or "").split(".")[0])
        assert modules, f"{path.name}: no import found: the parser is broken"
        outside = modules - set(sys.stdlib_module_names) - {"__future__"}
        assert not outside, f"{path.name}: {outside}"


def test_scoring_loads_in_a_fresh_interpreter_without_django() -> None:
    """STYLE practice 1: loading the scoring package and every one of its modules never imports django."""
    code = (
        "import importlib, importlib.util, pkgutil, sys\n"
        f"spec = importlib.util.spec_from_file_location('scoring_probe', {str(SCORING_DIR / '__init__.py')!r},"
        f" submodule_search_locations=[{str(SCORING_DIR)!r}])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['scoring_probe'] = module\n"
        "spec.loader.exec_module(module)\n"
        "loaded = [importlib.import_module('scoring_probe.' + info.name).__name__"
        " for info in pkgutil.iter_modules(module.__path__)]\n"
        "assert len(loaded) > 1, loaded\n"
        "assert str(module.score({'method': 'five_level', 'thresholds': [1, 2, 3, 4, 5]}, '2.5')) == '2.5000'\n"
        "leaked = sorted(name for name in sys.modules if name.split('.')[0] in ('django', 'indicators'))\n"
        "print(','.join(leaked))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == ""
