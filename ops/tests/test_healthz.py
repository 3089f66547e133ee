"""GET /healthz/: database, broker and worker heartbeat as JSON; 503 when one is down; no login, no session."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone

from ops.health import check_worker
from ops.models import WorkerHeartbeat
from ops.services import heartbeat_record
from ops.tasks import heartbeat
from ops.tests.conftest import dead_port

pytestmark = pytest.mark.django_db


def _get(client: Client) -> tuple[int, dict]:
    response = client.get("/healthz/")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_healthy_answer_without_login_session_or_cache(client):
    heartbeat_record("worker-1@host")  # a worker beat just now (needed when the tests run with a real broker)
    response = client.get("/healthz/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is True and body["worker"]["ok"] is True
    assert "no-cache" in response["Cache-Control"] and "Set-Cookie" not in response.headers
    assert not Session.objects.exists()


@override_settings(CELERY_BROKER_URL="memory://")
def test_quick_start_reports_the_in_process_broker_and_worker(client):
    status, body = _get(client)
    assert status == 200
    assert body["broker"] == {"ok": True, "mode": "in-process"}
    assert body["worker"]["mode"] == "in-process"


def test_database_down_answers_503(client):
    heartbeat_record("worker-1@host")
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed the connection")):
        status, body = _get(client)
    assert status == 503
    assert body["status"] == "down"
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["worker"]["ok"] is False  # its heartbeat lives in the database


def test_broker_on_a_dead_port_answers_503_quickly():
    heartbeat_record("worker-1@host")
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{dead_port()}/0"):
        started = time.monotonic()
        status, body = _get(Client())
        elapsed = time.monotonic() - started
    assert status == 503
    assert body["broker"]["ok"] is False and body["broker"]["mode"] == "redis"
    assert body["database"] == {"ok": True}
    assert elapsed < 3


def test_heartbeat_task_reports_its_age():
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{dead_port()}/0"):  # a real broker's mode
        assert check_worker()["error"] == "no heartbeat yet"
        heartbeat.apply()
        worker = check_worker()
    assert worker["ok"] is True
    assert 0 <= worker["age"] < 5 and worker["max_age"] == 180
    assert WorkerHeartbeat.objects.count() == 1


def test_stale_heartbeat_is_down():
    heartbeat_record("worker-1@host", at=timezone.now() - timedelta(seconds=500))
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{dead_port()}/0", HEALTH_WORKER_MAX_AGE=180):
        worker = check_worker()
    assert worker["ok"] is False and worker["age"] >= 500


def test_newest_heartbeat_of_several_workers_counts():
    heartbeat_record("old@host", at=timezone.now() - timedelta(seconds=900))
    heartbeat_record("new@host", at=timezone.now() - timedelta(seconds=10))
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{dead_port()}/0"):
        worker = check_worker()
    assert worker["ok"] is True and 10 <= worker["age"] < 15


def test_ssl_redirect_spares_the_health_check():
    heartbeat_record("worker-1@host")
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/accounts/login/").status_code == 301
        assert client.get("/healthz/").status_code in (200, 503)  # answered, not redirected


def test_only_safe_methods():
    assert Client().post("/healthz/").status_code == 405


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_the_worker_heartbeat_makes_healthz_green(celery_worker_process):
    """A heartbeat run by the real worker: /healthz/ then reports Redis, the database and a fresh age."""
    nodename = f"pytest-{os.getpid()}@localhost"
    started = timezone.now()
    heartbeat.delay()
    deadline = time.monotonic() + 30
    while not WorkerHeartbeat.objects.filter(hostname=nodename, beat_at__gte=started).exists():
        assert time.monotonic() < deadline, "the worker did not record a heartbeat within 30 s"
        time.sleep(0.2)
    status, body = _get(Client())
    assert status == 200, body
    assert body["broker"] == {"ok": True, "mode": "redis"}
    assert body["worker"]["ok"] is True and body["worker"]["age"] < 30
