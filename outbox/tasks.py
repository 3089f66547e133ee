"""Celery tasks of the outbox: the dispatcher (beat and worker start) and the sending of stored e-mails."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import close_old_connections

from outbox.services import dispatch_due, email_deliver, prune

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=150)
def dispatch_outbox() -> dict[str, int]:
    """Celery beat: hand the due pending rows to the broker and delete done rows past their retention."""
    return {"dispatched": dispatch_due(), "pruned": prune()}


# SMTP and connection errors (smtplib's are OSErrors) are retried with a growing delay; after
# OUTBOX_EMAIL_MAX_RETRIES the task fails and the base task class marks the row failed with the error.
@shared_task(
    bind=True, acks_late=True, autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=30,
    retry_backoff_max=30 * 60, retry_jitter=False, max_retries=settings.OUTBOX_EMAIL_MAX_RETRIES, time_limit=60,
)
def send_email(self: Any, *, message_id: int) -> bool:
    """Send the stored e-mail `message_id` once (a row already done is not sent again)."""
    return email_deliver(message_id)


@worker_ready.connect(dispatch_uid="outbox_dispatch_on_worker_ready")
def dispatch_on_worker_start(sender: Any = None, **kwargs: Any) -> None:
    """A worker that starts has just reached the broker: hand over everything pending without waiting for backoff."""
    try:
        count = dispatch_due(ignore_backoff=True)
        if count:
            logger.info("outbox: %s pending message(s) handed over at worker start", count)
    except Exception:  # the worker must start even when the database is not reachable yet; beat retries later
        logger.exception("could not dispatch the outbox at worker start")
    finally:
        close_old_connections()
