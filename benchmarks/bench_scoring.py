"""Benchmark of the pure scoring library (no Django): ``python benchmarks/bench_scoring.py``.

Prints (1) microseconds per ``scoring.score`` call for each method (median of timeit repeats),
(2) wall time to score 10,000 synthetic results drawn from a realistic FY2566 mix and to total
500 unit scorecards, and (3) the peak memory of (2) measured with tracemalloc. Deterministic:
every random draw comes from ``random.Random(2566)``.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
import timeit
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators import scoring  # noqa: E402  (path set up above; scoring is standard-library only)
from indicators.tests.specs import (  # noqa: E402
    APHM_R2,
    BCG,
    BUDGET_R2,
    CAPABILITY_FY2564,
    DISSATISFACTION,
    FY2564_INDICATOR_1,
    HOUSEHOLD_R1,
    HOUSEHOLD_R2,
    PMQA_R1,
    SATISFACTION_COMPOSITE,
)

SEED = 2566

# (label, spec, measurement) for the per-call timings
CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("three_level  ratio 198/1,424", CAPABILITY_FY2564, {"numerator": 198, "denominator": 1424}),
    ("five_level   value 55.00", BCG, {"value": "55.00"}),
    ("five_level   '...' levels", APHM_R2, {"value": "80"}),
    ("five_level   ratio 9,500/10,958", HOUSEHOLD_R2, {"numerator": 9500, "denominator": 10958}),
    ("five_level   mixed milestone", HOUSEHOLD_R1, {"level1_milestone_done": True, "value": "35"}),
    ("bands        97.96", BUDGET_R2, {"value": "97.96"}),
    ("bands        reverse 26.00", DISSATISFACTION, {"value": "26.00"}),
    ("bands        e-report 6.5", scoring.EREPORT_LEVEL_SPEC, {"value": "6.5"}),
    ("milestones   5-level", PMQA_R1, {"completed": {"1": [True], "3": [True], "5": [False]}}),
    ("milestones   50/75/100", FY2564_INDICATOR_1, {"completed": {"50": [True, True], "75": [True], "100": [True, False]}}),
    ("composite    82.00/26.00", SATISFACTION_COMPOSITE, {"parts": [{"value": "82.00"}, {"value": "26.00"}]}),
]

FRAMEWORK_WEIGHTS = (35, 15, 10, 10, 5, 5, 5, 5, 5, 5)  # กคส. framework 3 (DOMAIN §4.i)


def per_call_microseconds(func: Callable[[], object], number: int, repeat: int) -> float:
    runs = timeit.repeat(func, number=number, repeat=repeat)
    return statistics.median(runs) / number * 1e6


def synthetic_results(rng: random.Random, count: int) -> list[tuple[scoring.Criteria, dict[str, Any]]]:
    """A FY2566-like mix: thresholds with numerator/denominator, bands, milestones, composite."""
    built = {name: scoring.criteria_from_dict(spec) for name, spec in {
        "bcg": BCG, "household": HOUSEHOLD_R2, "aphm": APHM_R2, "mixed": HOUSEHOLD_R1, "capability": CAPABILITY_FY2564,
        "budget": BUDGET_R2, "ereport": scoring.EREPORT_LEVEL_SPEC, "pmqa_r1": PMQA_R1, "fy2564_1": FY2564_INDICATOR_1,
        "composite": SATISFACTION_COMPOSITE,
    }.items()}  # fmt: skip
    results: list[tuple[scoring.Criteria, dict[str, Any]]] = []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.30:  # households per province: done / target
            target = rng.randint(2000, 25000)
            results.append((built["household"], {"numerator": int(target * rng.uniform(0.5, 1.05)), "denominator": target}))
        elif draw < 0.40:
            results.append((built["bcg"], {"numerator": rng.randint(500, 2000), "denominator": rng.randint(1500, 2500)}))
        elif draw < 0.45:
            results.append((built["aphm"], {"value": f"{rng.uniform(50, 105):.2f}"}))
        elif draw < 0.50:
            results.append((built["mixed"], {"level1_milestone_done": rng.random() < 0.9, "value": f"{rng.uniform(0, 60):.2f}"}))
        elif draw < 0.55:
            results.append((built["capability"], {"numerator": rng.randint(50, 400), "denominator": rng.randint(400, 2000)}))
        elif draw < 0.68:
            results.append((built["budget"], {"value": f"{rng.uniform(85, 100):.2f}"}))
        elif draw < 0.75:
            results.append((built["ereport"], {"value": str(rng.choice(range(10, 21)) / 2)}))
        elif draw < 0.83:
            flags = {str(level): [rng.random() < 0.7] for level in (1, 3, 5)}
            results.append((built["pmqa_r1"], {"completed": flags}))
        elif draw < 0.88:
            flags = {"50": [rng.random() < 0.9, True], "75": [rng.random() < 0.8], "100": [True, rng.random() < 0.5]}
            results.append((built["fy2564_1"], {"completed": flags}))
        else:
            parts = [{"value": f"{rng.uniform(60, 95):.2f}"}, {"value": f"{rng.uniform(5, 35):.2f}"}]
            results.append((built["composite"], {"parts": parts}))
    return results


def workload(results: list[tuple[scoring.Criteria, dict[str, Any]]], units: int, rng: random.Random) -> tuple[float, float]:
    """Score every result, then total ``units`` scorecards; returns (scoring s, totals s)."""
    start = time.perf_counter()
    scores = [scoring.score(criteria, measurement) for criteria, measurement in results]
    scored = time.perf_counter()
    five_level = [s for (criteria, _), s in zip(results, scores, strict=True) if scoring.scale_of(criteria) == "five_level"]
    for _ in range(units):
        card = [(weight, rng.choice(five_level)) for weight in FRAMEWORK_WEIGHTS]
        scoring.weighted_total(card, scale="five_level")
    totalled = time.perf_counter()
    return scored - start, totalled - scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--number", type=int, default=2000, help="calls per timeit run")
    parser.add_argument("--repeat", type=int, default=7, help="timeit runs per method (median reported)")
    parser.add_argument("--results", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=500)
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {platform.machine()}; seed {SEED}")
    print()
    print(f"(1) scoring.score per call, median of {args.repeat} × {args.number} calls")
    print(f"    {'method':<34} {'µs/call':>9} {'score':>9}")
    for label, spec, measurement in CASES:
        criteria = scoring.criteria_from_dict(spec)
        micro = per_call_microseconds(lambda c=criteria, m=measurement: scoring.score(c, m), args.number, args.repeat)
        print(f"    {label:<34} {micro:>9.1f} {scoring.score(criteria, measurement)!s:>9}")
    micro = per_call_microseconds(lambda: scoring.score(SATISFACTION_COMPOSITE, CASES[-1][2]), args.number // 4, args.repeat)
    print(f"    {'composite, spec dict each call':<34} {micro:>9.1f}")
    totals = [(w, Decimal(s)) for w, s in zip(FRAMEWORK_WEIGHTS, ("4.2", "3.7", 3, 2, 5, "3.5", 5, 4, 5, 5), strict=True)]
    micro = per_call_microseconds(lambda: scoring.weighted_total(totals, scale="five_level"), args.number, args.repeat)
    print(f"    {'weighted_total, 10 indicators':<34} {micro:>9.1f}")
    print()

    rng = random.Random(SEED)
    results = synthetic_results(rng, args.results)
    tracemalloc.start()
    score_seconds, total_seconds = workload(results, args.units, rng)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # wall time without tracemalloc overhead, same data
    clean_score, clean_total = workload(results, args.units, random.Random(SEED + 1))
    print(f"(2) batch: {args.results:,} synthetic results + {args.units} weighted totals")
    print(f"    {'step':<34} {'seconds':>9} {'µs/item':>9}")
    print(f"    {'score results':<34} {clean_score:>9.3f} {clean_score / args.results * 1e6:>9.1f}")
    print(f"    {'weighted totals':<34} {clean_total:>9.3f} {clean_total / args.units * 1e6:>9.1f}")
    print(f"    {'total':<34} {clean_score + clean_total:>9.3f}")
    print(f"    (under tracemalloc: {score_seconds + total_seconds:.3f} s)")
    print()
    print(f"(3) peak traced memory during (2): {peak / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
