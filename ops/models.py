"""The Celery workers' heartbeat: one row per worker host, rewritten by ops.tasks.heartbeat."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Kept in the database rather than in Redis: a heartbeat written here proves that a worker took a task from
    the broker AND reached the database, it survives a Redis restart (an empty Redis would otherwise read as a dead
    worker) and /healthz/ reads it through the connection it checks anyway."""

    hostname = models.CharField(_("เครื่องที่ทำงาน"), max_length=255, unique=True)
    beat_at = models.DateTimeField(_("เวลาล่าสุด"))

    class Meta:
        verbose_name = _("สัญญาณชีพของตัวประมวลผลงาน")
        verbose_name_plural = _("สัญญาณชีพของตัวประมวลผลงาน")

    def __str__(self) -> str:
        return f"{self.hostname} {self.beat_at:%Y-%m-%d %H:%M:%S}"
