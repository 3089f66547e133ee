"""``indicators.scoring`` against the structured copies of the source documents.

The JSON files live in the steering repo's ``shared/domain/reference-data`` (DOMAIN.md §14),
which CI clones beside this repo; ``DSDW_SHARED_DIR`` (the ``shared/`` folder) is the fallback.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from indicators import scoring

D = Decimal


def _reference_dir() -> Path:
    candidates = [Path(__file__).resolve().parents[3] / "shared" / "domain" / "reference-data"]
    if os.environ.get("DSDW_SHARED_DIR"):
        candidates.append(Path(os.environ["DSDW_SHARED_DIR"]) / "domain" / "reference-data")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise AssertionError(f"reference data not found in {candidates}; set DSDW_SHARED_DIR to the shared/ folder")


@cache
def load(name: str) -> Any:
    return json.loads((_reference_dir() / name).read_text(encoding="utf-8"))


# =============================================================================================
# DOMAIN §5.3: FY2566 provincial household targets, every cell
# =============================================================================================


def test_province_targets_reproduce_every_row_of_the_fy2566_household_table() -> None:
    """DOMAIN §5.3: increase, target and the 9 level counts of all 76 provinces (684 cells)."""
    table = load("fy2566_vulnerable_household_targets.json")
    provinces = table["provinces"]
    assert len(provinces) == 76
    cells = 0
    for row in provinces:
        targets = scoring.province_targets(row["fy2565_result"])
        assert targets.base == row["fy2565_result"], row["province"]
        assert targets.increase == row["increase_35pct"], row["province"]
        assert targets.target == row["fy2566_target"], row["province"]
        expected = {int(percent): count for percent, count in row["level_households"].items()}
        assert targets.counts == expected, row["province"]
        cells += len(expected)
    assert cells == 684


def test_province_targets_reproduce_the_printed_total_row() -> None:
    """DOMAIN §5.3: the total row comes from r = 572,976 (200,542 / 773,518), not from row sums."""
    total = load("fy2566_vulnerable_household_targets.json")["total_row_printed"]
    targets = scoring.province_targets(total["fy2565_result"])
    assert (targets.base, targets.increase, targets.target) == (572976, 200542, 773518)
    assert targets.counts == {int(percent): count for percent, count in total["level_households"].items()}


def test_rounded_target_would_be_wrong_in_82_cells() -> None:
    """DOMAIN §5.3: computing the counts from the rounded target differs in 82 cells."""
    wrong = 0
    for row in load("fy2566_vulnerable_household_targets.json")["provinces"]:
        for percent, count in row["level_households"].items():
            from_rounded = scoring.round_half_up(D(row["fy2566_target"]) * D(percent) / 100, 0)
            wrong += from_rounded != count
    assert wrong == 82


# =============================================================================================
# FY2566 standard criteria (document 003): every round with concrete levels
# =============================================================================================


def _spec_for_round(round_data: dict[str, Any]) -> dict[str, Any] | None:
    """Map a round of fy2566_standard_criteria.json to a scoring spec (None = placeholders only)."""
    levels = round_data.get("levels")
    scheme = round_data.get("scheme")
    if not isinstance(levels, list):
        return None  # "ร้อยละ..." placeholders: no thresholds published
    direction = round_data.get("direction", "higher_is_better")
    if scheme == "banded":
        bands = [{key: level[key] for key in ("level", "min", "max", "min_inclusive", "max_inclusive")} for level in levels]
        return {"method": "bands", "direction": direction, "bands": bands}
    if scheme == "threshold":
        return {"method": "five_level", "direction": direction, "thresholds": [level["threshold"] for level in levels]}
    if scheme == "milestone":
        steps = [[level["milestone_th"]] if level["defined"] else None for level in levels]
        return {"method": "milestones", "scale": "five_level", "steps": steps}
    if scheme == "mixed_milestone_then_threshold":
        return {
            "method": "five_level",
            "direction": direction,
            "level1_milestone": levels[0]["milestone_th"],
            "thresholds": [None] + [level["threshold"] for level in levels[1:]],
        }
    if scheme == "external_threshold":
        printed = [level["threshold"] for level in levels]
        assert printed == [None, 6, 7, 8, 9], "e-report mapping changed: update EREPORT_LEVEL_SPEC"
        return scoring.EREPORT_LEVEL_SPEC
    raise AssertionError(f"unknown scheme {scheme!r}")


def _composite_spec(entry: dict[str, Any]) -> dict[str, Any]:
    parts = []
    for measure in ("satisfaction", "dissatisfaction"):
        data = entry["measures"][measure]
        parts.append(_spec_for_round({"scheme": "banded", "direction": data["direction"], "levels": data["levels"]}))
    return {"method": "composite", "parts": parts}


def _all_rounds() -> dict[str, dict[str, Any]]:
    data = load("fy2566_standard_criteria.json")
    specs: dict[str, dict[str, Any]] = {}
    for entry in data["standard_indicators"] + data["detailed_templates"]:
        key = entry["code"] + (f"/{entry['variant']}" if "variant" in entry else "")
        if entry.get("scheme") == "composite_banded":
            specs[f"{key}/round1"] = specs[f"{key}/round2"] = _composite_spec(entry)
            continue
        for round_name in ("round1", "round2"):
            spec = _spec_for_round(entry.get(round_name) or {})
            if spec is not None:
                specs[f"{key}/{round_name}"] = spec
    return specs


ROUNDS = _all_rounds()


def test_every_indicator_with_published_levels_is_covered() -> None:
    """Only the two PMQA KPI templates have placeholder levels ("ร้อยละ...")."""
    assert len(ROUNDS) == 24
    codes = {key.split("/")[0] for key in ROUNDS}
    assert codes == {"ITA", "PMQA40", "SATISFACTION", "BUDGET", "ENERGY", "WASTE", "PBO", "APHM", "HOUSEHOLD", "BCG", "ALERT"}


@pytest.mark.parametrize("key", sorted(ROUNDS))
def test_fy2566_criteria_validate_round_trip_and_describe(key: str) -> None:
    """Every published round builds a valid criteria, round-trips and prints one text per level."""
    criteria = scoring.criteria_from_dict(ROUNDS[key])
    assert scoring.criteria_from_dict(scoring.criteria_to_dict(criteria)) == criteria
    assert len(scoring.describe(criteria)) == 5
    assert scoring.scale_of(criteria) == "five_level"


def _baselines(entry: dict[str, Any]) -> dict[str, Decimal]:
    result = {}
    for year, raw in (entry.get("baseline") or {}).items():
        number = raw.get("percent") if isinstance(raw, dict) else raw
        if isinstance(number, (int, float)) and not isinstance(number, bool) and year.isdigit():
            result[year] = scoring.as_decimal(number)
    return result


def _entry(code: str) -> dict[str, Any]:
    data = load("fy2566_standard_criteria.json")
    return next(entry for entry in data["standard_indicators"] + data["detailed_templates"] if entry["code"] == code)


EXPECTED_BASELINE_SCORES = {
    # DOMAIN §4.e: ITA FY2565 88.02 -> 5; §4.b PMQA L3 = FY2565 result; §4.e budget 97.96 -> 4
    "ITA/round2": {"2562": "5", "2563": "4", "2564": "5", "2565": "5"},
    "PMQA40/round2": {"2562": "0", "2563": "1.2817", "2564": "2.0779", "2565": "3"},
    "BUDGET/round2": {"2562": "2", "2563": "3", "2564": "4", "2565": "4"},
    "ENERGY/round2": {"2562": "5", "2563": "5", "2564": "5", "2565": "5"},
    "WASTE/round2": {"2562": "5", "2563": "5", "2565": "5"},
    "PBO/round2": {"2561": "0", "2562": "0", "2563": "1.058"},
    "APHM/round2": {"2562": "0", "2563": "0", "2564": "0", "2565": "0"},
    "BCG/round2": {"2565": "3"},
}


@pytest.mark.parametrize("key", sorted(EXPECTED_BASELINE_SCORES))
def test_fy2566_criteria_score_their_baselines_sensibly(key: str) -> None:
    """DOMAIN §4.b/§4.e/§4.g: each baseline year scored with the FY2566 round-2 criteria."""
    baselines = _baselines(_entry(key.split("/")[0]))
    expected = {year: D(score) for year, score in EXPECTED_BASELINE_SCORES[key].items()}
    assert set(baselines) == set(expected)
    scored = {year: scoring.score(ROUNDS[key], {"value": number}) for year, number in baselines.items()}
    assert scored == expected


def test_bcg_fy2565_ratio_is_rounded_not_truncated() -> None:
    """DOMAIN §3.3, §11.7: 915/1,720 = 53.1977 is computed as 53.20 (the document printed 53.19)."""
    result = scoring.evaluate(ROUNDS["BCG/round2"], {"numerator": 915, "denominator": 1720})
    assert result.value == D("53.20")
    assert result.score == D("3.0020")


def test_aphm_level_3_count_is_exactly_on_73_04() -> None:
    """DOMAIN §4.b: 406,561 of 556,629 volunteers = 73.0399 % -> 73.04 -> level 3."""
    assert scoring.score(ROUNDS["APHM/round2"], {"numerator": 406561, "denominator": 556629}) == D("3")


@pytest.mark.parametrize("key", sorted(key for key in ROUNDS if ROUNDS[key]["method"] == "milestones"))
def test_fy2566_round1_milestones_all_done_is_5_and_none_done_is_0(key: str) -> None:
    """DOMAIN §4.c: every defined step complete -> 5; nothing complete -> 0."""
    criteria = scoring.criteria_from_dict(ROUNDS[key])
    assert isinstance(criteria, scoring.MilestoneCriteria)
    everything = {str(label): True for label, step in zip(criteria.labels, criteria.steps, strict=True) if step}
    assert scoring.score(criteria, {"completed": everything}) == D(5)
    assert scoring.score(criteria, {"completed": {}}) == D(0)


def test_satisfaction_composite_from_the_reference_data() -> None:
    """DOMAIN §4.f: 86.20 / 12.00 -> 5; 82.00 / 26.00 -> 2 under the default min rule."""
    spec = ROUNDS["SATISFACTION/round2"]
    assert scoring.score(spec, {"parts": [{"value": "86.20"}, {"value": "12.00"}]}) == D(5)
    assert scoring.score(spec, {"parts": [{"value": "82.00"}, {"value": "26.00"}]}) == D(2)


def test_household_round1_mixed_criteria_from_the_reference_data() -> None:
    """DOMAIN §4.c mixed: household round 1 (division and unit templates) -> 3.5 at 35 %."""
    for key in ("HOUSEHOLD/division/round1", "HOUSEHOLD/unit/round1"):
        assert scoring.score(ROUNDS[key], {"level1_milestone_done": True, "value": "35"}) == D("3.5")


def test_household_round2_division_average_from_the_provincial_targets() -> None:
    """DOMAIN §4.h: provinces scored against their own FY2566 target, then averaged."""
    rows = {row["province"]: row for row in load("fy2566_vulnerable_household_targets.json")["provinces"]}
    done = {"กระบี่": 9862, "กาญจนบุรี": 11709, "กาฬสินธุ์": 13122, "กำแพงเพชร": 2500}
    provinces = [(count, rows[name]["fy2566_target"]) for name, count in done.items()]
    assert scoring.division_score(provinces, ROUNDS["HOUSEHOLD/division/round2"]) == D("3.7525")


def test_energy_and_waste_sub_scoring_tables_match_the_functions() -> None:
    """DOMAIN §4.g: the points tables of the JSON agree with ereport_* at every printed bound."""
    energy = _entry("ENERGY")["sub_scoring"]["points_table_electricity"]
    for row in energy:
        probes = [row[key] for key in ("reduction_min", "reduction_max") if row.get(key) is not None]
        if row.get("reduction_max_exclusive") is not None:
            probes.append(D(str(row["reduction_max_exclusive"])) - D("0.01"))
        assert probes, row
        for probe in probes:
            assert scoring.ereport_energy_score(probe, probe) == 2 * D(str(row["points"]))
    categories = _entry("WASTE")["sub_scoring"]["categories"]
    assert len(categories) == 4
    for index, category in enumerate(categories):
        for row in category["table"]:
            probes = [row[key] for key in ("min", "max") if key in row]
            if "max_exclusive" in row:
                probes.append(D(str(row["max_exclusive"])) - D("0.01"))
            assert probes, row
            for probe in probes:
                values = [100, 100, 100, 100] if index else [30, 100, 100, 100]
                values[index] = probe
                # only the probed category changes; the others are at 10
                assert scoring.ereport_waste_score(*values) == (D(row["score"]) + 30) / 4


# =============================================================================================
# FY2564 results (document 000) and FY2563 targets (document 001)
# =============================================================================================


def _fy2564(indicator_id: str) -> dict[str, Any]:
    return next(item for item in load("fy2564_unit_results.json")["indicators"] if item["id"] == indicator_id)


def _three_level(indicator: dict[str, Any]) -> dict[str, Any]:
    return {"method": "three_level", "direction": "higher", "targets": indicator["targets"]}


def test_fy2564_results_with_their_50_75_100_targets() -> None:
    """DOMAIN §4.a: 13.90 -> 54.2141; 16.72 -> 0; 50.01 -> 0; PMQA 426.86 -> 100."""
    data = load("fy2564_unit_results.json")
    tables = data["unit_tables"]
    measurements = {
        "3.1": {"numerator": tables["3.1"]["total_printed"]["numerator"], "denominator": tables["3.1"]["total_printed"]["denominator"]},
        "3.2": {"numerator": tables["3.2"]["total_printed"]["numerator"], "denominator": tables["3.2"]["total_printed"]["denominator"]},
        "4": {"numerator": tables["4"]["total_printed"]["numerator_total"], "denominator": tables["4"]["total_printed"]["denominator"]},
        "5.2": {"value": _fy2564("5.2")["pmqa_category_scores"]["total_500"][1]},
    }
    expected = {"3.1": D("54.2141"), "3.2": D("0"), "4": D("0"), "5.2": D("100")}
    scored = {key: scoring.score(_three_level(_fy2564(key)), measurement) for key, measurement in measurements.items()}
    assert scored == expected
    # the printed percentages are what the library computes (half-up, 2 decimals)
    assert scoring.percentage(198, 1424).value_rounded == scoring.as_decimal(tables["3.1"]["reported_percent"])
    assert scoring.percentage(55, 329).value_rounded == scoring.as_decimal(tables["3.2"]["reported_percent"])
    assert scoring.percentage(1896, 3791).value_rounded == scoring.as_decimal(tables["4"]["total_printed"]["percent"])


def test_fy2564_history_values_score_like_the_summed_tables() -> None:
    """DOMAIN §3.8: the 2564 history value equals the percentage of the summed numerators."""
    assert scoring.score(_three_level(_fy2564("3.1")), {"value": _fy2564("3.1")["history"]["2564"]}) == D("54.2141")
    history = _fy2564("4")["history"]["2564"]
    assert scoring.percentage(history["numerator"], history["denominator"]).value_rounded == D(str(history["percent"]))


def test_fy2564_unit_tables_sum_numerators_and_denominators() -> None:
    """DOMAIN §3.8: per-unit tables aggregate by summing numerators and denominators."""
    tables = load("fy2564_unit_results.json")["unit_tables"]
    keys = {"3.1": ("numerator_improved", "numerator"), "3.2": ("numerator_reintegrated", "numerator"), "4": ("numerator_total", "numerator_total")}
    for table_id, (row_key, total_key) in keys.items():
        table = tables[table_id]
        denominator_key = next(key for key in table["rows"][0] if key.startswith("denominator"))
        assert sum(row[row_key] for row in table["rows"]) == table["total_printed"][total_key]
        assert sum(row[denominator_key] for row in table["rows"]) == table["total_printed"]["denominator"]


def test_fy2564_every_unit_row_percentage_matches_the_document() -> None:
    """DOMAIN §3.3: every unit's percentage is reproduced (4 decimals; and printed 2 decimals in table 4)."""
    tables = load("fy2564_unit_results.json")["unit_tables"]
    rows_checked = 0
    for table in tables.values():
        numerator_key = next(key for key in table["rows"][0] if key.startswith("numerator"))
        denominator_key = next(key for key in table["rows"][0] if key.startswith("denominator"))
        for row in table["rows"]:
            result = scoring.percentage(row[numerator_key], row[denominator_key])
            assert scoring.round_half_up(result.value_exact, 4) == scoring.as_decimal(row["computed_percent"])
            if "reported_percent" in row:
                assert result.value_rounded == scoring.as_decimal(row["reported_percent"])
            rows_checked += 1
    assert rows_checked == 14 + 14 + 77


