"""Writes of the outbox: record a task or an e-mail in the caller's transaction, hand it to Celery after commit.

A request never waits on the broker: `task_enqueue` / `email_enqueue` only insert a row; after the commit the row
is handed over once with a fail-fast publish (no publish retries, the broker's 1 s connect timeout). When the
broker cannot take it the row stays pending with a backoff, and the dispatcher (`dispatch_due`, a beat task and a
run when a worker starts) hands it over later. The Celery message carries the row's id in the `outbox_id` header;
the worker marks the row done when the task succeeds and skips a message whose row is already done.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

HEADER = "outbox_id"
SEND_EMAIL_TASK = "outbox.tasks.send_email"
_ERROR_LENGTH = 2000


class BrokerUnavailable(Exception):
    """The broker did not take a message (down, refused, timed out)."""


# ---- recording ---------------------------------------------------------------------------------------------------


def task_enqueue(name: str, *, queue: str | None = None, countdown: int | None = None, **kwargs: Any) -> None:
    """Record the Celery task `name(**kwargs)` in the current transaction; it is handed to Celery after commit and
    retried by the dispatcher until the broker takes it (nothing is recorded when the transaction rolls back).

    `queue` overrides the task's route; `countdown` delays the task by that many seconds from now. The kwargs must
    be JSON values (ids and plain values, as every task here takes).
    """
    eta = timezone.now() + dt.timedelta(seconds=countdown) if countdown else None
    message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.TASK, task_name=name, kwargs=kwargs, queue=queue or "", eta=eta
    )
    _hand_over_after_commit(message.pk)


def email_enqueue(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> None:
    """Record an e-mail in the current transaction; a worker sends it (outbox.tasks.send_email) after commit.

    No recipient → nothing to send, nothing recorded.
    """
    recipients = [address for address in dict.fromkeys(to) if address]
    if not recipients:
        return
    message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.EMAIL, task_name=SEND_EMAIL_TASK, subject=subject[:300], body=body,
        html_body=html_body or "", to=recipients,
    )
    _hand_over_after_commit(message.pk)


def emails_sent_recently(*, subject: str, to: list[str], since: dt.datetime) -> int:
    """How many e-mails with this subject to exactly these recipients were recorded since ``since`` (any status)."""
    return OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.EMAIL, subject=subject[:300], to=list(dict.fromkeys(to)), created_at__gte=since
    ).count()


def _hand_over_after_commit(message_id: int) -> None:
    # robust: whatever goes wrong in the hand-over, the caller's change is committed and the dispatcher retries
    transaction.on_commit(lambda: dispatch_ids([message_id]), robust=True)


# ---- handing over ------------------------------------------------------------------------------------------------


def dispatch_ids(ids: Iterable[int]) -> int:
    """Hand these pending rows to the broker now (the after-commit path); returns how many it took."""
    return _dispatch(OutboxMessage.objects.filter(pk__in=list(ids)), limit=None)


def dispatch_due(*, limit: int | None = None, ignore_backoff: bool = False) -> int:
    """Hand the pending rows that are due to the broker, oldest first; returns how many it took.

    Also puts back to pending the rows the broker took long ago that no worker ever finished (a broker restarted
    without persistence loses them; a duplicate is skipped by the worker). Called by the beat task, and with
    `ignore_backoff` when a worker starts (the broker is evidently up again).
    """
    requeue_lost()
    rows = OutboxMessage.objects.all()
    if not ignore_backoff:
        rows = rows.filter(next_attempt_at__lte=timezone.now())
    return _dispatch(rows, limit=limit or settings.OUTBOX_DISPATCH_BATCH)


def _dispatch(rows: Any, *, limit: int | None) -> int:
    """Lock the pending rows (SKIP LOCKED on PostgreSQL: two dispatchers never hand over one row twice) and publish
    them one by one; the first broker failure stops the round (the broker is down: the others wait)."""
    sent = 0
    with transaction.atomic():
        pending = rows.filter(status=OutboxMessage.Status.PENDING).order_by("next_attempt_at", "pk")
        locked = pending.select_for_update(skip_locked=_skip_locked_supported())
        for message in list(locked[:limit] if limit else locked):
            try:
                _publish(message)
            except BrokerUnavailable as exc:
                _back_off(message, exc)
                break
            except Exception as exc:  # the task ran here and failed (eager mode), or is unknown: retrying won't help
                mark_failed(message.pk, f"{type(exc).__name__}: {exc}")
                logger.exception("outbox message %s failed", message.pk)
                continue
            sent += 1
    return sent


def _skip_locked_supported() -> bool:
    return bool(connection.features.has_select_for_update_skip_locked)


def _publish(message: OutboxMessage) -> None:
    """One fail-fast publish (as dsdw_kpi.celery.send: no retries, no result): the row is marked sent first, in the
    caller's transaction, so that an eager run (quick start) can mark it done."""
    from dsdw_kpi.celery import task

    celery_task = task(message.task_name)  # KeyError for an unknown task: recorded like any failure
    options: dict[str, Any] = {"retry": False, "ignore_result": True, "headers": {HEADER: message.pk}}
    if message.queue:
        options["queue"] = message.queue
    if message.eta and message.eta > timezone.now():
        options["eta"] = message.eta
    kwargs = {"message_id": message.pk} if message.kind == OutboxMessage.Kind.EMAIL else message.kwargs
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=now, attempts=message.attempts + 1
    )
    try:
        with transaction.atomic():  # a savepoint: an eager task that fails leaves the row's lock usable
            celery_task.apply_async(kwargs=kwargs, **options)
    except Exception as exc:
        if celery_task.app.conf.task_always_eager:  # the task ran here and failed: not the broker's fault
            raise
        raise BrokerUnavailable(str(exc)) from exc


