"""Admin of frameworks and assignments with live weight totals; criteria, levels, targets, scores, results."""

from __future__ import annotations

from typing import Any

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from indicators import scoring
from indicators.admin.base import HistoryAdmin, ReopenPermissionMixin, reopen_action
from indicators.admin.catalog import CriteriaInline, CriteriaLevelInline, render_criteria_table
from indicators.criteria_spec import build_spec
from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    ExternalScore,
    Framework,
    ProvinceTarget,
    Result,
)
from indicators.services.frameworks import framework_problems, weight_problems, weight_summary
from indicators.services.results import result_reopen

# --- frameworks ----------------------------------------------------------------------------------------------


class AssignmentFormSet(nested_admin.formsets.NestedInlineFormSet):
    """Weights must total 100 with the 70/30 split, and sub-indicators their parent; enforced on approval."""

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
        if framework.status == Framework.Status.APPROVED and self.weight_problems:
            raise ValidationError([_("อนุมัติกรอบตัวชี้วัดไม่ได้:"), *self.weight_problems])


class AssignmentInline(nested_admin.NestedTabularInline):
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
        "source_category",
        "responsible_text_th",
        "plan_issue_th",
        "goal_th",
    ]
    autocomplete_fields = ["definition"]
    # Plan issue and goal are printed in the agreement's attachment and summary table (appendix 1 of 003).
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}}

    def get_formset(self, request: HttpRequest, obj: Framework | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        parent_field = formset.form.base_fields.get("parent")
        if parent_field is not None:
            parent_field.queryset = Assignment.objects.filter(framework=obj) if obj else Assignment.objects.none()
        return formset


@admin.register(Framework)
class FrameworkAdmin(HistoryAdmin):
    list_display = ["__str__", "level", "status", "weight_total", "units"]
    list_filter = ["fiscal_year", "level", "status", "is_demo"]
    search_fields = ["name_th", "org_units__name_th", "org_units__abbreviation"]
    autocomplete_fields = ["org_units"]
    filter_horizontal = ["unit_types"]
    inlines = [AssignmentInline]
    readonly_fields = ["weight_check"]
    fields = [
        ("fiscal_year", "number"),
        "name_th",
        ("level", "scale", "status"),
        ("enforce_component_split", "performance_weight", "potential_weight"),
        "org_units",
        "unit_types",
        "notes_th",
        "weight_check",
    ]

    class Media:
        js = ["indicators/js/framework_weights.js"]
        css = {"all": ["indicators/css/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Framework]:
        return super().get_queryset(request).select_related("fiscal_year").prefetch_related("assignments", "org_units")

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
        if problems and framework.status == Framework.Status.DRAFT:
            self.message_user(request, "กรอบตัวชี้วัดยังไม่ครบถ้วน: " + "; ".join(problems), level=messages.WARNING)


class AssignmentCriteriaInline(CriteriaInline):
    fk_name = "assignment"
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


@admin.register(Assignment)
class AssignmentAdmin(HistoryAdmin):
    list_display = ["__str__", "framework", "component", "weight"]
    list_filter = ["framework__fiscal_year", "framework__level", "component"]
    search_fields = ["definition__name_th", "definition__code", "framework__name_th", "number"]
    autocomplete_fields = ["framework", "definition", "parent", "responsible_units", "supervisor", "collectors"]
    filter_horizontal = ["applies_to_unit_types"]
    list_select_related = ["framework__fiscal_year", "definition"]
    inlines = [AssignmentCriteriaInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if isinstance(inline_form.instance, Criteria) and not inline_form.instance.definition_id:
                inline_form.instance.definition = form.instance.definition
        super().save_formset(request, form, formset, change)


@admin.register(Criteria)
class CriteriaAdmin(HistoryAdmin):
    list_display = ["definition", "round_number", "method", "assignment"]
    list_filter = ["round_number", "method", "definition__fiscal_year"]
    search_fields = ["definition__name_th", "definition__code"]
    autocomplete_fields = ["definition", "assignment"]
    inlines = [CriteriaLevelInline]
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
        if criteria is not None and not self.errors:
            siblings = [level.as_row() for level in criteria.levels.exclude(pk=self.instance.pk)]
            try:
                build_spec(criteria, [*siblings, {**data, "part": data.get("part") or 1}])
            except scoring.CriteriaError as exc:
                raise ValidationError(str(exc)) from exc
        return data


@admin.register(CriteriaLevel)
class CriteriaLevelAdmin(HistoryAdmin):
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


@admin.register(Result)
class ResultAdmin(ReopenPermissionMixin, HistoryAdmin):
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
    actions = ["reopen_results"]
    list_filter = ["round__fiscal_year", "round__number", "status", "is_demo"]
    search_fields = ["org_unit__name_th", "assignment__definition__name_th"]
    autocomplete_fields = ["assignment", "org_unit"]
    list_select_related = ["org_unit", "assignment__definition", "round__fiscal_year"]
    readonly_fields = ["version", "created_by", "updated_by", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Result, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        obj.updated_by = request.user  # type: ignore[assignment]
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

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
            describe=lambda obj: f"{obj.org_unit.name_th} — {obj.assignment.number}. {obj.assignment.definition.name_th}"
            f" — {obj.round} ({obj.get_status_display()})",
        )
