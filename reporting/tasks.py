"""Celery tasks of the reporting app: they take ids, call one service and are safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from reporting.models import ScoreJob
from reporting.services import score_job_failed, score_job_run

MAX_RETRIES = 3


# acks_late + reject_on_worker_lost (settings): a worker killed mid-job leaves the message in the queue and the next
# worker recomputes; each scorecard is written in one transaction, so nothing half-written is ever visible.
@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=120,
    max_retries=MAX_RETRIES, soft_time_limit=270, time_limit=300,
)
def recompute_scores(self: Any, *, job_id: int) -> dict[str, Any]:
    """Recompute the scorecards a ScoreJob names (a unit and round, or a year); failures are recorded on the job."""
    job = ScoreJob.objects.filter(pk=job_id).first()
    if job is None:  # the job row is gone (e.g. the database was reset): nothing to do
        return {"job_id": job_id, "skipped": True}
    try:
        scorecards = score_job_run(job=job)
    except OperationalError as exc:
        score_job_failed(job_id=job_id, error=f"OperationalError: {exc}", retrying=self.request.retries < MAX_RETRIES)
        raise
    except SoftTimeLimitExceeded:
        score_job_failed(job_id=job_id, error="หมดเวลาคำนวณ (เกินเวลาที่กำหนดของงาน)")
        raise
    return {
        "job_id": job_id,
        "scorecards": [
            {"id": s.pk, "org_unit_id": s.org_unit_id, "round_id": s.round_id, "status": s.status,
             "total_100": None if s.total_100 is None else str(s.total_100)}
            for s in scorecards
        ],
    }
