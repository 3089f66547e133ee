"""Load benchmark: gunicorn + PostgreSQL on loopback, staff / supervisors / directors, then the integrity checks.

    DATABASE_URL=postgres://... python benchmarks/bench_load.py --rate 50 --duration 60       # open loop
    DATABASE_URL=postgres://... python benchmarks/bench_load.py --closed --duration 60         # 50+5+2 users, no think time
    bash scripts/test.sh --bench                                                               # with the other benchmarks

The database is FLUSHED and rebuilt: the FY2566 reference data plus a synthetic population — N staff users, each
reporting for a unit of its own with five indicators (percent values) to save drafts of; supervisors, one per
indicator, each with submitted results of other units to approve; directors who download the units' scorecard PDFs.

Then it starts gunicorn (DEBUG=0) on 127.0.0.1:--port with --workers sync workers and, when REDIS_URL is set, one
real Celery worker for the score recomputes and e-mails (without REDIS_URL tasks run eagerly inside the requests, so
their CPU counts as the web server's). Every simulated user signs in once (CSRF token, session cookie; password
hashing happens here, never during the measured phase).

The driver is this file: a bounded, hand-written load generator on threads and http.client (no extra library).
- open loop (default): requests arrive at --rate per second (Poisson) for --duration seconds, whatever the server's
  speed; each arrival takes the next step of a random free user (staff: unit page → entry page → save;
  supervisor: review page → approve; director: scorecard PDF). Latency counts from the scheduled arrival, so a
  server that falls behind shows it (no coordinated omission).
- closed loop (--closed): every user repeats its steps without think time, as in the issue's first measurement.

It prints per endpoint: count, p50/p95/p99 (ms), errors and the achieved rate; the server CPU per request from
/proc/<pid>/stat (utime+stime of the gunicorn master and workers; PostgreSQL and the Celery worker apart); and:
- lost writes: every acknowledged save (302) must be in the result's history with the value it sent (0 lost);
- silent overwrites: --conflict-rounds rounds of --conflict-savers staff saving ONE shared result at once from the
  same version; every answer must be a save (302) or the conflict page (409), and the shared result's history must
  have exactly one new row per acknowledged save.
Exits 1 when an integrity check fails or any request errs.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
# Plain HTTP on loopback, no TLS proxy in front: the production defaults for HTTPS would redirect every request.
for _name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
    os.environ.setdefault(_name, "0")
# DEBUG=0 links static files by their hashed names (the manifest of `collectstatic`): collected once into this folder.
os.environ.setdefault("STATIC_ROOT", str(Path(tempfile.gettempdir()) / "dsdw-profile-static"))
from django_setup import REPO_DIR, setup_django  # noqa: E402

PASSWORD = "load-bench-Pass-2566!"  # noqa: S105 (synthetic users of a flushed benchmark database)
INDICATORS = 5
QUEUE_UNITS = 60  # units whose submitted results the supervisors approve (one result per supervisor each)
AS_OF = "31/03/2566"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---- the population ----------------------------------------------------------------------------------------------


@dataclass
class Population:
    year: int
    round_id: int
    staff: list[tuple[str, int, list[int]]]  # username, unit id, assignment ids
    staff_units: list[str]  # unit codes (directors download their scorecards)
    supervisors: list[tuple[str, list[int]]]  # username, submitted result ids to approve
    directors: list[str]
    shared_unit: int
    shared_assignment: int


def prepare(staff_count: int, supervisor_count: int, director_count: int) -> Population:
    """Flush the database, load the reference data and build the synthetic users, units and results."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

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
        UnitType,
    )
    from indicators.reference_data import ReferenceLoader

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    shared_dir = os.environ.get("DSDW_SHARED_DIR")
    ReferenceLoader(Path(shared_dir) if shared_dir else None).load()
    year = FiscalYear.objects.get(be_year=2566)
    round1 = Round.objects.get(fiscal_year=year, number=1)
    round1.is_open = True
    round1.save()
    users = get_user_model().objects
    hashed = make_password(PASSWORD)  # hashed once; every synthetic account shares it

    def account(username: str, role: str, name: str) -> Person:
        user = users.create(username=username, password=hashed)
        return Person.objects.create(user=user, full_name=name, role=role)

    supervisors = [account(f"load-supervisor-{n}", Person.Role.SUPERVISOR, f"ผู้กำกับดูแลทดสอบ {n}")
                   for n in range(1, supervisor_count + 1)]
    directors = [account(f"load-director-{n}", Person.Role.DIRECTOR, f"ผู้อำนวยการทดสอบ {n}")
                 for n in range(1, director_count + 1)]
    shelter = UnitType.objects.get(code="shelter")
    framework = Framework.objects.create(fiscal_year=year, level="field_unit", name_th="กรอบตัวชี้วัดทดสอบภาระงาน",
                                         status="approved", enforce_component_split=False)
    assignments = []
    for n in range(1, INDICATORS + 1):
        definition = IndicatorDefinition.objects.create(
            fiscal_year=year, code=f"LOAD{n:02d}", unit_of_measure="percent",
            name_th=f"ร้อยละของผลการดำเนินงานทดสอบภาระงานที่ {n} ตามแผนปฏิบัติราชการ",
        )
        criteria = Criteria.objects.create(definition=definition, round_number=1, method="five_level")
        for level, threshold in enumerate((60, 70, 80, 90, 100), start=1):
            CriteriaLevel.objects.create(criteria=criteria, level=level, threshold=Decimal(threshold))
        assignments.append(Assignment.objects.create(
            framework=framework, definition=definition, number=str(n), order=n, component="performance",
            weight=Decimal(100) / INDICATORS, supervisor=supervisors[(n - 1) % len(supervisors)],
        ))

    def unit(code: str, name: str) -> OrgUnit:
        created = OrgUnit.objects.create(code=code, kind="field_unit", name_th=name, unit_type=shelter)
        framework.org_units.add(created)
        return created

    staff = []
    for n in range(1, staff_count + 1):
        person = account(f"load-staff-{n}", Person.Role.STAFF, f"เจ้าหน้าที่ทดสอบ {n}")
        own = unit(f"load-unit-{n}", f"สถานคุ้มครองทดสอบภาระงาน {n}")
        person.reporting_units.add(own)
        staff.append((person.user.username, own.pk, [a.pk for a in assignments]))
    shared = unit("load-shared", "หน่วยงานทดสอบการบันทึกพร้อมกัน")
    for person in Person.objects.filter(role=Person.Role.STAFF, user__username__startswith="load-staff-"):
        person.reporting_units.add(shared)
    submitter = users.create(username="load-queue-reporter", password=hashed)
    # the shared result exists (a draft): the conflict phase saves it concurrently from one version
    Result.objects.create(assignment=assignments[0], org_unit=shared, round=round1, status="draft", value=Decimal(75),
                          as_of_date=round1.start_date, created_by=submitter, updated_by=submitter)
    queue: dict[int, list[int]] = defaultdict(list)
    for n in range(1, QUEUE_UNITS + 1):
        queue_unit = unit(f"load-queue-{n}", f"สถานคุ้มครองทดสอบคิวพิจารณา {n}")
        for assignment in assignments:
            result = Result.objects.create(
                assignment=assignment, org_unit=queue_unit, round=round1, status="submitted",
                value=Decimal(70 + n % 30), as_of_date=round1.start_date, created_by=submitter,
                updated_by=submitter, submitted_by=submitter,
            )
            queue[assignment.supervisor_id].append(result.pk)
    return Population(
        year=2566, round_id=round1.pk, staff=staff, staff_units=[f"load-unit-{n}" for n in range(1, staff_count + 1)],
        supervisors=[(p.user.username, queue[p.pk]) for p in supervisors],
        directors=[p.user.username for p in directors], shared_unit=shared.pk, shared_assignment=assignments[0].pk,
    )


