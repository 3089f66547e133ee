"""Recompute requests (the outbox) and the worker that drains them.

A change to any score input records a ScoreJob row in the same transaction (``score_job_request``, called by the
listener of ``indicators.events.score_input_changed``); after the commit a Celery task is asked to drain the year.
The request never waits on the broker: with the broker down the rows simply stay queued, and the periodic sweep
(Celery beat, ``sweep_score_jobs``) drains them when a worker runs again. Draining locks the year (a PostgreSQL
advisory lock), so two workers never store one year's scorecards from inputs read at different moments.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from indicators.models import FiscalYear, OrgUnit, Round
from reporting.models import Scorecard, ScoreJob
from reporting.services.scores import scorecards_store

logger = logging.getLogger(__name__)

PENDING = (ScoreJob.Status.QUEUED, ScoreJob.Status.RETRYING)
MAX_ATTEMPTS = 5
_ADVISORY_NAMESPACE = 0x5C0E  # pg_advisory_xact_lock(namespace, fiscal year id)

_local = threading.local()


# ---- recording requests ----------------------------------------------------------------------------------------


class _Batch:
    """The requests recorded by the current transaction: one row per scope, one dispatch after commit."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex
        self.years: set[int | None] = set()
        self.done = False

    def dispatch(self) -> None:
        self.done = True
        dispatch_drain(self.years)


def _batch() -> _Batch | None:
    """The batch of the current transaction, registered once with on_commit; None outside a transaction."""
    if not connection.in_atomic_block:
        return None
    batch: _Batch | None = getattr(_local, "batch", None)
    registered = batch is not None and not batch.done and any(
        entry[1] == batch.dispatch for entry in connection.run_on_commit
    )
    if not registered:  # first request of this transaction, or the previous one rolled back or already ran
        batch = _Batch()
        _local.batch = batch
        transaction.on_commit(batch.dispatch, robust=True)
    return batch


def _years(fiscal_year_id: int | None) -> list[int | None]:
    if fiscal_year_id is not None:
        return [fiscal_year_id]
    return [*FiscalYear.objects.values_list("pk", flat=True)]


def score_job_request(
    *, fiscal_year_id: int | None, reason: str, org_unit_id: int | None = None, round_id: int | None = None,
    params: dict[str, Any] | None = None, dispatch: bool = True,
) -> list[ScoreJob]:
    """Record that scores must be recomputed, in the caller's transaction (no year = every year).

    Within one transaction each scope is recorded once (a rolled-back savepoint takes its row with it, so the
    check looks for the row, not only in memory).
    """
    unit_round = org_unit_id is not None and round_id is not None
    created: list[ScoreJob] = []
    if not dispatch:  # the caller drains it itself (the command's --sync)
        for year in _years(fiscal_year_id):
            created.append(ScoreJob.objects.create(
                kind=ScoreJob.Kind.YEAR, fiscal_year_id=year, params=params or {}, reason=reason[:200]
            ))
        return created
    with transaction.atomic():
        batch = _batch()
        for year in _years(fiscal_year_id):
            scope: dict[str, Any] = {
                "kind": ScoreJob.Kind.UNIT_ROUND if unit_round else ScoreJob.Kind.YEAR, "fiscal_year_id": year,
                "org_unit_id": org_unit_id if unit_round else None, "round_id": round_id if unit_round else None,
            }
            assert batch is not None  # inside the atomic block above
            batch.years.add(year)
            if params is None:
                mine = ScoreJob.objects.filter(batch=batch.token, status=ScoreJob.Status.QUEUED)
                covered = mine.filter(fiscal_year_id=year, kind=ScoreJob.Kind.YEAR, params={})
                if covered.exists() or (unit_round and mine.filter(**scope).exists()):
                    continue
            created.append(
                ScoreJob.objects.create(**scope, params=params or {}, reason=reason[:200], batch=batch.token)
            )
    return created


def dispatch_drain(years: set[int | None]) -> None:
    """Ask a worker to drain these years now; never raises and never waits long (the sweep is the fallback)."""
    from dsdw_kpi.celery import send

    for year in sorted(years, key=lambda y: (y is None, y or 0)):
        if not send("reporting.tasks.drain_score_jobs", fiscal_year_id=year):
            logger.warning("score recompute of year %s stays queued; the sweep will drain it", year)


# ---- draining --------------------------------------------------------------------------------------------------


def _lock_year(fiscal_year_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ADVISORY_NAMESPACE, fiscal_year_id])


