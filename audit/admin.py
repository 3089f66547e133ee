"""The audit log in the admin: a read-only list for those with the view permission (superusers); nobody adds,
changes or deletes a row."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor_username", "target_repr", "ip_address")
    list_filter = ("action", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("actor_username", "target_repr", "target_id", "ip_address")
    list_select_related = False
    show_full_result_count = False
    list_per_page = 100
    fields = (
        "created_at", "action", "actor", "actor_username", "ip_address", "user_agent",
        "target_type", "target_id", "target_repr", "detail_pretty",
    )
    readonly_fields = fields
    actions = None

    @admin.display(description=_("รายละเอียด (ค่าเดิม → ค่าใหม่)"))
    def detail_pretty(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.detail, ensure_ascii=False, indent=2))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
