"""Idle sessions end after SESSION_IDLE_TIMEOUT; the session row is not rewritten by every request."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dsdw_kpi.accounts.middleware import LAST_ACTIVITY_KEY
from indicators.tests import auth_helpers
from indicators.tests.auth_helpers import PASSWORD, login_post

pytestmark = pytest.mark.django_db
fast_hasher = auth_helpers.fast_hasher  # the shared fixture
member = auth_helpers.member  # the shared fixture


def _set_last_activity(client: Client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds_ago
    session.save()


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]  # fmt: skip


def test_signing_in_stamps_the_activity_time(client: Client, member: Any) -> None:
    assert login_post(client, member.username, PASSWORD).status_code == 302
    assert abs(client.session[LAST_ACTIVITY_KEY] - time.time()) < 5


def test_an_idle_session_is_signed_out_with_a_thai_message(client: Client, member: Any, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 1800
    client.force_login(member)
    assert client.get(reverse("home")).status_code == 200
    # when 30 minutes and one second pass without a request
    _set_last_activity(client, 1801)
    response = client.get(reverse("home"))
    # then the next request is sent to the login page (and back here afterwards) with the reason in Thai
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('home')}"
    page = client.get(response["Location"]).content.decode()
    assert "หมดเวลาการใช้งาน เนื่องจากไม่มีการใช้งานเกิน 30 นาที" in page
    # and the session is gone
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_activity_within_the_timeout_keeps_the_session(client: Client, member: Any, monkeypatch: Any) -> None:
    client.force_login(member)
    client.get(reverse("home"))
    start = time.time()
    # a request every 25 minutes keeps it alive for well over the timeout
    for step in range(1, 5):
        monkeypatch.setattr("dsdw_kpi.accounts.middleware.time.time", lambda step=step: start + step * 1500)
        assert client.get(reverse("home")).status_code == 200
    # and a silence of 31 minutes ends it (time patched instead of the stored stamp)
    monkeypatch.setattr("dsdw_kpi.accounts.middleware.time.time", lambda: start + 4 * 1500 + 1860)
    assert client.get(reverse("home")).status_code == 302


def test_a_post_after_the_timeout_is_not_carried_out(client: Client, member: Any) -> None:
    client.force_login(member)
    client.get(reverse("home"))
    _set_last_activity(client, 4000)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-password-2567", "new_password2": "a-new-password-2567"},
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_requests_within_a_minute_do_not_write_the_session(client: Client, member: Any) -> None:
    client.force_login(member)
    client.get(reverse("home"))  # stamps the activity time once
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get(reverse("home")).status_code == 200
    assert _session_writes(queries) == []
    # a minute later the stamp is refreshed, once
    _set_last_activity(client, 61)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
        client.get(reverse("home"))
    assert len(_session_writes(queries)) == 1


def test_anonymous_pages_create_no_session(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("login")).status_code == 200
    assert _session_writes(queries) == [] and "sessionid" not in client.cookies


def test_sessions_can_end_when_the_browser_closes(client: Client, member: Any, settings: Any) -> None:
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    login_post(client, member.username, PASSWORD)
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    client.logout()
    login_post(client, member.username, PASSWORD)
    assert client.cookies["sessionid"]["max-age"] != ""


def test_a_signed_in_request_reads_the_user_and_person_in_one_query(client, django_user_model):
    """The sign-in backend joins the person: pages that ask for the role or units do not query it again."""
    from django.contrib.auth import SESSION_KEY, get_user
    from django.http import HttpRequest

    from indicators.models import Person
    from indicators.permissions import person_of

    user = django_user_model.objects.create_user("joined", password=PASSWORD)
    Person.objects.create(user=user, full_name="ผู้ใช้ทดสอบการอ่านครั้งเดียว", role=Person.Role.STAFF)
    assert login_post(client, "joined", PASSWORD).status_code == 302
    request = HttpRequest()
    request.session = client.session
    assert request.session[SESSION_KEY] == str(user.pk)

    with CaptureQueriesContext(connection) as queries:
        signed_in = get_user(request)
        person = person_of(signed_in)
    assert person is not None and person.full_name == "ผู้ใช้ทดสอบการอ่านครั้งเดียว"
    assert len(queries.captured_queries) == 1
    without = django_user_model.objects.create_user("alone", password=PASSWORD)
    other = Client()
    assert login_post(other, "alone", PASSWORD).status_code == 302
    request.session = other.session
    assert person_of(get_user(request)) is None and get_user(request).pk == without.pk
