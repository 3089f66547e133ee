"""The audit log table: one row per event, written once and never changed or deleted through the app.

On PostgreSQL a trigger (migration 0001) also rejects UPDATE and DELETE, except the SET NULL that follows the
deletion of the acting user or of a content type (the snapshots keep who and what).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The only UPDATE allowed: the foreign keys set to NULL when the row they point at is deleted.
NULLABLE_ON_DELETE = frozenset({"actor", "actor_id", "target_type", "target_type_id"})


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit row."""

    def __init__(self, operation: str) -> None:
        super().__init__(str(_("บันทึกการตรวจสอบแก้ไขหรือลบไม่ได้ (%(op)s)") % {"op": operation}))


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("delete")

    def update(self, **kwargs: Any) -> int:
        if kwargs and set(kwargs) <= NULLABLE_ON_DELETE and all(value is None for value in kwargs.values()):
            return super().update(**kwargs)
        raise AppendOnlyError("update")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("update_or_create")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("bulk_update")


class AuditEvent(models.Model):
    """Who did what to whom, when, from which address; ``detail`` holds old → new values and the reason."""

    class Action(models.TextChoices):
        LOGIN = "login", _("เข้าสู่ระบบ")
        LOGOUT = "logout", _("ออกจากระบบ")
        LOGIN_FAILED = "login_failed", _("เข้าสู่ระบบไม่สำเร็จ")
        LOCKED_OUT = "locked_out", _("ถูกระงับการเข้าสู่ระบบ (ผิดเกินกำหนด)")
        UNLOCKED = "unlocked", _("ปลดการระงับการเข้าสู่ระบบ")
        PASSWORD_CHANGED = "password_changed", _("เปลี่ยนรหัสผ่าน")
        USER_CREATED = "user_created", _("สร้างบัญชีผู้ใช้")
        USER_DELETED = "user_deleted", _("ลบบัญชีผู้ใช้")
        USER_CHANGED = "user_changed", _("เปลี่ยนสถานะบัญชีผู้ใช้")
        GROUPS_CHANGED = "groups_changed", _("เปลี่ยนกลุ่มของผู้ใช้")
        USER_PERMISSIONS_CHANGED = "user_permissions_changed", _("เปลี่ยนสิทธิ์ของผู้ใช้")
        GROUP_PERMISSIONS_CHANGED = "group_permissions_changed", _("เปลี่ยนสิทธิ์ของกลุ่ม")
        PERSON_ASSIGNMENT_CHANGED = "person_assignment_changed", _("เปลี่ยนสังกัด บทบาท หรือบัญชีของบุคลากร")
        REPORTING_UNITS_CHANGED = "reporting_units_changed", _("เปลี่ยนหน่วยงานที่บุคลากรรายงานผล")
        OTP_DEVICE_ADDED = "otp_device_added", _("เพิ่มอุปกรณ์ยืนยันตัวตน (OTP)")
        OTP_DEVICE_REMOVED = "otp_device_removed", _("ลบอุปกรณ์ยืนยันตัวตน (OTP)")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("ดาวน์โหลดเอกสาร")
        EVIDENCE_DOWNLOADED = "evidence_downloaded", _("ดาวน์โหลดไฟล์หลักฐาน")

    created_at = models.DateTimeField(_("เวลา"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้กระทำ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # audit_actor_created_idx starts with it
    )
    actor_username = models.CharField(
        _("ชื่อผู้ใช้ (ขณะเกิดเหตุการณ์)"), max_length=150, blank=True, editable=False,
        help_text=_("สำหรับการเข้าสู่ระบบไม่สำเร็จ คือชื่อผู้ใช้ที่พิมพ์"),
    )
    action = models.CharField(_("เหตุการณ์"), max_length=40, choices=Action.choices, editable=False)
    ip_address = models.GenericIPAddressField(_("ที่อยู่ IP"), null=True, blank=True, editable=False)
    user_agent = models.CharField(_("โปรแกรมค้นดู (User agent)"), max_length=300, blank=True, editable=False)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("ประเภทของสิ่งที่ถูกกระทำ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # audit_target_idx starts with it
    )
    target_id = models.CharField(_("รหัสของสิ่งที่ถูกกระทำ"), max_length=64, blank=True, editable=False)
    target_repr = models.CharField(_("สิ่งที่ถูกกระทำ"), max_length=300, blank=True, editable=False)
    detail = models.JSONField(_("รายละเอียด (ค่าเดิม → ค่าใหม่)"), default=dict, blank=True, editable=False)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("บันทึกการตรวจสอบ")
        verbose_name_plural = _("บันทึกการตรวจสอบ")
        indexes = [
            models.Index(fields=["-created_at"], name="audit_created_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_created_idx"),
            models.Index(fields=["actor_username", "-created_at"], name="audit_username_created_idx"),
            models.Index(fields=["action", "-created_at"], name="audit_action_created_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        who = self.actor_username or _("ระบบ")
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {who} {self.get_action_display()} {self.target_repr}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("update")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("delete")
