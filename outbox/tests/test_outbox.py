"""The outbox: rows written in the caller's transaction, handed over after commit, retried, skipped when done."""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery import shared_task
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from dsdw_kpi.celery import app as celery_app
from outbox import services
from outbox.models import OutboxMessage
from outbox.services import dispatch_due, email_enqueue, prune, task_enqueue
from outbox.tasks import dispatch_outbox, send_email
from outbox.testing import use_broker

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status
CALLS: list[dict[str, Any]] = []


@shared_task(name="outbox.tests.record")
def record(**kwargs: Any) -> int:
    """A task for these tests only (run in this process): remembers its kwargs, fails when asked to."""
    if kwargs.get("fail"):
        raise ValueError("ขอให้ล้มเหลว")
    CALLS.append(kwargs)
    return len(CALLS)


class FakeBroker(list[dict[str, Any]]):
    """What the dispatcher published (each call's options); refuses every message while `down` is set."""

    down = False


class FakeTask:
    """Stands for a registered task: records what the dispatcher publishes to a broker that takes it."""

    app = celery_app

    def __init__(self, published: list[dict[str, Any]], gate: threading.Event | None = None) -> None:
        self.published = published
        self.gate = gate

    def apply_async(self, **options: Any) -> None:
        if getattr(self.published, "down", False):
            raise KombuOperationalError("Error 111 connecting to 127.0.0.1:9. Connection refused.")
        if self.gate is not None and options["kwargs"].get("hold"):  # a slow publish, holding its row's lock
            self.gate.wait(10)
        self.published.append(options)


