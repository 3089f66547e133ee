"""Password rules (12+ characters, not common, Thai messages), password change, and the e-mailed reset."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators.tests import auth_helpers
from indicators.tests.auth_helpers import PASSWORD, login_post
from outbox.models import OutboxMessage
from outbox.services import email_deliver

pytestmark = pytest.mark.django_db
fast_hasher = auth_helpers.fast_hasher  # the shared fixture
member = auth_helpers.member  # the shared fixture
NEW_PASSWORD = "ระบบตัวชี้วัด-new-2567"


def _messages(password: str, user: Any = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def test_eleven_characters_are_refused_in_thai_and_twelve_accepted(member: Any) -> None:
    assert _messages("kx7-Tq2p!Lm", member) == ["รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย 12 ตัวอักษร"]
    assert _messages("kx7-Tq2p!Lm9", member) == []


def test_common_numeric_and_similar_passwords_are_refused_in_thai(member: Any) -> None:
    assert "รหัสผ่านนี้เป็นรหัสผ่านที่ใช้กันทั่วไป เดาได้ง่าย" in _messages("1qaz2wsx3edc", member)
    assert "รหัสผ่านเป็นตัวเลขทั้งหมด" in _messages("250920252025", member)
    assert any("คล้ายกับ" in message for message in _messages("somchai@example.go", member))


def test_a_signed_in_user_changes_the_password_from_the_user_menu(client: Client, member: Any) -> None:
    client.force_login(member)
    # the user menu links the page
    assert reverse("password_change") in client.get(reverse("home")).content.decode()
    page = client.get(reverse("password_change")).content.decode()
    assert "เปลี่ยนรหัสผ่าน" in page and "อย่างน้อย 12 ตัวอักษร" in page

    # a wrong current password, a short one and a mismatch are refused in Thai and change nothing
    url = reverse("password_change")
    wrong = client.post(url, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "รหัสผ่านปัจจุบันไม่ถูกต้อง" in wrong.content.decode()
    short = client.post(url, {"old_password": PASSWORD, "new_password1": "short-2567", "new_password2": "short-2567"})
    assert "อย่างน้อย 12 ตัวอักษร" in short.content.decode()
    mismatch = client.post(url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "x" * 12})
    assert "ไม่ตรงกัน" in mismatch.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)

    # a valid change keeps this session signed in and only the new password works afterwards
    done = client.post(url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_change_done")
    assert client.get(reverse("home")).status_code == 200
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD) and not member.check_password(PASSWORD)


def test_password_change_needs_a_signed_in_user(client: Client) -> None:
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _request_reset(client: Client, email: str, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=False):
        return client.post(reverse("password_reset"), {"email": email})


def test_reset_by_email_end_to_end(client: Client, member: Any, django_capture_on_commit_callbacks: Any) -> None:
    # the login page offers it
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()

    # when the user asks for a reset
    response = _request_reset(client, member.email, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")

    # then one Thai e-mail is recorded in the outbox (it goes out through the worker) and delivered from there
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.EMAIL)
    assert message.to == [member.email]
    mail.outbox.clear()
    assert email_deliver(message.pk)
    email = mail.outbox[0]
    assert email.subject.startswith("ตั้งรหัสผ่านใหม่") and "สมชาย ใจดี" in email.body and "somchai" in email.body
    link = re.search(r"https?://\S+/accounts/reset/\S+/", email.body)
    assert link and link.group(0).startswith(django_settings.SITE_URL.rstrip("/"))

    # when the link is followed and a new password set (a short one first)
    path = link.group(0)[len(django_settings.SITE_URL.rstrip("/")) :]
    form_url = client.get(path)["Location"]  # Django moves the token into the session
    assert "ตั้งรหัสผ่านใหม่" in client.get(form_url).content.decode()
    short = client.post(form_url, {"new_password1": "short-2567", "new_password2": "short-2567"})
    assert "อย่างน้อย 12 ตัวอักษร" in short.content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")

    # then the new password signs in, the old one does not, and the link cannot be used twice
    assert login_post(client, member.username, PASSWORD).status_code == 200
    assert login_post(client, member.username, NEW_PASSWORD).status_code == 302
    client.logout()
    assert "ลิงก์ใช้ไม่ได้" in client.get(path, follow=True).content.decode()


def test_reset_does_not_reveal_whether_an_address_exists(
    client: Client, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    known = _request_reset(client, member.email, django_capture_on_commit_callbacks)
    unknown = _request_reset(client, "nobody@example.go.th", django_capture_on_commit_callbacks)
    # the same answer for both
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # and only the real address gets a message
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == [[member.email]]
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "หากอีเมลที่กรอกตรงกับบัญชีผู้ใช้ในระบบ" in page


def test_reset_refuses_a_malformed_address_in_thai(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    response = _request_reset(client, "not-an-address", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "รูปแบบอีเมลไม่ถูกต้อง" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_reset_emails_to_one_address_are_limited_per_hour(
        client: Client, member: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.PASSWORD_RESET_EMAILS_PER_HOUR = 3
    answers = [_request_reset(client, member.email, django_capture_on_commit_callbacks) for _ in range(5)]

    # every request gets the same answer (nothing tells an attacker the limit or whether the address is known)
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse("password_reset_done"))}
    sent = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL, to=[member.email])
    assert sent.count() == 3

    # an hour later the address may ask again
    sent.update(created_at=timezone.now() - dt.timedelta(hours=1, minutes=1))
    _request_reset(client, member.email, django_capture_on_commit_callbacks)
    assert sent.count() == 4
