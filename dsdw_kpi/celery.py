"""The Celery application; tasks are discovered in the Django apps."""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsdw_kpi.settings")

logger = logging.getLogger(__name__)

# Every task marks its outbox row done/failed and skips a duplicate delivery (outbox/celery_task.py).
app = Celery("dsdw_kpi", task_cls="outbox.celery_task:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task(name: str) -> Any:
    """A registered task by its name, so that a service can queue it without importing the tasks module that
    imports the service (tasks call services; services only name tasks)."""
    if name not in app.tasks:  # the web process has not imported the apps' tasks modules yet
        app.loader.import_default_modules()
    return app.tasks[name]


def send(name: str, **kwargs: Any) -> bool:
    """Hand a task to the broker once, without waiting: no publish retries and no result subscription (a Redis
    result backend that is down would otherwise be retried for tens of seconds inside the request). Returns False,
    and logs, when the broker cannot take it; the caller decides what recovers it (the score outbox's sweep)."""
    try:
        task(name).apply_async(kwargs=kwargs, retry=False, ignore_result=True)
    except Exception:
        logger.warning("could not hand %s to the broker", name, exc_info=True)
        return False
    return True
