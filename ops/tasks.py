"""Celery tasks of the ops app."""

from __future__ import annotations

import logging
import socket
from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from ops.services import heartbeat_record

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="ops.tasks.heartbeat", ignore_result=True, max_retries=0)
def heartbeat(self: Any) -> str:
    """Record that a worker is alive (celery beat queues this every HEALTH_HEARTBEAT_SECONDS)."""
    hostname = str(self.request.hostname or socket.gethostname())
    heartbeat_record(hostname)
    return hostname


@worker_ready.connect
def _beat_when_ready(**_: Any) -> None:
    """A freshly started worker reports at once instead of after the first beat interval. Queued, not written
    here: the worker's main process must not open a database connection its forked children would share."""
    try:
        heartbeat.apply_async(expires=60)
    except Exception:  # the first scheduled beat will do; the worker must start anyway
        logger.warning("could not queue the start-up heartbeat", exc_info=True)
