"""Thai admin for stored scores: scorecards (live and frozen copy), result scores and failed recompute jobs."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reporting.batches import report_run_resume
from reporting.models import (
    BookSection,
    ReportRun,
    ReportRunItem,
    ReportRunShard,
    ResultScore,
    Scorecard,
    ScorecardRevision,
    ScoreJob,
)
from reporting.services import scorecard_freeze


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scores are derived data: they are written only by the services, never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScorecardRevisionInline(admin.TabularInline):
    """Every change of the scorecard's outcome, newest first (append-only)."""

    model = ScorecardRevision
    extra = 0
    fields = ("changed_at", "old_total_100", "new_total_100", "old_band_label_th", "new_band_label_th", "old_status",
              "new_status", "old_reported_count", "new_reported_count", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ("org_unit", "round", "total_100", "band_label_th", "reported_count", "missing_count", "status",
                    "frozen", "computed_at")
    list_filter = ("round__fiscal_year", "round__number", "band_code", "status", "frozen")
    search_fields = ("org_unit__name_th", "org_unit__code")
    list_select_related = ("org_unit", "round__fiscal_year")
    actions = ["freeze"]
    fieldsets = (
        (_("ฉบับปัจจุบัน (คำนวณใหม่ทุกครั้งที่ข้อมูลเปลี่ยน)"), {"fields": (
            "org_unit", "round", "framework", "status", "error", "scale", "performance_sum", "potential_sum",
            "weighted_sum", "weight_total", "total_100", "total_100_exact", "band_label_th", "indicator_count",
            "reported_count", "missing_count", "rows_display", "inputs_hash", "computed_at",
        )}),
        (_("ฉบับที่ล็อกไว้ (ไม่เปลี่ยนอีก)"), {"fields": ("frozen", "frozen_by", "frozen_at", "frozen_display")}),
    )

    @admin.display(description=_("รายการตัวชี้วัด"))
    def rows_display(self, obj: Scorecard) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=1))

    @admin.display(description=_("ฉบับที่ล็อกไว้"))
    def frozen_display(self, obj: Scorecard) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.frozen_payload, ensure_ascii=False, indent=1))

    readonly_fields = ("rows_display", "frozen_display")
    inlines = [ScorecardRevisionInline]

    @admin.action(description=_("ล็อกฉบับรับรองของผลการประเมินที่เลือก"))
    def freeze(self, request: HttpRequest, queryset: QuerySet[Scorecard]) -> None:
        frozen = 0
        for scorecard in queryset:
            try:
                scorecard_freeze(actor=request.user, scorecard=scorecard)
                frozen += 1
            except (PermissionDenied, ValidationError) as exc:
                message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{scorecard}: {message}", messages.ERROR)
        if frozen:
            self.message_user(request, f"ล็อกแล้ว {frozen} รายการ", messages.SUCCESS)


@admin.register(ResultScore)
class ResultScoreAdmin(ReadOnlyAdmin):
    list_display = ("result", "score", "method", "computed_at")
    list_filter = ("method", "result__round__fiscal_year", "result__round__number")
    list_select_related = ("result__org_unit", "result__round__fiscal_year", "result__assignment__definition")
    readonly_fields = ("result", "method", "score", "score_exact", "value", "value_exact", "explanation_th",
                       "problem_th", "details", "fingerprint", "computed_at")
    exclude = ("content_hash",)


class FailedFilter(admin.SimpleListFilter):
    title = _("ผลลัพธ์")
    parameter_name = "failed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", str(_("ล้มเหลว")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ScoreJob]) -> QuerySet[ScoreJob]:
        return queryset.filter(status=ScoreJob.Status.FAILED) if self.value() == "1" else queryset


@admin.register(ScoreJob)
class ScoreJobAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "fiscal_year", "org_unit", "round", "reason", "status", "attempts", "scorecards",
                    "error_short", "created_at", "finished_at")
    list_filter = (FailedFilter, "status", "kind", "fiscal_year")
    list_select_related = ("fiscal_year", "org_unit", "round__fiscal_year")
    readonly_fields = ("kind", "fiscal_year", "org_unit", "round", "params", "reason", "status", "attempts",
                       "scorecards", "error", "created_at", "started_at", "finished_at")
    exclude = ("batch",)

    @admin.display(description=_("ข้อผิดพลาด"))
    def error_short(self, obj: ScoreJob) -> str:
        return obj.error.splitlines()[0][:120] if obj.error else ""


@admin.register(BookSection)
class BookSectionAdmin(admin.ModelAdmin):
    """The foreword and narrative annex of an annual results book, written by the administration development group."""

    list_display = ("title_th", "fiscal_year", "org_unit", "position", "order", "updated_at")
    list_filter = ("fiscal_year", "position")
    search_fields = ("title_th", "body_th", "org_unit__name_th")
    autocomplete_fields = ("org_unit",)


class ReportRunShardInline(admin.TabularInline):
    model = ReportRunShard
    extra = 0
    can_delete = False
    fields = ("number", "lease_owner", "lease_until", "heartbeat_at", "enqueued_at", "attempts")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReportRunItemInline(admin.TabularInline):
    model = ReportRunItem
    extra = 0
    can_delete = False
    fields = ("position", "org_unit", "filename", "status", "shard", "size", "error", "rendered_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    """Report batches: status, progress and errors; failed runs can be resumed (done documents are kept)."""

    list_display = ("pk", "kind", "fiscal_year", "round_number", "scope", "format", "status", "progress",
                    "failed_count", "error_short", "requested_by", "created_at", "finished_at")
    list_filter = ("status", "kind", "scope", "fiscal_year")
    list_select_related = ("fiscal_year", "requested_by")
    readonly_fields = ("kind", "fiscal_year", "round_number", "scope", "org_unit", "format", "thai_digits", "frozen",
                       "requested_by", "status", "total", "done_count", "failed_count", "error", "attempts",
                       "shards", "created_at", "started_at", "finished_at", "heartbeat_at", "zip_display", "zip_size")
    exclude = ("zip_file",)
    inlines = [ReportRunShardInline, ReportRunItemInline]
    actions = ["resume"]

    @admin.display(description=_("ความคืบหน้า"))
    def progress(self, obj: ReportRun) -> str:
        return f"{obj.done_count}/{obj.total} ({obj.percent}%)"

    @admin.display(description=_("ข้อผิดพลาด"))
    def error_short(self, obj: ReportRun) -> str:
        return obj.error.splitlines()[0][:120] if obj.error else ""

    @admin.display(description=_("ไฟล์ ZIP"))
    def zip_display(self, obj: ReportRun) -> str:
        """A link to the permission-checked download (the private files have no URL of their own)."""
        if not obj.zip_file:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("report-batch-download", args=[obj.pk]), obj.zip_file.name.rsplit("/", 1)[-1]
        )

    @admin.action(description=_("ทำต่อ (สร้างเอกสารที่ล้มเหลวหรือยังไม่ได้สร้างใหม่)"))
    def resume(self, request: HttpRequest, queryset: QuerySet[ReportRun]) -> None:
        resumed = sum(1 for run in queryset if report_run_resume(actor=request.user, run=run))
        self.message_user(request, f"ส่งเข้าคิวใหม่ {resumed} ชุด", messages.SUCCESS)
