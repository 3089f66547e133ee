"""CPU and SQL queries per request of the load mix, in-process (Django test client, DEBUG=0, no network).

    python benchmarks/profile_requests.py                          # throw-away SQLite file
    DATABASE_URL=postgres://... python benchmarks/profile_requests.py    # a scratch PostgreSQL database (FLUSHED)
    python benchmarks/profile_requests.py --profile "entry page"   # plus the 30 costliest functions (cProfile)
    python benchmarks/profile_requests.py --middleware             # plus the cost of each middleware
    python benchmarks/profile_requests.py --structure-cache        # plus each endpoint without the structure cache

Builds the population of benchmarks/bench_load.py (a few staff, supervisors and directors) with the units'
scorecards stored, then requests each endpoint of the load mix --repeat times: the staff's unit page, entry page
and draft save, the supervisor's review page and approval, the director's scorecard PDF (a stored document: the
first download of each unit renders it, outside the measurement). Prints per endpoint the median and mean
``time.process_time()`` of the whole request/response cycle (the web process's CPU, PostgreSQL apart) and the
number of SQL queries. Celery runs eagerly unless REDIS_URL is set, so a save's score recompute counts here.

--middleware repeats the unit page with each middleware left out in turn (those the page can run without) and
prints the difference: what that middleware costs per request.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import AS_OF, Population, prepare  # noqa: E402  (DEBUG=0, a throw-away SECRET_KEY, STATIC_ROOT)
from django_setup import setup_django  # noqa: E402

setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

Call = Callable[[], object]

#: Middleware the unit page needs to work at all (sessions, sign-in, messages): never left out by --middleware.
REQUIRED_MIDDLEWARE = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
)


class Mix:
    """The load mix's requests for one staff user, one supervisor and one director of the population."""

    def __init__(self, population: Population) -> None:
        users = get_user_model().objects
        self.population = population
        self.staff, self.supervisor, self.director = Client(), Client(), Client()
        name, self.unit, self.assignments = population.staff[0]
        self.staff.force_login(users.get(username=name))
        supervisor, queue = population.supervisors[0]
        self.queue = list(queue)
        self.supervisor.force_login(users.get(username=supervisor))
        self.director.force_login(users.get(username=population.directors[0]))
        self.version = 0
        self.saves = 0
        self.pdf_units = population.staff_units
        self.pdf_turn = 0

    @property
    def unit_url(self) -> str:
        return f"/rounds/{self.population.round_id}/units/{self.unit}/"

    def entry_url(self, assignment: int) -> str:
        return f"{self.unit_url}indicators/{assignment}/"

    def unit_page(self) -> object:
        return self._ok(self.staff.get(self.unit_url), 200)

    def entry_page(self) -> object:
        return self._ok(self.staff.get(self.entry_url(self.assignments[0])), 200)

    def save_draft(self) -> object:
        self.saves += 1
        form = {"version": str(self.version) if self.version else "", "value": str(50 + self.saves % 50),
                "as_of_date": AS_OF, "actions_th": f"profile-{self.saves}"}
        answer = self._ok(self.staff.post(self.entry_url(self.assignments[0]), form), 302)
        self.version += 1
        return answer

    def review_page(self) -> object:
        return self._ok(self.supervisor.get(f"/review/{self.queue[-1]}/"), 200)

    def approve(self) -> object:
        return self._ok(self.supervisor.post(f"/review/{self.queue.pop()}/", {"action": "approve"}), 302)

    def scorecard_pdf(self) -> object:
        code = self.pdf_units[self.pdf_turn % len(self.pdf_units)]
        self.pdf_turn += 1
        answer = self.director.get(f"/reports/scorecard/?year={self.population.year}&round=1&unit={code}&format=pdf")
        self._ok(answer, 200)
        if not answer.content.startswith(b"%PDF"):
            raise SystemExit(f"scorecard of {code}: not a PDF")
        return answer

    @staticmethod
    def _ok(answer: object, status: int) -> object:
        if answer.status_code != status:  # type: ignore[attr-defined]
            raise SystemExit(f"{answer.request['PATH_INFO']}: HTTP {answer.status_code}, expected {status}")  # type: ignore[attr-defined]
        return answer

    def endpoints(self) -> dict[str, Call]:
        return {"unit page": self.unit_page, "entry page": self.entry_page, "save draft": self.save_draft,
                "review page": self.review_page, "approve": self.approve, "scorecard PDF": self.scorecard_pdf}


