"""Report batches, the request side: the units a batch covers; creating, queueing, cancelling and resuming runs.

A run is created with one item per unit (UNIQUE(run, org unit)), so nothing can be rendered twice, and its items
are split into shards, one Celery message each (the worker side is in ``rendering``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from indicators.models import FiscalYear, Framework, OrgUnit
from indicators.permissions import is_admin, is_director
from reporting.documents import KINDS, filename_for, kind_label, round_required, takes_round
from reporting.models import ReportRun, ReportRunItem, ReportRunShard

#: Units print in this order: the department, its divisions, groups, field units, then provinces.
KIND_ORDER = [
    OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.DIVISION, OrgUnit.Kind.GROUP, OrgUnit.Kind.FIELD_UNIT, OrgUnit.Kind.PROVINCE,
]


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
    # recorded in this transaction through the outbox: a broker that is down never slows the request
    report_run_enqueue(run_id=run.pk)
    return run


def report_run_enqueue(*, run_id: int, shard: int | None = None) -> list[int]:
    """Queue the run's shards (or one) for the workers (REPORT_RUN_QUEUE) through the outbox: recorded in the
    current transaction, handed to the broker after commit; a duplicate message is harmless."""
    from outbox.services import task_enqueue

    shards = ReportRunShard.objects.filter(run_id=run_id)
    if shard is not None:
        shards = shards.filter(number=shard)
    numbers = list(shards.order_by("number").values_list("number", flat=True))
    shards.update(enqueued_at=timezone.now())
    for number in numbers:
        task_enqueue("reporting.tasks.render_report_run", queue=settings.REPORT_RUN_QUEUE, run_id=run_id, shard=number)
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
    report_run_enqueue(run_id=run.pk)  # through the outbox, in this transaction
    return True
