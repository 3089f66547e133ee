"""Writes of the ops app."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ops.models import WorkerHeartbeat


def heartbeat_record(hostname: str, *, at: datetime | None = None) -> WorkerHeartbeat:
    """Store `hostname`'s latest heartbeat (one row per worker host)."""
    beat, _ = WorkerHeartbeat.objects.update_or_create(hostname=hostname[:255], defaults={"beat_at": at or timezone.now()})
    return beat
