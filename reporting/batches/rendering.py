"""Report batches, the worker side: a shard's lease, its documents written through ``.part`` files, and the ZIP.

A worker first takes the shard's lease (rows locked: a free or expired lease only), so two deliveries of the same
message never render in parallel while two workers can share a batch. The lease is renewed after every document.
Each file is written under a temporary name and renamed into its deterministic place while the rows are locked and
the item is marked done in the same transaction: a worker killed mid-item leaves at most an orphan ``.part`` file
(removed by the next claim), never an item counted done without its file. The shard that finds nothing pending
left writes the ZIP.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from reporting.documents import DocumentError, render_document
from reporting.models import ReportRun, ReportRunItem, ReportRunShard, _run_file_path, report_storage

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"


def zip_name(run: ReportRun) -> str:
    """e.g. ``scorecard-2566-r2-department.zip`` or ``scorecard-2566-r2-div-3.zip`` for one unit."""
    what = run.org_unit.code if run.scope == ReportRun.Scope.UNIT and run.org_unit else run.scope
    round_part = f"-r{run.round_number}" if run.round_number is not None else ""
    return f"{run.kind}-{run.fiscal_year.be_year}{round_part}-{what}.zip"


# Lock order everywhere: the run row, then the shard row (no deadlock between shards of one run).


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REPORT_RUN_LEASE_SECONDS)


def report_run_claim(*, run_id: int, shard: int, owner: str) -> bool:
    """Take the shard's lease if the run is active and the lease free or expired (rows locked: one winner only)."""
    now = timezone.now()
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id, status__in=ReportRun.ACTIVE).first()
        row = ReportRunShard.objects.select_for_update().filter(run_id=run_id, number=shard).first()
        if run is None or row is None or (row.lease_until is not None and row.lease_until >= now):
            return False
        ReportRunShard.objects.filter(pk=row.pk).update(
            lease_owner=owner, lease_until=now + _lease(), heartbeat_at=now, attempts=F("attempts") + 1
        )
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportRun.Status.RUNNING, started_at=Coalesce(F("started_at"), Value(now)), heartbeat_at=now,
            attempts=F("attempts") + 1,
        )
    return True


def _storage_dir(run: ReportRun) -> Path:
    return Path(report_storage().path(_run_file_path(run, "")))


def _write_part(directory: Path, name: str, data: bytes) -> Path:
    """The bytes under a temporary name next to their final place (a rename within a directory is atomic)."""
    directory.mkdir(parents=True, exist_ok=True)
    part = directory / f".{name}.{uuid.uuid4().hex[:8]}{PART_SUFFIX}"
    with part.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return part


def _lock(run_id: int, shard: int, owner: str) -> tuple[ReportRun | None, bool]:
    """(the run row, locked; whether this worker still holds the shard's lease, its row locked too)."""
    run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
    held = ReportRunShard.objects.select_for_update().filter(run_id=run_id, number=shard, lease_owner=owner).exists()
    return run, held


def _counts(run_id: int) -> dict[str, int]:
    rows = ReportRunItem.objects.filter(run_id=run_id).values("status").annotate(n=Count("pk"))
    by_status = {row["status"]: row["n"] for row in rows}
    return {
        "done_count": by_status.get(ReportRunItem.Status.DONE, 0),
        "failed_count": by_status.get(ReportRunItem.Status.FAILED, 0),
    }


def _render_item(run: ReportRun, item: ReportRunItem) -> tuple[bytes | None, str]:
    """(file bytes, "") or (None, Thai error). Database outages and time limits propagate (the task retries)."""
    try:
        data = render_document(
            run.kind, org_unit=item.org_unit, fiscal_year=run.fiscal_year, round_number=run.round_number,
            fmt=run.format, thai_digits=run.thai_digits, frozen=run.frozen,
        )
    except DocumentError as exc:
        return None, f"{item.org_unit.name_th}: {exc}"
    except (OperationalError, SoftTimeLimitExceeded):
        raise
    except Exception as exc:  # one unit's broken data must not stop the other units' documents
        logger.exception("report run %s: rendering %s failed", run.pk, item.filename)
        return None, f"{item.org_unit.name_th}: สร้างเอกสารไม่สำเร็จ ({type(exc).__name__}: {exc})"
    return data, ""


def _store_item(run: ReportRun, item: ReportRunItem, data: bytes | None, error: str, owner: str) -> bool:
    """Put the file in place and mark the item in one step; False when the lease was lost or the run stopped."""
    directory = _storage_dir(run)
    part = _write_part(directory, item.filename, data) if data is not None else None
    try:
        with transaction.atomic():
            current, held = _lock(run.pk, item.shard, owner)
            if current is None or not held or current.status != ReportRun.Status.RUNNING:
                return False
            now = timezone.now()
            pending = ReportRunItem.objects.filter(pk=item.pk, status=ReportRunItem.Status.PENDING)
            if part is not None and data is not None:
                os.replace(part, directory / item.filename)
                part = None
                pending.update(
                    status=ReportRunItem.Status.DONE, file=_run_file_path(run, item.filename), size=len(data),
                    error="", rendered_at=now,
                )
            else:
                pending.update(status=ReportRunItem.Status.FAILED, error=error, rendered_at=now)
            ReportRunShard.objects.filter(run_id=run.pk, number=item.shard).update(
                lease_until=now + _lease(), heartbeat_at=now
            )
            ReportRun.objects.filter(pk=run.pk).update(**_counts(run.pk), heartbeat_at=now)
        return True
    finally:
        if part is not None:
            part.unlink(missing_ok=True)


