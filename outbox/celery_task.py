"""The base class of every Celery task of the project (dsdw_kpi/celery.py names it as the app's task class).

A message handed over by the outbox carries its row's id in the `outbox_id` header. Before such a task runs, a row
already done means this is a duplicate delivery (a redelivered or re-dispatched message): it is skipped. After it
succeeds the row is marked done; when it fails for good (its own retries spent) the row is marked failed. Messages
without the header (beat, `send` of the score outbox) are untouched.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from celery.exceptions import Ignore


def outbox_id_of(request: Any) -> int | None:
    """The header from a worker's request (custom headers are request attributes) or an eager one (`headers`)."""
    value = getattr(request, "outbox_id", None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get("outbox_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class OutboxTask(Task):  # type: ignore[misc]
    """Marks the outbox row of the message done or failed, and skips a message whose row is already done."""

    def before_start(self, task_id: str, args: Any, kwargs: Any) -> None:
        message_id = outbox_id_of(self.request)
        if message_id is None:
            return
        from outbox.services import is_done

        if is_done(message_id):
            raise Ignore()

    def on_success(self, retval: Any, task_id: str, args: Any, kwargs: Any) -> None:
        message_id = outbox_id_of(self.request)
        if message_id is not None:
            from outbox.services import mark_done

            mark_done(message_id)

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        message_id = outbox_id_of(self.request)
        if message_id is not None:
            from outbox.services import mark_failed

            mark_failed(message_id, f"{type(exc).__name__}: {exc}")
