"""The outbox: one row per task or e-mail to hand to Celery, written in the transaction of the change it follows."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A task (name + kwargs) or an e-mail waiting for, handed to, or finished by a Celery worker.

    pending → sent (the broker took the message) → done (the worker finished it); failed when the worker gave up.
    A pending row is retried by the dispatcher from `next_attempt_at` on.
    """

    class Kind(models.TextChoices):
        TASK = "task", _("งาน")
        EMAIL = "email", _("อีเมล")

    class Status(models.TextChoices):
        PENDING = "pending", _("รอส่ง")
        SENT = "sent", _("ส่งเข้าคิวแล้ว")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ล้มเหลว")

    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices)
    task_name = models.CharField(_("ชื่องาน"), max_length=200)
    kwargs = models.JSONField(_("ข้อมูลของงาน"), default=dict, blank=True)
    queue = models.CharField(_("คิว"), max_length=100, blank=True, help_text=_("ว่าง = ตามเส้นทางของงานใน settings"))
    eta = models.DateTimeField(_("เริ่มได้ตั้งแต่"), null=True, blank=True)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("จำนวนครั้งที่พยายามส่ง"), default=0)
    next_attempt_at = models.DateTimeField(_("พยายามส่งครั้งถัดไป"), default=timezone.now)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    sent_at = models.DateTimeField(_("ส่งเข้าคิวเมื่อ"), null=True, blank=True)
    done_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)
    # e-mails only
    subject = models.CharField(_("หัวเรื่อง"), max_length=300, blank=True)
    body = models.TextField(_("เนื้อหา"), blank=True)
    html_body = models.TextField(_("เนื้อหา HTML"), blank=True)
    to = models.JSONField(_("ผู้รับ"), default=list, blank=True)

    class Meta:
        verbose_name = _("รายการในคิวงาน")
        verbose_name_plural = _("คิวงานและอีเมล")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "done_at"], name="outbox_done"),
        ]

    def __str__(self) -> str:
        what = self.subject if self.kind == self.Kind.EMAIL else self.task_name
        return f"#{self.pk} {what} ({self.get_status_display()})"
