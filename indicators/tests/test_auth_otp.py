"""Optional TOTP: enrolment with a QR code, the code step after the password, backup codes and OTP_REQUIRED."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.tests import auth_helpers
from indicators.tests.auth_helpers import PASSWORD, login_post

pytestmark = pytest.mark.django_db
fast_hasher = auth_helpers.fast_hasher  # the shared fixture
member = auth_helpers.member  # the shared fixture


def _code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    return (
        f"{totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step, digits=device.digits):06d}"
    )


@pytest.fixture
def enrolled(member: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=member, name="แอป", confirmed=True)


def test_enrolment_shows_a_qr_code_and_confirms_with_the_first_code(client: Client, member: Any) -> None:
    client.force_login(member)
    # the user menu links the page, which shows the QR code as an image from a URL and the secret
    assert reverse("otp-setup") in client.get(reverse("home")).content.decode()
    page = client.get(reverse("otp-setup")).content.decode()
    assert f'src="{reverse("otp-qr")}"' in page and "สแกนคิวอาร์โค้ด" in page
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    assert device.config_url.split("secret=")[1][:4] in page.replace(" ", "")

    # the QR code is a plain SVG: no script, no style, not cached
    qr = client.get(reverse("otp-qr"))
    svg = qr.content.decode()
    assert qr["Content-Type"] == "image/svg+xml" and "no-store" in qr["Cache-Control"]
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg and "style" not in svg

    # a wrong code is refused in Thai and confirms nothing
    wrong = client.post(reverse("otp-setup"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "รหัสไม่ถูกต้อง" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttling_failure_timestamp = None  # the wrong code started django-otp's back-off
    device.throttling_failure_count = 0
    device.save()

    # the right code confirms it, verifies this session and shows ten backup codes once
    done = client.post(reverse("otp-setup"), {"token": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("home")).status_code == 200
    # the QR code of a confirmed device is never served again
    assert client.get(reverse("otp-qr")).status_code == 404
    assert "เปิดใช้งานอยู่" in client.get(reverse("otp-setup")).content.decode()


def test_a_user_with_an_authenticator_gives_a_code_after_the_password(client: Client, enrolled: TOTPDevice) -> None:
    # given the right password
    response = login_post(client, enrolled.user.username, PASSWORD)
    assert response.status_code == 302
    # then every page leads to the code step first, keeping where the user wanted to go
    reached = client.get(reverse("home"))
    assert reached.status_code == 302 and reached["Location"] == f"{reverse('otp-verify')}?next=%2F"
    assert client.get(reverse("report-scorecard"))["Location"].startswith(reverse("otp-verify"))
    page = client.get(reached["Location"]).content.decode()
    assert "ยืนยันตัวตน" in page and "รหัส 6 หลัก" in page
    # when the code is given
    verified = client.post(reverse("otp-verify"), {"token": _code(enrolled), "next": "/"})
    # then the user goes on
    assert verified.status_code == 302 and verified["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_wrong_codes_are_refused_and_throttled(client: Client, enrolled: TOTPDevice) -> None:
    client.force_login(enrolled.user)
    wrong = "123456" if _code(enrolled) != "123456" else "654321"
    response = client.post(reverse("otp-verify"), {"token": wrong})
    assert response.status_code == 400 and "รหัสไม่ถูกต้อง" in response.content.decode()
    # right after a failure even the right code waits (django-otp's growing back-off stops guessing)
    assert client.post(reverse("otp-verify"), {"token": _code(enrolled)}).status_code == 400
    assert client.get(reverse("home")).status_code == 302


def test_a_backup_code_works_once(client: Client, enrolled: TOTPDevice) -> None:
    from dsdw_kpi.accounts.otp import backup_codes_regenerate

    code = backup_codes_regenerate(user=enrolled.user)[0]
    client.force_login(enrolled.user)
    assert client.post(reverse("otp-verify"), {"token": code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()
    client.logout()
    client.force_login(enrolled.user)
    assert client.post(reverse("otp-verify"), {"token": code}).status_code == 400


def test_the_admin_asks_for_the_code_when_the_user_has_a_device(admin_user: Any) -> None:
    TOTPDevice.objects.create(user=admin_user, name="แอป", confirmed=True)
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp-verify"))


def test_logout_and_password_reset_stay_open_before_the_code(client: Client, enrolled: TOTPDevice) -> None:
    client.force_login(enrolled.user)
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_csp_reports_and_the_health_check_are_not_sent_to_the_code_step(client: Client, enrolled: TOTPDevice) -> None:
    client.force_login(enrolled.user)
    report = {"csp-report": {"document-uri": "http://127.0.0.1/accounts/otp/verify/", "violated-directive": "style-src"}}
    posted = client.post(reverse("csp-report"), json.dumps(report), content_type="application/csp-report")
    assert posted.status_code == 204
    health = client.get(reverse("ops:healthz"))  # 200 or 503 (no worker heartbeat in a test), never the code step
    assert health.status_code in (200, 503) and health.json()["database"] == {"ok": True}
    assert client.get(reverse("home")).status_code == 302  # everything else still waits for the code


@pytest.mark.parametrize(
    ("policy", "superuser_forced", "staff_forced", "member_forced"),
    [("none", False, False, False), ("superusers", True, False, False), ("staff", True, True, False)],
)
def test_otp_required_forces_enrolment_in_the_app_and_the_admin(
    settings: Any, django_user_model: Any, member: Any, policy: str, superuser_forced: bool, staff_forced: bool,
    member_forced: bool,
) -> None:  # fmt: skip
    settings.OTP_REQUIRED = policy
    root = django_user_model.objects.create_superuser("root2", "root2@example.go.th", PASSWORD)
    staff = django_user_model.objects.create_user("clerk", password=PASSWORD, is_staff=True)
    for user, forced in ((root, superuser_forced), (staff, staff_forced), (member, member_forced)):
        client = Client()
        client.force_login(user)
        for url in (reverse("home"), reverse("admin:index")):
            location = client.get(url).get("Location", "")
            assert location.startswith(reverse("otp-setup")) == forced, (policy, user.username, url, location)
        if forced:
            page = client.get(reverse("otp-setup")).content.decode()
            assert "ต้องใช้การยืนยันตัวตนสองขั้นตอน" in page


def test_a_forced_user_uses_the_app_after_enrolling(settings: Any, django_user_model: Any, fast_hasher: Any) -> None:
    settings.OTP_REQUIRED = "superusers"
    root = django_user_model.objects.create_superuser("root3", "root3@example.go.th", PASSWORD)
    client = Client()
    client.force_login(root)
    client.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=root)
    assert client.post(reverse("otp-setup"), {"token": _code(device)}).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_turning_the_authenticator_off_needs_a_current_code(client: Client, enrolled: TOTPDevice) -> None:
    client.force_login(enrolled.user)
    client.post(reverse("otp-verify"), {"token": _code(enrolled)})
    # a wrong code removes nothing
    client.post(reverse("otp-remove"), {"token": "not-a-code"})
    assert TOTPDevice.objects.filter(user=enrolled.user, confirmed=True).exists()
    # the next code (one step ahead, the current one is spent) removes it
    enrolled.refresh_from_db()
    enrolled.throttling_failure_timestamp = None
    enrolled.throttling_failure_count = 0
    enrolled.save()
    client.post(reverse("otp-remove"), {"token": _code(enrolled, steps_ahead=1)})
    assert not TOTPDevice.objects.filter(user=enrolled.user, confirmed=True).exists()


def test_an_authenticator_enrolled_elsewhere_reaches_other_sessions_within_a_minute(member: Any) -> None:
    import time

    from dsdw_kpi.accounts.middleware import LAST_ACTIVITY_KEY

    other = Client()
    other.force_login(member)
    assert other.get(reverse("home")).status_code == 200
    # when the user enrols an authenticator in another browser
    TOTPDevice.objects.create(user=member, name="แอป", confirmed=True)
    # then, once this session's minute is up, it must give a code too
    session = other.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 61
    session.save()
    response = other.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp-verify"))
