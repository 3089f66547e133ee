"""Report batches, recovery: shards whose lease expired (or whose message was lost) are queued again.

``report_runs_recover()`` runs on worker start and from Celery beat.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from reporting.batches.rendering import _lease
from reporting.batches.runs import report_run_enqueue
from reporting.models import ReportRun, ReportRunItem, ReportRunShard

logger = logging.getLogger(__name__)


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
