"""Admin of frameworks and assignments with live weight totals; criteria, levels, targets, scores (results: results.py)."""

from __future__ import annotations

from typing import Any

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from indicators import scoring
from indicators.admin.base import HistoryAdmin
from indicators.admin.catalog import CriteriaInline, CriteriaLevelInline, render_criteria_table
from indicators.admin.framework_control import (
    AmendingFilter,
    LockedAdminMixin,
    LockedInlineMixin,
    SupervisorFilter,
    available_operations,
    change_control_page,
    change_control_view,
    refuse_locked_parent,
    reviewer_warnings,
    reviewers_view,
)
from indicators.criteria_spec import build_spec
from indicators.framework_history import framework_changes
from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    ExternalScore,
    Framework,
    ProvinceTarget,
)
from indicators.services.frameworks import framework_problems, weight_problems, weight_summary
from indicators.templatetags.thai_dates import thai_date

# --- frameworks ----------------------------------------------------------------------------------------------


class AssignmentFormSet(nested_admin.formsets.NestedInlineFormSet):
    """Weights must total 100 with the 70/30 split, and sub-indicators their parent; enforced on approval.

    A draft or an amendment may be saved incomplete (with a warning); framework_approve() refuses it.
    """

    def clean(self) -> None:
        super().clean()
        framework: Framework = self.instance
        if any(form.errors for form in self.forms):
            return
        rows = []
        for index, form in enumerate(self.forms):
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            parent = data.get("parent")
            rows.append(
                {
                    "key": form.instance.pk or f"new-{index}",
                    "parent": parent.pk if parent else None,
                    "weight": data.get("weight"),
                    "component": data.get("component"),
                    "number": data.get("number"),
                }
            )
        self.weight_problems = weight_problems(framework, rows)


