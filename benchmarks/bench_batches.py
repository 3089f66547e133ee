"""Benchmark of report batches: wall time of the batch of every demo unit with one and with two worker processes.

    bash scripts/test.sh --bench                      # throw-away PostgreSQL and Redis (the usual way)
    DATABASE_URL=postgres://... REDIS_URL=redis://... python benchmarks/bench_batches.py   # a scratch database:
                                                      # it is flushed!

Loads the FY2566 reference and demo data, then for each worker set-up (one solo worker; two solo workers; one
prefork worker with --concurrency 2) starts real Celery workers on a queue of their own, renders a warm-up batch
(every division: fonts, templates and stored scorecards are warm afterwards), then times the batch of every unit
of the department (one PDF per unit and the ZIP) from the request to the finished run. Peak memory is each
process's VmHWM (peak resident set) from /proc after the batches.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import REPO_DIR, setup_django  # noqa: E402

MEDIA = Path(tempfile.mkdtemp(prefix="dsdw-bench-batches-"))
os.environ["PRIVATE_MEDIA_ROOT"] = str(MEDIA)
QUEUE = f"bench-batches-{uuid.uuid4().hex[:8]}"
os.environ["REPORT_RUN_QUEUE"] = QUEUE
setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from dsdw_kpi.celery import app  # noqa: E402
from indicators.models import FiscalYear  # noqa: E402
from indicators.reference_data import ReferenceLoader  # noqa: E402
from reporting.batches import report_run_create  # noqa: E402
from reporting.models import ReportRun  # noqa: E402

SETUPS = {
    "1 worker (solo)": [["--pool=solo"]],
    "2 workers (solo)": [["--pool=solo"], ["--pool=solo"]],
    "1 worker, prefork -c 2": [["--pool=prefork", "--concurrency=2"]],
}


def start_worker(name: str, pool_args: list[str], log_dir: Path) -> subprocess.Popen[bytes]:
    nodename = f"{name}-{os.getpid()}@localhost"
    command = [
        sys.executable, "-m", "celery", "-A", "dsdw_kpi", "worker", *pool_args, "-Q", QUEUE, "-n", nodename,
        "-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    env = dict(os.environ, DB_CONN_MAX_AGE="60", PYTHONUNBUFFERED="1")
    with (log_dir / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while not any(nodename in reply for reply in app.control.ping(destination=[nodename], timeout=0.5) or []):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"worker {name} did not start; see {log_dir / f'{name}.log'}")
    return process


def processes_of(process: subprocess.Popen[bytes]) -> list[int]:
    """The worker's main process and its pool children."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    found = [process.pid]
    if children.exists():
        found += [int(pid) for pid in children.read_text().split()]
    return found


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_batch(scope: str) -> tuple[float, ReportRun]:
    admin = get_user_model().objects.get(username="admin")
    year = FiscalYear.objects.get(be_year=2566)
    started = time.perf_counter()
    run = report_run_create(actor=admin, kind="scorecard", fiscal_year=year, scope=scope, round_number=2)
    while True:
        run.refresh_from_db()
        if run.finished:
            return time.perf_counter() - started, run
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2, help="timed batches per set-up (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and worker logs")
    parser.add_argument("--timeline", action="store_true", help="print when each document of the last batch was done")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"):
        raise SystemExit("needs DATABASE_URL (PostgreSQL, flushed!) and REDIS_URL: run `bash scripts/test.sh --bench`")

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    ReferenceLoader(Path(settings.DSDW_SHARED_DIR)).load()
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    log_dir = MEDIA / "logs"
    log_dir.mkdir()
    print(f"queue {QUEUE}, {settings.REPORT_RUN_SHARDS} shards per batch, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    try:
        rows = measure(args.repeat, log_dir, timeline=args.timeline)
    except BaseException:
        print(f"failed: files and worker logs kept in {MEDIA}", file=sys.stderr)
        raise
    if args.keep:
        print(f"files and worker logs kept in {MEDIA}")
    else:
        shutil.rmtree(MEDIA, ignore_errors=True)
    report(rows)


Row = tuple[str, int, float, float, float, int, list[int], list[float]]


def print_timeline(label: str, run: ReportRun) -> None:
    """Seconds from the run's start at which each document was stored, per shard (shows whether shards overlap)."""
    assert run.started_at is not None
    print(f"  {label}: documents done at (s after start), by shard")
    for shard in range(run.shards):
        moments = [
            f"{(item.rendered_at - run.started_at).total_seconds():.2f}"
            for item in run.items.filter(shard=shard).order_by("rendered_at")
            if item.rendered_at is not None
        ]
        print(f"    shard {shard}: {' '.join(moments)}")


def measure(repeat: int, log_dir: Path, *, timeline: bool = False) -> list[Row]:
    rows: list[Row] = []
    for label, workers in SETUPS.items():
        processes = [start_worker(f"bench{n}", pool_args, log_dir) for n, pool_args in enumerate(workers)]
        try:
            warm, _ = run_batch(ReportRun.Scope.DIVISIONS)
            pids = [pid for process in processes for pid in processes_of(process)]
            cpu_before = {pid: cpu_seconds(pid) for pid in pids}
            times = []
            for _ in range(repeat):
                seconds, run = run_batch(ReportRun.Scope.DEPARTMENT)
                if run.status != ReportRun.Status.DONE:
                    raise SystemExit(f"batch {run.pk} ended {run.status}: {run.error}")
                times.append(seconds)
            if timeline:
                print_timeline(label, run)
            peaks = [round(peak_rss_mb(pid)) for pid in pids]
            cpu = [(cpu_seconds(pid) - cpu_before[pid]) / repeat for pid in pids]
            rows.append((label, run.total, warm, min(times), statistics.mean(times), run.zip_size or 0, peaks, cpu))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    return rows


def report(rows: list[Row]) -> None:
    print()
    print(f"{'set-up':<24} {'units':>5} {'warm-up s':>9} {'best s':>7} {'mean s':>7} {'ms/PDF':>7} {'ZIP kB':>7}  "
          f"{'peak RSS per process (MB)':<26} CPU s per batch per process")
    for label, units, warm, best, mean, zip_size, peaks, cpu in rows:
        print(f"{label:<24} {units:>5} {warm:>9.2f} {best:>7.2f} {mean:>7.2f} {best * 1000 / units:>7.0f} "
              f"{zip_size / 1024:>7.0f}  {' / '.join(str(p) for p in peaks):<26} "
              f"{' / '.join(f'{c:.1f}' for c in cpu)}")
    print("(solo: one process per worker; prefork: the main process, then its two pool processes; "
          f"load average now {os.getloadavg()[0]:.1f})")
    base = rows[0][3]
    for label, _units, _warm, best, *_rest in rows[1:]:
        print(f"speed-up of '{label}' over '{rows[0][0]}': {base / best:.2f}x")


if __name__ == "__main__":
    main()
