from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("ตัวชี้วัดและผลการดำเนินงาน")

    def ready(self) -> None:
        from indicators import events, storage

        events.connect()
        storage.connect()  # evidence files leave the disk with their rows
