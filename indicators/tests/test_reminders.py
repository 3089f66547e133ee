"""Deadline reminders: 7, 3 and 1 day(s) before a round's deadline, to reporters of units with missing results.

Nobody gets the same reminder twice (a ReminderSent row per person, unit, round and reminder), units that
submitted everything get nothing, people without an address are skipped. One test runs the task on a real worker.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from dsdw_kpi.celery import app as celery_app
from indicators.models import Framework, OrgUnit, Person, ReminderSent, Result, Round
from indicators.services.reminders import deadline_reminders_send, reminder_due
from indicators.tasks import send_deadline_reminders
from indicators.tests.conftest import load_reference
from indicators.tests.test_review_views import make_user

DEADLINE = dt.date(2023, 3, 31)


def before(days: int) -> dt.date:
    return DEADLINE - dt.timedelta(days=days)


@pytest.fixture
def open_round(fy2566: Any) -> Round:
    """Round 1 of FY2566, open until 31 March 2566, for กคส. whose framework is approved."""
    return _open_round()


def _open_round() -> Round:
    Framework.objects.filter(fiscal_year__be_year=2566, level="division", number=3).update(
        status=Framework.Status.APPROVED
    )
    round_ = Round.objects.get(fiscal_year__be_year=2566, number=1)
    round_.is_open = True
    round_.entry_deadline = DEADLINE
    round_.save()
    return round_


@pytest.fixture
def reporter(django_user_model: Any) -> Any:
    return make_user(django_user_model, "reporter", Person.Role.STAFF, email="reporter@example.com", units=("div-3",))


def _submit_everything_of_kks(round: Round, except_codes: tuple[str, ...] = ()) -> None:
    unit = OrgUnit.objects.get(code="div-3")
    framework = Framework.objects.get(fiscal_year__be_year=2566, level="division", number=3)
    Result.objects.bulk_create([
        Result(assignment=assignment, org_unit=unit, round=round, status=Result.Status.SUBMITTED)
        for assignment in framework.assignments.exclude(definition__kind="placeholder")
        if assignment.definition.code not in except_codes
    ])


@pytest.mark.django_db
def test_seven_days_before_the_deadline_the_reporter_hears_what_is_still_missing(
    client, reporter, open_round, mailoutbox
):
    # given กคส. has submitted only its budget result
    _submit_everything_of_kks(open_round, except_codes=("HOUSEHOLD", "ITA"))

    sent = deadline_reminders_send(today=before(7))

    assert sent == 1
    mail = mailoutbox[0]
    assert mail.to == ["reporter@example.com"]
    assert mail.subject == "[DSDW KPI] อีก 7 วันถึงกำหนดส่งผลการดำเนินงาน รอบที่ 1 (6 เดือน) ปีงบประมาณ พ.ศ. 2566"
    assert "อีก 7 วันจะถึงกำหนดส่งผลการดำเนินงาน" in mail.body and "ภายในวันที่ 31 มีนาคม 2566" in mail.body
    assert "กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต ยังไม่ได้ส่งผลของตัวชี้วัดต่อไปนี้" in mail.body
    assert "  - 2. " in mail.body and "  - 5. " in mail.body                 # HOUSEHOLD and ITA
    assert "การเบิกจ่ายงบประมาณ" not in mail.body                            # submitted: not listed
    assert "  - 1. " not in mail.body                                        # the division's own-KPI placeholder
    url = re.search(r"https?://\S+", mail.body).group(0)
    assert url.startswith(settings.SITE_URL.rstrip("/"))
    path = urlsplit(url).path
    assert path == reverse("unit-round", args=[open_round.pk, OrgUnit.objects.get(code="div-3").pk])
    client.force_login(reporter)
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_running_the_task_twice_the_same_day_sends_nothing_more(reporter, open_round, mailoutbox, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", True)

    first = send_deadline_reminders.delay(today=before(3).isoformat()).get()
    second = send_deadline_reminders.delay(today=before(3).isoformat()).get()

    assert (first, second) == (1, 0)
    assert len(mailoutbox) == 1
    assert ReminderSent.objects.filter(person=reporter.person).count() == 1


@pytest.mark.django_db
def test_reminders_go_out_seven_three_and_one_day_before_and_on_no_other_day(reporter, open_round, mailoutbox):
    sent = {days: deadline_reminders_send(today=before(days)) for days in range(10, -3, -1)}

    assert {days for days, count in sent.items() if count} == {7, 3, 1}
    assert all(count in (0, 1) for count in sent.values())
    assert sorted(ReminderSent.objects.values_list("kind", flat=True)) == [
        "deadline-1-2023-03-31", "deadline-3-2023-03-31", "deadline-7-2023-03-31"
    ]
    assert [m.subject.split(" ")[3] for m in mailoutbox] == ["7", "3", "1"]   # "[DSDW KPI] อีก 7 วัน..."


@pytest.mark.django_db
def test_a_unit_that_submitted_everything_gets_no_reminder(reporter, open_round, mailoutbox):
    _submit_everything_of_kks(open_round)
    Result.objects.filter(assignment__definition__code="BUDGET").update(status=Result.Status.APPROVED)

    assert deadline_reminders_send(today=before(7)) == 0
    assert mailoutbox == [] and not ReminderSent.objects.exists()


@pytest.mark.django_db
def test_drafts_and_returned_results_still_count_as_missing(reporter, open_round, mailoutbox):
    _submit_everything_of_kks(open_round)
    Result.objects.filter(assignment__definition__code="BUDGET").update(status=Result.Status.RETURNED)
    Result.objects.filter(assignment__definition__code="WASTE").update(status=Result.Status.DRAFT)

    assert deadline_reminders_send(today=before(1)) == 1
    body = mailoutbox[0].body
    assert "  - 8. " in body and "  - 10. " in body and "  - 2. " not in body


@pytest.mark.django_db
def test_people_without_an_address_or_with_a_switched_off_account_are_skipped(
    django_user_model, reporter, open_round, mailoutbox
):
    silent = make_user(django_user_model, "silent", Person.Role.STAFF, units=("div-3",))
    gone = make_user(django_user_model, "gone", Person.Role.STAFF, email="gone@example.com", units=("div-3",))
    gone.is_active = False
    gone.save()

    assert deadline_reminders_send(today=before(7)) == 1

    assert [m.to for m in mailoutbox] == [["reporter@example.com"]]
    assert not ReminderSent.objects.filter(person__in=[silent.person, gone.person]).exists()
    # once the address is filled in, the same reminder reaches them on the next run, still only once
    Person.objects.filter(pk=silent.person.pk).update(email="silent@example.com")
    assert deadline_reminders_send(today=before(6)) == 1
    assert mailoutbox[-1].to == ["silent@example.com"]
    assert deadline_reminders_send(today=before(5)) == 0


@pytest.mark.django_db
def test_closed_rounds_and_deadlines_already_passed_send_nothing(reporter, open_round, mailoutbox):
    assert deadline_reminders_send(today=DEADLINE + dt.timedelta(days=1)) == 0
    Round.objects.filter(pk=open_round.pk).update(is_open=False)
    assert deadline_reminders_send(today=before(7)) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_reminder_missed_on_its_day_goes_out_on_the_next_run_once(reporter, open_round, mailoutbox):
    """Beat was down on day 7: the run on day 5 sends the 7-day reminder (saying 5 days), then nothing until day 3."""
    assert deadline_reminders_send(today=before(5)) == 1
    assert "อีก 5 วัน" in mailoutbox[0].subject
    assert deadline_reminders_send(today=before(4)) == 0
    assert deadline_reminders_send(today=before(3)) == 1
    assert "วันนี้เป็นวันสุดท้าย" not in mailoutbox[-1].body


@pytest.mark.django_db
def test_a_deadline_day_reminder_says_it_is_the_last_day(reporter, open_round, mailoutbox):
    assert deadline_reminders_send(today=DEADLINE) == 1
    assert "วันนี้วันสุดท้าย" in mailoutbox[0].subject
    assert "วันนี้ (31 มีนาคม 2566) เป็นวันสุดท้ายของการส่งผลการดำเนินงาน" in mailoutbox[0].body


@pytest.mark.django_db
def test_a_new_deadline_after_a_reopening_starts_a_new_series_of_reminders(reporter, open_round, mailoutbox):
    assert deadline_reminders_send(today=before(7)) == 1
    new_deadline = DEADLINE + dt.timedelta(days=14)
    Round.objects.filter(pk=open_round.pk).update(entry_deadline=new_deadline)

    assert deadline_reminders_send(today=new_deadline - dt.timedelta(days=7)) == 1
    assert "14 เมษายน 2566" in mailoutbox[-1].body


@pytest.mark.parametrize(
    ("days_left", "due"), [(8, None), (7, 7), (4, 7), (3, 3), (2, 3), (1, 1), (0, 1), (-1, None)]
)
def test_the_reminder_due_is_the_most_urgent_whose_day_has_come(days_left, due):
    assert reminder_due(days_left, (7, 3, 1)) == due


def test_celery_beat_runs_the_reminders_daily_seven_three_and_one_day_before():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == send_deadline_reminders.name)
    assert entry["schedule"] == 24 * 60 * 60
    assert tuple(settings.REMINDER_DAYS_BEFORE) == (7, 3, 1)


@pytest.mark.django_db(transaction=True)
def test_the_reminder_task_runs_on_a_real_worker_and_a_second_run_sends_nothing(
    celery_worker_process, django_user_model
):
    load_reference()
    round_ = _open_round()
    reporter = make_user(django_user_model, "reporter", Person.Role.STAFF, email="reporter@example.com",
                         units=("div-3",))

    first = send_deadline_reminders.delay(today=before(7).isoformat()).get(timeout=60)
    second = send_deadline_reminders.delay(today=before(7).isoformat()).get(timeout=60)

    assert (first, second) == (1, 0)
    assert list(ReminderSent.objects.values_list("person", "round", "kind")) == [
        (reporter.person.pk, round_.pk, "deadline-7-2023-03-31")
    ]
