"""Redis stopped: submit, return and approve still answer at once; the e-mails and tasks go out when it is back.

Real services (`bash scripts/test.sh`): PostgreSQL, a private redis-server that the test stops and starts again
(the session's Redis and worker are left alone), and a private Celery worker on it that writes e-mails to files.
"""

from __future__ import annotations

import email
import time
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from dsdw_kpi.celery import task
from indicators.models import OrgUnit, Person, Result, Round
from indicators.services.results import result_save
from indicators.tests.conftest import load_reference
from indicators.tests.formdata import form_data
from indicators.tests.test_review_views import BUDGET_VALUES, assignment_of, make_user, supervise
from outbox.models import OutboxMessage
from outbox.services import email_enqueue
from outbox.tasks import dispatch_outbox
from outbox.testing import PrivateRedis, use_broker

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]

FAST = 2.0  # seconds: "does not hang" (a broker that is down used to cost about 19 s), not a benchmark
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@pytest.fixture
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def sent_mails(directory: Path) -> list[tuple[str, str, str]]:
    """(to, subject, body) of every message the file backend wrote."""
    found = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                message = email.message_from_bytes(chunk.lstrip())
                part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
                body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                found.append((message["To"], str(make_header(decode_header(message["Subject"]))), body))
    return found


def timed_post(client: Any, url: str, data: dict[str, Any]) -> tuple[Any, float]:
    started = time.monotonic()
    response = client.post(url, data)
    return response, time.monotonic() - started


def wait_for(condition: Any, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.25)


