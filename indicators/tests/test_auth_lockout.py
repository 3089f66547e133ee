"""Failed logins lock the account and the address (django-axes), before any password is hashed; admins unlock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from dsdw_kpi.accounts.client_ip import client_ip
from indicators.tests import auth_helpers
from indicators.tests.auth_helpers import PASSWORD, CountingHasher, login_post

pytestmark = pytest.mark.django_db
fast_hasher = auth_helpers.fast_hasher  # the shared fixture
member = auth_helpers.member  # the shared fixture
LOCKED = "ระงับการเข้าสู่ระบบชั่วคราว"


def _fail(client: Client, username: str, times: int, **kwargs: Any) -> Any:
    response = None
    for _ in range(times):
        response = login_post(client, username, "wrong-password", **kwargs)
    return response


def _signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_the_account_locks_at_the_limit_with_a_thai_page(client: Client, member: Any, settings: Any) -> None:
    # given four failures: still the ordinary Thai error on the login form
    response = _fail(client, member.username, settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200 and "รหัสผ่านที่ถูกต้อง" in response.content.decode()
    # when the fifth fails
    response = _fail(client, member.username, 1)
    # then the Thai lockout page answers 429 and says how long and whom to ask
    page = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in page and "5 ครั้ง" in page and "15 นาที" in page and "ผู้ดูแลระบบ" in page


def test_the_right_password_is_refused_while_locked_and_no_password_is_hashed(
    client: Client, member: Any, settings: Any, fast_hasher: type[CountingHasher]
) -> None:
    _fail(client, member.username, settings.AXES_FAILURE_LIMIT)
    fast_hasher.computed = 0
    # when the owner types the right password (many times, as a flood would)
    responses = [login_post(client, member.username, PASSWORD) for _ in range(10)]
    # then every one is refused without computing a single hash, and nobody is signed in
    assert {r.status_code for r in responses} == {429}
    assert fast_hasher.computed == 0
    assert not _signed_in(client)


def test_the_account_locks_whatever_the_address(client: Client, member: Any, settings: Any) -> None:
    # given failures for one account from as many addresses as the limit
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_post(client, member.username, "wrong-password", address=f"10.0.0.{n + 1}")
    # then the account is locked from a fresh address too
    assert login_post(client, member.username, PASSWORD, address="10.9.9.9").status_code == 429


def test_the_address_locks_whatever_the_usernames(client: Client, member: Any, settings: Any) -> None:
    # given one address trying a different username each time
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_post(client, f"guess{n}", "wrong-password", address="203.0.113.7")
    # then even a real account with its right password is refused from that address
    assert login_post(client, member.username, PASSWORD, address="203.0.113.7").status_code == 429
    # while the account itself is not locked elsewhere
    assert login_post(client, member.username, PASSWORD, address="198.51.100.2").status_code == 302


def test_a_forged_x_forwarded_for_does_not_escape_the_address_lock(client: Client, member: Any, settings: Any) -> None:
    # given no proxy configured (TRUSTED_PROXY_COUNT=0) and an attacker who changes the header every time
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )  # fmt: skip
    response = client.post(
        reverse("login"), {"username": "other", "password": "x"}, REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )  # fmt: skip
    assert response.status_code == 429


def test_client_ip_trusts_only_the_configured_number_of_proxies(settings: Any) -> None:
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1  # nginx appended the client's address: the last entry
    assert client_ip(request) == "198.51.100.4"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: fall back to the connection's address
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.1"


def test_a_success_before_the_limit_clears_the_count(client: Client, member: Any, settings: Any) -> None:
    _fail(client, member.username, settings.AXES_FAILURE_LIMIT - 1)
    assert login_post(client, member.username, PASSWORD).status_code == 302
    client.logout()
    # a later slip starts from zero again
    assert _fail(client, member.username, settings.AXES_FAILURE_LIMIT - 1).status_code == 200


def test_the_lock_ends_after_the_cool_off(client: Client, member: Any, settings: Any) -> None:
    _fail(client, member.username, settings.AXES_FAILURE_LIMIT)
    # when sixteen minutes have passed since the last failure
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    # then the right password works again
    assert login_post(client, member.username, PASSWORD).status_code == 302


def test_an_administrator_unlocks_through_the_admin(
    client: Client, admin_client: Client, member: Any, settings: Any
) -> None:
    _fail(client, member.username, settings.AXES_FAILURE_LIMIT)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert attempts
    # when an administrator deletes the attempts in the admin ("Access attempts")
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert admin_client.get(changelist).status_code == 200
    response = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    assert response.status_code == 302
    # then the owner signs in
    assert login_post(client, member.username, PASSWORD).status_code == 302


def test_an_operator_unlocks_with_the_management_command(client: Client, member: Any, settings: Any) -> None:
    _fail(client, member.username, settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_username", member.username)
    assert login_post(client, member.username, PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(client: Client, member: Any, settings: Any) -> None:
    member.is_staff = True
    member.save()
    admin_login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login_post(client, member.username, "wrong-password", path=admin_login)
    assert response.status_code == 429
    assert login_post(client, member.username, PASSWORD, path=admin_login).status_code == 429


def test_a_call_without_a_request_is_not_counted_but_web_logins_are(member: Any, settings: Any) -> None:
    from django.contrib.auth import authenticate

    # a management command or the shell has no client address: it authenticates as before
    assert authenticate(username=member.username, password=PASSWORD) == member
    # a web login of a locked account is refused even with the right password
    request = RequestFactory().post(reverse("login"), REMOTE_ADDR="192.0.2.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert authenticate(request, username=member.username, password="wrong-password") is None
    assert authenticate(RequestFactory().post(reverse("login")), username=member.username, password=PASSWORD) is None
