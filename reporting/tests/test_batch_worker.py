"""Report batches on real Celery workers, Redis and PostgreSQL (started by scripts/test.sh).

The workers here are started per test on a queue of their own (REPORT_RUN_QUEUE), with a short lease and, where a
test must catch a batch half-way, a pause after each document (REPORT_RUN_ITEM_DELAY_MS, 0 in production).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from indicators.models import FiscalYear
from indicators.tests.conftest import load_reference
from reporting.batches import report_run_create
from reporting.models import ReportRun, ReportRunItem, ReportRunShard
from reporting.tasks import recover_report_runs, render_report_run

pytestmark = pytest.mark.needs_services

DEMO_UNIT_COUNT = 18  # every unit a FY2566 framework of the demo data names (see test_batches.py)
DIVISION_COUNT = 12  # the 11 real divisions and the demo division


def _load() -> None:
    load_reference()
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _tail(process: subprocess.Popen[bytes]) -> str:
    path: Path = process.log_path  # type: ignore[attr-defined]
    return "\n".join(path.read_text(errors="replace").splitlines()[-30:]) if path.exists() else "(no log)"


def _wait_for(predicate: Callable[[], bool], timeout: float, explain: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s\n{explain()}")
        time.sleep(0.3)


def _run(pk: int) -> ReportRun:
    return ReportRun.objects.get(pk=pk)


class Batch:
    """Settings shared by the test process (which creates and enqueues runs) and the workers it starts."""

    def __init__(self, settings: Any, media: Path, factory: Any, *, lease: int, delay_ms: int, shards: int) -> None:
        self.queue = f"reports-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.media = media
        self.factory = factory
        self.env = {
            "REPORT_RUN_QUEUE": self.queue, "PRIVATE_MEDIA_ROOT": str(media),
            "REPORT_RUN_LEASE_SECONDS": str(lease), "REPORT_RUN_ITEM_DELAY_MS": str(delay_ms),
        }
        settings.REPORT_RUN_QUEUE = self.queue
        settings.PRIVATE_MEDIA_ROOT = media
        settings.REPORT_RUN_LEASE_SECONDS = lease
        settings.REPORT_RUN_SHARDS = shards

    def worker(self, name: str) -> subprocess.Popen[bytes]:
        return self.factory(f"{name}-{os.getpid()}@localhost", env=self.env, args=["-Q", self.queue])

    def start(self, **options: Any) -> ReportRun:
        """Create a run as the demo admin; it is sent to the queue when the create transaction commits."""
        values: dict[str, Any] = {"kind": "scorecard", "scope": ReportRun.Scope.DEPARTMENT, "round_number": 2}
        values.update(options)
        admin = get_user_model().objects.get(username="admin")
        return report_run_create(actor=admin, fiscal_year=FiscalYear.objects.get(be_year=2566), **values)

    def files(self, run: ReportRun) -> list[str]:
        return sorted(p.name for p in (self.media / "reports" / "runs" / str(run.pk)).iterdir())


def _assert_complete(batch: Batch, run: ReportRun, expected: int, magic: bytes) -> None:
    """Every unit exactly once: items, files on disk and ZIP entries; no temporary file left."""
    items = list(run.items.order_by("position"))
    names = [item.filename for item in items]
    assert (run.status, run.total, run.done_count, run.failed_count) == (ReportRun.Status.DONE, expected, expected, 0)
    assert len(items) == len({item.org_unit_id for item in items}) == expected
    assert all(item.status == ReportRunItem.Status.DONE and item.size for item in items)
    assert batch.files(run) == sorted([*names, run.zip_file.name.rsplit("/", 1)[-1]])
    with zipfile.ZipFile(run.zip_file.path) as archive:
        assert archive.namelist() == names
        for name in names:
            assert archive.read(name).startswith(magic), name


@pytest.mark.django_db(transaction=True)
def test_a_batch_of_every_demo_unit_runs_to_completion_on_two_workers(
    celery_worker_factory: Any, settings: Any, tmp_path: Path
) -> None:
    # given: two workers, a batch in two shards, and a second delivery of the first shard's message
    _load()
    batch = Batch(settings, tmp_path, celery_worker_factory, lease=60, delay_ms=0, shards=2)
    first, second = batch.worker("batch-a"), batch.worker("batch-b")

    run = batch.start()
    duplicate = render_report_run.apply_async(args=[run.pk, 0], queue=batch.queue)

    # when
    _wait_for(lambda: _run(run.pk).finished, 300, lambda: f"{_run(run.pk).__dict__}\n{_tail(first)}\n{_tail(second)}")

    # then: one PDF per unit, nothing rendered twice (the duplicate found the shard leased or already done)
    run = _run(run.pk)
    _assert_complete(batch, run, DEMO_UNIT_COUNT, b"%PDF")
    outcome = duplicate.get(timeout=60)
    assert outcome.get("skipped") or outcome["rendered"] == 0, outcome
    assert run.zip_file.name.endswith("/scorecard-2566-r2-department.zip")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_and_restarted_finishes_it_without_duplicates(
    celery_worker_factory: Any, settings: Any, tmp_path: Path
) -> None:
    # given: a worker half-way through a batch (a long lease: only the restart may hand the batch over)
    _load()
    batch = Batch(settings, tmp_path, celery_worker_factory, lease=600, delay_ms=700, shards=1)
    worker = batch.worker("batch-restart")
    run = batch.start(scope=ReportRun.Scope.DIVISIONS)
    _wait_for(lambda: _run(run.pk).done_count >= 3, 120, lambda: _tail(worker))

    # when: it is killed outright, and the node comes back
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    before = _run(run.pk)
    kept = {item.pk: item.rendered_at for item in before.items.filter(status=ReportRunItem.Status.DONE)}
    assert 3 <= before.done_count < before.total and before.status == ReportRun.Status.RUNNING
    restarted = batch.worker("batch-restart")
    _wait_for(lambda: _run(run.pk).finished, 180, lambda: _tail(restarted))

    # then: the new worker rendered only what was missing; every unit is there exactly once
    run = _run(run.pk)
    _assert_complete(batch, run, DIVISION_COUNT, b"%PDF")
    assert {pk: rendered for pk, rendered in run.items.values_list("pk", "rendered_at") if pk in kept} == kept
    shard = ReportRunShard.objects.get(run=run)
    assert shard.attempts == 2 and run.attempts == 2 and not shard.lease_owner


@pytest.mark.django_db(transaction=True)
def test_a_batch_abandoned_by_a_dead_worker_is_recovered_by_the_beat_task_on_another(
    celery_worker_factory: Any, settings: Any, tmp_path: Path
) -> None:
    # given: a worker killed mid-batch that never comes back, another node already running, and a short lease
    _load()
    batch = Batch(settings, tmp_path, celery_worker_factory, lease=4, delay_ms=1000, shards=1)
    dead = batch.worker("batch-dead")
    run = batch.start(scope=ReportRun.Scope.DIVISIONS, fmt=ReportRun.Format.XLSX)
    _wait_for(lambda: _run(run.pk).done_count >= 1, 120, lambda: _tail(dead))
    other = batch.worker("batch-other")
    _wait_for(lambda: _run(run.pk).done_count >= 2, 120, lambda: _tail(dead))
    os.kill(dead.pid, signal.SIGKILL)
    dead.wait(timeout=10)
    assert _run(run.pk).status == ReportRun.Status.RUNNING and _run(run.pk).done_count < DIVISION_COUNT

    # when: the lease runs out and Celery beat sends the recovery task (as the beat schedule does)
    _wait_for(lambda: not ReportRunShard.objects.filter(run=run, lease_until__gt=_now()).exists(), 30, str)
    requeued = recover_report_runs.apply_async(queue=batch.queue).get(timeout=60)
    _wait_for(lambda: _run(run.pk).finished, 120, lambda: _tail(other))

    # then
    assert requeued == [[run.pk, 0]]
    _assert_complete(batch, _run(run.pk), DIVISION_COUNT, b"PK")
    assert settings.CELERY_BEAT_SCHEDULE["recover-report-runs"]["task"] == recover_report_runs.name


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()