def _scope(jobs: list[ScoreJob]) -> tuple[set[int] | None, set[int] | None]:
    """(unit ids, round ids) covering the jobs: None = all of them."""
    whole = [job for job in jobs if job.kind == ScoreJob.Kind.YEAR]
    if any(not job.params for job in whole):
        return None, None
    if whole:  # the command's filtered year request (a round and/or a unit)
        units: set[int] | None = set()
        rounds: set[int] | None = set()
        for job in whole:
            code = job.params.get("unit_code")
            number = job.params.get("round_number")
            if code and units is not None:
                units |= set(OrgUnit.objects.filter(code=code).values_list("pk", flat=True))
            else:
                units = None
            if number and rounds is not None:
                rounds |= set(Round.objects.filter(fiscal_year_id=job.fiscal_year_id, number=number).values_list("pk", flat=True))
            else:
                rounds = None
    else:
        units, rounds = set(), set()
    for job in jobs:
        if job.kind == ScoreJob.Kind.UNIT_ROUND:
            if units is not None and job.org_unit_id is not None:
                units.add(job.org_unit_id)
            if rounds is not None and job.round_id is not None:
                rounds.add(job.round_id)
    return units, rounds


def score_jobs_drain(*, fiscal_year_id: int | None = None) -> list[Scorecard]:
    """Recompute whatever is pending for a year (or every year with pending requests); returns the stored scorecards.

    One transaction per year: lock the year, take its pending requests (SKIP LOCKED), read the inputs, store,
    mark the requests done. A failure rolls all of it back and is recorded on the requests, which the sweep retries
    (up to MAX_ATTEMPTS, then they stay failed and visible in the admin).
    """
    pending = ScoreJob.objects.filter(status__in=PENDING, fiscal_year__isnull=False)
    if fiscal_year_id is not None:
        pending = pending.filter(fiscal_year_id=fiscal_year_id)
    years = sorted(set(pending.values_list("fiscal_year_id", flat=True)))
    stored: list[Scorecard] = []
    for year in years:
        try:
            stored.extend(_drain_year(year))
        except Exception as exc:
            logger.exception("score recompute of fiscal year %s failed", year)
            _record_failure(year, f"{type(exc).__name__}: {exc}")
    return stored


@transaction.atomic
def _drain_year(fiscal_year_id: int) -> list[Scorecard]:
    _lock_year(fiscal_year_id)
    jobs = list(
        ScoreJob.objects.select_for_update(skip_locked=True).filter(fiscal_year_id=fiscal_year_id, status__in=PENDING)
    )
    if not jobs:
        return []
    units, rounds = _scope(jobs)
    reasons = sorted({job.reason for job in jobs if job.reason})
    reason = "; ".join(reasons)[:1000]
    cards = scorecards_store(fiscal_year_id=fiscal_year_id, unit_ids=units, round_ids=rounds, reason=reason)
    ScoreJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
        status=ScoreJob.Status.DONE, error="", scorecards=len(cards), attempts=models.F("attempts") + 1,
        started_at=timezone.now(), finished_at=timezone.now(),
    )
    return cards


def _record_failure(fiscal_year_id: int, error: str) -> None:
    try:
        with transaction.atomic():
            jobs = ScoreJob.objects.filter(fiscal_year_id=fiscal_year_id, status__in=PENDING)
            jobs.update(attempts=models.F("attempts") + 1, error=error[:5000], status=ScoreJob.Status.RETRYING)
            jobs.filter(attempts__gte=MAX_ATTEMPTS).update(status=ScoreJob.Status.FAILED, finished_at=timezone.now())
    except Exception:  # pragma: no cover - the database itself is the problem; the sweep tries again
        logger.exception("could not record the failure of score jobs of year %s", fiscal_year_id)


def score_jobs_sweep() -> dict[str, int]:
    """Celery beat: drain every pending request (whatever the broker lost) and prune old finished ones."""
    stored = score_jobs_drain()
    keep = timezone.now() - dt.timedelta(days=int(getattr(settings, "SCORE_JOB_RETENTION_DAYS", 30)))
    pruned, _ = ScoreJob.objects.filter(status=ScoreJob.Status.DONE, finished_at__lt=keep).delete()
    return {"scorecards": len(stored), "pruned": pruned}


def score_jobs_pending(*, fiscal_year_id: int, org_unit_id: int | None = None) -> bool:
    """Whether a recompute of this year (or of this unit in it) is waiting (pages say "กำลังคำนวณใหม่")."""
    pending = ScoreJob.objects.filter(status__in=PENDING, fiscal_year_id=fiscal_year_id)
    if org_unit_id is None:
        return pending.exists()
    return pending.filter(models.Q(kind=ScoreJob.Kind.YEAR) | models.Q(org_unit_id=org_unit_id)).exists()
