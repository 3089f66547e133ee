"""Celery tasks of the indicators app: they take ids and plain values and call one service."""

from __future__ import annotations

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
