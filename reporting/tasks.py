"""Celery tasks of the reporting app: they take ids, call one service and are safe to run twice."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.db import OperationalError, close_old_connections
from django.utils import timezone

from reporting.batches import report_run_release, report_run_render, report_runs_recover
from reporting.services import score_jobs_drain, score_jobs_sweep

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


# acks_late + reject_on_worker_lost (settings): a worker killed mid-drain leaves the message in the queue, and the
# requests stay queued in the database (the drain is one transaction), so the next delivery or the sweep redoes it.
@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=120,
    max_retries=MAX_RETRIES, soft_time_limit=270, time_limit=300,
)
def drain_score_jobs(*, fiscal_year_id: int | None = None) -> dict[str, Any]:
    """Recompute the scores the pending requests of a year (or of every year) ask for."""
    try:
        stored = score_jobs_drain(fiscal_year_id=fiscal_year_id)
    except SoftTimeLimitExceeded:
        logger.error("score recompute of year %s ran out of time; the sweep will retry", fiscal_year_id)
        raise
    return {"fiscal_year_id": fiscal_year_id, "scorecards": len(stored)}


@shared_task(acks_late=True, soft_time_limit=270, time_limit=300)
def sweep_score_jobs() -> dict[str, int]:
    """Celery beat: drain every pending recompute request (also those whose message the broker lost)."""
    return score_jobs_sweep()


# ---- report batches (reporting/batches/) ------------------------------------------------------------------------

RUN_MAX_RETRIES = 3
# Rows whose lease was renewed before this module was imported were held by an earlier process: a worker imports
# its task modules before it consumes anything.
_PROCESS_STARTED = timezone.now()


def _owner(hostname: str | None) -> str:
    """Lease holder: node name (lets a restarted node free its old leases), process and this delivery."""
    return f"{hostname or socket.gethostname()}|{os.getpid()}|{uuid.uuid4().hex[:12]}"


# acks_late + the shard lease: a redelivered or duplicated message cannot render in parallel with a live worker, and
# a killed worker's shard is claimed again once its lease expires (report_runs_recover re-queues it).
@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=120,
    max_retries=RUN_MAX_RETRIES, soft_time_limit=3300, time_limit=3600,
)
def render_report_run(self: Any, run_id: int, shard: int = 0) -> dict[str, Any]:
    """Render one shard of a ReportRun (the last one also writes the ZIP); failures are recorded on the run."""
    owner = _owner(self.request.hostname)
    try:
        return report_run_render(run_id=run_id, shard=shard, owner=owner)
    except OperationalError as exc:
        retrying = self.request.retries < RUN_MAX_RETRIES
        report_run_release(
            run_id=run_id, shard=shard, owner=owner, error=f"OperationalError: {exc}", failed=not retrying
        )
        raise
    except SoftTimeLimitExceeded:
        report_run_release(
            run_id=run_id, shard=shard, owner=owner, failed=True,
            error="หมดเวลาสร้างเอกสาร (เกินเวลาที่กำหนดของงาน) เอกสารที่สร้างแล้วยังอยู่ สั่งทำต่อได้จากหน้าผู้ดูแลระบบ",
        )
        raise
    except Exception as exc:
        report_run_release(run_id=run_id, shard=shard, owner=owner, failed=True, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def recover_report_runs() -> list[list[int]]:
    """Celery beat: re-queue report run shards whose worker died (expired lease) or whose message was lost."""
    return [[run_id, shard] for run_id, shard in report_runs_recover()]


@worker_ready.connect(dispatch_uid="reporting_recover_report_runs_on_worker_ready")
def recover_report_runs_on_start(sender: Any = None, **kwargs: Any) -> None:
    """A (re)started worker frees the leases its previous incarnation held and re-queues abandoned runs."""
    try:
        report_runs_recover(node=getattr(sender, "hostname", None), node_started=_PROCESS_STARTED)
    except Exception:  # the worker must start even when the database is not reachable yet; beat retries later
        logger.exception("could not recover report runs at worker start")
    finally:
        close_old_connections()