def test_with_redis_stopped_the_review_workflow_answers_fast_and_the_mail_goes_out_when_it_returns(
    client: Any, django_user_model: Any, redis: PrivateRedis, celery_worker_factory: Any, settings: Any,
    tmp_path: Path,
) -> None:
    # the score recompute requests of these changes (the reporting app's own outbox, named: indicators never
    # imports reporting)
    score_jobs = apps.get_model("reporting", "ScoreJob").objects
    load_reference()
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 1  # the failed hand-overs are due again a second later
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with use_broker(redis.url):
        celery_worker_factory("outbox-outage@localhost", env={
            "REDIS_URL": redis.url, "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir), "SITE_URL": "http://kpi.example.test",
        })
        reporter = make_user(django_user_model, "reporter", Person.Role.STAFF, email="reporter@example.com",
                             units=("div-3",))
        supervisor = make_user(django_user_model, "supervisor", Person.Role.SUPERVISOR, email="supervisor@example.com")
        supervise(supervisor, "BUDGET")
        item = assignment_of("div-3", "BUDGET")
        Round.objects.filter(fiscal_year__be_year=2566, number=1).update(is_open=True, entry_deadline=None)
        round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
        draft = result_save(actor=reporter, assignment=item, org_unit=OrgUnit.objects.get(code="div-3"),
                            round=round1, values=dict(BUDGET_VALUES))
        entry = reverse("result-entry", args=[round1.pk, draft.org_unit_id, item.pk])
        review = reverse("review-result", args=[draft.pk])
        wait_for(lambda: not score_jobs.exclude(status="done").exists(), "the draft's score recompute")

        redis.stop()  # -------------------------------------------------------------------------- the broker is down
        client.force_login(reporter)
        response, first_submit = timed_post(client, entry, {**form_data(client.get(entry).content.decode(),
                                                                        "entry-form"), "action": "submit"})
        assert response.status_code == 302 and first_submit < FAST, (response.status_code, first_submit)
        client.force_login(supervisor)
        response, returning = timed_post(client, review, {"action": "return", "comment": "ตัวหารไม่ตรง กรุณาแก้ไข"})
        assert response.status_code == 302 and returning < FAST, (response.status_code, returning)
        client.force_login(reporter)
        response, second_submit = timed_post(client, entry, {**form_data(client.get(entry).content.decode(),
                                                                         "entry-form"), "action": "submit"})
        assert response.status_code == 302 and second_submit < FAST, (response.status_code, second_submit)
        client.force_login(supervisor)
        response, approving = timed_post(client, review, {"action": "approve"})
        assert response.status_code == 302 and approving < FAST, (response.status_code, approving)
        with transaction.atomic():
            email_enqueue(subject="แจ้งทดสอบระหว่างระบบคิวขัดข้อง", body="ข้อความทดสอบ", to=["director@example.com"])

        print(f"broker down: submit {first_submit:.3f}s, return {returning:.3f}s, submit {second_submit:.3f}s, "
              f"approve {approving:.3f}s")
        draft.refresh_from_db()
        assert draft.status == Result.Status.APPROVED  # every step was saved
        rows = list(OutboxMessage.objects.order_by("pk"))
        assert [row.task_name for row in rows] == [
            "indicators.tasks.notify_submitted", "indicators.tasks.notify_returned",
            "indicators.tasks.notify_submitted", "outbox.tasks.send_email",
        ]
        assert {row.status for row in rows} == {OutboxMessage.Status.PENDING}  # none lost, none sent
        assert all(row.attempts == 1 and row.last_error for row in rows)
        assert sent_mails(mail_dir) == []

        redis.start()  # ---------------------------------------------------------------- the broker is back (same port)
        time.sleep(settings.OUTBOX_BACKOFF_MAX_SECONDS)
        dispatch_outbox.apply_async()  # as Celery beat does every OUTBOX_DISPATCH_SECONDS
        task("reporting.tasks.sweep_score_jobs").apply_async()  # its own sweep (beat): the approval's recompute

        def delivered() -> bool:
            if OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).exists():
                dispatch_outbox.apply_async()  # the worker may still have been reconnecting: beat would repeat it
                time.sleep(1)
                return False
            return True

        wait_for(delivered, "the outbox to be delivered")
        wait_for(lambda: not score_jobs.exclude(status="done").exists(), "the score recompute")

    mails = sent_mails(mail_dir)
    assert sorted((to, subject.split(":")[0]) for to, subject, _ in mails) == [
        ("director@example.com", "แจ้งทดสอบระหว่างระบบคิวขัดข้อง"),
        ("reporter@example.com", "[DSDW KPI] ส่งกลับแก้ไข"),
        ("supervisor@example.com", "[DSDW KPI] รอพิจารณา"),
        ("supervisor@example.com", "[DSDW KPI] รอพิจารณา"),
    ]
    returned = next(body for to, _, body in mails if to == "reporter@example.com")
    # built by the worker from the result as it is then: the link to fix it (the comment shown is the current one)
    assert f"http://kpi.example.test{entry}" in returned
    assert all(row.done_at is not None for row in OutboxMessage.objects.all())


def test_a_worker_that_starts_after_the_outage_hands_over_what_waited_without_beat(
    redis: PrivateRedis, celery_worker_factory: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with use_broker(redis.url):
        redis.stop()
        started = time.monotonic()
        with transaction.atomic():
            email_enqueue(subject="รอระบบคิว", body="ส่งเมื่อระบบคิวกลับมา", to=["staff@example.com"])
        elapsed = time.monotonic() - started
        message = OutboxMessage.objects.get()
        assert elapsed < FAST and message.status == OutboxMessage.Status.PENDING and message.attempts == 1
        assert message.next_attempt_at.timestamp() > time.time()  # backing off: beat would not take it yet

        redis.start()
        celery_worker_factory("outbox-start@localhost", env={
            "REDIS_URL": redis.url, "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        })  # its start hands over every pending row, backoff or not

        wait_for(lambda: OutboxMessage.objects.filter(status=OutboxMessage.Status.DONE).exists(), "the e-mail")
    assert [(to, subject) for to, subject, _ in sent_mails(mail_dir)] == [("staff@example.com", "รอระบบคิว")]
