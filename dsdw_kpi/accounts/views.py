"""Password change and reset (Django's views with Thai forms and templates) and the TOTP pages."""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from dsdw_kpi.accounts import otp
from dsdw_kpi.accounts.forms import OTPTokenForm, ThaiPasswordChangeForm, ThaiPasswordResetForm, ThaiSetPasswordForm


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThaiPasswordChangeForm
    success_url = reverse_lazy("password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address belongs to someone; links use SITE_URL, never the Host header."""

    form_class = ThaiPasswordResetForm
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:
        return {"site_url": settings.SITE_URL.rstrip("/"), "valid_minutes": str(settings.PASSWORD_RESET_TIMEOUT // 60)}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ThaiSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@never_cache
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: QR code + secret, then the first code confirms it and shows the backup codes."""
    if otp.has_confirmed_device(request.user):
        return render(request, "registration/otp_status.html", {"required": otp.otp_required_for(request.user)})
    device = otp.totp_device_start(user=request.user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.totp_device_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            messages.success(request, _("เปิดใช้การยืนยันตัวตนสองขั้นตอนแล้ว"))
            return render(
                request, "registration/otp_backup_codes.html", {"codes": codes, "next": _safe_next(request, "")}
            )
        form.add_error("token", _("รหัสไม่ถูกต้องหรือหมดอายุ กรุณาลองรหัสใหม่จากแอป"))
    context = {
        "form": form,
        "secret": _grouped_secret(device),
        "required": otp.otp_required_for(request.user),
        "next": _safe_next(request, ""),
    }
    return render(request, "registration/otp_setup.html", context, status=400 if form.errors else 200)


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
def otp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the authenticator being enrolled (never of a confirmed one: the secret is shown only once)."""
    device = otp.pending_totp_device(request.user)
    if device is None:
        raise Http404(_("ไม่มีการลงทะเบียนแอปยืนยันตัวตนที่รออยู่"))
    response = HttpResponse(otp.qr_svg(device), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password for a user with an authenticator."""
    destination = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(destination)
    if not otp.has_confirmed_device(request.user):
        return HttpResponseRedirect(reverse("otp-setup"))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.otp_verify(request=request, token=form.cleaned_data["token"]):
            return HttpResponseRedirect(destination)
        form.add_error("token", _("รหัสไม่ถูกต้อง หมดอายุ หรือลองผิดหลายครั้งเกินไป กรุณารอสักครู่แล้วลองรหัสใหม่"))
    status = 400 if form.errors else 200
    return render(request, "registration/otp_verify.html", {"form": form, "next": destination}, status=status)


@login_required
@require_POST
def otp_remove(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in off (a current code is required); users the policy applies to must enrol again."""
    form = OTPTokenForm(request.POST)
    if form.is_valid() and otp.otp_verify(request=request, token=form.cleaned_data["token"]):
        otp.otp_devices_remove(user=request.user)
        messages.success(request, _("ปิดการยืนยันตัวตนสองขั้นตอนแล้ว"))
        return HttpResponseRedirect(reverse("otp-setup"))
    messages.error(request, _("รหัสไม่ถูกต้อง จึงยังไม่ได้ปิดการยืนยันตัวตนสองขั้นตอน"))
    return HttpResponseRedirect(reverse("otp-setup"))


@never_cache
@login_required
@require_POST
def otp_backup_codes(request: HttpRequest) -> HttpResponse:
    """New backup codes (the old ones stop working); only for a session verified with the authenticator."""
    if not request.user.is_verified() or not otp.has_confirmed_device(request.user):  # type: ignore[union-attr]
        return HttpResponseRedirect(reverse("otp-setup"))
    codes = otp.backup_codes_regenerate(user=request.user)
    return render(request, "registration/otp_backup_codes.html", {"codes": codes, "next": ""})