def measure(call: Call, repeat: int) -> tuple[list[float], int]:
    """CPU ms of each of ``repeat`` calls (no query capture: it costs CPU itself) and the queries of one more."""
    times = []
    for _ in range(repeat):
        begin = time.process_time()
        call()
        times.append((time.process_time() - begin) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call()
    return times, len(queries.captured_queries)


def profile(call: Call, repeat: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def compare_structure_cache(endpoints: dict[str, Call], repeat: int) -> None:
    """Each endpoint with the year structure read on every request (the alternative) and kept (the default), in
    alternating blocks so both see the same machine; medians of CPU ms and the ratio off/on."""
    print(f"\n{'endpoint':<16}{'cache off ms':>14}{'cache on ms':>13}{'off/on':>8}{'queries off/on':>16}")
    for name, call in endpoints.items():
        if name == "approve":  # each call uses up one of the supervisor's submitted results
            continue
        runs: dict[bool, list[float]] = {False: [], True: []}
        counts: dict[bool, int] = {}
        for _ in range(3):
            for enabled in (False, True):
                with override_settings(STRUCTURE_CACHE=enabled):
                    call()  # warm (the cache: filled)
                    times, counts[enabled] = measure(call, max(1, repeat // 3))
                runs[enabled].extend(times)
        off, on = statistics.median(runs[False]), statistics.median(runs[True])
        print(f"{name:<16}{off:>14.1f}{on:>13.1f}{off / on:>8.2f}{f'{counts[False]}/{counts[True]}':>16}")


def middleware_costs(population: Population, repeat: int) -> list[tuple[str, float]]:
    """CPU ms the unit page saves when each optional middleware is left out (median of ``repeat``)."""

    def median_ms(middleware: list[str]) -> float:
        with override_settings(MIDDLEWARE=middleware):
            mix = Mix(population)
            mix.unit_page()  # warm
            times, _ = measure(mix.unit_page, repeat)
        return statistics.median(times)

    full = list(settings.MIDDLEWARE)
    base = median_ms(full)
    costs = [("(all of them)", base)]
    for name in full:
        if name in REQUIRED_MIDDLEWARE:
            continue
        without = [m for m in full if m != name]
        if name == "django_otp.middleware.OTPMiddleware":  # the OTP policy reads what this one sets
            without = [m for m in without if not m.endswith("OTPPolicyMiddleware")]
        costs.append((name, base - median_ms(without)))
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="requests per endpoint (default 20, at most 55)")
    parser.add_argument("--profile", default="", help="endpoint name to run under cProfile, or 'all'")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--queries", default="", help="endpoint name whose SQL to print, or 'all'")
    parser.add_argument("--middleware", action="store_true", help="also measure each middleware on the unit page")
    parser.add_argument("--structure-cache", action="store_true",
                        help="also measure each endpoint with the year structure cache off (STRUCTURE_CACHE=0), "
                             "alternating with it on, and print the ratio")
    args = parser.parse_args()
    if args.repeat > 55:
        raise SystemExit("--repeat: at most 55 (each repetition approves one of the supervisor's 60 results)")
    # the test client's host; not setup_test_environment(), whose instrumented template rendering costs CPU itself
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    logging.disable(logging.INFO)  # the eager tasks' log lines would bury the table
    if settings.STATIC_MANIFEST and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    from reporting.services.scores import scorecards_store

    started = time.perf_counter()
    population = prepare(3, 5, 2)
    from indicators.models import FiscalYear

    scorecards_store(fiscal_year_id=FiscalYear.objects.get(be_year=population.year).pk)
    print(f"database {connection.vendor}, DEBUG={settings.DEBUG}, population built in "
          f"{time.perf_counter() - started:.0f} s; {args.repeat} requests per endpoint")
    mix = Mix(population)
    endpoints = mix.endpoints()
    for call in endpoints.values():  # warm: imports, template loading, the stored PDFs
        call()
    for _ in mix.pdf_units:
        mix.scorecard_pdf()
    print(f"\n{'endpoint':<16}{'CPU median ms':>15}{'CPU mean ms':>13}{'queries':>9}")
    for name, call in endpoints.items():
        times, queries = measure(call, args.repeat)
        print(f"{name:<16}{statistics.median(times):>15.1f}{statistics.mean(times):>13.1f}{queries:>9}")
    if args.structure_cache:
        compare_structure_cache(endpoints, args.repeat)
    for name, call in endpoints.items():
        if args.queries in ("all", name):
            with CaptureQueriesContext(connection) as queries:
                call()
            print(f"\n===== SQL: {name} =====")
            for query in queries.captured_queries:
                print(query["sql"][:300])
    if args.profile:
        for name, call in endpoints.items():
            if args.profile in ("all", name):
                print(f"\n===== cProfile: {name} × {min(args.repeat, 3 if name == 'approve' else args.repeat)} =====")
                print(profile(call, min(args.repeat, 3 if name == "approve" else args.repeat), args.top))
    if args.middleware:
        print(f"\n{'middleware (unit page, left out)':<60}{'CPU ms':>8}")
        for name, ms in middleware_costs(population, args.repeat):
            print(f"{name:<60}{ms:>8.2f}")
    connection.close()


if __name__ == "__main__":
    main()
