"""Every submission reaches a reviewer (issue 8, item 7).

An indicator without a supervisor sends its results to the framework's fallback reviewer, else to the
administration group (กลุ่มพัฒนาระบบบริหาร): they see it in their queue, may approve it and get the e-mail, and
staff see by name who will review it. Supervisors without an e-mail address are flagged in the admin.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dsdw_kpi.celery import app as celery_app
from indicators.models import Framework, OrgUnit, Person, Result, Round
from indicators.permissions import Reviewers, can_review, reviewers_of
from indicators.tests.test_review_views import make_user, submitted, supervise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", True)


@pytest.fixture
def slk(fy2566: Any) -> Framework:
    """Framework 2 (สลก.): approved, and its budget indicator has no supervisor in the reference data."""
    framework = Framework.objects.get(fiscal_year=fy2566, level="division", number=2)
    budget = framework.assignments.select_related("definition").get(definition__code="BUDGET")
    assert budget.supervisor is None and budget.definition.supervisor is None
    return framework


@pytest.fixture
def reporter(django_user_model: Any) -> Any:
    return make_user(django_user_model, "reporter", Person.Role.STAFF, email="reporter@example.com", units=("div-2",))


@pytest.fixture
def fallback(django_user_model: Any, slk: Framework) -> Any:
    """A supervisor named as the framework's fallback reviewer (on the admin's "ผู้พิจารณาผล" page)."""
    user = make_user(django_user_model, "fallback", Person.Role.SUPERVISOR, email="fallback@example.com")
    return user


@pytest.fixture
def admin_client(client: Any, admin_user: Any) -> Any:
    client.force_login(admin_user)
    return client


def set_fallback(admin_client: Any, framework: Framework, person: Person) -> None:
    url = reverse("admin:indicators_framework_reviewers", args=[framework.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "ยังไม่มีผู้กำกับดูแล" in page.content.decode()
    response = admin_client.post(url, {"fallback_reviewer": person.pk, "reason": "กคส. ยังไม่ได้แต่งตั้งผู้กำกับดูแล"})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_fallback_reviewer_gets_the_mail_sees_the_result_in_the_queue_and_approves_it(
    admin_client, slk, reporter, fallback, round1, mailoutbox, django_capture_on_commit_callbacks
):
    # given the framework's fallback reviewer, set by the admin while the framework stays approved
    set_fallback(admin_client, slk, fallback.person)
    slk.refresh_from_db()
    assert slk.is_locked and slk.fallback_reviewer == fallback.person
    assert slk.history.first().history_change_reason == "กำหนดผู้พิจารณาผล: กคส. ยังไม่ได้แต่งตั้งผู้กำกับดูแล"

    # when สลก. submits its budget result (an indicator without a supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        result = submitted(reporter, "div-2", "BUDGET", round1)

    # then the fallback reviewer is e-mailed, saying why
    assert [mail.to for mail in mailoutbox] == [["fallback@example.com"]]
    assert "เรียน คุณfallback ทดสอบ" in mailoutbox[0].body
    assert "ผู้พิจารณาผลแทน" in mailoutbox[0].body

    # and sees it in the review queue, and may approve it
    client = Client()
    client.force_login(fallback)
    queue = client.get(reverse("review-queue"))
    assert [row.result.pk for row in queue.context["rows"]] == [result.pk]
    assert can_review(fallback, result)
    response = client.post(reverse("review-result", args=[result.pk]), {"action": "approve"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED and result.reviewed_by == fallback


def test_a_supervised_indicator_does_not_go_to_the_fallback_reviewer(django_user_model, admin_client, slk, reporter,
                                                                       fallback, round1):
    set_fallback(admin_client, slk, fallback.person)
    head = make_user(django_user_model, "head", Person.Role.SUPERVISOR, email="head@example.com")
    supervise(head, "BUDGET")

    result = submitted(reporter, "div-2", "BUDGET", round1)

    assert reviewers_of(result.assignment).people == (head.person,)
    assert not can_review(fallback, result)


def test_without_a_fallback_reviewer_the_administration_group_receives_the_result(
    django_user_model, client, slk, reporter, round1, mailoutbox, django_capture_on_commit_callbacks
):
    # given an admin of กลุ่มพัฒนาระบบบริหาร with an address, and no fallback reviewer on the framework
    admin = make_user(django_user_model, "pmqa", Person.Role.ADMIN, email="pmqa@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        result = submitted(reporter, "div-2", "BUDGET", round1)

    assert reviewers_of(result.assignment).kind == Reviewers.ADMINS
    assert [mail.to for mail in mailoutbox] == [["pmqa@example.com"]]
    assert "ผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)" in mailoutbox[0].body
    client.force_login(admin)
    assert result.pk in [row.result.pk for row in client.get(reverse("review-queue")).context["rows"]]


def test_staff_see_by_name_who_will_review_their_result(admin_client, slk, reporter, fallback, round1):
    budget = slk.assignments.get(definition__code="BUDGET")
    entry = reverse("result-entry", args=[round1.pk, OrgUnit.objects.get(code="div-2").pk, budget.pk])
    client = Client()
    client.force_login(reporter)

    # without a fallback reviewer: the administration group
    html = client.get(entry).content.decode()
    assert "ผู้พิจารณาผล" in html and "ผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร) พิจารณาแทน" in html

    # with one: their name
    set_fallback(admin_client, slk, fallback.person)
    html = client.get(entry).content.decode()
    assert "คุณfallback ทดสอบ" in html and "ผู้พิจารณาผลแทน เพราะตัวชี้วัดนี้ยังไม่มีผู้กำกับดูแลตัวชี้วัด" in html


def test_supervisors_without_an_email_address_are_flagged_in_the_admin(django_user_model, admin_client, slk):
    # given a supervisor without an address and one with an address
    silent = make_user(django_user_model, "silent", Person.Role.SUPERVISOR)
    supervise(silent, "BUDGET")
    make_user(django_user_model, "loud", Person.Role.SUPERVISOR, email="loud@example.com")

    # then the people list flags the silent one, and its filter lists only them
    people = admin_client.get(reverse("admin:indicators_person_changelist"), {"reviewer_email": "missing"})
    names = [person.full_name for person in people.context["cl"].result_list]
    assert "คุณsilent ทดสอบ" in names and "คุณloud ทดสอบ" not in names
    assert "ผู้กำกับดูแลไม่มีอีเมล" in people.content.decode()

    # and the framework page warns that the results of that indicator will not be announced to them
    html = admin_client.get(reverse("admin:indicators_framework_change", args=[slk.pk])).content.decode()
    assert "คุณsilent ทดสอบ (ผู้พิจารณาผลตัวชี้วัดที่ 6) ไม่มีอีเมล" in html


def test_the_fallback_reviewer_must_be_a_supervisor_or_an_admin(django_user_model, admin_client, slk, round1: Round):
    staff = make_user(django_user_model, "clerk", Person.Role.STAFF, email="clerk@example.com")
    url = reverse("admin:indicators_framework_reviewers", args=[slk.pk])
    response = admin_client.post(url, {"fallback_reviewer": staff.person.pk})
    assert response.status_code == 200
    slk.refresh_from_db()
    assert slk.fallback_reviewer is None
