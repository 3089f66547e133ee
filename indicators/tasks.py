"""Celery tasks of the indicators app: they take ids and plain values and call one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model

from indicators.services.frameworks import framework_copy_forward


@shared_task(bind=True, acks_late=True, max_retries=0, time_limit=300, soft_time_limit=270)
def copy_framework_forward(self: object, *, user_id: int, source_year: int, target_year: int) -> dict[str, int]:
    """Copy a fiscal year's framework to the next year (a long job for a big year, so it runs on a worker).

    Safe to run twice: the second run refuses because the target year already has definitions.
    """
    actor = get_user_model().objects.get(pk=user_id)
    target = framework_copy_forward(actor=actor, source_year=source_year, target_year=target_year)
    return {
        "fiscal_year": target.be_year,
        "definitions": target.indicator_definitions.count(),
        "frameworks": target.frameworks.count(),
    }


def _result_for_mail(result_id: int) -> Any:
    """The result with what the e-mails print, or None if it was deleted before the task ran."""
    from indicators.models import Result

    return (
        Result.objects.select_related(
            "assignment__definition__supervisor__user", "assignment__supervisor__user", "org_unit",
            "round__fiscal_year", "submitted_by__person", "reviewed_by__person",
        )
        .filter(pk=result_id)
        .first()
    )


# E-mail tasks retry when the mail server is unreachable (smtplib errors are OSErrors); a retry may repeat a
# message that was in fact delivered, which is better than losing it.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, time_limit=60)
def notify_submitted(*, result_id: int) -> int:
    """E-mail the indicator's supervisor that a result waits for review; returns the number of e-mails sent."""
    from indicators.notifications import send_submitted

    result = _result_for_mail(result_id)
    return send_submitted(result) if result is not None else 0


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, time_limit=60)
def notify_returned(*, result_id: int, comment: str | None = None) -> int:
    """E-mail the unit's reporters that a result was returned, with the supervisor's comment as it was when it was
    returned (``comment``; the result may have been resubmitted before a delayed e-mail goes out)."""
    from indicators.notifications import send_returned

    result = _result_for_mail(result_id)
    return send_returned(result, comment=comment) if result is not None else 0


@shared_task(acks_late=True, time_limit=600)
def send_deadline_reminders(today: str | None = None) -> int:
    """Daily (Celery beat): remind reporters of units with missing results as a round's deadline approaches.

    `today` (ISO date) is for tests and reruns. Each (person, unit, round, reminder) is recorded once, so a rerun
    on the same day — or a retry — never sends the same reminder twice. Returns the number of e-mails sent.
    """
    import datetime as dt

    from indicators.services.reminders import deadline_reminders_send

    return deadline_reminders_send(today=dt.date.fromisoformat(today) if today else None)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, time_limit=120)
def notify_framework_amendment(
    *, framework_id: int, event: str, actor_id: int | None, reason: str, since: str | None
) -> int:
    """E-mail the reporters of a framework's units that an amendment was opened or approved (services.frameworks)."""
    import datetime as dt

    from indicators.models import Framework
    from indicators.notifications import send_framework_amendment

    framework = Framework.objects.select_related("fiscal_year").filter(pk=framework_id).first()
    if framework is None:
        return 0
    actor = get_user_model().objects.select_related("person").filter(pk=actor_id).first() if actor_id else None
    return send_framework_amendment(
        framework, event=event, actor=actor, reason=reason, since=dt.datetime.fromisoformat(since) if since else None
    )
