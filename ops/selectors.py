"""Reads of the ops app."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from ops.models import WorkerHeartbeat


def heartbeat_latest() -> datetime | None:
    """The newest heartbeat of any worker, or None when no worker has ever beaten."""
    latest: datetime | None = WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
    return latest
