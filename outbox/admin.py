"""Read-only list of the outbox, with "send again" for failed rows."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from outbox.models import OutboxMessage
from outbox.services import retry_failed


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "kind", "what", "status", "attempts", "created_at", "sent_at", "done_at", "next_attempt_at")
    list_filter = ("status", "kind")
    search_fields = ("task_name", "subject")
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    @admin.display(description=_("งาน / หัวเรื่อง"))
    def what(self, obj: OutboxMessage) -> str:
        return obj.subject if obj.kind == OutboxMessage.Kind.EMAIL else obj.task_name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("outbox.change_outboxmessage")

    @admin.action(description=_("ส่งอีกครั้ง"), permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        """Failed rows go back to pending and are handed over again; other rows are left as they are."""
        count = retry_failed(queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        if count:
            self.message_user(request, f"นำ {count} รายการกลับเข้าคิวเพื่อส่งอีกครั้งแล้ว", level=messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"ข้าม {skipped} รายการ เพราะส่งอีกครั้งได้เฉพาะรายการที่ล้มเหลว", level=messages.WARNING
            )
