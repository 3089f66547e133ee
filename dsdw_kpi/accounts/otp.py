"""Optional TOTP (authenticator app) with backup codes, and the OTP_REQUIRED policy.

Reads: `otp_required_for`, `has_confirmed_device`, `pending_totp_device`. Writes: `totp_device_start`,
`totp_device_confirm`, `otp_devices_remove`, `backup_codes_regenerate`; each acts for the signed-in user only.
"""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

POLICIES = ("none", "superusers", "staff")
TOTP_DEVICE_NAME = "แอปยืนยันตัวตน"
BACKUP_DEVICE_NAME = "รหัสสำรอง"
BACKUP_CODE_COUNT = 10


def otp_required_for(user: Any) -> bool:
    """OTP_REQUIRED=superusers: superusers must enrol; =staff: everyone who may open the admin (and superusers)."""
    policy: str = settings.OTP_REQUIRED
    if policy == "superusers":
        return bool(user.is_superuser)
    if policy == "staff":
        return bool(user.is_staff or user.is_superuser)
    return False


def has_confirmed_device(user: Any) -> bool:
    """One indexed query: backup codes exist only next to a confirmed authenticator, so TOTP alone decides."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def totp_device_start(*, user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (a fresh secret only when none is pending)."""
    device = pending_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending authenticator with its first code; verify this session; return new backup codes."""
    if device.user_id != request.user.pk or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return backup_codes_regenerate(user=device.user)


@transaction.atomic
def backup_codes_regenerate(*, user: Any) -> list[str]:
    """Replace the user's backup codes (each works once) and return them to show exactly once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": BACKUP_DEVICE_NAME})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def otp_verify(*, request: HttpRequest, token: str) -> bool:
    """Second step of the sign-in: an authenticator code or an unused backup code (django-otp throttles failures)."""
    device = match_token(request.user, token.strip().replace(" ", ""))
    if device is None:
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def otp_devices_remove(*, user: Any) -> None:
    """Remove the user's authenticator and backup codes (after a fresh code was given, see the view)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def qr_svg(device: TOTPDevice) -> bytes:
    """The otpauth:// URL of the device as an SVG QR code (paths only, no script or style, so any CSP allows it)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    stream = io.BytesIO()
    image.save(stream)
    return stream.getvalue()