def _back_off(message: OutboxMessage, exc: BaseException) -> None:
    """Keep the row pending and try again later: 5 s, 10 s, 20 s … up to OUTBOX_BACKOFF_MAX_SECONDS."""
    attempts = message.attempts + 1
    delay = min(settings.OUTBOX_BACKOFF_MAX_SECONDS, 5 * 2 ** min(attempts - 1, 16))
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENT).update(
        status=OutboxMessage.Status.PENDING, attempts=attempts,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        last_error=f"{type(exc).__name__}: {exc}"[:_ERROR_LENGTH], sent_at=None,
    )
    logger.warning("outbox message %s stays pending (attempt %s, next in %s s): %s", message.pk, attempts, delay, exc)


def requeue_lost() -> int:
    """Rows the broker took more than OUTBOX_REDELIVER_SECONDS ago and no worker finished: pending again."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS)
    lost = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT, sent_at__lt=cutoff).filter(
        Q(eta__isnull=True) | Q(eta__lt=cutoff)  # a delayed task counts from the time it was due
    )
    count = lost.update(
        status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now(),
        last_error="ไม่มีผู้ทำงานรับงานภายในเวลาที่กำหนด จึงส่งซ้ำ",
    )
    if count:
        logger.warning("outbox: %s message(s) handed over but never finished are queued again", count)
    return count


# ---- the worker's side -------------------------------------------------------------------------------------------


def is_done(message_id: int) -> bool:
    return OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.DONE).exists()


def mark_done(message_id: int) -> None:
    OutboxMessage.objects.filter(pk=message_id).exclude(status=OutboxMessage.Status.DONE).update(
        status=OutboxMessage.Status.DONE, done_at=timezone.now(), last_error=""
    )


def mark_failed(message_id: int, error: str) -> None:
    """The worker gave up (its own retries are spent): kept for the admin to look at and send again."""
    OutboxMessage.objects.filter(pk=message_id).exclude(status=OutboxMessage.Status.DONE).update(
        status=OutboxMessage.Status.FAILED, last_error=error[:_ERROR_LENGTH]
    )


def email_deliver(message_id: int) -> bool:
    """Send a stored e-mail once; False when there is nothing to send (unknown row or already done).

    The row is locked while the mail server is talked to, so a duplicate message waits and then sees it done.
    SMTP errors propagate (the task retries them).
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, kind=OutboxMessage.Kind.EMAIL)
            .exclude(status=OutboxMessage.Status.DONE)
            .first()
        )
        if message is None:
            return False
        email = EmailMultiAlternatives(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, list(message.to))
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        email.send()
        mark_done(message.pk)
    return True


# ---- operators ---------------------------------------------------------------------------------------------------


def retry_failed(ids: Iterable[int]) -> int:
    """The admin's "send again": failed rows become pending now (attempts start over); returns how many."""
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(pk__in=list(ids), status=OutboxMessage.Status.FAILED)
        chosen = list(rows.values_list("pk", flat=True))
        OutboxMessage.objects.filter(pk__in=chosen).update(
            status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), sent_at=None
        )
        if chosen:
            transaction.on_commit(lambda: dispatch_ids(chosen), robust=True)
    return len(chosen)


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete done rows older than OUTBOX_RETENTION_DAYS; failed and pending rows are kept."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(status=OutboxMessage.Status.DONE, done_at__lt=cutoff).delete()
    return deleted
