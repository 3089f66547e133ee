"""Sign-in pages in Debian's Chromium under the Content-Security-Policy: forgotten password → e-mail → new password,
the lockout page, and enrolling an authenticator (the QR code image loads). Screenshots: test-artifacts/screenshots/auth-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.models import Person
from indicators.tests.test_browser import SCREENSHOTS, sign_in
from outbox.models import OutboxMessage
from outbox.services import email_deliver

pytestmark = [pytest.mark.browser]
OLD = "old-password-2566"
NEW = "ตั้งใหม่-password-2567"


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"auth-{name}.png"), full_page=True)


@pytest.fixture
def browser_page(live_chromium: Any) -> Any:
    context = live_chromium.new_context(
        viewport={"width": 1280, "height": 800}, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def somchai(transactional_db: None, django_user_model: Any) -> Any:
    user = django_user_model.objects.create(
        username="somchai", email="somchai@example.go.th", password=make_password(OLD)
    )
    Person.objects.create(user=user, full_name="สมชาย ใจดี", role=Person.Role.STAFF)
    return user


def _deliver_reset_mail() -> str:
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.EMAIL, to=["somchai@example.go.th"])
    if not mail.outbox:  # with a broker the worker sends it; here it is sent from the outbox row directly
        email_deliver(message.pk)
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return link.group(0)[len(settings.SITE_URL.rstrip("/")) :]


def test_a_forgotten_password_is_reset_by_email_in_the_browser(
    live_server: Any, browser_page: Any, somchai: Any
) -> None:
    page = browser_page
    mail.outbox.clear()
    # given the login page, the user follows "ลืมรหัสผ่าน?" and gives the address
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_navigation():
        page.click("text=ลืมรหัสผ่าน?")
    page.fill("#id_email", somchai.email)
    shot(page, "reset-form")
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    assert "ตรวจสอบอีเมลของท่าน" in page.locator("h1").inner_text()

    # when the e-mailed link is opened and a too-short password tried first
    page.goto(live_server.url + _deliver_reset_mail())
    page.fill("#id_new_password1", "short-2567")
    page.fill("#id_new_password2", "short-2567")
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    assert "อย่างน้อย 12 ตัวอักษร" in page.locator(".errorlist").inner_text()
    shot(page, "reset-too-short")
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    assert "ตั้งรหัสผ่านใหม่แล้ว" in page.locator("h1").inner_text()

    # then the new password signs in and the user menu offers the password change and two-step sign-in
    sign_in(page, live_server.url, "somchai", NEW)
    header = page.locator("header.site").inner_text()
    assert "เปลี่ยนรหัสผ่าน" in header and "ยืนยันตัวตนสองขั้นตอน" in header and "ออกจากระบบ" in header
    shot(page, "signed-in")


def test_the_lockout_page_and_authenticator_enrolment_in_the_browser(
    live_server: Any, browser_page: Any, somchai: Any
) -> None:
    page = browser_page
    # five wrong passwords lock the account with the Thai page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, live_server.url, "somchai", "wrong-password")
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in page.locator("h1").inner_text()
    assert "15 นาที" in page.locator("[role=alert]").inner_text()
    shot(page, "lockout")

    # after an administrator's unlock the user signs in and enrols an authenticator
    from django.core.management import call_command

    call_command("axes_reset_username", "somchai")
    sign_in(page, live_server.url, "somchai", OLD)
    with page.expect_navigation():
        page.click("text=ยืนยันตัวตนสองขั้นตอน")
    qr = page.locator("img.otp-qr")
    qr.wait_for()
    assert page.evaluate("document.querySelector('img.otp-qr').naturalWidth") > 0, "the QR code did not load"
    shot(page, "otp-setup")
    device = TOTPDevice.objects.get(user=somchai, confirmed=False)
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    with page.expect_navigation():
        page.click("form.otp-setup button[type=submit]")
    assert page.locator("ul.otp-codes li").count() == 10
    shot(page, "otp-backup-codes")