# ---- HTTP --------------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]


class Session:
    """One signed-in browser: cookies, CSRF token; one request at a time (a lock), a fresh connection each."""

    def __init__(self, port: int, username: str) -> None:
        self.port = port
        self.username = username
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()
        self.step = 0

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return Answer(response.status, data, {k.lower(): v for k, v in response.getheaders()})
        finally:
            connection.close()

    def login(self) -> None:
        self.request("GET", "/accounts/login/")
        answer = self.request("POST", "/accounts/login/", {"username": self.username, "password": PASSWORD})
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"sign-in of {self.username} failed: HTTP {answer.status}")


# ---- measurements ------------------------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    saves: list[tuple[int, int, str]] = field(default_factory=list)  # acknowledged: unit, assignment, token
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, endpoint: str, ms: float, error: str = "") -> None:
        with self.lock:
            self.latencies[endpoint].append(ms)
            if error:
                self.errors[endpoint].append(error)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def process_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total


def children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
    return found


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine: how much the cores did, whoever used them."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def postgres_postmaster() -> int | None:
    """The PostgreSQL server of DATABASE_URL (when it runs on this machine; None otherwise)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    try:
        return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None  # another machine (or another PID namespace): not measured


def postgres_ticks(postmaster: int) -> int:
    """CPU ticks of the server so far: the postmaster and its live backends, plus the backends that have ended (the
    kernel adds a reaped child's time to its parent's cutime and cstime), so connections opened or closed during the
    run are all counted."""
    try:
        fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    ended = int(fields[13]) + int(fields[14])  # cutime, cstime (fields 16 and 17 of proc(5))
    return ended + process_ticks([postmaster, *children(postmaster)])


# ---- the servers -------------------------------------------------------------------------------------------------


@contextmanager
def servers(port: int, workers: int, log_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], subprocess.Popen[bytes] | None]]:
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "DOCUMENT_CACHE_DIR": os.environ.get("DOCUMENT_CACHE_DIR", str(log_dir / "document-cache"))}
    venv_bin = Path(sys.executable).parent
    if not (venv_bin / "gunicorn").exists():
        raise SystemExit(f"gunicorn is not installed in {venv_bin}: {venv_bin / 'pip'} install gunicorn")
    gunicorn = subprocess.Popen(  # noqa: S603
        [str(venv_bin / "gunicorn"), "dsdw_kpi.wsgi:application", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--timeout", "120", "--graceful-timeout", "10"],
        cwd=REPO_DIR, env=env, stdout=(log_dir / "gunicorn.log").open("wb"), stderr=subprocess.STDOUT,
    )
    worker = None
    if os.environ.get("REDIS_URL"):
        worker = subprocess.Popen(  # noqa: S603
            [str(venv_bin / "celery"), "-A", "dsdw_kpi", "worker", "--pool", "solo", "-l", "warning",
             "-Q", "celery,scores,documents,email"],
            cwd=REPO_DIR, env=env, stdout=(log_dir / "celery.log").open("wb"), stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Session(port, "").request("GET", "/accounts/login/").status == 200:
                    break
            except OSError:
                pass
            if gunicorn.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log_dir / 'gunicorn.log'}")
            time.sleep(0.3)
        yield gunicorn, worker
    finally:
        for process in (gunicorn, worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (gunicorn, worker):
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


# ---- the users' steps --------------------------------------------------------------------------------------------


class Load:
    def __init__(self, population: Population, port: int, stats: Stats) -> None:
        self.population = population
        self.stats = stats
        self.counter = 0
        self.counter_lock = threading.Lock()
        self.staff = [(Session(port, name), unit, assignments) for name, unit, assignments in population.staff]
        self.supervisors = [(Session(port, name), list(queue)) for name, queue in population.supervisors]
        self.directors = [Session(port, name) for name in population.directors]
        self.versions: dict[tuple[int, int], int] = {}  # the staff's own results: known version (0 = not created)

    def sessions(self) -> list[Session]:
        return [s for s, _, _ in self.staff] + [s for s, _ in self.supervisors] + self.directors

    def token(self) -> str:
        with self.counter_lock:
            self.counter += 1
            return f"load-{self.counter}"

    def timed(self, endpoint: str, call: Callable[[], Answer], ok: tuple[int, ...], start: float | None = None) -> Answer | None:
        begin = time.perf_counter() if start is None else start
        try:
            answer = call()
        except (OSError, http.client.HTTPException) as exc:
            self.stats.record(endpoint, (time.perf_counter() - begin) * 1000, f"{type(exc).__name__}: {exc}")
            return None
        error = "" if answer.status in ok else f"HTTP {answer.status}"
        self.stats.record(endpoint, (time.perf_counter() - begin) * 1000, error)
        return answer if not error else None

    def step(self, kind: str, index: int, start: float | None = None) -> None:
        """One request: the next step of user ``index`` of ``kind``, its latency measured from ``start``."""
        population = self.population
        if kind == "staff":
            session, unit, assignments = self.staff[index]
            phase, session.step = session.step % 3, session.step + 1
            assignment = assignments[(session.step // 3) % len(assignments)]
            entry = f"/rounds/{population.round_id}/units/{unit}/indicators/{assignment}/"
            if phase == 0:
                self.timed("unit page", lambda: session.request("GET", f"/rounds/{population.round_id}/units/{unit}/"),
                           (200,), start)
            elif phase == 1:
                self.timed("entry page", lambda: session.request("GET", entry), (200,), start)
            else:
                self.save(session, unit, assignment, entry, start)
        elif kind == "supervisor":
            session, queue = self.supervisors[index]
            phase, session.step = session.step % 2, session.step + 1
            if not queue:
                self.timed("review queue", lambda: session.request("GET", "/review/"), (200,), start)
            elif phase == 0:
                self.timed("review page", lambda: session.request("GET", f"/review/{queue[-1]}/"), (200,), start)
            else:
                pk = queue.pop()
                self.timed("approve", lambda: session.request("POST", f"/review/{pk}/", {"action": "approve"}),
                           (302,), start)
        else:
            session = self.directors[index]
            session.step += 1
            code = population.staff_units[random.randrange(len(population.staff_units))]
            query = urllib.parse.urlencode({"year": population.year, "round": 1, "unit": code, "format": "pdf"})
            answer = self.timed("scorecard PDF", lambda: session.request("GET", f"/reports/scorecard/?{query}"), (200,), start)
            if answer is not None and not answer.body.startswith(b"%PDF"):
                self.stats.record("scorecard PDF", 0.0, "not a PDF")

    def save(self, session: Session, unit: int, assignment: int, entry: str, start: float | None) -> None:
        token = self.token()
        version = self.versions.get((unit, assignment), 0)
        form = {"version": str(version) if version else "", "value": str(random.randint(50, 100)),
                "as_of_date": AS_OF, "actions_th": token}
        answer = self.timed("save draft", lambda: session.request("POST", entry, form), (302,), start)
        if answer is not None:
            self.versions[(unit, assignment)] = version + 1
            with self.stats.lock:
                self.stats.saves.append((unit, assignment, token))

    # ---- drivers ----

    def users(self) -> list[tuple[str, int, Session]]:
        return ([("staff", i, s) for i, (s, _, _) in enumerate(self.staff)]
                + [("supervisor", i, s) for i, (s, _) in enumerate(self.supervisors)]
                + [("director", i, s) for i, s in enumerate(self.directors)])

    def open_loop(self, rate: float, duration: float, threads: int) -> float:
        users = self.users()
        rng = random.Random(2566)
        begin = time.perf_counter()
        scheduled = 0

        def run(kind: str, index: int, session: Session, at: float) -> None:
            with session.lock:
                self.step(kind, index, at)

        with ThreadPoolExecutor(max_workers=threads) as pool:
            at = begin
            while at - begin < duration:
                at += rng.expovariate(rate)
                delay = at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                free = [u for u in users if not u[2].lock.locked()]
                kind, index, session = rng.choice(free or users)
                pool.submit(run, kind, index, session, at)
                scheduled += 1
        return time.perf_counter() - begin

    def closed_loop(self, duration: float) -> float:
        stop = time.perf_counter() + duration

        def loop(kind: str, index: int, session: Session) -> None:
            while time.perf_counter() < stop:
                with session.lock:
                    self.step(kind, index)

        begin = time.perf_counter()
        users = self.users()
        with ThreadPoolExecutor(max_workers=len(users)) as pool:
            for user in users:
                pool.submit(loop, *user)
        return time.perf_counter() - begin


# ---- integrity ---------------------------------------------------------------------------------------------------


def lost_saves(saves: list[tuple[int, int, str]]) -> int:
    """Acknowledged saves whose value is not in the result's history."""
    from indicators.models import Result

    history = Result.history.model
    tokens = {token for _, _, token in saves}
    found = set(history.objects.filter(actions_th__in=tokens).values_list("actions_th", flat=True))
    return len(tokens - found)


