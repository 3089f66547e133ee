"""Benchmark of the stored score recompute: a synthetic department year against the pure engine on the same results.

    python benchmarks/bench_recompute.py [--units 200] [--indicators 12] [--repeat 3]
    DATABASE_URL=postgres://... python benchmarks/bench_recompute.py   # a scratch PostgreSQL database (it is flushed!)

Builds N units × M indicators × 2 rounds (reporting/tests/synthetic.py), then times, in the same process:
  cold    — the first recompute of the year (every scorecard and result score written),
  warm    — the same recompute again (nothing changed: nothing written),
  changed — after every result of one round changed (half the rows rewritten),
  pure    — ``scoring.score`` once per result on the same criteria and measurements (the engine alone),
and prints wall time, SQL queries and the ratio to the pure engine. `bash scripts/test.sh --bench` runs it on the
throw-away PostgreSQL.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from indicators import scoring  # noqa: E402
from indicators.models import Result  # noqa: E402
from indicators.score_inputs import scorecard_inputs  # noqa: E402
from reporting.services import scorecards_store  # noqa: E402
from reporting.tests.synthetic import build_year  # noqa: E402


def timed(call: object) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        call()  # type: ignore[operator]
        elapsed = time.perf_counter() - start
    return elapsed, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--indicators", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    print(f"database: {connection.vendor}; {args.units} units × {args.indicators} indicators × 2 rounds")
    rows = []
    for attempt in range(args.repeat):
        be_year = 2700 + attempt
        year = build_year(units=args.units, indicators=args.indicators, be_year=be_year, prefix=f"bench{attempt}")
        year_id = year.fiscal_year.pk
        cold = timed(lambda: scorecards_store(fiscal_year_id=year_id))  # noqa: B023
        warm = timed(lambda: scorecards_store(fiscal_year_id=year_id))  # noqa: B023
        Result.objects.filter(round=year.rounds[0]).update(numerator=F("numerator") - 1)
        changed = timed(lambda: scorecards_store(fiscal_year_id=year_id))  # noqa: B023

        inputs = scorecard_inputs(fiscal_year_id=year_id)
        pairs = [
            (line.criteria, line.result.measurement)
            for entry in inputs.units.values() if entry is not None
            for line in entry.data.lines if line.result is not None and line.criteria is not None
        ]
        policy = inputs.policy

        def pure() -> None:
            for spec, measurement in pairs:  # noqa: B023
                scoring.score(spec, measurement, policy)  # noqa: B023

        engine = timed(pure)
        rows.append((year.result_count, cold, warm, changed, engine))

    results = rows[0][0]
    print(f"results per year: {results:,}")
    for label, index in (("cold (all written)", 1), ("warm (nothing changed)", 2), ("changed (one round)", 3),
                         ("pure scoring.score", 4)):
        seconds = [row[index][0] for row in rows]
        queries = [row[index][1] for row in rows]
        median = statistics.median(seconds)
        pure_median = statistics.median(row[4][0] for row in rows)
        print(f"  {label:<24} median {median:7.3f} s  (min {min(seconds):.3f}, max {max(seconds):.3f})"
              f"  queries {max(queries):>5}  × pure {median / pure_median:5.2f}")


if __name__ == "__main__":
    main()
