from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in hardening (no models of its own): stamps a new session when someone signs in."""

    name = "dsdw_kpi.accounts"
    label = "dsdw_accounts"
    verbose_name = "การเข้าสู่ระบบ"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dsdw_kpi.accounts.middleware import stamp_signed_in_session

        user_logged_in.connect(stamp_signed_in_session, dispatch_uid="dsdw_accounts_stamp_session")