def conflict_phase(load: Load, rounds: int, savers: int) -> tuple[int, int, int, int, int]:
    """Rounds of ``savers`` staff saving one shared result from the same version at once.

    Returns (saves, conflicts, other answers, new history rows, acknowledged tokens missing from the history).
    """
    from indicators.models import Result

    population = load.population
    entry = f"/rounds/{population.round_id}/units/{population.shared_unit}/indicators/{population.shared_assignment}/"
    history = Result.history.model
    where = {"org_unit_id": population.shared_unit, "assignment_id": population.shared_assignment}
    before = history.objects.filter(**where).count()
    saved, conflicts, other = 0, 0, 0
    tokens: list[str] = []
    for _ in range(rounds):
        current = Result.objects.filter(**where).values_list("version", flat=True).first()
        barrier = threading.Barrier(savers)

        def one(session: Session, version: int | None = current, barrier: threading.Barrier = barrier) -> tuple[int, str]:
            token = load.token()
            form = {"version": str(version or ""), "value": str(random.randint(50, 100)), "as_of_date": AS_OF,
                    "actions_th": token}
            barrier.wait()
            return session.request("POST", entry, form).status, token

        people = random.sample([s for s, _, _ in load.staff], savers)
        with ThreadPoolExecutor(max_workers=savers) as pool:
            answers = list(pool.map(one, people))
        for status, token in answers:
            if status == 302:
                saved += 1
                tokens.append(token)
            elif status == 409:
                conflicts += 1
            else:
                other += 1
                print(f"  unexpected answer HTTP {status} to a concurrent save")
    added = history.objects.filter(**where).count() - before
    found = set(history.objects.filter(actions_th__in=tokens, **where).values_list("actions_th", flat=True))
    return saved, conflicts, other, added, len(set(tokens) - found)


