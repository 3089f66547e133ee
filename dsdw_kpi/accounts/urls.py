"""Account routes under /accounts/ (login and logout stay in dsdw_kpi/urls.py)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from dsdw_kpi.accounts import views

urlpatterns = [
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("otp/", views.otp_setup, name="otp-setup"),
    path("otp/qr.svg", views.otp_qr, name="otp-qr"),
    path("otp/verify/", views.otp_verify, name="otp-verify"),
    path("otp/remove/", views.otp_remove, name="otp-remove"),
    path("otp/backup-codes/", views.otp_backup_codes, name="otp-backup-codes"),
]
