"""Supervisor review pages: the queue (/review/) and one result (/review/<pk>/) with approve, return and reopen."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators.models import Assignment, Framework, IndicatorDefinition, OrgUnit, Person, Result, Round
from indicators.services.results import (
    entry_is_open,
    evidence_add,
    result_save,
    result_submit,
    sub_results_save,
)
from indicators.tests import evidence_samples

pytestmark = pytest.mark.django_db

BUDGET_VALUES = {"numerator": Decimal("51230450"), "denominator": Decimal("101872300"), "as_of_date": dt.date(2023, 3, 31),
                 "actions_th": "ติดตามการเบิกจ่ายรายเดือน", "obstacles_th": "โครงการจัดซื้อล่าช้า"}


# --- people and results ---------------------------------------------------------------------------------------


def make_user(django_user_model: Any, username: str, role: str, *, email: str = "", units: tuple[str, ...] = ()) -> Any:
    """A user with a Person of the given role (and reporting units for staff)."""
    user = django_user_model.objects.create_user(username, email=email, password=f"pw-{username}-2566")
    person = Person.objects.create(user=user, full_name=f"คุณ{username} ทดสอบ", role=role, email=email)
    person.reporting_units.set(OrgUnit.objects.filter(code__in=units))
    return user


def supervise(user: Any, code: str, fiscal_year_be: int = 2566) -> IndicatorDefinition:
    """Make the user the supervisor of an indicator in every framework (the definition's supervisor)."""
    definition = IndicatorDefinition.objects.get(fiscal_year__be_year=fiscal_year_be, code=code)
    definition.supervisor = user.person
    definition.save()
    Assignment.objects.filter(definition=definition).update(supervisor=None)
    return definition


def assignment_of(unit_code: str, code: str) -> Assignment:
    """The indicator `code` in the FY2566 division framework of a unit (div-3 = กคส., div-2 = สลก.)."""
    framework = Framework.objects.get(fiscal_year__be_year=2566, org_units__code=unit_code, level="division")
    return framework.assignments.get(definition__code=code)


def submitted(actor: Any, unit_code: str, code: str, round: Round, values: dict[str, Any] | None = None,
              milestones: list[dict[str, Any]] | None = None) -> Result:
    """A result saved and submitted through the services, as a unit would."""
    result = result_save(actor=actor, assignment=assignment_of(unit_code, code), org_unit=OrgUnit.objects.get(code=unit_code),
                         round=round, values=values if values is not None else dict(BUDGET_VALUES), milestones=milestones)
    return result_submit(actor=actor, result=result)


@pytest.fixture
def supervisor(django_user_model: Any, fy2566: Any) -> Any:
    """Supervises the budget indicator (ร้อยละของการเบิกจ่ายงบประมาณ) of every division."""
    user = make_user(django_user_model, "supervisor", Person.Role.SUPERVISOR, email="supervisor@example.com")
    supervise(user, "BUDGET")
    return user


@pytest.fixture
def director(django_user_model: Any) -> Any:
    return make_user(django_user_model, "director", Person.Role.DIRECTOR)


@pytest.fixture
def budget(staff_user: Any, round1: Round, supervisor: Any) -> Result:
    """กคส.'s round-1 budget result, submitted by its staff member."""
    return submitted(staff_user, "div-3", "BUDGET", round1)


def html_of(response: Any) -> str:
    return response.content.decode()


def queue_rows(response: Any) -> list[Result]:
    return [row.result for row in response.context["rows"]]


# --- who sees what --------------------------------------------------------------------------------------------


def test_a_supervisor_sees_the_submitted_results_of_their_indicators_from_every_unit_and_no_others(
    client, staff_user, admin_user, supervisor, round1
):
    # given budget results of กคส. and สลก., and a satisfaction result the supervisor does not supervise
    kks = submitted(staff_user, "div-3", "BUDGET", round1)
    slk = submitted(admin_user, "div-2", "BUDGET", round1)
    satisfaction = submitted(staff_user, "div-3", "SATISFACTION", round1,
                             {"value": Decimal("86.20"), "second_value": Decimal("12.00")})
    result_save(actor=staff_user, assignment=assignment_of("div-3", "BUDGET").framework.assignments.get(
        definition__code="ENERGY"), org_unit=kks.org_unit, round=round1, values={"value": Decimal("7")})

    # when the supervisor opens the queue
    client.force_login(supervisor)
    response = client.get(reverse("review-queue"))

    # then both units' budget results are there, and nothing else
    assert response.status_code == 200
    assert {r.pk for r in queue_rows(response)} == {kks.pk, slk.pk}
    html = html_of(response)
    assert "สำนักงานเลขานุการกรม" in html and "กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต" in html
    assert "รอพิจารณา 2 รายการ" in html
    assert reverse("review-result", args=[satisfaction.pk]) not in html
    # and the other indicator's review page answers as if it did not exist
    assert client.get(reverse("review-result", args=[satisfaction.pk])).status_code == 404


def test_the_queue_lists_the_oldest_submission_first(client, staff_user, admin_user, supervisor, round1):
    later = submitted(staff_user, "div-3", "BUDGET", round1)
    earlier = submitted(admin_user, "div-2", "BUDGET", round1)
    Result.objects.filter(pk=earlier.pk).update(submitted_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(supervisor)
    assert [r.pk for r in queue_rows(client.get(reverse("review-queue")))] == [earlier.pk, later.pk]


def test_an_admin_sees_every_submitted_result(client, staff_user, admin_user, supervisor, round1):
    budget = submitted(staff_user, "div-3", "BUDGET", round1)
    satisfaction = submitted(staff_user, "div-3", "SATISFACTION", round1,
                             {"value": Decimal("86.20"), "second_value": Decimal("12.00")})
    client.force_login(admin_user)
    assert {r.pk for r in queue_rows(client.get(reverse("review-queue")))} == {budget.pk, satisfaction.pk}


def test_staff_are_refused_the_queue_and_the_review_page(client, staff_user, budget):
    client.force_login(staff_user)
    # refused with the 404 of a page that does not exist, like every other page they may not open
    assert client.get(reverse("review-queue")).status_code == 404
    # even for their own unit's result: they follow it on the entry page
    assert client.get(reverse("review-result", args=[budget.pk])).status_code == 404
    assert client.post(reverse("review-result", args=[budget.pk]), {"action": "approve"}).status_code == 404
    budget.refresh_from_db()
    assert budget.status == Result.Status.SUBMITTED


def test_review_pages_need_a_login_and_an_unknown_result_is_a_404(client, supervisor, budget):
    response = client.get(reverse("review-result", args=[budget.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(supervisor)
    assert client.get(reverse("review-result", args=[999999])).status_code == 404


def test_a_director_reads_the_queue_and_the_result_without_any_decision_button(client, director, budget):
    client.force_login(director)

    queue = client.get(reverse("review-queue"))
    assert queue.status_code == 200
    assert [r.pk for r in queue_rows(queue)] == [budget.pk]
    assert "เปิดดูได้อย่างเดียว" in html_of(queue)

    page = client.get(reverse("review-result", args=[budget.pk]))
    html = html_of(page)
    assert page.status_code == 200
    assert "เปิดดูผลการดำเนินงานนี้ได้อย่างเดียว" in html
    assert 'value="approve"' not in html and 'value="return"' not in html and 'value="reopen"' not in html

    # and posting a decision anyway is refused by the service, changing nothing
    response = client.post(reverse("review-result", args=[budget.pk]), {"action": "approve"})
    assert response.status_code == 403
    assert "คุณไม่ได้เป็นผู้กำกับดูแลตัวชี้วัดนี้" in html_of(response)
    budget.refresh_from_db()
    assert budget.status == Result.Status.SUBMITTED


# --- the queue: filters, pages, query count -------------------------------------------------------------------


def test_the_queue_filters_by_status_year_round_unit_and_indicator(client, staff_user, admin_user, supervisor, round1):
    kks = submitted(staff_user, "div-3", "BUDGET", round1)
    slk = submitted(admin_user, "div-2", "BUDGET", round1)
    approved = submitted(admin_user, "div-4", "BUDGET", round1)
    client.force_login(supervisor)
    client.post(reverse("review-result", args=[approved.pk]), {"action": "approve"})
    url = reverse("review-queue")
    div2 = OrgUnit.objects.get(code="div-2")

    assert {r.pk for r in queue_rows(client.get(url))} == {kks.pk, slk.pk}                      # default: submitted
    assert [r.pk for r in queue_rows(client.get(url, {"status": "approved"}))] == [approved.pk]
    assert queue_rows(client.get(url, {"status": "returned"})) == []
    assert [r.pk for r in queue_rows(client.get(url, {"unit": div2.pk}))] == [slk.pk]
    assert len(queue_rows(client.get(url, {"year": 2566, "round": 1}))) == 2
    assert queue_rows(client.get(url, {"round": 2})) == []
    definition = IndicatorDefinition.objects.get(fiscal_year__be_year=2566, code="BUDGET")
    assert len(queue_rows(client.get(url, {"indicator": definition.pk}))) == 2
    # the unit list offers only units that have results in the queue
    response = client.get(url)
    assert set(response.context["form"].fields["unit"].queryset.values_list("code", flat=True)) == {"div-2", "div-3"}
    # a bad filter value is shown and ignored rather than failing
    response = client.get(url, {"unit": "abc", "status": "nonsense"})
    assert response.status_code == 200 and len(queue_rows(response)) == 2


def _many_submitted(count: int, round: Round, supervisor: Any) -> None:
    """`count` submitted budget results of different units, made directly (the services are tested elsewhere)."""
    assignment = assignment_of("div-3", "BUDGET")
    units = list(OrgUnit.objects.exclude(results__round=round)[:count])
    assert len(units) == count
    now = timezone.now()
    Result.objects.bulk_create([
        Result(assignment=assignment, org_unit=unit, round=round, status=Result.Status.SUBMITTED,
               numerator=Decimal(40 + index % 20), denominator=Decimal(80), submitted_at=now - dt.timedelta(minutes=index))
        for index, unit in enumerate(units)
    ])


@pytest.mark.parametrize("count", [5, 60])
def test_the_queue_costs_the_same_queries_for_5_or_60_results_scores_included(
    client, supervisor, round1, count, django_assert_max_num_queries
):
    _many_submitted(count, round1, supervisor)
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):  # session, user, person, filters, count, page + prefetches, policy
        response = client.get(reverse("review-queue"))
    rows = response.context["rows"]
    assert len(rows) == min(count, 50)
    assert all(row.score is not None for row in rows)   # each row is scored, from prefetched criteria


def test_the_queue_pages_by_50_and_keeps_the_filters(client, supervisor, round1):
    _many_submitted(60, round1, supervisor)
    client.force_login(supervisor)
    first = client.get(reverse("review-queue"), {"round": 1})
    assert len(first.context["rows"]) == 50
    assert "round=1&amp;page=2" in html_of(first)
    second = client.get(reverse("review-queue"), {"round": 1, "page": 2})
    assert len(second.context["rows"]) == 10
    assert "หน้า 2 จาก 2" in html_of(second)


# --- the review page ------------------------------------------------------------------------------------------


def test_the_review_page_shows_values_percentage_score_arithmetic_criteria_and_narrative(client, supervisor, budget):
    client.force_login(supervisor)
    html = html_of(client.get(reverse("review-result", args=[budget.pk])))

    assert "8. ร้อยละของการเบิกจ่ายงบประมาณรายจ่ายภาพรวม" in html
    assert "กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต" in html
    assert "รอบที่ 1 (6 เดือน) ปีงบประมาณ พ.ศ. 2566" in html
    assert "31 มีนาคม 2566" in html                                   # as-of date in the Buddhist Era
    assert "51,230,450" in html and "101,872,300" in html and "50.29" in html
    assert "51,230,450 × 100 / 101,872,300" in html                   # the arithmetic, written out
    assert "ร้อยละ 49.50 – 51.49" in html                              # the round's criteria as printed
    assert re.search(r'class="score"><strong>3</strong>', html)
    assert "ติดตามการเบิกจ่ายรายเดือน" in html and "โครงการจัดซื้อล่าช้า" in html
    assert 'value="approve"' in html and 'value="return"' in html
    assert 'value="reopen"' not in html                                # reopening is for admins only


def test_the_review_page_shows_milestone_steps_sub_unit_rows_and_evidence_links(
    client, staff_user, supervisor, round1, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    supervise(supervisor, "ITA")
    supervise(supervisor, "HOUSEHOLD")
    ita = submitted(staff_user, "div-3", "ITA", round1, {"as_of_date": dt.date(2023, 3, 31)}, milestones=[
        {"level": "1", "done": True, "done_on": dt.date(2022, 11, 15), "evidence_th": "คำสั่งแต่งตั้งคณะทำงาน ITA"},
        {"level": "2", "done": True, "done_on": dt.date(2022, 12, 20), "evidence_th": "รายงานการประชุมครั้งที่ 1"},
        {"level": "3", "done": False},
    ])
    household = result_save(actor=staff_user, assignment=assignment_of("div-3", "HOUSEHOLD"),
                            org_unit=ita.org_unit, round=round1, values={"level1_milestone_done": True})
    sub_results_save(actor=staff_user, result=household, rows=[
        {"label_th": "สระบุรี", "numerator": Decimal(140), "denominator": Decimal(420)},
        {"label_th": "เชียงใหม่", "numerator": Decimal(60), "denominator": Decimal(80)},
    ])
    evidence = evidence_add(actor=staff_user, result=household,
                            upload=SimpleUploadedFile("รายงาน.pdf", evidence_samples.pdf(), content_type="application/pdf"),
                            description="ทะเบียนครัวเรือน")
    household = result_submit(actor=staff_user, result=household)
    client.force_login(supervisor)

    ita_html = html_of(client.get(reverse("review-result", args=[ita.pk])))
    assert "แต่งตั้งคณะทำงาน ITA" in ita_html                         # the step as the criteria print it
    assert "15 พ.ย. 65" in ita_html and "รายงานการประชุมครั้งที่ 1" in ita_html
    assert "ยังไม่ได้ดำเนินการ" in ita_html

    html = html_of(client.get(reverse("review-result", args=[household.pk])))
    assert "สระบุรี" in html and "เชียงใหม่" in html
    assert "33.33" in html and "75.00" in html                          # each row's percentage
    assert ">200<" in html and ">500<" in html and "40.00" in html       # the totals become the unit's result
    assert f'href="{reverse("evidence-download", args=[evidence.pk])}"' in html
    assert "รายงาน.pdf" in html and "ทะเบียนครัวเรือน" in html
    assert "ดำเนินการแล้ว" in html                                       # the level-1 step of a mixed indicator


def test_approving_locks_the_result(client, staff_user, supervisor, budget, round1):
    client.force_login(supervisor)

    response = client.post(reverse("review-result", args=[budget.pk]), {"action": "approve"}, follow=True)

    # the reviewer is back on the queue with a Thai message
    assert response.redirect_chain[-1][0] == reverse("review-queue")
    assert "อนุมัติผลการดำเนินงานตัวชี้วัด 8. ร้อยละของการเบิกจ่ายงบประมาณ" in html_of(response)
    budget.refresh_from_db()
    assert budget.status == Result.Status.APPROVED and budget.reviewed_by == supervisor
    assert budget.history.first().history_change_reason == "อนุมัติผลการดำเนินงาน"
    # the staff member can no longer change it
    with pytest.raises(PermissionDenied, match="ล็อก"):
        result_save(actor=staff_user, assignment=budget.assignment, org_unit=budget.org_unit, round=round1,
                    values={"numerator": Decimal(1)})
    # and the page is read-only
    html = html_of(client.get(reverse("review-result", args=[budget.pk])))
    assert "ถูกล็อก" in html and 'value="approve"' not in html and 'value="return"' not in html
    assert "อนุมัติผลการดำเนินงาน" in html and "ส่งผลการดำเนินงานให้ผู้กำกับดูแล" in html   # the history


def test_returning_requires_a_comment_and_without_one_nothing_changes(client, supervisor, budget):
    client.force_login(supervisor)

    response = client.post(reverse("review-result", args=[budget.pk]), {"action": "return", "comment": "   "})

    assert response.status_code == 200
    assert "กรุณาระบุเหตุผลหรือสิ่งที่ต้องแก้ไขก่อนส่งกลับ" in html_of(response)
    budget.refresh_from_db()
    assert budget.status == Result.Status.SUBMITTED and budget.review_comment_th == ""


def test_a_returned_result_carries_the_comment_and_its_resubmission_reenters_the_queue(
    client, staff_user, supervisor, budget, round1
):
    client.force_login(supervisor)
    comment = "ตัวหารไม่ตรงกับวงเงินที่ได้รับจัดสรร กรุณาตรวจสอบ"

    response = client.post(reverse("review-result", args=[budget.pk]), {"action": "return", "comment": comment})

    assert response.status_code == 302 and response["Location"] == reverse("review-queue")
    budget.refresh_from_db()
    assert budget.status == Result.Status.RETURNED and budget.review_comment_th == comment
    assert budget.history.first().history_change_reason.startswith("ส่งกลับแก้ไข: ตัวหารไม่ตรง")
    assert queue_rows(client.get(reverse("review-queue"))) == []
    assert [r.pk for r in queue_rows(client.get(reverse("review-queue"), {"status": "returned"}))] == [budget.pk]
    assert comment in html_of(client.get(reverse("review-result", args=[budget.pk])))

    # when the staff member corrects and resubmits
    corrected = result_save(actor=staff_user, assignment=budget.assignment, org_unit=budget.org_unit, round=round1,
                            values={"denominator": Decimal("102000000")})
    result_submit(actor=staff_user, result=corrected)

    # then it is back in the queue, comment cleared
    assert [r.pk for r in queue_rows(client.get(reverse("review-queue")))] == [budget.pk]
    budget.refresh_from_db()
    assert budget.status == Result.Status.SUBMITTED and budget.review_comment_th == ""


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_result_that_was_not_submitted_cannot_be_approved_or_returned(client, staff_user, supervisor, round1, action):
    draft = result_save(actor=staff_user, assignment=assignment_of("div-3", "BUDGET"),
                        org_unit=OrgUnit.objects.get(code="div-3"), round=round1, values=dict(BUDGET_VALUES))
    client.force_login(supervisor)

    response = client.post(reverse("review-result", args=[draft.pk]), {"action": action, "comment": "แก้ไข"})

    assert response.status_code == 200
    assert "ได้เฉพาะผลที่ส่งแล้วและรอพิจารณา" in html_of(response)
    draft.refresh_from_db()
    assert draft.status == Result.Status.DRAFT and draft.version == 1


def test_after_a_decision_the_reviewer_returns_to_the_filtered_queue_but_never_to_another_site(
    client, supervisor, budget
):
    client.force_login(supervisor)
    back = reverse("review-queue") + "?round=1"
    response = client.post(reverse("review-result", args=[budget.pk]), {"action": "approve", "next": back})
    assert response["Location"] == back
    Result.objects.filter(pk=budget.pk).update(status=Result.Status.SUBMITTED)
    response = client.post(reverse("review-result", args=[budget.pk]),
                           {"action": "approve", "next": "https://evil.example/review/"})
    assert response["Location"] == reverse("review-queue")


# --- reopening from the review page (admins) ------------------------------------------------------------------


@pytest.fixture
def deadline_passed(round1: Round) -> Round:
    round1.entry_deadline = timezone.localdate() - dt.timedelta(days=3)
    round1.save()
    return round1


def test_an_admin_reopens_an_approved_result_after_the_deadline_with_a_recorded_reason(
    client, admin_user, staff_user, supervisor, budget, deadline_passed
):
    client.force_login(supervisor)
    client.post(reverse("review-result", args=[budget.pk]), {"action": "approve"})
    budget.refresh_from_db()
    assert not entry_is_open(deadline_passed, budget)
    until = timezone.localdate() + dt.timedelta(days=5)
    client.force_login(admin_user)
    assert 'value="reopen"' in html_of(client.get(reverse("review-result", args=[budget.pk])))

    be = f"{until.day}/{until.month}/{until.year + 543}"               # typed the Thai way
    response = client.post(reverse("review-result", args=[budget.pk]),
                           {"action": "reopen", "reason": "ผู้ตรวจพบตัวเลขผิด", "until": be}, follow=True)

    assert "เปิดให้แก้ไขผลการดำเนินงานตัวชี้วัด" in html_of(response)
    budget.refresh_from_db()
    assert budget.status == Result.Status.RETURNED and budget.reopened_until == until
    history = budget.history.first()
    assert history.history_change_reason == "เปิดให้แก้ไข: ผู้ตรวจพบตัวเลขผิด" and history.history_user == admin_user
    assert entry_is_open(deadline_passed, budget)
    assert not entry_is_open(deadline_passed, budget, today=until + dt.timedelta(days=1))
    # the staff member can correct it now
    result_save(actor=staff_user, assignment=budget.assignment, org_unit=budget.org_unit, round=deadline_passed,
                values={"numerator": Decimal("52000000")})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "until": "2099-01-01"}, "กรุณาระบุเหตุผลในการเปิดให้แก้ไข"),
        ({"reason": "เหตุผล", "until": "1/1/2560"}, "วันที่ที่ระบุผ่านมาแล้ว"),
        ({"reason": "เหตุผล", "until": "31/2/2570"}, "กรุณาระบุวันที่เป็นวัน/เดือน/ปี พ.ศ."),
        ({"reason": "ก" * 81, "until": "2099-01-01"}, "ไม่เกิน 80 ตัวอักษร"),
    ],
)
def test_reopening_needs_a_reason_and_a_date_not_in_the_past(client, admin_user, budget, data, message):
    client.force_login(admin_user)
    response = client.post(reverse("review-result", args=[budget.pk]), {"action": "reopen", **data})
    assert response.status_code == 200
    assert message in html_of(response)
    budget.refresh_from_db()
    assert budget.status == Result.Status.SUBMITTED and budget.reopened_until is None


def test_a_supervisor_cannot_reopen_a_result(client, supervisor, budget):
    client.force_login(supervisor)
    response = client.post(reverse("review-result", args=[budget.pk]),
                           {"action": "reopen", "reason": "ขอแก้", "until": "2099-01-01"})
    assert response.status_code == 403
    assert "เฉพาะผู้ดูแลระบบ" in html_of(response)
    budget.refresh_from_db()
    assert budget.status == Result.Status.SUBMITTED and budget.reopened_until is None