class AssignmentInline(LockedInlineMixin, nested_admin.NestedTabularInline):
    model = Assignment
    formset = AssignmentFormSet
    fk_name = "framework"
    extra = 0
    fields = [
        "order",
        "number",
        "definition",
        "component",
        "weight",
        "parent",
        "supervisor",
        "source_category",
        "responsible_text_th",
        "plan_issue_th",
        "goal_th",
    ]
    autocomplete_fields = ["definition", "supervisor"]
    # Plan issue and goal are printed in the agreement's attachment and summary table (appendix 1 of 003).
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}}

    def get_formset(self, request: HttpRequest, obj: Framework | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        parent_field = formset.form.base_fields.get("parent")
        if parent_field is not None:
            parent_field.queryset = Assignment.objects.filter(framework=obj) if obj else Assignment.objects.none()
        return formset


@admin.register(Framework)
class FrameworkAdmin(LockedAdminMixin, HistoryAdmin):
    """An approved framework is read-only; the buttons reopen, amend or approve it through the services."""

    list_display = ["__str__", "level", "state", "weight_total", "units"]
    list_filter = ["fiscal_year", "level", "status", AmendingFilter, "is_demo"]
    search_fields = ["name_th", "org_units__name_th", "org_units__abbreviation"]
    autocomplete_fields = ["org_units", "fallback_reviewer"]
    filter_horizontal = ["unit_types"]
    inlines = [AssignmentInline]
    # The status changes only through the services (approve, reopen, amend): never a plain field.
    readonly_fields = ["state", "amendment", "weight_check", "reviewer_check"]
    fields = [
        ("fiscal_year", "number"),
        "name_th",
        ("level", "scale", "state"),
        "amendment",
        ("enforce_component_split", "performance_weight", "potential_weight"),
        "org_units",
        "unit_types",
        "fallback_reviewer",
        "reviewer_check",
        "notes_th",
        "weight_check",
    ]
    actions = ["approve_frameworks", "reopen_frameworks", "amend_frameworks"]
    object_history_template = "admin/indicators/framework/object_history.html"

    class Media:
        js = ["indicators/js/framework_weights.js"]
        css = {"all": ["indicators/css/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Framework]:
        return super().get_queryset(request).select_related("fiscal_year").prefetch_related("assignments", "org_units")

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/change-control/<str:name>/",
                 view(lambda request, object_id, name: change_control_view(self, request, object_id, name)),
                 name="indicators_framework_control"),
            path("<path:object_id>/reviewers/", view(lambda request, object_id: reviewers_view(self, request, object_id)),
                 name="indicators_framework_reviewers"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        framework = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if framework is not None:
            extra["control_operations"] = [
                (name, reverse("admin:indicators_framework_control", args=[framework.pk, name]))
                for name in available_operations(framework)
            ]
            extra["reviewers_url"] = reverse("admin:indicators_framework_reviewers", args=[framework.pk])
            extra["framework_locked"] = framework.is_locked
        return super().change_view(request, object_id, form_url, extra)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """simple_history's list, under the field-level changes of the framework and its assignments (old → new)."""
        framework = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if framework is not None:
            extra["framework_changes"] = framework_changes(framework)[:500]
        return super().history_view(request, object_id, extra)  # type: ignore[no-any-return]

    @admin.display(description=_("สถานะ"), ordering="status")
    def state(self, obj: Framework) -> str:
        return obj.state_label

    @admin.display(description=_("การแก้ไขเพิ่มเติม"))
    def amendment(self, obj: Framework) -> str:
        if not obj.is_amending:
            return "-"
        started = timezone.localtime(obj.amendment_started_at) if obj.amendment_started_at else None
        return format_html(
            '<span class="framework-problems">{}</span>',
            f"อยู่ระหว่างแก้ไขเพิ่มเติมตั้งแต่ {thai_date(started.date()) if started else ''} "
            f"(เหตุผล: {obj.amendment_reason_th}) — แก้ไขได้จนกว่าจะกด \"อนุมัติกรอบตัวชี้วัด\"",
        )

    @admin.display(description=_("ผู้พิจารณาผล"))
    def reviewer_check(self, obj: Framework) -> str:
        if obj.pk is None:
            return "-"
        warnings = reviewer_warnings(obj)
        if not warnings:
            return format_html('<span class="framework-ok">{}</span>', "ทุกตัวชี้วัดมีผู้กำกับดูแลที่มีอีเมล")
        return format_html(
            '<ul class="framework-problems">{}</ul>', format_html_join("", "<li>{}</li>", ((w,) for w in warnings))
        )

    def _control(self, request: HttpRequest, queryset: QuerySet[Framework], name: str) -> TemplateResponse | None:
        return change_control_page(self, request, queryset.select_related("fiscal_year"), name, from_changelist=True)

    @admin.action(description=_("อนุมัติกรอบตัวชี้วัดที่เลือก (หรืออนุมัติการแก้ไขเพิ่มเติม)"))
    def approve_frameworks(self, request: HttpRequest, queryset: QuerySet[Framework]) -> TemplateResponse | None:
        return self._control(request, queryset, "approve")

    @admin.action(description=_("เปิดกรอบตัวชี้วัดที่เลือกกลับเป็นร่าง (ยังไม่มีผล, ระบุเหตุผล)"))
    def reopen_frameworks(self, request: HttpRequest, queryset: QuerySet[Framework]) -> TemplateResponse | None:
        return self._control(request, queryset, "reopen")

    @admin.action(description=_("แก้ไขเพิ่มเติมกรอบตัวชี้วัดที่เลือก (มีผลแล้ว, ระบุเหตุผล, แจ้งผู้รายงานผล)"))
    def amend_frameworks(self, request: HttpRequest, queryset: QuerySet[Framework]) -> TemplateResponse | None:
        return self._control(request, queryset, "amend")

    @admin.display(description=_("น้ำหนักรวม"))
    def weight_total(self, obj: Framework) -> str:
        from indicators.services.frameworks import assignment_rows

        summary = weight_summary(assignment_rows(obj))
        return f"{summary.total.normalize():f} ({summary.performance.normalize():f}/{summary.potential.normalize():f})"

    @admin.display(description=_("หน่วยงาน"))
    def units(self, obj: Framework) -> str:
        return ", ".join(u.abbreviation or u.name_th for u in obj.org_units.all())

    @admin.display(description=_("ตรวจสอบกรอบ"))
    def weight_check(self, obj: Framework) -> str:
        if obj.pk is None:
            return "-"
        problems = framework_problems(obj)
        if not problems:
            return format_html(
                '<span class="framework-ok">{}</span>', "ครบถ้วน: น้ำหนักรวม 100 และเกณฑ์ทั้งสองรอบใช้คิดคะแนนได้"
            )
        return format_html(
            '<ul class="framework-problems">{}</ul>', format_html_join("", "<li>{}</li>", ((p,) for p in problems))
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        framework = Framework.objects.get(pk=form.instance.pk)  # fresh: the form's instance holds prefetched rows
        problems = framework_problems(framework)
        if problems and not framework.is_locked:
            self.message_user(request, "กรอบตัวชี้วัดยังไม่ครบถ้วน: " + "; ".join(problems), level=messages.WARNING)


class LockedCriteriaLevelInline(LockedInlineMixin, CriteriaLevelInline):
    """The levels of an own criteria of an approved framework's assignment: read-only."""


class AssignmentCriteriaInline(LockedInlineMixin, CriteriaInline):
    fk_name = "assignment"
    inlines = [LockedCriteriaLevelInline]
    fields = [
        ("round_number", "method", "scale", "direction"),
        ("interpolate", "combine", "external"),
        "level1_milestone_th",
        "part_names_th",
        "measure_th",
        "derivation_note_th",
        "as_printed",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Criteria]:
        return Criteria.objects.filter(assignment__isnull=False).prefetch_related("levels")

    def get_formset(self, request: HttpRequest, obj: Assignment | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields.pop("definition", None)
        return formset


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        refuse_locked_parent(data.get("framework"))
        return data


@admin.register(Assignment)
class AssignmentAdmin(LockedAdminMixin, HistoryAdmin):
    form = AssignmentForm
    list_display = ["__str__", "framework", "component", "weight", "reviewer"]
    list_filter = ["framework__fiscal_year", "framework__level", "component", SupervisorFilter]
    search_fields = ["definition__name_th", "definition__code", "framework__name_th", "number"]
    autocomplete_fields = ["framework", "definition", "parent", "responsible_units", "supervisor", "collectors"]
    filter_horizontal = ["applies_to_unit_types"]
    list_select_related = ["framework__fiscal_year", "definition__supervisor", "supervisor"]
    inlines = [AssignmentCriteriaInline]

    @admin.display(description=_("ผู้กำกับดูแลตัวชี้วัด"))
    def reviewer(self, obj: Assignment) -> str:
        supervisor = obj.supervisor or obj.definition.supervisor
        if supervisor is None:
            return format_html('<span class="framework-problems">{}</span>', "ยังไม่มี")
        return supervisor.full_name

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if isinstance(inline_form.instance, Criteria) and not inline_form.instance.definition_id:
                inline_form.instance.definition = form.instance.definition
        super().save_formset(request, form, formset, change)


class CriteriaForm(forms.ModelForm):
    class Meta:
        model = Criteria
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        refuse_locked_parent(data.get("assignment"))
        return data


@admin.register(Criteria)
class CriteriaAdmin(LockedAdminMixin, HistoryAdmin):
    form = CriteriaForm
    list_display = ["definition", "round_number", "method", "assignment"]
    list_filter = ["round_number", "method", "definition__fiscal_year"]
    search_fields = ["definition__name_th", "definition__code"]
    autocomplete_fields = ["definition", "assignment"]
    inlines = [LockedCriteriaLevelInline]
    readonly_fields = ["as_printed"]

    @admin.display(description=_("เกณฑ์ตามที่พิมพ์"))
    def as_printed(self, obj: Criteria) -> str:
        return render_criteria_table(obj)


class CriteriaLevelForm(forms.ModelForm):
    """A single level edited on its own page is checked together with its sibling levels."""

    class Meta:
        model = CriteriaLevel
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        criteria = data.get("criteria")
        refuse_locked_parent(criteria)
        if criteria is not None and not self.errors:
            siblings = [level.as_row() for level in criteria.levels.exclude(pk=self.instance.pk)]
            try:
                build_spec(criteria, [*siblings, {**data, "part": data.get("part") or 1}])
            except scoring.CriteriaError as exc:
                raise ValidationError(str(exc)) from exc
        return data


@admin.register(CriteriaLevel)
class CriteriaLevelAdmin(LockedAdminMixin, HistoryAdmin):
    """Reached from its criteria; registered so each level's own history (who changed which value) can be opened."""

    form = CriteriaLevelForm

    list_display = ["criteria", "part", "level", "threshold", "band_min", "band_max", "defined"]
    list_filter = ["criteria__definition__fiscal_year", "criteria__method"]
    search_fields = ["criteria__definition__name_th", "criteria__definition__code"]
    list_select_related = ["criteria__definition"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ProvinceTarget)
class ProvinceTargetAdmin(HistoryAdmin):
    list_display = ["province", "definition", "base_value", "increase", "target"]
    list_filter = ["definition__fiscal_year"]
    search_fields = ["province__name_th"]
    list_select_related = ["province", "definition__fiscal_year"]


@admin.register(ExternalScore)
class ExternalScoreAdmin(HistoryAdmin):
    list_display = ["system", "org_unit", "fiscal_year", "round_number", "score"]
    list_filter = ["system", "fiscal_year"]
    search_fields = ["org_unit__name_th"]
    autocomplete_fields = ["org_unit"]
