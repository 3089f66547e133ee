"""The results admin has no side doors: read-only results, no deletion, decisions only through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.admin import results as results_admin
from indicators.models import OrgUnit, Person, Result, Round
from indicators.services.results import result_approve, result_save, sub_results_save
from indicators.tests.test_review_views import BUDGET_VALUES, assignment_of, make_user, submitted, supervise

pytestmark = pytest.mark.django_db

RESULTS = reverse("admin:indicators_result_changelist")


@pytest.fixture
def checker(django_user_model: Any, fy2566: Any) -> Any:
    """The budget indicator's supervisor, who approves what กคส.'s staff submit."""
    user = make_user(django_user_model, "checker", Person.Role.SUPERVISOR)
    supervise(user, "BUDGET")
    return user


@pytest.fixture
def approved(staff_user: Any, checker: Any, round1: Round) -> Result:
    """กคส.'s round-1 budget result (51,230,450 / 101,872,300), submitted by staff and approved by the supervisor."""
    return result_approve(actor=checker, result=submitted(staff_user, "div-3", "BUDGET", round1))


def _snapshot(result: Result) -> dict[str, Any]:
    row = Result.objects.filter(pk=result.pk).values().get()
    return {**row, "history": result.history.count()}


def _change_url(result: Result) -> str:
    return reverse("admin:indicators_result_change", args=[result.pk])


def test_an_approved_result_opens_read_only_in_the_admin(client, admin_user, approved):
    client.force_login(admin_user)

    response = client.get(_change_url(approved))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="numerator"' not in html and 'name="submitted_by"' not in html and 'name="status"' not in html
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert "51,230,450" in html or "51230450" in html                       # the value is shown, not offered


def test_posting_an_edit_of_an_approved_result_changes_nothing(client, admin_user, approved):
    # given an approved result and the admin signed in
    before = _snapshot(approved)
    client.force_login(admin_user)

    # when the admin posts new values and a new submitter to its change page
    response = client.post(_change_url(approved), {
        "numerator": "999999", "denominator": "101872300", "status": "approved",
        "submitted_by": str(admin_user.pk), "assignment": str(approved.assignment_id),
        "org_unit": str(approved.org_unit_id), "round": str(approved.round_id), "version": "9",
    })

    # then it is refused and the result, its attribution and its history are as they were
    assert response.status_code == 403
    assert _snapshot(approved) == before
    approved.refresh_from_db()
    assert approved.numerator == Decimal("51230450") and approved.submitted_by != admin_user


def test_a_result_cannot_be_added_in_the_admin(client, admin_user, round1):
    client.force_login(admin_user)
    assert client.get(reverse("admin:indicators_result_add")).status_code == 403


def test_a_result_cannot_be_deleted_in_the_admin(client, admin_user, approved):
    client.force_login(admin_user)
    delete = reverse("admin:indicators_result_delete", args=[approved.pk])

    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403

    assert Result.objects.filter(pk=approved.pk).exists()


def test_the_results_list_has_no_bulk_delete_and_a_forged_one_deletes_nothing(client, admin_user, approved):
    client.force_login(admin_user)

    html = client.get(RESULTS).content.decode()
    assert 'value="delete_selected"' not in html
    assert 'value="reopen_results"' in html and 'value="return_results"' in html and 'value="approve_results"' in html

    client.post(RESULTS, {"action": "delete_selected", "_selected_action": [approved.pk], "post": "yes"})
    assert Result.objects.filter(pk=approved.pk).exists()


def test_the_history_page_of_an_approved_result_keeps_working_and_offers_no_revert(client, admin_user, approved):
    # given a result with a submission and an approval in its history
    before = _snapshot(approved)
    client.force_login(admin_user)

    # when the admin opens its history and one earlier version
    history = client.get(reverse("admin:indicators_result_history", args=[approved.pk]))
    first = approved.history.order_by("history_date").first()
    version = reverse("admin:indicators_result_simple_history", args=[approved.pk, first.history_id])
    page = client.get(version)

    # then both open, and posting the old version back (a "revert") is refused
    assert history.status_code == 200
    assert "อนุมัติผลการดำเนินงาน" in history.content.decode()
    assert page.status_code == 200
    assert client.post(version, {"numerator": "1", "denominator": "2", "_change_history": "1"}).status_code == 403
    assert _snapshot(approved) == before


def test_steps_breakdown_rows_and_evidence_show_read_only_under_their_result(client, admin_user, staff_user, round1):
    # given a result whose numerator and denominator come from a breakdown table
    result = result_save(actor=staff_user, assignment=assignment_of("div-3", "BUDGET"), round=round1,
                         org_unit=OrgUnit.objects.get(code="div-3"), values=dict(BUDGET_VALUES))
    sub_results_save(actor=staff_user, result=result, rows=[
        {"label_th": "ส่วนกลาง", "numerator": Decimal("10"), "denominator": Decimal("20")},
    ])
    client.force_login(admin_user)

    html = client.get(_change_url(result)).content.decode()

    assert "ส่วนกลาง" in html                                              # the breakdown row is shown
    assert 'name="sub_results-0-numerator"' not in html and 'name="sub_results-0-label_th"' not in html
    for inline in (results_admin.MilestoneCompletionInline, results_admin.SubUnitResultInline,
                   results_admin.EvidenceFileInline):
        instance = inline(Result, results_admin.admin.site)
        assert not instance.has_add_permission(None, result)
        assert not instance.has_change_permission(None, result)
        assert not instance.has_delete_permission(None, result)


