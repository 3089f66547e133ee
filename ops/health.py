"""The checks behind /healthz/: database, broker and the age of the newest worker heartbeat.

Each check is cheap (one SELECT 1, one Redis PING with a short timeout, one aggregate) and never raises: a failure
is logged for the operator and reported as {"ok": false}; the details stay in the log, not in the public answer.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ops.selectors import heartbeat_latest

logger = logging.getLogger(__name__)

Check = dict[str, Any]


def broker_in_process() -> bool:
    """Quick start without REDIS_URL: Celery runs tasks inside the web process, there is no broker or worker."""
    return urlsplit(str(settings.CELERY_BROKER_URL)).scheme == "memory"


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("health: the database does not answer", exc_info=True)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def check_broker() -> Check:
    if broker_in_process():
        return {"ok": True, "mode": "in-process"}
    timeout = settings.HEALTH_BROKER_TIMEOUT
    client = redis.Redis.from_url(
        str(settings.CELERY_BROKER_URL), socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    except Exception as exc:
        logger.warning("health: the broker does not answer", exc_info=True)
        return {"ok": False, "mode": "redis", "error": type(exc).__name__}
    finally:
        client.close()
    return {"ok": True, "mode": "redis"}


def check_worker() -> Check:
    if broker_in_process():
        return {"ok": True, "mode": "in-process", "age": None, "max_age": None}
    max_age = settings.HEALTH_WORKER_MAX_AGE
    try:
        latest = heartbeat_latest()
    except Exception as exc:
        logger.warning("health: cannot read the worker heartbeat", exc_info=True)
        return {"ok": False, "age": None, "max_age": max_age, "error": type(exc).__name__}
    if latest is None:
        return {"ok": False, "age": None, "max_age": max_age, "error": "no heartbeat yet"}
    age = round(max((timezone.now() - latest).total_seconds(), 0.0), 1)
    return {"ok": age <= max_age, "age": age, "max_age": max_age}


def health_report() -> dict[str, Any]:
    database = check_database()
    broker = check_broker()
    worker = check_worker() if database["ok"] else {"ok": False, "age": None, "error": "database unavailable"}
    healthy = database["ok"] and broker["ok"] and worker["ok"]
    return {"status": "ok" if healthy else "down", "database": database, "broker": broker, "worker": worker}
