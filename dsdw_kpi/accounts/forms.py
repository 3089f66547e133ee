"""Thai forms for password change and reset and the one-time code; the reset e-mail goes through the outbox."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.services import email_enqueue, emails_sent_recently

logger = logging.getLogger(__name__)

MISMATCH = _("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน")
CONFIRM_HELP = _("พิมพ์รหัสผ่านใหม่อีกครั้งเพื่อยืนยัน")


def _thai_new_password_fields(form: forms.Form) -> None:
    form.fields["new_password1"].label = _("รหัสผ่านใหม่")
    form.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()
    form.fields["new_password2"].label = _("ยืนยันรหัสผ่านใหม่")
    form.fields["new_password2"].help_text = CONFIRM_HELP


class ThaiSetPasswordForm(auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    error_messages = {"password_mismatch": MISMATCH}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _thai_new_password_fields(self)


class ThaiPasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": MISMATCH,
        "password_incorrect": _("รหัสผ่านปัจจุบันไม่ถูกต้อง กรุณาลองอีกครั้ง"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("รหัสผ่านปัจจุบัน")
        _thai_new_password_fields(self)


class ThaiPasswordResetForm(auth_forms.PasswordResetForm):
    """Always answers the same way; the e-mail (if the address belongs to an active user) is queued in the outbox,
    at most PASSWORD_RESET_EMAILS_PER_HOUR to one address in an hour (no mail bombing through the reset page)."""

    email = forms.EmailField(
        label=_("อีเมลที่ลงทะเบียนไว้"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("รูปแบบอีเมลไม่ถูกต้อง"), "required": _("กรุณากรอกอีเมล")},
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        limit = settings.PASSWORD_RESET_EMAILS_PER_HOUR
        since = timezone.now() - dt.timedelta(hours=1)
        if limit and emails_sent_recently(subject=subject, to=[to_email], since=since) >= limit:
            # the page answers as always (it never tells whether an address is known): only the mail is held back
            logger.warning("password reset e-mail not queued: %s already had %d in the last hour", to_email, limit)
            return
        body = loader.render_to_string(email_template_name, context)
        html_body = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        email_enqueue(subject=subject, body=body, to=[to_email], html_body=html_body)


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("รหัสจากแอปยืนยันตัวตน (6 หลัก) หรือรหัสสำรอง"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": _("กรุณากรอกรหัส")},
    )
