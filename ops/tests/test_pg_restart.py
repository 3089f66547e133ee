"""A PostgreSQL restart fails no request and no task afterwards (real services: `bash scripts/test.sh`).

The web process keeps its connection for DB_CONN_MAX_AGE seconds; after a restart that connection is dead. The
settings' CONN_HEALTH_CHECKS make Django test it (SELECT 1) before its first use in each request, and Celery's
Django fix-up runs the same check before each task, so both reconnect instead of failing.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from ops.models import WorkerHeartbeat
from ops.tasks import heartbeat

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]
RESTART_QUEUE = "pg-restart-test"


def restart_postgresql() -> None:
    """pg_ctl restart -m fast on the throw-away cluster of scripts/test.sh (as its owner when running as root)."""
    pg_bin, pgdata = os.environ.get("DSDW_TEST_PG_BIN"), os.environ.get("DSDW_TEST_PGDATA")
    if not pg_bin or not pgdata:
        pytest.skip("DSDW_TEST_PG_BIN / DSDW_TEST_PGDATA are not set — run `bash scripts/test.sh`")
    command = [f"{pg_bin}/pg_ctl", "-D", pgdata, "-l", str(Path(pgdata).parent / "postgresql.log"), "-w", "-t", "60",
               "-m", "fast", "restart"]  # fmt: skip
    owner = os.environ.get("DSDW_TEST_PG_OWNER")
    if owner:
        command = ["runuser", "-u", owner, "--", *command]
    # The server inherits no pipe of ours (-l): run() would otherwise wait for the server to exit.
    result = subprocess.run(command, cwd=Path(pgdata).parent, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, timeout=90)  # fmt: skip
    assert result.returncode == 0, result.stderr.decode(errors="replace")


def wsgi_get(path: str, cookies: str = "") -> int:
    """One request through Django's real WSGI handler, as gunicorn makes it: unlike the test client, it runs the
    request_started/finished signals that close (or health-check) the thread's old database connections."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", HTTP_COOKIE=cookies)
    environ["wsgi.input"] = BytesIO(b"")
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], None]:
        statuses.append(status)
        return lambda _: None

    response = WSGIHandler()(environ, start_response)
    b"".join(response)
    response.close()  # request_finished, as a WSGI server does
    return int(statuses[0].split()[0])


def wait_for_heartbeat(hostname: str, since: Any) -> None:
    deadline = time.monotonic() + 60
    while not WorkerHeartbeat.objects.filter(hostname=hostname, beat_at__gte=since).exists():
        assert time.monotonic() < deadline, f"{hostname} recorded no heartbeat within 60 s"
        time.sleep(0.2)


def test_requests_and_tasks_succeed_after_a_postgresql_restart(
    django_user_model: Any, celery_worker_process: Any, celery_worker_factory: Any
) -> None:
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # a persistent connection, as in production
    admin = django_user_model.objects.create_superuser("ops-admin", "ops@example.com", "pw-ops-admin-2566")
    client = Client()
    client.force_login(admin)
    cookies = f"sessionid={client.cookies['sessionid'].value}"
    # A worker that keeps its connection between tasks like a production one (the session worker uses 0).
    nodename = "pg-restart@localhost"
    celery_worker_factory(nodename, env={"DB_CONN_MAX_AGE": "600"}, args=["-Q", RESTART_QUEUE])
    session_worker = f"pytest-{os.getpid()}@localhost"

    # Before: both the web connection and the workers' connections are open and in use.
    assert wsgi_get("/admin/", cookies) == 200
    assert wsgi_get("/healthz/") in (200, 503)
    started = timezone.now()
    heartbeat.apply_async(queue=RESTART_QUEUE)
    wait_for_heartbeat(nodename, started)

    restart_postgresql()

    # After: the first request of this (web) thread, then tasks on both workers; none may fail.
    assert wsgi_get("/admin/", cookies) == 200
    started = timezone.now()
    heartbeat.apply_async(queue=RESTART_QUEUE)
    heartbeat.delay()
    wait_for_heartbeat(nodename, started)
    wait_for_heartbeat(session_worker, started)
    assert wsgi_get("/healthz/") == 200
    assert wsgi_get("/admin/auth/user/", cookies) == 200
