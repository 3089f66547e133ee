"""A result's history names the people in its attribution fields (submitted by, reviewed by), never their ids."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from indicators.services.results import result_approve, result_return, result_submit
from indicators.tests.test_review_views import submitted

pytestmark = pytest.mark.django_db


def changes(html: str, label: str) -> list[tuple[str, str]]:
    """(before, after) of every row of the history's change tables whose field is `label`."""
    rows = re.findall(r'<tr><td>([^<]*)</td><td class="before">(.*?)</td><td class="after">(.*?)</td></tr>', html)
    return [(before, after) for what, before, after in rows if what == label]


def test_the_history_shows_who_submitted_and_reviewed_by_name(client, django_user_model, staff_user, admin_user,
                                                               round1):
    # given a result submitted by staff (a Person), returned by a manager with only an account name, resubmitted,
    # and approved by an account with neither (its username is all there is)
    manager = django_user_model.objects.create_superuser("manager", "m@example.com", "pw-manager-2566",
                                                         first_name="สมชาย", last_name="ใจดี")
    result = submitted(staff_user, "div-3", "BUDGET", round1)
    result_return(actor=manager, result=result, comment="แนบหลักฐาน")
    result_submit(actor=staff_user, result=result)
    result_approve(actor=admin_user, result=result)

    # when the staff member opens its history
    client.force_login(staff_user)
    html = client.get(reverse("result-history", args=[result.pk])).content.decode()

    # then every change of the submitter and the reviewer is shown by name
    assert changes(html, "ผู้ส่ง") == [("—", "เจ้าหน้าที่ทดสอบ")]
    assert changes(html, "ผู้พิจารณา") == [("สมชาย ใจดี", "root"), ("—", "สมชาย ใจดี")]
    for user in (staff_user, manager, admin_user):
        assert f'<td class="after">{user.pk}</td>' not in html and f'<td class="before">{user.pk}</td>' not in html


def test_a_deleted_account_is_named_as_such(client, django_user_model, staff_user, round1):
    gone = django_user_model.objects.create_superuser("gone", "g@example.com", "pw-gone-2566")
    result = submitted(staff_user, "div-3", "BUDGET", round1)
    result_return(actor=gone, result=result, comment="แก้ไข")
    gone.delete()  # reviewed_by becomes NULL on the row; the history keeps the old id

    client.force_login(staff_user)
    html = client.get(reverse("result-history", args=[result.pk])).content.decode()

    assert ("—", "ผู้ใช้ที่ถูกลบแล้ว") in changes(html, "ผู้พิจารณา")


def test_the_history_costs_the_same_queries_however_many_people_changed_it(
    client, django_user_model, staff_user, round1, django_assert_max_num_queries: Any
):
    result = submitted(staff_user, "div-3", "BUDGET", round1)
    for n in range(4):
        reviewer = django_user_model.objects.create_superuser(f"reviewer{n}", f"r{n}@example.com", "pw-r-2566")
        result_return(actor=reviewer, result=result, comment=f"รอบที่ {n}")
        result_submit(actor=staff_user, result=result)
    client.force_login(staff_user)

    with django_assert_max_num_queries(25):
        response = client.get(reverse("result-history", args=[result.pk]))

    assert response.status_code == 200
    assert all(f"reviewer{n}" in response.content.decode() for n in range(4))
