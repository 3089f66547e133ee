"""E-mails of the review workflow: the supervisor hears of a submission, the reporters of a return (in Thai).

The services queue the tasks on commit; here they run in-process (forced eager, also under scripts/test.sh where a
real broker is configured) and pytest-django's ``mailoutbox`` collects the messages.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import resolve, reverse

from dsdw_kpi.celery import app as celery_app
from indicators.models import Person, Result
from indicators.tasks import notify_returned, notify_submitted
from indicators.tests.test_review_views import make_user, submitted, supervise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", True)


@pytest.fixture
def reporter(django_user_model: Any) -> Any:
    return make_user(django_user_model, "reporter", Person.Role.STAFF, email="reporter@example.com", units=("div-3",))


@pytest.fixture
def supervisor(django_user_model: Any, fy2566: Any) -> Any:
    user = make_user(django_user_model, "supervisor", Person.Role.SUPERVISOR, email="supervisor@example.com")
    supervise(user, "BUDGET")
    return user


def link_in(body: str) -> str:
    """The path of the first link in a message, after checking it points at this site."""
    url = re.search(r"https?://\S+", body).group(0)
    assert url.startswith(settings.SITE_URL.rstrip("/") + "/")
    return urlsplit(url).path


def test_a_submission_emails_the_supervisor_in_thai_with_a_link_to_the_review_page(
    client, reporter, supervisor, round1, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = submitted(reporter, "div-3", "BUDGET", round1)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["supervisor@example.com"]
    assert mail.subject.startswith("[DSDW KPI] รอพิจารณา: 8. ร้อยละของการเบิกจ่ายงบประมาณ")
    assert "กองคุ้มครองสวัสดิภาพ" in mail.subject and "\n" not in mail.subject
    assert "เรียน คุณsupervisor ทดสอบ" in mail.body
    assert "กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต ส่งผลการดำเนินงานตัวชี้วัด" in mail.body
    assert "8. ร้อยละของการเบิกจ่ายงบประมาณรายจ่ายภาพรวม" in mail.body
    assert "รอบที่ 1 (6 เดือน) ปีงบประมาณ พ.ศ. 2566" in mail.body
    assert "ส่งโดย คุณreporter ทดสอบ" in mail.body
    # the link opens the result for the supervisor
    path = link_in(mail.body)
    assert path == reverse("review-result", args=[result.pk])
    client.force_login(supervisor)
    assert client.get(path).status_code == 200


def test_a_return_emails_the_reporters_the_comment_and_a_link_to_correct_it(
    client, reporter, supervisor, round1, mailoutbox, django_capture_on_commit_callbacks
):
    result = submitted(reporter, "div-3", "BUDGET", round1)
    client.force_login(supervisor)
    comment = "ตัวหารไม่ตรงกับวงเงินที่ได้รับจัดสรร กรุณาตรวจสอบ"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("review-result", args=[result.pk]), {"action": "return", "comment": comment})

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["reporter@example.com"]
    assert mail.subject.startswith("[DSDW KPI] ส่งกลับแก้ไข: 8. ร้อยละของการเบิกจ่ายงบประมาณ")
    assert "ของกองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต" in mail.body
    assert "รอบที่ 1 (6 เดือน) ปีงบประมาณ พ.ศ. 2566" in mail.body
    assert f"ความเห็นของผู้กำกับดูแล:\n{comment}" in mail.body
    assert "โดย คุณsupervisor ทดสอบ" in mail.body
    # the link opens the entry page of exactly this result for the reporter
    path = link_in(mail.body)
    assert resolve(path).url_name == "result-entry"
    assert path == reverse("result-entry", args=[result.round_id, result.org_unit_id, result.assignment_id])
    client.force_login(reporter)
    assert client.get(path).status_code == 200


def test_a_return_email_sent_late_still_carries_the_comment_given_at_the_return(
    client, reporter, supervisor, round1, mailoutbox, django_capture_on_commit_callbacks
):
    """The e-mail is built by a worker, maybe after a broker outage, when the unit may already have corrected and
    resubmitted (which clears the comment on the result): it says what the supervisor wrote when returning."""
    from outbox.models import OutboxMessage

    result = submitted(reporter, "div-3", "BUDGET", round1)
    client.force_login(supervisor)
    comment = "แนบหลักฐานการเบิกจ่ายเพิ่ม"
    with django_capture_on_commit_callbacks(execute=False):  # the hand-over to the broker never happens
        client.post(reverse("review-result", args=[result.pk]), {"action": "return", "comment": comment})
    queued = OutboxMessage.objects.filter(task_name="indicators.tasks.notify_returned").latest("pk")
    Result.objects.filter(pk=result.pk).update(status=Result.Status.SUBMITTED, review_comment_th="")

    notify_returned.delay(**queued.kwargs).get()

    assert f"ความเห็นของผู้กำกับดูแล:\n{comment}" in mailoutbox[-1].body


def test_approving_sends_no_mail(client, reporter, supervisor, round1, mailoutbox, django_capture_on_commit_callbacks):
    result = submitted(reporter, "div-3", "BUDGET", round1)
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("review-result", args=[result.pk]), {"action": "approve"})
    assert mailoutbox == []


def test_every_reporter_of_the_unit_hears_of_a_return_once_and_people_without_an_address_are_skipped(
    django_user_model, reporter, supervisor, round1, mailoutbox
):
    # given a second reporter sharing the first one's address, one without any address, one switched off
    make_user(django_user_model, "twin", Person.Role.STAFF, email="REPORTER@example.com", units=("div-3",))
    make_user(django_user_model, "no_mail", Person.Role.STAFF, units=("div-3",))
    make_user(django_user_model, "colleague", Person.Role.STAFF, email="colleague@example.com", units=("div-3",))
    gone = make_user(django_user_model, "gone", Person.Role.STAFF, email="gone@example.com", units=("div-3",))
    gone.is_active = False
    gone.save()
    result = submitted(reporter, "div-3", "BUDGET", round1)
    Result.objects.filter(pk=result.pk).update(status=Result.Status.RETURNED, review_comment_th="แก้ไข")

    sent = notify_returned.delay(result_id=result.pk).get()

    assert sent == 1
    assert sorted(mailoutbox[0].to) == ["colleague@example.com", "reporter@example.com"]


def test_a_supervisor_without_an_address_is_not_mailed_and_the_submission_still_succeeds(
    django_user_model, reporter, round1, mailoutbox, django_capture_on_commit_callbacks
):
    silent = make_user(django_user_model, "silent", Person.Role.SUPERVISOR)
    supervise(silent, "BUDGET")
    with django_capture_on_commit_callbacks(execute=True):
        result = submitted(reporter, "div-3", "BUDGET", round1)
    assert result.status == Result.Status.SUBMITTED
    assert mailoutbox == []


def test_the_assignment_supervisor_comes_before_the_indicator_supervisor(
    django_user_model, reporter, supervisor, round1, mailoutbox
):
    own = make_user(django_user_model, "division_head", Person.Role.SUPERVISOR, email="head@example.com")
    result = submitted(reporter, "div-3", "BUDGET", round1)
    result.assignment.supervisor = own.person
    result.assignment.save()

    assert notify_submitted.delay(result_id=result.pk).get() == 1
    assert mailoutbox[0].to == ["head@example.com"]


def test_a_mail_task_for_a_result_deleted_meanwhile_sends_nothing(mailoutbox, fy2566):
    assert notify_submitted.delay(result_id=987654).get() == 0
    assert notify_returned.delay(result_id=987654).get() == 0
    assert mailoutbox == []
