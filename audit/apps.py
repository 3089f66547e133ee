from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """An append-only log of sign-ins, account and permission changes, unit assignments and downloads."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("บันทึกการตรวจสอบ (Audit log)")

    def ready(self) -> None:
        from audit import signals

        signals.connect()
