"""Admin of results: read-only records with their steps, breakdown rows and evidence; decisions only through services.

A result's values, status and attribution change only through the services (entry pages, review page, and the
actions below, each with a reason kept in the history), so the admin can neither edit nor delete a result: an
approved number cannot change unseen, and its history page keeps working.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import nested_admin
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from indicators.admin.base import HistoryAdmin, ReopenPermissionMixin, form_action, reopen_action
from indicators.models import EvidenceFile, MilestoneCompletion, Result, SubUnitResult
from indicators.permissions import is_admin
from indicators.services.results import result_approve, result_reopen, result_return
from indicators.views_review.reopen import REASON_MAX_LENGTH


class ReadOnlyInline(nested_admin.NestedTabularInline):
    """Rows shown under their result, never added, changed or removed here (their services do that)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields or [])

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MilestoneCompletionInline(ReadOnlyInline):
    model = MilestoneCompletion
    fields = ["level", "deliverable_index", "done", "done_on", "evidence_th"]


class SubUnitResultInline(ReadOnlyInline):
    model = SubUnitResult
    fields = ["order", "label_th", "org_unit", "province", "numerator", "denominator", "breakdown"]


class EvidenceFileInline(ReadOnlyInline):
    """The file itself is not linked here: evidence is served only through its permission-checked download view."""

    model = EvidenceFile
    fields = ["original_name", "milestone_level", "description_th", "content_type", "size", "uploaded_by", "uploaded_at"]


class DecisionReasonForm(forms.Form):
    """The reason asked before the admin returns or approves results (kept in the history and, on return, shown)."""

    reason = forms.CharField(
        label=_("เหตุผล"), max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_LENGTH}),
        help_text=format_lazy(_("บันทึกไว้ในประวัติการแก้ไข (ไม่เกิน {n} ตัวอักษร)"), n=REASON_MAX_LENGTH),
        error_messages={"required": _("กรุณาระบุเหตุผล"),
                        "max_length": format_lazy(_("เหตุผลยาวได้ไม่เกิน {n} ตัวอักษร"), n=REASON_MAX_LENGTH)},
    )


def decision_action(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Result],
    *,
    title: str,
    intro: str,
    reason_label: str,
    apply: Callable[..., Any],
    done_message: str,
) -> TemplateResponse | None:
    """Ask for the reason, then call the service once per selected result (each atomic, each checked again)."""
    form = DecisionReasonForm(request.POST if "apply" in request.POST else None)
    form.fields["reason"].label = reason_label
    return form_action(
        modeladmin, request, queryset, form=form, title=title, intro=intro, apply=apply, done_message=done_message,
        describe=_describe,
    )


def _describe(obj: Result) -> str:
    return (f"{obj.org_unit.name_th} — {obj.assignment.number}. {obj.assignment.definition.name_th}"
            f" — {obj.round} ({obj.get_status_display()})")


