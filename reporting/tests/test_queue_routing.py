"""Celery queue routing (settings CELERY_TASK_ROUTES): scores, documents, email and the default queue.

The first tests read the routing table alone; the last one starts two real workers on loopback, one consuming
`scores` and one `documents,email`, on a private redis-server of its own (so the session's worker, which consumes
every queue of the main REDIS_URL, cannot take their tasks), and checks which worker ran each task.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.conf import settings

from dsdw_kpi.celery import app as project_app

# Contract of issue 9 (task name → queue); names of apps not written yet route by name all the same.
EXPECTED_QUEUES = {
    "reporting.tasks.drain_score_jobs": "scores",
    "reporting.tasks.sweep_score_jobs": "scores",
    "reporting.tasks.render_report_run": "documents",
    "reporting.tasks.recover_report_runs": "documents",
    "indicators.tasks.notify_submitted": "email",
    "indicators.tasks.notify_returned": "email",
    "indicators.tasks.notify_framework_amendment": "email",
    "indicators.tasks.send_deadline_reminders": "email",
    "outbox.tasks.send_email": "email",
    "outbox.tasks.dispatch_outbox": "celery",
    "ops.tasks.heartbeat": "celery",
    "indicators.tasks.copy_framework_forward": "celery",
}


def _queue_of(app: Celery, name: str) -> str:
    return str(app.amqp.router.route({}, name, (), {})["queue"].name)


@pytest.mark.parametrize(("name", "queue"), sorted(EXPECTED_QUEUES.items()))
def test_each_task_is_routed_to_its_queue(name: str, queue: str) -> None:
    assert _queue_of(project_app, name) == queue


def test_a_worker_without_queue_arguments_consumes_all_four_queues() -> None:
    names = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    assert set(names) >= {"celery", "scores", "documents", "email"}
    assert settings.REPORT_RUN_QUEUE == os.environ.get("REPORT_RUN_QUEUE", "documents")


def test_every_registered_task_of_the_project_has_a_queue_a_default_worker_consumes() -> None:
    project_app.loader.import_default_modules()
    consumed = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    ours = [name for name in project_app.tasks if name.split(".")[0] in {"indicators", "reporting", "outbox", "ops"}]
    assert ours
    assert {name: _queue_of(project_app, name) for name in ours if _queue_of(project_app, name) not in consumed} == {}


# ---- two real workers ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[str]:
    """A redis-server of this test alone on 127.0.0.1 (no persistence); its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the private redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def _executed(app: Celery, nodename: str) -> dict[str, int]:
    """Task name → how many this worker has run (the worker's own statistics)."""
    stats = app.control.inspect(destination=[nodename], timeout=5).stats() or {}
    return dict(stats[nodename].get("total", {}))


def _outcome(result: Any, workers: list[subprocess.Popen[bytes]]) -> Any:
    """The task's return value; on a failure or time-out, the error with the end of both workers' logs."""
    try:
        return result.get(timeout=60)
    except Exception as error:
        logs = "\n".join(Path(worker.log_path).read_text(errors="replace")[-3000:] for worker in workers)  # type: ignore[attr-defined]
        raise AssertionError(f"task {result.id}: {error!r}\n{logs}") from error


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_loopback_each_run_only_the_tasks_of_their_queues(
    celery_worker_factory: Any, private_redis: str, celery_app_for: Any
) -> None:
    # given: a `scores` worker and a `documents,email` worker on a private broker, nothing else consuming it
    env = {"REDIS_URL": private_redis}
    scores_node = f"scores-{os.getpid()}@localhost"
    documents_node = f"documents-email-{os.getpid()}@localhost"
    workers = [
        celery_worker_factory(scores_node, env=env, args=["-Q", "scores"]),
        celery_worker_factory(documents_node, env=env, args=["-Q", "documents,email"]),
    ]
    app = celery_app_for(private_redis)  # the publisher: the project's routes, the private broker

    # when: tasks of every kind are sent by name, with no queue given (the routes decide)
    results = {
        name: app.send_task(name, kwargs=kwargs)
        for name, kwargs in {
            "reporting.tasks.sweep_score_jobs": {},
            "reporting.tasks.drain_score_jobs": {"fiscal_year_id": None},
            "reporting.tasks.recover_report_runs": {},
            "indicators.tasks.notify_submitted": {"result_id": 0},
            "indicators.tasks.send_deadline_reminders": {},
        }.items()
    }
    outcomes = {name: _outcome(result, workers) for name, result in results.items()}
    stray = app.send_task("indicators.tasks.copy_framework_forward", kwargs={"user_id": 0, "source_year": 0,
                                                                           "target_year": 0})

    # then: each worker ran exactly the tasks of its queues; the default-queue task waits in `celery`, untouched
    assert outcomes["indicators.tasks.notify_submitted"] == 0
    assert outcomes["reporting.tasks.recover_report_runs"] == []
    assert _executed(app, scores_node) == {"reporting.tasks.sweep_score_jobs": 1, "reporting.tasks.drain_score_jobs": 1}
    assert _executed(app, documents_node) == {
        "reporting.tasks.recover_report_runs": 1,
        "indicators.tasks.notify_submitted": 1,
        "indicators.tasks.send_deadline_reminders": 1,
    }
    client = redis.Redis.from_url(private_redis)
    waiting = [json.loads(raw)["headers"] for raw in client.lrange("celery", 0, -1)]
    client.close()
    assert {"id": stray.id, "task": "indicators.tasks.copy_framework_forward"} in [
        {"id": headers["id"], "task": headers["task"]} for headers in waiting
    ]
    assert stray.state == "PENDING"
    # a result unsubscribes from the private Redis when it is collected: let them go while that Redis still answers
    del results, stray
    gc.collect()