def _write_zip(run: ReportRun, done: list[ReportRunItem]) -> dict[str, Any]:
    directory = _storage_dir(run)
    name = zip_name(run)
    directory.mkdir(parents=True, exist_ok=True)
    part = directory / f".{name}.{uuid.uuid4().hex[:8]}{PART_SUFFIX}"
    try:
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for item in done:
                archive.write(directory / item.filename, arcname=item.filename)
        os.replace(part, directory / name)
    finally:
        part.unlink(missing_ok=True)
    return {"zip_file": _run_file_path(run, name), "zip_size": (directory / name).stat().st_size}


def _finish_shard(run: ReportRun, shard: int, owner: str) -> str | None:
    """Give the shard's lease back; the shard that sees no pending item left writes the ZIP and closes the run.

    Returns the run's status, or None when the lease had been lost.
    """
    with transaction.atomic():
        current, held = _lock(run.pk, shard, owner)
        if current is None or not held:
            return None
        ReportRunShard.objects.filter(run_id=run.pk, number=shard).update(lease_owner="", lease_until=None)
        if current.status != ReportRun.Status.RUNNING:
            return str(current.status)
        items = list(run.items.order_by("position", "pk"))
        if any(item.status == ReportRunItem.Status.PENDING for item in items):
            return str(current.status)  # another shard is still rendering; it will close the run
        done = [item for item in items if item.status == ReportRunItem.Status.DONE]
        failed = [item for item in items if item.status == ReportRunItem.Status.FAILED]
        values: dict[str, Any] = _write_zip(run, done) if done else {"zip_file": "", "zip_size": None}
        if not failed:
            status = ReportRun.Status.DONE
        elif done:
            status = ReportRun.Status.DONE_WITH_ERRORS
        else:
            status = ReportRun.Status.FAILED
        now = timezone.now()
        ReportRun.objects.filter(pk=run.pk).update(
            **values, **_counts(run.pk), status=status, finished_at=now, heartbeat_at=now,
            error="\n".join(item.error for item in failed),
        )
    return str(status)


def _remove_parts(directory: Path, names: list[str]) -> None:
    """Temporary files of these items that a killed worker left behind (safe: this worker holds their lease)."""
    if directory.is_dir():
        for name in names:
            for leftover in directory.glob(f".{name}.*{PART_SUFFIX}"):
                leftover.unlink(missing_ok=True)


def report_run_render(*, run_id: int, shard: int, owner: str) -> dict[str, Any]:
    """Render the shard's pending items (done items are skipped); the last shard writes the ZIP. Safe to repeat."""
    if not report_run_claim(run_id=run_id, shard=shard, owner=owner):
        current = ReportRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        return {"run_id": run_id, "shard": shard, "skipped": True, "status": current}
    run = ReportRun.objects.select_related("fiscal_year", "org_unit").get(pk=run_id)
    pending = list(
        run.items.filter(shard=shard, status=ReportRunItem.Status.PENDING)
        .select_related("org_unit").order_by("position", "pk")
    )
    _remove_parts(_storage_dir(run), [item.filename for item in pending])
    delay = settings.REPORT_RUN_ITEM_DELAY_MS / 1000
    rendered = 0
    for item in pending:
        data, error = _render_item(run, item)
        if not _store_item(run, item, data, error, owner):
            current = ReportRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
            return {"run_id": run_id, "shard": shard, "stopped": True, "status": current, "rendered": rendered}
        rendered += 1
        if delay:
            time.sleep(delay)
    status = _finish_shard(run, shard, owner)
    return {"run_id": run_id, "shard": shard, "status": status, "rendered": rendered, "stopped": status is None}


def report_run_release(*, run_id: int, shard: int, owner: str, error: str, failed: bool) -> None:
    """After an error: give the shard's lease back (a retry may claim it) or mark the run failed; never raises."""
    try:
        with transaction.atomic():
            if failed:
                ReportRun.objects.filter(pk=run_id, status__in=ReportRun.ACTIVE).update(
                    status=ReportRun.Status.FAILED, finished_at=timezone.now(), error=error
                )
            else:
                ReportRun.objects.filter(pk=run_id).update(error=error)
            ReportRunShard.objects.filter(run_id=run_id, number=shard, lease_owner=owner).update(
                lease_owner="", lease_until=None
            )
    except Exception:  # pragma: no cover - the database is down; the task's own failure is the record
        logger.exception("could not record the failure of report run %s", run_id)