@admin.register(Result)
class ResultAdmin(ReopenPermissionMixin, HistoryAdmin):
    """Read-only: no add, change, delete or history revert; reopen, return and approve go through the services."""

    list_display = [
        "org_unit",
        "assignment",
        "round",
        "status",
        "value",
        "numerator",
        "denominator",
        "reopened_until",
        "updated_at",
    ]
    actions = ["reopen_results", "return_results", "approve_results"]
    list_filter = ["round__fiscal_year", "round__number", "status", "is_demo"]
    search_fields = ["org_unit__name_th", "assignment__definition__name_th"]
    list_select_related = ["org_unit", "assignment__definition", "round__fiscal_year"]
    inlines = [MilestoneCompletionInline, SubUnitResultInline, EvidenceFileInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Result | None = None) -> list[str]:
        # Every field, also in the history's "revert" form, which builds its form from these.
        return [field.name for field in Result._meta.fields if field.name != "id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a result is created by its unit's entry page (result_save)

    def has_change_permission(self, request: HttpRequest, obj: Result | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Result | None = None) -> bool:
        return False

    def has_review_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def save_model(self, request: HttpRequest, obj: Result, form: Any, change: bool) -> None:
        raise PermissionDenied(_("แก้ไขผลการดำเนินงานในหน้าผู้ดูแลระบบไม่ได้ ใช้การเปิดให้แก้ไข ส่งกลับ หรืออนุมัติ"))

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Earlier versions can be viewed, never restored (a revert would rewrite values without a service)."""
        if request.method == "POST":
            raise PermissionDenied(_("เรียกคืนผลการดำเนินงานฉบับก่อนหน้าไม่ได้"))
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[no-any-return]

    @admin.action(description=_("เปิดให้แก้ไขผลการดำเนินงานที่เลือก (ระบุเหตุผลและวันที่)"), permissions=["reopen"])
    def reopen_results(self, request: HttpRequest, queryset: QuerySet[Result]) -> TemplateResponse | None:
        def apply(*, actor: Any, obj: Result, reason: str, until: Any) -> None:
            result_reopen(actor=actor, result=obj, reason=reason, until=until)

        return reopen_action(
            self,
            request,
            queryset.select_related("org_unit", "assignment__definition", "round__fiscal_year"),
            title="เปิดให้แก้ไขผลการดำเนินงาน",
            intro="ผู้รายงานแก้ไขและส่งผลที่เลือกได้อีกครั้งจนถึงวันที่ระบุ แม้พ้นกำหนดส่งหรืออนุมัติแล้ว "
            "เหตุผลจะบันทึกไว้ในประวัติและแสดงให้ผู้รายงานเห็น",
            date_label="เปิดให้แก้ไขถึงวันที่",
            apply=apply,
            done_message="เปิดให้แก้ไขผลการดำเนินงาน {count} รายการถึงวันที่ {until} แล้ว (เหตุผล: {reason})",
            describe=_describe,
        )

    @admin.action(description=_("ส่งกลับแก้ไขผลการดำเนินงานที่เลือก (ระบุเหตุผล)"), permissions=["review"])
    def return_results(self, request: HttpRequest, queryset: QuerySet[Result]) -> TemplateResponse | None:
        def apply(*, actor: Any, obj: Result, reason: str) -> None:
            result_return(actor=actor, result=obj, comment=reason)

        return decision_action(
            self,
            request,
            queryset.select_related("org_unit", "assignment__definition", "round__fiscal_year"),
            title=str(_("ส่งกลับแก้ไขผลการดำเนินงาน")),
            intro=str(_("ส่งกลับได้เฉพาะผลที่ส่งแล้วและรอพิจารณา เหตุผลจะแสดงให้ผู้รายงานเห็นและบันทึกไว้ในประวัติ")),
            reason_label=str(_("เหตุผลหรือสิ่งที่ต้องแก้ไข")),
            apply=apply,
            done_message=str(_("ส่งกลับแก้ไขผลการดำเนินงาน {count} รายการแล้ว (เหตุผล: {reason})")),
        )

    @admin.action(description=_("อนุมัติผลการดำเนินงานที่เลือก (ระบุเหตุผล)"), permissions=["review"])
    def approve_results(self, request: HttpRequest, queryset: QuerySet[Result]) -> TemplateResponse | None:
        def apply(*, actor: Any, obj: Result, reason: str) -> None:
            result_approve(actor=actor, result=obj, reason=reason)

        return decision_action(
            self,
            request,
            queryset.select_related("org_unit", "assignment__definition", "round__fiscal_year"),
            title=str(_("อนุมัติผลการดำเนินงาน")),
            intro=str(_("อนุมัติได้เฉพาะผลที่ส่งแล้วและรอพิจารณา และผู้อนุมัติต้องไม่ใช่ผู้ส่งผลนั้น "
                        "ผลที่อนุมัติแล้วจะถูกล็อก เหตุผลจะบันทึกไว้ในประวัติ")),
            reason_label=str(_("เหตุผลในการอนุมัติจากหน้าผู้ดูแลระบบ")),
            apply=apply,
            done_message=str(_("อนุมัติผลการดำเนินงาน {count} รายการแล้ว (เหตุผล: {reason})")),
        )
