"""Report batches: every write of a ReportRun and its items, and the rendering Celery workers do.

A run is created with one item per unit (UNIQUE(run, org unit)), so nothing can be rendered twice. Its items are
split into shards; each shard is one Celery message whose worker first takes the shard's lease (rows locked: a free
or expired lease only), so two deliveries of the same message never render in parallel while two workers can share
a batch. The lease is renewed after every document. Each file is written under a temporary name and renamed into
its deterministic place while the rows are locked and the item is marked done in the same transaction: a worker
killed mid-item leaves at most an orphan ``.part`` file (removed by the next claim), never an item counted done
without its file. Shards whose lease expired are re-queued by ``report_runs_recover()`` (on worker start and from
Celery beat); the shard that finds nothing pending left writes the ZIP.
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
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from indicators.models import FiscalYear, Framework, OrgUnit
from indicators.permissions import is_admin, is_director
from reporting.documents import (
    KINDS,
    DocumentError,
    filename_for,
    kind_label,
    render_document,
    round_required,
    takes_round,
)
from reporting.models import ReportRun, ReportRunItem, ReportRunShard, _run_file_path, report_storage

logger = logging.getLogger(__name__)

#: Units print in this order: the department, its divisions, groups, field units, then provinces.
KIND_ORDER = [
    OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.DIVISION, OrgUnit.Kind.GROUP, OrgUnit.Kind.FIELD_UNIT, OrgUnit.Kind.PROVINCE,
]
PART_SUFFIX = ".part"


def can_run_batches(user: Any) -> bool:
    """Directors and the administration development group start batches and see every batch."""
    return is_admin(user) or is_director(user)


# ---- which units a batch covers --------------------------------------------------------------------------------


def _valid_in(units: QuerySet[OrgUnit], be_year: int) -> QuerySet[OrgUnit]:
    return units.filter(Q(valid_from_fy__isnull=True) | Q(valid_from_fy__lte=be_year)).filter(
        Q(valid_to_fy__isnull=True) | Q(valid_to_fy__gte=be_year)
    )


def batch_units(*, fiscal_year: FiscalYear, scope: str, org_unit: OrgUnit | None = None) -> list[OrgUnit]:
    """The units of a batch, in print order.

    department: every unit a framework of the year names, or whose unit type an approved framework of the year
    covers; divisions: every division valid in that year; unit: the one unit.
    """
    if scope == ReportRun.Scope.UNIT:
        return [org_unit] if org_unit is not None else []
    units = OrgUnit.objects.exclude(kind__in=[OrgUnit.Kind.EXTERNAL, OrgUnit.Kind.MINISTRY])
    if scope == ReportRun.Scope.DIVISIONS:
        units = units.filter(kind=OrgUnit.Kind.DIVISION)
    else:
        frameworks = Framework.objects.filter(fiscal_year=fiscal_year)
        named = frameworks.filter(org_units__isnull=False).values("org_units")
        types = frameworks.filter(status=Framework.Status.APPROVED, unit_types__isnull=False).values("unit_types")
        units = units.filter(Q(pk__in=named) | Q(unit_type__in=types))
    found = list(_valid_in(units, fiscal_year.be_year).distinct())
    rank = {kind: index for index, kind in enumerate(KIND_ORDER)}
    return sorted(found, key=lambda u: (rank.get(u.kind, len(rank)), u.order, u.code))


def zip_name(run: ReportRun) -> str:
    """e.g. ``scorecard-2566-r2-department.zip`` or ``scorecard-2566-r2-div-3.zip`` for one unit."""
    what = run.org_unit.code if run.scope == ReportRun.Scope.UNIT and run.org_unit else run.scope
    round_part = f"-r{run.round_number}" if run.round_number is not None else ""
    return f"{run.kind}-{run.fiscal_year.be_year}{round_part}-{what}.zip"


# ---- requests from the pages and the admin ----------------------------------------------------------------------


@transaction.atomic
def report_run_create(
    *,
    actor: Any,
    kind: str,
    fiscal_year: FiscalYear,
    scope: str,
    round_number: int | None = None,
    org_unit: OrgUnit | None = None,
    fmt: str = ReportRun.Format.PDF,
    thai_digits: bool = False,
    frozen: bool = False,
) -> ReportRun:
    """Record a batch with one item per unit and queue it for a worker once the transaction commits."""
    if not can_run_batches(actor):
        raise PermissionDenied("เฉพาะผู้บริหารและกลุ่มพัฒนาระบบบริหารเท่านั้นที่สั่งสร้างชุดเอกสารได้")
    if kind not in KINDS:
        raise ValidationError({"kind": f"ไม่รู้จักเอกสารชนิด \"{kind}\""})
    if round_required(kind) and round_number is None:
        raise ValidationError({"round_number": f"{kind_label(kind)} ต้องระบุรอบ"})
    if scope == ReportRun.Scope.UNIT and org_unit is None:
        raise ValidationError({"org_unit": "กรุณาเลือกหน่วยงาน"})
    if not takes_round(kind):
        round_number = None  # a yearly document: a round would only mislead the file names
    run = ReportRun(
        kind=kind, fiscal_year=fiscal_year, round_number=round_number, scope=scope,
        org_unit=org_unit if scope == ReportRun.Scope.UNIT else None, format=fmt, thai_digits=thai_digits,
        frozen=frozen, requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    run.full_clean()
    units = batch_units(fiscal_year=fiscal_year, scope=scope, org_unit=org_unit)
    if not units:
        raise ValidationError({"scope": "ไม่มีหน่วยงานในขอบเขตที่เลือก"})
    run.total = len(units)
    run.shards = max(1, min(settings.REPORT_RUN_SHARDS, len(units)))
    run.save()
    ReportRunShard.objects.bulk_create([ReportRunShard(run=run, number=number) for number in range(run.shards)])
    ReportRunItem.objects.bulk_create([
        ReportRunItem(
            run=run, org_unit=unit, position=position, shard=(position - 1) % run.shards,
            filename=filename_for(kind, unit_code=unit.code, fiscal_year=fiscal_year.be_year,
                                  round_number=round_number, fmt=fmt),
        )
        for position, unit in enumerate(units, start=1)
    ])
    run_id = run.pk
    # robust: with the broker down the run stays queued and report_runs_recover() sends it later
    transaction.on_commit(lambda: report_run_enqueue(run_id=run_id), robust=True)
    return run


def report_run_enqueue(*, run_id: int, shard: int | None = None) -> list[int]:
    """Send the run's shards (or one) to the workers (REPORT_RUN_QUEUE); a duplicate message is harmless."""
    from dsdw_kpi.celery import task

    render_report_run = task("reporting.tasks.render_report_run")
    shards = ReportRunShard.objects.filter(run_id=run_id)
    if shard is not None:
        shards = shards.filter(number=shard)
    numbers = list(shards.order_by("number").values_list("number", flat=True))
    shards.update(enqueued_at=timezone.now())
    for number in numbers:
        render_report_run.apply_async(args=[run_id, number], queue=settings.REPORT_RUN_QUEUE)
    return numbers