# ---- main --------------------------------------------------------------------------------------------------------


def report(stats: Stats, elapsed: float, ticks: dict[str, int], busy: tuple[int, int]) -> int:
    total = sum(len(v) for v in stats.latencies.values())
    print(f"\n{'endpoint':16} {'count':>6} {'rate/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    errors = 0
    for endpoint in sorted(stats.latencies):
        values = stats.latencies[endpoint]
        failed = len(stats.errors.get(endpoint, []))
        errors += failed
        print(f"{endpoint:16} {len(values):6d} {len(values) / elapsed:7.1f} {percentile(values, 50):8.0f} "
              f"{percentile(values, 95):8.0f} {percentile(values, 99):8.0f} {failed:7d}")
    every = [v for values in stats.latencies.values() for v in values]
    if every:
        print(f"{'all':16} {total:6d} {total / elapsed:7.1f} {percentile(every, 50):8.0f} {percentile(every, 95):8.0f} "
              f"{percentile(every, 99):8.0f} {errors:7d}")
    for endpoint, messages in stats.errors.items():
        print(f"  {endpoint}: {len(messages)} errors, e.g. {sorted(set(messages))[:3]}")
    print(f"\nmeasured {elapsed:.1f} s, {total} requests, achieved {total / elapsed:.1f} requests/s")
    for name, spent in ticks.items():
        ms = spent / CLK_TCK * 1000
        print(f"CPU {name:15} {ms / 1000:7.1f} s = {ms / max(total, 1):6.1f} ms per request")
    cores = os.cpu_count() or 1
    share = busy[0] / busy[1] if busy[1] else 0.0
    print(f"machine: {cores} cores {share * 100:.0f}% busy during the run (all processes, other users included)")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50.0, help="open loop: arrivals per second (default 50)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--closed", action="store_true", help="closed loop: every user without think time")
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--supervisors", type=int, default=5)
    parser.add_argument("--directors", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--port", type=int, default=8871)
    parser.add_argument("--threads", type=int, default=200, help="open loop: most requests in flight")
    parser.add_argument("--conflict-rounds", type=int, default=20)
    parser.add_argument("--conflict-savers", type=int, default=20)
    parser.add_argument("--log-dir", default="", help="gunicorn/celery logs (default: a temporary directory)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a scratch PostgreSQL database (it is flushed)")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if settings.STATIC_MANIFEST and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="dsdw-load-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    population = prepare(args.staff, args.supervisors, args.directors)
    print(f"prepared {len(population.staff)} staff, {len(population.supervisors)} supervisors, "
          f"{len(population.directors)} directors in {time.perf_counter() - started:.0f} s; logs in {log_dir}")
    postmaster = postgres_postmaster()
    connection.close()
    celery_mode = "a real Celery worker (REDIS_URL)" if os.environ.get("REDIS_URL") else "Celery eager (in the requests)"
    with servers(args.port, args.workers, log_dir) as (gunicorn, worker):
        stats = Stats()
        load = Load(population, args.port, stats)
        with ThreadPoolExecutor(max_workers=4) as pool:  # sign in: password hashing, outside the measurement
            list(pool.map(Session.login, load.sessions()))
        print(f"gunicorn {args.workers} sync workers on 127.0.0.1:{args.port}, DEBUG=0, {celery_mode}; "
              f"{len(load.sessions())} users signed in")
        web = [gunicorn.pid, *children(gunicorn.pid)]
        groups = {"gunicorn": web, **({"celery worker": [worker.pid, *children(worker.pid)]} if worker else {})}
        before = {name: process_ticks(pids) for name, pids in groups.items()}
        pg_before = postgres_ticks(postmaster) if postmaster else 0
        own_before = os.times()
        busy_before = machine_busy()
        if args.closed:
            print(f"closed loop: {args.staff} staff + {args.supervisors} supervisors + {args.directors} directors, "
                  f"no think time, {args.duration:.0f} s")
            elapsed = load.closed_loop(args.duration)
        else:
            print(f"open loop: {args.rate:g} arrivals/s (Poisson) for {args.duration:.0f} s")
            elapsed = load.open_loop(args.rate, args.duration, args.threads)
        busy_after = machine_busy()
        spent = {name: process_ticks(pids) - before[name] for name, pids in groups.items()}
        if postmaster:
            spent["postgresql"] = postgres_ticks(postmaster) - pg_before
        own = os.times()  # the load generator competes for the same cores
        spent["load generator"] = round((own.user + own.system - own_before.user - own_before.system) * CLK_TCK)
        connection.close()
        errors = report(stats, elapsed, spent, (busy_after[0] - busy_before[0], busy_after[1] - busy_before[1]))
        lost = lost_saves(stats.saves)
        print(f"\nlost writes: {lost} of {len(stats.saves)} acknowledged saves missing from the history")
        saved, conflicts, other, added, missing = conflict_phase(load, args.conflict_rounds, args.conflict_savers)
        overwrites = abs(added - saved) + missing
        print(f"one shared result, {args.conflict_rounds} rounds of {args.conflict_savers} simultaneous saves: "
              f"{saved} saves + {conflicts} conflicts + {other} other answers; {added} new history rows → "
              f"silent overwrites: {overwrites}")
    failed = errors or lost or overwrites or other
    print("\nRESULT:", "FAILED" if failed else "OK", f"(errors {errors}, lost {lost}, silent overwrites {overwrites})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
