"""The Thai page shown when django-axes refuses a login (too many failures for the account or the address)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


def lockout_minutes() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    return int(cool_off.total_seconds() // 60) if cool_off else 0


def lockout_message() -> str:
    minutes = lockout_minutes()
    if minutes:
        return _(
            "ระงับการเข้าสู่ระบบชั่วคราว เนื่องจากใส่ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้องเกิน %(limit)d ครั้ง "
            "กรุณารอ %(minutes)d นาทีแล้วลองใหม่ หรือติดต่อผู้ดูแลระบบเพื่อปลดล็อก"
        ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return _("ระงับการเข้าสู่ระบบ เนื่องจากใส่ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้องเกิน %(limit)d ครั้ง กรุณาติดต่อผู้ดูแลระบบเพื่อปลดล็อก") % {
        "limit": settings.AXES_FAILURE_LIMIT
    }


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: HTTP 429 with the Thai explanation; the same page for every username (no hint)."""
    return render(request, "registration/lockout.html", {"message": lockout_message()}, status=LOCKOUT_STATUS)
