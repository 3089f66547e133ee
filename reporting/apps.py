from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Scores, scorecards, PDF and Excel documents (built on the indicators app)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("รายงานและคะแนน")

    def ready(self) -> None:
        from reporting import signals  # noqa: F401  (connects the recompute triggers)