def test_fy2564_numerator_above_denominator_is_flagged_not_refused() -> None:
    """DOMAIN §11.1: table 3.2 has a unit with 7 > 1."""
    rows = load("fy2564_unit_results.json")["unit_tables"]["3.2"]["rows"]
    flagged = [row for row in rows if scoring.percentage(row["numerator_reintegrated"], row["denominator_group_a"]).over_100]
    assert len(flagged) == 1
    assert (flagged[0]["numerator_reintegrated"], flagged[0]["denominator_group_a"]) == (7, 1)


def test_fy2564_pmqa_category_scores_reproduce_the_printed_totals() -> None:
    """DOMAIN §4.g (document 000): the three columns give 482.38/3.86, 426.86/3.41, 370.96/2.97."""
    pmqa = _fy2564("5.2")["pmqa_category_scores"]
    for column in range(3):
        categories = [row[column + 1] for row in pmqa["rows"]]
        total, scale_4 = scoring.pmqa_total(categories)
        assert total == scoring.as_decimal(pmqa["total_500"][column])
        assert scale_4 == scoring.as_decimal(pmqa["as_4_0_scale"][column])


def test_fy2564_milestone_indicator_1_scores_75_and_87_5_with_partial_credit() -> None:
    """DOMAIN §4.c, OPEN-9: lessons-learned deliverable of the 100 level not achieved."""
    criteria = _fy2564("1")["criteria"]
    spec = {"method": "milestones", "scale": "three_level", "steps": [criteria["50"], criteria["75"], criteria["100"]]}
    measurement = {"completed": {"50": [True, True], "75": [True], "100": [True, False]}}
    assert scoring.score(spec, measurement) == D("75")
    partial = scoring.ScoringPolicy(milestone_partial_credit=True)
    assert scoring.score(spec, measurement, partial) == D("87.5")


def test_fy2564_e_form_maturity_state_scores_100() -> None:
    """DOMAIN §4.c (FY2564 5.1): the secure online e-form with attachments -> 100."""
    criteria = _fy2564("5.1")["criteria"]
    spec = {"method": "milestones", "scale": "three_level", "steps": [criteria["50"], criteria["75"], criteria["100"]]}
    assert scoring.score(spec, {"achieved_level": "100"}) == D("100")


def test_fy2563_targets_follow_the_growth_method() -> None:
    """DOMAIN §5.2 (document 001): indicators 1.1 and 1.2 targets from their baselines."""
    indicators = {item["id"]: item for item in load("fy2563_indicators.json")["indicators"]}
    for indicator_id in ("1.1", "1.2"):
        item = indicators[indicator_id]
        baseline = {year: entry["percent"] for year, entry in item["baseline"].items()}
        expected = tuple(scoring.as_decimal(item["targets"][label]) for label in ("50", "75", "100"))
        assert scoring.growth_targets(baseline) == expected
        assert scoring.growth_targets(baseline)[1] - expected[0] == scoring.as_decimal(item["growth_used"])