# --- decisions through the services, each with a reason ----------------------------------------------------------


def test_the_reopen_action_goes_through_the_service_with_the_reason(client, admin_user, approved, monkeypatch):
    calls: list[dict[str, Any]] = []
    real = results_admin.result_reopen

    def spy(**kwargs: Any) -> Result:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(results_admin, "result_reopen", spy)
    until = timezone.localdate() + dt.timedelta(days=3)
    client.force_login(admin_user)

    # without a reason nothing happens
    response = client.post(RESULTS, {"action": "reopen_results", "_selected_action": [approved.pk], "apply": "1",
                                     "reason": "", "until": until.isoformat()})
    assert "กรุณาระบุเหตุผลในการเปิดให้แก้ไข" in response.content.decode() and calls == []

    client.post(RESULTS, {"action": "reopen_results", "_selected_action": [approved.pk], "apply": "1",
                          "reason": "ตัวหารผิด", "until": until.isoformat()})

    assert [(c["actor"], c["result"].pk, c["reason"], c["until"]) for c in calls] == [
        (admin_user, approved.pk, "ตัวหารผิด", until)
    ]
    approved.refresh_from_db()
    assert approved.status == Result.Status.RETURNED
    assert approved.history.first().history_change_reason == "เปิดให้แก้ไข: ตัวหารผิด"


def test_the_return_action_sends_a_submitted_result_back_with_the_reason(client, admin_user, staff_user, round1):
    result = submitted(staff_user, "div-3", "BUDGET", round1)
    client.force_login(admin_user)

    form = client.post(RESULTS, {"action": "return_results", "_selected_action": [result.pk]})
    assert form.status_code == 200 and "เหตุผลหรือสิ่งที่ต้องแก้ไข" in form.content.decode()
    refused = client.post(RESULTS, {"action": "return_results", "_selected_action": [result.pk], "apply": "1",
                                    "reason": ""})
    assert "กรุณาระบุเหตุผล" in refused.content.decode()
    result.refresh_from_db()
    assert result.status == Result.Status.SUBMITTED

    response = client.post(RESULTS, {"action": "return_results", "_selected_action": [result.pk], "apply": "1",
                                     "reason": "แนบหลักฐานเพิ่ม"}, follow=True)

    assert "ส่งกลับแก้ไขผลการดำเนินงาน 1 รายการแล้ว" in response.content.decode()
    result.refresh_from_db()
    assert result.status == Result.Status.RETURNED and result.review_comment_th == "แนบหลักฐานเพิ่ม"
    assert result.reviewed_by == admin_user
    assert result.history.first().history_change_reason == "ส่งกลับแก้ไข: แนบหลักฐานเพิ่ม"


def test_the_approve_action_approves_with_the_reason_but_never_the_admins_own_submission(
    client, admin_user, staff_user, round1
):
    # given one result submitted by staff and one the admin submitted themself
    theirs = submitted(staff_user, "div-3", "BUDGET", round1)
    own = submitted(admin_user, "div-2", "BUDGET", round1, values=dict(BUDGET_VALUES))
    client.force_login(admin_user)

    # when the admin approves both from the list, with a reason
    response = client.post(RESULTS, {"action": "approve_results", "_selected_action": [theirs.pk, own.pk],
                                     "apply": "1", "reason": "ผู้กำกับดูแลลาป่วย"}, follow=True)

    # then the staff's result is approved with the reason kept, and the admin's own is refused in Thai
    html = response.content.decode()
    assert "อนุมัติผลการดำเนินงาน 1 รายการแล้ว" in html
    assert "อนุมัติผลที่ตนเองส่งไม่ได้" in html
    theirs.refresh_from_db()
    own.refresh_from_db()
    assert theirs.status == Result.Status.APPROVED and theirs.reviewed_by == admin_user
    assert theirs.history.first().history_change_reason == "อนุมัติผลการดำเนินงาน: ผู้กำกับดูแลลาป่วย"
    assert own.status == Result.Status.SUBMITTED and own.reviewed_by is None


def test_only_admins_are_offered_the_decision_actions(client, django_user_model, approved):
    from django.contrib.auth.models import Permission

    clerk = django_user_model.objects.create_user("clerk", password="pw-clerk-2566", is_staff=True)
    Person.objects.create(user=clerk, full_name="เจ้าหน้าที่ทะเบียน", role=Person.Role.STAFF)
    clerk.user_permissions.set(Permission.objects.filter(content_type__app_label="indicators",
                                                         content_type__model="result"))
    client.force_login(clerk)

    html = client.get(RESULTS).content.decode()

    assert "approve_results" not in html and "return_results" not in html and "reopen_results" not in html
