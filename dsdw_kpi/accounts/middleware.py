"""Idle session timeout and the OTP step/policy, for the app and the Django admin alike."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from dsdw_kpi.accounts import otp

LAST_ACTIVITY_KEY = "_last_activity"
# Set when this session's user was found to need no OTP step (no authenticator, not required); dropped whenever the
# activity stamp is refreshed (at most once a minute), so the devices are queried about once a minute, not per request.
OTP_CLEAR_KEY = "_otp_clear"


def stamp_signed_in_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On sign-in (the session is being rewritten anyway): the activity stamp and the OTP check, at no extra write."""
    if request is None or not hasattr(request, "session"):
        return
    stamp = int(time.time())
    request.session[LAST_ACTIVITY_KEY] = stamp
    if not otp.has_confirmed_device(user) and not otp.otp_required_for(user):
        request.session[OTP_CLEAR_KEY] = True


class IdleSessionTimeoutMiddleware:
    """Sign out a session idle for more than SESSION_IDLE_TIMEOUT seconds (0: never).

    The time of the last request is stored in the session at most once per SESSION_IDLE_TOUCH_SECONDS, so a burst
    of requests does not rewrite the session row each time (the timeout is therefore exact to within that interval).
    The same refresh asks OTPPolicyMiddleware to check the user's devices again. Must come after the authentication
    and message middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            timeout: int = settings.SESSION_IDLE_TIMEOUT
            now = int(time.time())
            session = request.session
            last = session.get(LAST_ACTIVITY_KEY)
            if timeout > 0 and isinstance(last, int) and now - last > timeout:
                return self._expire(request, timeout)
            if not isinstance(last, int) or now - last >= settings.SESSION_IDLE_TOUCH_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
                session.pop(OTP_CLEAR_KEY, None)
        return self.get_response(request)

    @staticmethod
    def _expire(request: HttpRequest, timeout: int) -> HttpResponse:
        logout(request)
        minutes = max(1, timeout // 60)
        messages.warning(
            request,
            _("หมดเวลาการใช้งาน เนื่องจากไม่มีการใช้งานเกิน %(minutes)d นาที กรุณาเข้าสู่ระบบอีกครั้ง") % {"minutes": minutes},
        )
        next_path = request.get_full_path() if request.method == "GET" else ""
        if next_path:
            return redirect_to_login(next_path)
        return redirect_to_login(reverse(settings.LOGIN_REDIRECT_URL))


# Pages a signed-in user who still owes the second step may open.
OTP_EXEMPT_VIEWS = frozenset(
    {
        "logout",
        "admin:logout",
        "set_language",
        "csp-report",  # the browser's violation reports of the very pages that lead to the code step
        "ops:healthz",
        "otp-setup",
        "otp-qr",
        "otp-verify",
        "otp-remove",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


class OTPPolicyMiddleware:
    """A user with an authenticator must give a code before anything else; OTP_REQUIRED users must enrol first.

    Goes after django_otp's OTPMiddleware (which sets ``request.user.is_verified``) and the idle timeout. A verified
    session costs one indexed query per request (django-otp loads its device); a user without an authenticator is
    re-checked only when the activity stamp moves on (at most once a minute), so an authenticator enrolled or a
    policy applied elsewhere takes effect in every other session of that user within a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_VIEWS:
            return None
        session = request.session
        if DEVICE_ID_SESSION_KEY in session and user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
            return None
        if session.get(OTP_CLEAR_KEY):
            return None
        if otp.has_confirmed_device(user):
            return _redirect("otp-verify", request)
        if otp.otp_required_for(user):
            return _redirect("otp-setup", request)
        session[OTP_CLEAR_KEY] = True  # after sign-in or a stamp refresh: the session is being saved anyway
        return None


def _redirect(view_name: str, request: HttpRequest) -> HttpResponse:
    target = reverse(view_name)
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(target)
