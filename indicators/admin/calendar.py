"""Admin of fiscal years, rounds (with reopening) and the scoring policy."""

from __future__ import annotations

from typing import Any

import nested_admin
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators.admin.base import HistoryAdmin, ReopenPermissionMixin, reopen_action
from indicators.models import (
    FiscalYear,
    Round,
    ScoringPolicy,
    UnitEntryWindow,
)
from indicators.services.results import round_reopen
from indicators.templatetags.thai_dates import thai_date

# --- calendar and policy -------------------------------------------------------------------------------------


class RoundInline(nested_admin.NestedTabularInline):
    model = Round
    extra = 0
    max_num = 2
    fields = ["number", "start_date", "end_date", "printed_period_th", "entry_deadline", "is_open"]


class UnitEntryWindowInline(nested_admin.NestedTabularInline):
    """Entry of the round opened for single units until a date (the round itself may stay closed)."""

    model = UnitEntryWindow
    extra = 0
    fields = ["org_unit", "until", "reason_th", "is_demo"]
    autocomplete_fields = ["org_unit"]


class ScoringPolicyInline(nested_admin.NestedStackedInline):
    model = ScoringPolicy
    extra = 0
    max_num = 1
    can_delete = False


@admin.register(FiscalYear)
class FiscalYearAdmin(HistoryAdmin):
    list_display = ["be_year", "period", "evaluation_status", "definition_count", "framework_count", "round_links"]
    list_filter = ["evaluation_status"]
    inlines = [RoundInline, ScoringPolicyInline]
    actions = ["copy_forward"]

    @admin.display(description=_("ช่วงเวลา"))
    def period(self, obj: FiscalYear) -> str:
        from indicators.templatetags.thai_dates import thai_date

        return f"{thai_date(obj.start_date)} – {thai_date(obj.end_date)}"

    @admin.display(description=_("จำนวนตัวชี้วัด"))
    def definition_count(self, obj: FiscalYear) -> int:
        return obj.indicator_definitions.count()

    @admin.display(description=_("จำนวนกรอบ"))
    def framework_count(self, obj: FiscalYear) -> int:
        return obj.frameworks.count()

    @admin.display(description=_("รอบการประเมิน"))
    def round_links(self, obj: FiscalYear) -> str:
        """Links to the year's rounds, where an admin reopens entry after the deadline."""
        url = reverse("admin:indicators_round_changelist")
        return format_html('<a href="{}?fiscal_year__id__exact={}">{}</a>', url, obj.pk, "ดู/เปิดรอบการรายงาน")

    @admin.action(description=_("คัดลอกกรอบตัวชี้วัดไปปีงบประมาณถัดไป"))
    def copy_forward(self, request: HttpRequest, queryset: QuerySet[FiscalYear]) -> None:
        """Queue the copy on a Celery worker; the definitions of the source year are never edited."""
        from outbox.services import task_enqueue

        for year in queryset.order_by("be_year"):
            target = year.be_year + 1
            if FiscalYear.objects.filter(be_year=target, indicator_definitions__isnull=False).exists():
                self.message_user(request, f"ปีงบประมาณ พ.ศ. {target} มีตัวชี้วัดอยู่แล้ว จึงคัดลอกทับไม่ได้", level=messages.ERROR)
                continue
            task_enqueue("indicators.tasks.copy_framework_forward", user_id=request.user.pk,
                         source_year=year.be_year, target_year=target)
            self.message_user(
                request,
                f"เริ่มคัดลอกตัวชี้วัดและกรอบตัวชี้วัดจากปี {year.be_year} ไปปี {target} แล้ว (สถานะร่าง) — รีเฟรชหน้านี้เพื่อดูผล",
                level=messages.SUCCESS,
            )


@admin.register(Round)
class RoundAdmin(ReopenPermissionMixin, HistoryAdmin):
    """The rounds of every year; the action reopens entry until a new deadline, with the reason in the history."""

    list_display = ["__str__", "period", "deadline", "is_open"]
    list_filter = ["fiscal_year", "number", "is_open"]
    list_select_related = ["fiscal_year"]
    fields = ["fiscal_year", "number", "start_date", "end_date", "printed_period_th", "entry_deadline", "is_open"]
    inlines = [UnitEntryWindowInline]
    actions = ["reopen_rounds"]

    @admin.display(description=_("ช่วงเวลา"))
    def period(self, obj: Round) -> str:
        return f"{thai_date(obj.start_date)} – {thai_date(obj.end_date)}"

    @admin.display(description=_("กำหนดส่งผลการดำเนินงาน"), ordering="entry_deadline")
    def deadline(self, obj: Round) -> str:
        return thai_date(obj.entry_deadline) or "-"

    @admin.action(description=_("เปิดรอบการรายงานอีกครั้ง (ระบุเหตุผลและกำหนดส่งใหม่)"), permissions=["reopen"])
    def reopen_rounds(self, request: HttpRequest, queryset: QuerySet[Round]) -> TemplateResponse | None:
        def apply(*, actor: Any, obj: Round, reason: str, until: Any) -> None:
            round_reopen(actor=actor, round=obj, reason=reason, deadline=until)

        return reopen_action(
            self,
            request,
            queryset.select_related("fiscal_year"),
            title="เปิดรอบการรายงานอีกครั้ง",
            intro="ทุกหน่วยงานรายงานและส่งผลของรอบที่เลือกได้อีกครั้งจนถึงกำหนดส่งใหม่ เหตุผลจะบันทึกไว้ในประวัติของรอบ",
            date_label="กำหนดส่งใหม่",
            apply=apply,
            done_message="เปิดรอบการรายงาน {count} รอบแล้ว กำหนดส่งใหม่ {until} (เหตุผล: {reason})",
            describe=lambda obj: f"{obj} — กำหนดส่งเดิม {thai_date(obj.entry_deadline) or 'ไม่ได้กำหนด'}"
            f"{'' if obj.is_open else ' (ปิดรับรายงานอยู่)'}",
        )


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(HistoryAdmin):
    list_display = ["fiscal_year", "interpolate", "below_floor", "composite_combine", "five_level_total"]
