"""The Celery application; tasks are discovered in the Django apps."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsdw_kpi.settings")

app = Celery("dsdw_kpi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task(name: str) -> Any:
    """A registered task by its name, so that a service can queue it without importing the tasks module that
    imports the service (tasks call services; services only name tasks)."""
    if name not in app.tasks:  # the web process has not imported the apps' tasks modules yet
        app.loader.import_default_modules()
    return app.tasks[name]