@transaction.atomic
def report_run_cancel(*, actor: Any, run: ReportRun) -> bool:
    """Stop a queued or running batch; workers stop before their next document. False when already finished."""
    if not can_run_batches(actor):
        raise PermissionDenied("ไม่มีสิทธิ์ยกเลิกชุดเอกสารนี้")
    locked = ReportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status not in ReportRun.ACTIVE:
        return False
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.CANCELLED, finished_at=timezone.now(), error="ยกเลิกโดยผู้ใช้"
    )
    ReportRunShard.objects.filter(run_id=run.pk).update(lease_owner="", lease_until=None)
    return True


@transaction.atomic
def report_run_resume(*, actor: Any, run: ReportRun) -> bool:
    """Render again what failed or was not rendered (failed, cancelled or partly done runs); done items are kept."""
    if not can_run_batches(actor):
        raise PermissionDenied("ไม่มีสิทธิ์สั่งทำชุดเอกสารนี้ต่อ")
    locked = ReportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status in ReportRun.ACTIVE or locked.status == ReportRun.Status.DONE:
        return False
    locked.items.filter(status=ReportRunItem.Status.FAILED).update(status=ReportRunItem.Status.PENDING, error="")
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.QUEUED, error="", finished_at=None, failed_count=0, zip_file="", zip_size=None
    )
    ReportRunShard.objects.filter(run_id=run.pk).update(lease_owner="", lease_until=None)
    run_id = run.pk
    # robust: with the broker down the run stays queued and report_runs_recover() sends it later
    transaction.on_commit(lambda: report_run_enqueue(run_id=run_id), robust=True)
    return True


# ---- the worker side ----------------------------------------------------------------------------------------------
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


def report_runs_recover(*, node: str | None = None, node_started: dt.datetime | None = None) -> list[tuple[int, int]]:
    """Re-queue the shards nobody works on: lease expired (or never taken) and not queued within a lease period.

    Only shards with pending items count, plus shard 0 of a run with none left (killed before writing the ZIP).
    ``node``/``node_started``: a worker (re)starting under a node name frees at once the leases its previous
    incarnation held (last renewed before this process started, so that process is gone).
    """
    now = timezone.now()
    shards = ReportRunShard.objects.filter(run__status__in=ReportRun.ACTIVE)
    freed: list[int] = []
    if node and node_started is not None:
        freed = list(
            shards.filter(lease_owner__startswith=f"{node}|", heartbeat_at__lt=node_started, lease_until__gte=now)
            .values_list("pk", flat=True)
        )
        ReportRunShard.objects.filter(pk__in=freed).update(lease_until=now - dt.timedelta(seconds=1))
    pending = ReportRunItem.objects.filter(run_id=OuterRef("run_id"), status=ReportRunItem.Status.PENDING)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    quiet = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - _lease())
    needed = Exists(pending.filter(shard=OuterRef("number"))) | (~Exists(pending) & Q(number=0))
    stale = shards.filter(needed).filter(Q(pk__in=freed) | (free & quiet))
    found = sorted(stale.values_list("run_id", "number"))
    for run_id, number in found:
        logger.warning("report run %s shard %s: no live worker holds it, queued again", run_id, number)
        report_run_enqueue(run_id=run_id, shard=number)
    return found