class RefusingSmtp(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("เซิร์ฟเวอร์อีเมลไม่ตอบ")


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    CALLS.clear()


@pytest.fixture
def eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick start: no broker, tasks run in this process after the commit."""
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", True)


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> FakeBroker:
    """A broker that takes every message (recorded, nothing runs) unless it is `down`."""
    published = FakeBroker()
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", False)
    monkeypatch.setattr("dsdw_kpi.celery.task", lambda name: FakeTask(published))
    return published


@contextlib.contextmanager
def broker_down() -> Iterator[None]:
    """This process's broker is a real Redis address nothing listens on (port 9): the publish fails at once."""
    with use_broker("redis://127.0.0.1:9/0"):
        yield


# ---- recording -------------------------------------------------------------------------------------------------


def test_a_task_is_recorded_in_the_transaction_and_handed_over_once_after_commit(
    broker: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        task_enqueue("outbox.tests.record", queue="documents", run_id=7, shard=1)
        message = OutboxMessage.objects.get()
        assert message.status == Status.PENDING and broker == []  # nothing leaves before the commit

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1 and message.sent_at is not None
    assert broker == [{
        "kwargs": {"run_id": 7, "shard": 1}, "retry": False, "ignore_result": True,
        "headers": {"outbox_id": message.pk}, "queue": "documents",
    }]


def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back(
    broker: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with contextlib.suppress(RuntimeError), transaction.atomic():
            task_enqueue("outbox.tests.record", value=1)
            email_enqueue(subject="ทดสอบ", body="เนื้อหา", to=["a@example.com"])
            raise RuntimeError("the change fails after the enqueue")

    assert OutboxMessage.objects.count() == 0 and callbacks == [] and broker == []


def test_an_email_keeps_its_fields_and_a_countdown_becomes_an_eta(
    broker: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(subject="หัวเรื่อง", body="ข้อความ", to=["a@example.com", "a@example.com", ""],
                      html_body="<p>ข้อความ</p>")
        email_enqueue(subject="ไม่มีผู้รับ", body="-", to=[""])  # nothing to send: nothing recorded
        task_enqueue("outbox.tests.record", countdown=600, value=2)

    email, later = OutboxMessage.objects.order_by("pk")
    assert (email.kind, email.task_name, email.to, email.html_body) == (
        OutboxMessage.Kind.EMAIL, "outbox.tasks.send_email", ["a@example.com"], "<p>ข้อความ</p>"
    )
    assert later.eta is not None and later.eta > timezone.now() + dt.timedelta(seconds=590)
    assert broker[0]["kwargs"] == {"message_id": email.pk} and "queue" not in broker[0]  # routed by task name
    assert broker[1]["eta"] == later.eta


# ---- handing over ----------------------------------------------------------------------------------------------


def test_with_the_broker_down_the_commit_is_fast_and_the_row_waits_with_a_growing_backoff(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with broker_down():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            email_enqueue(subject="แจ้งเตือน", body="ข้อความ", to=["a@example.com"])
        elapsed = time.monotonic() - started
        message = OutboxMessage.objects.get()
        assert elapsed < 2, f"the hand-over waited {elapsed:.1f}s on a broker that is down"
        assert message.status == Status.PENDING and message.attempts == 1 and message.sent_at is None
        assert message.last_error and message.next_attempt_at > timezone.now() + dt.timedelta(seconds=3)

        assert dispatch_due() == 0  # not due yet: untouched
        message.refresh_from_db()
        assert message.attempts == 1

        assert dispatch_due(ignore_backoff=True) == 0  # still down: the next wait doubles
        message.refresh_from_db()
        assert message.status == Status.PENDING and message.attempts == 2
        assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=8)


def test_the_beat_task_sends_what_is_due_and_stops_at_the_first_broker_failure(
    broker: FakeBroker,
) -> None:
    past = timezone.now() - dt.timedelta(seconds=1)
    rows = [OutboxMessage.objects.create(kind=OutboxMessage.Kind.TASK, task_name="outbox.tests.record",
                                         kwargs={"n": n}, next_attempt_at=past) for n in range(3)]
    OutboxMessage.objects.filter(pk=rows[2].pk).update(next_attempt_at=timezone.now() + dt.timedelta(hours=1))

    assert dispatch_outbox() == {"dispatched": 2, "pruned": 0}

    assert [options["kwargs"] for options in broker] == [{"n": 0}, {"n": 1}]
    assert list(OutboxMessage.objects.order_by("pk").values_list("status", flat=True)) == [
        Status.SENT, Status.SENT, Status.PENDING,
    ]
    broker.down = True
    OutboxMessage.objects.filter(pk=rows[2].pk).update(next_attempt_at=past)
    second = OutboxMessage.objects.create(kind=OutboxMessage.Kind.TASK, task_name="outbox.tests.record",
                                          next_attempt_at=past)
    assert dispatch_due() == 0
    tried = OutboxMessage.objects.filter(attempts=1, status=Status.PENDING)
    assert list(tried.values_list("pk", flat=True)) == [rows[2].pk]  # the first failure ends the round
    assert OutboxMessage.objects.get(pk=second.pk).attempts == 0


def test_a_row_handed_over_long_ago_that_no_worker_finished_is_handed_over_again(
    broker: list[dict[str, Any]], settings: Any
) -> None:
    long_ago = timezone.now() - dt.timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS + 60)
    lost = OutboxMessage.objects.create(kind=OutboxMessage.Kind.TASK, task_name="outbox.tests.record",
                                        status=Status.SENT, sent_at=long_ago, attempts=1)
    recent = OutboxMessage.objects.create(kind=OutboxMessage.Kind.TASK, task_name="outbox.tests.record",
                                          status=Status.SENT, sent_at=timezone.now(), attempts=1)

    assert dispatch_due() == 1

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert (lost.status, lost.attempts, recent.status, recent.attempts) == (Status.SENT, 2, Status.SENT, 1)
    assert broker[0]["headers"] == {"outbox_id": lost.pk}


# ---- the worker's side -----------------------------------------------------------------------------------------


def test_quick_start_runs_the_task_in_process_after_commit_and_marks_it_done(
    eager: None, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task_enqueue("outbox.tests.record", value=3)
        email_enqueue(subject="ยืนยัน", body="ข้อความภาษาไทย", to=["b@example.com"], html_body="<b>ไทย</b>")

    assert CALLS == [{"value": 3}]
    assert [(m.subject, m.to, m.alternatives[0][0]) for m in mailoutbox] == [("ยืนยัน", ["b@example.com"], "<b>ไทย</b>")]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.DONE}
    assert all(row.done_at is not None for row in OutboxMessage.objects.all())


def test_a_duplicate_delivery_of_a_done_row_is_skipped(eager: None, mailoutbox: list[Any]) -> None:
    with transaction.atomic():
        task_enqueue("outbox.tests.record", value=4)
        email_enqueue(subject="ครั้งเดียว", body="-", to=["c@example.com"])
    job, email = OutboxMessage.objects.order_by("pk")
    first = record.apply(kwargs={"value": 4}, headers={"outbox_id": job.pk})
    send_email.apply(kwargs={"message_id": email.pk}, headers={"outbox_id": email.pk})
    assert first.result == 1 and len(mailoutbox) == 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.DONE}

    again = record.apply(kwargs={"value": 4}, headers={"outbox_id": job.pk})  # redelivered
    send_email.apply(kwargs={"message_id": email.pk}, headers={"outbox_id": email.pk})

    assert again.state == "IGNORED" and CALLS == [{"value": 4}] and len(mailoutbox) == 1


def test_a_task_that_fails_for_good_marks_its_row_failed_with_the_error(eager: None) -> None:
    with transaction.atomic():
        task_enqueue("outbox.tests.record", fail=True)
    job = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=job.pk).update(status=Status.SENT)

    outcome = record.apply(kwargs={"fail": True}, headers={"outbox_id": job.pk}, throw=False)  # as a worker runs it

    assert outcome.failed()

    job.refresh_from_db()
    assert job.status == Status.FAILED and "ขอให้ล้มเหลว" in job.last_error


def test_smtp_errors_are_retried_then_the_email_is_marked_failed_and_can_be_sent_again(
    eager: None, settings: Any, admin_client: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingSmtp"
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(subject="ลองใหม่", body="-", to=["d@example.com"])
    message = OutboxMessage.objects.get()
    assert message.status == Status.FAILED and "SMTPServerDisconnected" in message.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    done = OutboxMessage.objects.create(kind=OutboxMessage.Kind.TASK, task_name="outbox.tests.record",
                                        status=Status.DONE, done_at=timezone.now())
    changelist = reverse("admin:outbox_outboxmessage_changelist")
    assert admin_client.get(changelist, {"status__exact": "failed"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(changelist, {"action": "send_again", "_selected_action": [message.pk, done.pk]},
                                     follow=True)

    page = response.content.decode()
    assert "นำ 1 รายการกลับเข้าคิวเพื่อส่งอีกครั้งแล้ว" in page and "ข้าม 1 รายการ" in page
    message.refresh_from_db()
    assert message.status == Status.DONE and [m.subject for m in mail.outbox] == ["ลองใหม่"]
    assert OutboxMessage.objects.get(pk=done.pk).status == Status.DONE


def test_an_unknown_task_is_marked_failed_instead_of_being_retried(
    eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task_enqueue("outbox.tests.no_such_task", value=5)

    message = OutboxMessage.objects.get()
    assert message.status == Status.FAILED and "outbox.tests.no_such_task" in message.last_error


def test_the_admin_list_is_read_only(admin_client: Any) -> None:
    message = OutboxMessage.objects.create(kind=OutboxMessage.Kind.TASK, task_name="outbox.tests.record")
    change = reverse("admin:outbox_outboxmessage_change", args=[message.pk])
    assert admin_client.get(reverse("admin:outbox_outboxmessage_add")).status_code == 403
    assert admin_client.post(change, {"task_name": "other"}).status_code == 403
    assert OutboxMessage.objects.get().task_name == "outbox.tests.record"


# ---- housekeeping ----------------------------------------------------------------------------------------------


def test_prune_deletes_only_done_rows_past_the_retention(settings: Any) -> None:
    settings.OUTBOX_RETENTION_DAYS = 30
    old = timezone.now() - dt.timedelta(days=31)
    make = OutboxMessage.objects.create
    old_done = make(kind="task", task_name="t", status=Status.DONE, done_at=old)
    keep = [
        make(kind="task", task_name="t", status=Status.DONE, done_at=timezone.now() - dt.timedelta(days=29)),
        make(kind="task", task_name="t", status=Status.FAILED),
        make(kind="task", task_name="t", status=Status.PENDING),
    ]
    OutboxMessage.objects.filter(pk__in=[row.pk for row in keep[1:]]).update(created_at=old)

    assert prune() == 1

    assert not OutboxMessage.objects.filter(pk=old_done.pk).exists()
    assert OutboxMessage.objects.count() == len(keep)


# ---- two dispatchers (PostgreSQL) ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_never_hand_over_one_row_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SELECT … FOR UPDATE SKIP LOCKED needs PostgreSQL (run `bash scripts/test.sh`)")
    published: list[dict[str, Any]] = []
    gate = threading.Event()
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", False)
    monkeypatch.setattr("dsdw_kpi.celery.task", lambda name: FakeTask(published, gate))
    slow = OutboxMessage.objects.create(kind="task", task_name="outbox.tests.record", kwargs={"hold": True})
    other = OutboxMessage.objects.create(kind="task", task_name="outbox.tests.record", kwargs={"n": 2})
    results: list[int] = []

    def slow_dispatcher() -> None:
        try:
            results.append(services._dispatch(OutboxMessage.objects.filter(pk=slow.pk), limit=None))
        finally:
            connection.close()

    thread = threading.Thread(target=slow_dispatcher)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until the other dispatcher holds the row's lock
            with transaction.atomic():
                free = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=slow.pk)
                if not list(free.values_list("pk", flat=True)):
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the first dispatcher never locked its row")

        mine = dispatch_due(ignore_backoff=True)  # while the first one is still publishing
    finally:
        gate.set()
        thread.join(10)

    assert mine == 1 and results == [1]
    assert [options["kwargs"] for options in published] == [{"n": 2}, {"hold": True}]  # each exactly once
    for row in (slow, other):
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.SENT, 1)
