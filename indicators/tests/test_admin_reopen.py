"""Admin actions that reopen a round or single results after the deadline, with a reason and a date (Thai forms)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from indicators.models import OrgUnit, Person, Result, Round
from indicators.services.results import entry_is_open, result_save
from indicators.tests.test_review_views import BUDGET_VALUES, assignment_of, submitted

pytestmark = pytest.mark.django_db

ROUNDS = reverse("admin:indicators_round_changelist")
RESULTS = reverse("admin:indicators_result_changelist")


@pytest.fixture
def closed_round(round1: Round) -> Round:
    """Round 1 whose deadline passed three days ago."""
    round1.entry_deadline = timezone.localdate() - dt.timedelta(days=3)
    round1.save()
    return round1


def _be(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year + 543}"


def test_reopening_a_round_asks_for_the_reason_and_the_new_deadline_in_thai(client, admin_user, closed_round):
    client.force_login(admin_user)

    response = client.post(ROUNDS, {"action": "reopen_rounds", "_selected_action": [closed_round.pk]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "เปิดรอบการรายงานอีกครั้ง" in html and "เหตุผลในการเปิดให้แก้ไข" in html and "กำหนดส่งใหม่" in html
    assert str(closed_round) in html
    closed_round.refresh_from_db()
    assert closed_round.entry_deadline < timezone.localdate()       # nothing changes before the form is sent


def test_an_admin_reopens_a_round_until_a_new_deadline_and_the_reason_is_in_its_history(
    client, admin_user, staff_user, closed_round
):
    unit = OrgUnit.objects.get(code="div-3")
    budget = assignment_of("div-3", "BUDGET")
    with pytest.raises(Exception, match="หมดเวลารายงานผล"):
        result_save(actor=staff_user, assignment=budget, org_unit=unit, round=closed_round, values=dict(BUDGET_VALUES))
    deadline = timezone.localdate() + dt.timedelta(days=10)
    client.force_login(admin_user)

    response = client.post(ROUNDS, {"action": "reopen_rounds", "_selected_action": [closed_round.pk], "apply": "1",
                                    "reason": "น้ำท่วมหลายจังหวัด หน่วยงานส่งไม่ทัน", "until": _be(deadline)}, follow=True)

    assert "เปิดรอบการรายงาน 1 รอบแล้ว" in response.content.decode()
    closed_round.refresh_from_db()
    assert closed_round.is_open and closed_round.entry_deadline == deadline
    history = closed_round.history.first()
    assert history.history_change_reason == "เปิดรอบการรายงาน: น้ำท่วมหลายจังหวัด หน่วยงานส่งไม่ทัน"
    assert history.history_user == admin_user
    assert entry_is_open(closed_round, None)
    assert not entry_is_open(closed_round, None, today=deadline + dt.timedelta(days=1))
    # a unit that had not reported can now report
    result_save(actor=staff_user, assignment=budget, org_unit=unit, round=closed_round, values=dict(BUDGET_VALUES))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "until": "2099-01-01"}, "กรุณาระบุเหตุผลในการเปิดให้แก้ไข"),
        ({"reason": "ส่งไม่ทัน", "until": "1/10/2565"}, "วันที่ที่ระบุผ่านมาแล้ว"),
        ({"reason": "ส่งไม่ทัน", "until": ""}, "กรุณาระบุวันที่สิ้นสุดการเปิดให้แก้ไข"),
    ],
)
def test_a_round_is_not_reopened_without_a_reason_or_with_a_past_date(client, admin_user, closed_round, data, message):
    before = closed_round.history.count()
    client.force_login(admin_user)

    response = client.post(ROUNDS, {"action": "reopen_rounds", "_selected_action": [closed_round.pk], "apply": "1",
                                    **data})

    assert response.status_code == 200
    assert message in response.content.decode()
    closed_round.refresh_from_db()
    assert closed_round.entry_deadline < timezone.localdate() and closed_round.history.count() == before


def test_an_admin_reopens_selected_results_until_a_date_with_the_reason_recorded(
    client, admin_user, staff_user, round1
):
    # given an approved result of a round whose deadline has since passed
    result = submitted(staff_user, "div-3", "BUDGET", round1)
    Result.objects.filter(pk=result.pk).update(status=Result.Status.APPROVED)
    closed_round = round1
    closed_round.entry_deadline = timezone.localdate() - dt.timedelta(days=1)
    closed_round.save()
    until = timezone.localdate() + dt.timedelta(days=4)
    client.force_login(admin_user)

    page = client.post(RESULTS, {"action": "reopen_results", "_selected_action": [result.pk]})
    assert "เปิดให้แก้ไขผลการดำเนินงาน" in page.content.decode() and "เปิดให้แก้ไขถึงวันที่" in page.content.decode()
    response = client.post(RESULTS, {"action": "reopen_results", "_selected_action": [result.pk], "apply": "1",
                                     "reason": "แก้ตัวหารตามงบที่โอนเพิ่ม", "until": until.isoformat()}, follow=True)

    assert "เปิดให้แก้ไขผลการดำเนินงาน 1 รายการ" in response.content.decode()
    result.refresh_from_db()
    assert result.status == Result.Status.RETURNED and result.reopened_until == until
    assert result.review_comment_th == "ผู้ดูแลระบบเปิดให้แก้ไข: แก้ตัวหารตามงบที่โอนเพิ่ม"   # shown to the staff
    history = result.history.first()
    assert history.history_change_reason == "เปิดให้แก้ไข: แก้ตัวหารตามงบที่โอนเพิ่ม"
    assert history.history_user == admin_user
    assert entry_is_open(closed_round, result)
    assert not entry_is_open(closed_round, result, today=until + dt.timedelta(days=1))
    result_save(actor=staff_user, assignment=result.assignment, org_unit=result.org_unit, round=closed_round,
                values={"numerator": Decimal("52000000")})


@pytest.fixture
def staff_admin_user(django_user_model: Any) -> Any:
    """A Django staff account with every permission on rounds and results, but not the admin role."""
    user = django_user_model.objects.create_user("clerk", password="pw-clerk-2566", is_staff=True)
    Person.objects.create(user=user, full_name="เจ้าหน้าที่ทะเบียน", role=Person.Role.STAFF)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="indicators",
                                                        content_type__model__in=["round", "result"]))
    return user


def test_only_admins_are_offered_or_may_run_the_reopen_actions(client, staff_admin_user, closed_round):
    client.force_login(staff_admin_user)

    rounds_page = client.get(ROUNDS)
    assert rounds_page.status_code == 200 and "reopen_rounds" not in rounds_page.content.decode()
    client.post(ROUNDS, {"action": "reopen_rounds", "_selected_action": [closed_round.pk], "apply": "1",
                         "reason": "ขอเปิด", "until": "2099-01-01"})

    closed_round.refresh_from_db()
    assert closed_round.entry_deadline < timezone.localdate()
    results_page = client.get(RESULTS)
    assert results_page.status_code == 200 and "reopen_results" not in results_page.content.decode()


def test_the_fiscal_year_list_links_to_its_rounds(client, admin_user, fy2566):
    client.force_login(admin_user)
    html = client.get(reverse("admin:indicators_fiscalyear_changelist")).content.decode()
    assert f"{ROUNDS}?fiscal_year__id__exact={fy2566.pk}" in html
