from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Tasks and e-mails recorded in the database with the change that causes them, handed to Celery after commit."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = _("คิวงานและอีเมล")
