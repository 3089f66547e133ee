"""The Thai admin in which กลุ่มพัฒนาระบบบริหาร defines years, units, indicators, criteria and frameworks.

Every form goes through the models' clean() and the same engine checks as the services; every change is kept by
django-simple-history (history button on each page: who, when, what).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators import scoring
from indicators.criteria_spec import build_spec, printed_levels
from indicators.models import (
    Assignment,
    Baseline,
    Criteria,
    CriteriaLevel,
    ExternalScore,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Person,
    Province,
    ProvinceTarget,
    Result,
    Round,
    ScoringPolicy,
    StrategicLink,
    UnitType,
)
from indicators.permissions import is_admin
from indicators.services.frameworks import framework_problems, weight_problems, weight_summary
from indicators.services.results import result_reopen, round_reopen
from indicators.templatetags.thai_dates import thai_date

admin.site.site_header = _("DSDW KPI — ระบบตัวชี้วัดกรมพัฒนาสังคมและสวัสดิการ")
admin.site.site_title = _("DSDW KPI")
admin.site.index_title = _("การจัดการตัวชี้วัดและกรอบการประเมิน")


class HistoryAdmin(SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    """Base admin: nested inlines plus the history view."""


# --- organisation --------------------------------------------------------------------------------------------


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["order", "name_th", "code", "is_bangkok"]
    list_display_links = ["name_th"]
    search_fields = ["name_th", "name_en", "code"]


@admin.register(UnitType)
class UnitTypeAdmin(HistoryAdmin):
    list_display = ["name_th", "code", "name_en"]
    search_fields = ["name_th", "name_en", "code"]


@admin.register(OrgUnit)
class OrgUnitAdmin(HistoryAdmin):
    list_display = ["name_th", "abbreviation", "kind", "unit_type", "province", "parent", "is_demo"]
    list_filter = ["kind", "unit_type", "is_demo"]
    search_fields = ["name_th", "abbreviation", "name_en", "code"]
    autocomplete_fields = ["parent", "supervising_division", "province"]
    list_select_related = ["unit_type", "province", "parent"]


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["full_name", "position", "org_unit", "role", "phone", "user"]
    list_filter = ["role", "is_demo"]
    search_fields = ["full_name", "position", "phone", "user__username"]
    autocomplete_fields = ["org_unit", "reporting_units", "user"]
    list_select_related = ["org_unit", "user"]


# --- reopening after the deadline (an action with an intermediate page asking for the reason and the date) ----


def reopen_action(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any], *, title: str, intro: str,
    date_label: str, apply: Any, done_message: str, describe: Any = str,
) -> TemplateResponse | None:
    """Ask for the reason and the date, then call the reopening service once per selected row (each atomic).

    The first POST comes from the changelist; the page posts back with "apply" and the same selection.
    """
    from indicators.views_review import ReopenForm

    form = ReopenForm(request.POST if "apply" in request.POST else None,
                      initial={"until": timezone.localdate() + dt.timedelta(days=7)})
    form.fields["until"].label = date_label
    if form.is_bound and form.is_valid():
        reason, until = form.cleaned_data["reason"], form.cleaned_data["until"]
        done = 0
        for obj in queryset:
            try:
                apply(actor=request.user, obj=obj, reason=reason, until=until)
            except (PermissionDenied, ValidationError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                modeladmin.message_user(request, f"{obj}: {text}", level=messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request, done_message.format(count=done, until=thai_date(until), reason=reason), level=messages.SUCCESS
            )
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "objects": [(obj.pk, describe(obj)) for obj in queryset],
        "form": form,
        "opts": opts,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/indicators/reopen.html", context)


class ReopenPermissionMixin:
    """Only admins (superusers and the admin role, กลุ่มพัฒนาระบบบริหาร) see and may run the reopen actions."""

    def has_reopen_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)


# --- calendar and policy -------------------------------------------------------------------------------------


class RoundInline(nested_admin.NestedTabularInline):
    model = Round
    extra = 0
    max_num = 2
    fields = ["number", "start_date", "end_date", "printed_period_th", "entry_deadline", "is_open"]


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
        from indicators.tasks import copy_framework_forward

        for year in queryset.order_by("be_year"):
            target = year.be_year + 1
            if FiscalYear.objects.filter(be_year=target, indicator_definitions__isnull=False).exists():
                self.message_user(
                    request, f"ปีงบประมาณ พ.ศ. {target} มีตัวชี้วัดอยู่แล้ว จึงคัดลอกทับไม่ได้", level=messages.ERROR
                )
                continue
            params = {"user_id": request.user.pk, "source_year": year.be_year, "target_year": target}
            transaction.on_commit(lambda params=params: copy_framework_forward.delay(**params))
            self.message_user(
                request,
                f"เริ่มคัดลอกตัวชี้วัดและกรอบตัวชี้วัดจากปี {year.be_year} ไปปี {target} แล้ว "
                "(สถานะร่าง) — รีเฟรชหน้านี้เพื่อดูผล",
                level=messages.SUCCESS,
            )


@admin.register(Round)
class RoundAdmin(ReopenPermissionMixin, HistoryAdmin):
    """The rounds of every year; the action reopens entry until a new deadline, with the reason in the history."""

    list_display = ["__str__", "period", "deadline", "is_open"]
    list_filter = ["fiscal_year", "number", "is_open"]
    list_select_related = ["fiscal_year"]
    fields = ["fiscal_year", "number", "start_date", "end_date", "printed_period_th", "entry_deadline", "is_open"]
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
            self, request, queryset.select_related("fiscal_year"), title="เปิดรอบการรายงานอีกครั้ง",
            intro="ทุกหน่วยงานรายงานและส่งผลของรอบที่เลือกได้อีกครั้งจนถึงกำหนดส่งใหม่ เหตุผลจะบันทึกไว้ในประวัติของรอบ",
            date_label="กำหนดส่งใหม่", apply=apply,
            done_message="เปิดรอบการรายงาน {count} รอบแล้ว กำหนดส่งใหม่ {until} (เหตุผล: {reason})",
            describe=lambda obj: f"{obj} — กำหนดส่งเดิม {thai_date(obj.entry_deadline) or 'ไม่ได้กำหนด'}"
                                 f"{'' if obj.is_open else ' (ปิดรับรายงานอยู่)'}",
        )


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(HistoryAdmin):
    list_display = ["fiscal_year", "interpolate", "below_floor", "composite_combine", "five_level_total"]


# --- indicators and criteria ---------------------------------------------------------------------------------


class CriteriaLevelFormSet(nested_admin.formsets.NestedInlineFormSet):
    """Checks the levels together with their criteria through the scoring engine before anything is saved."""

    def clean(self) -> None:
        super().clean()
        criteria: Criteria = self.instance
        if not criteria.method or any(form.errors for form in self.forms):
            return
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        try:
            build_spec(criteria, rows)
        except scoring.CriteriaError as exc:
            raise ValidationError(str(exc)) from exc


class CriteriaLevelInline(nested_admin.NestedTabularInline):
    model = CriteriaLevel
    formset = CriteriaLevelFormSet
    extra = 0
    fields = [
        "part", "level", "defined", "threshold", "band_min", "band_min_inclusive", "band_max", "band_max_inclusive",
        "milestone_th", "printed_text_th",
    ]
    formfield_overrides = {
        CriteriaLevel._meta.get_field("milestone_th").__class__: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }


class CriteriaInline(nested_admin.NestedStackedInline):
    model = Criteria
    extra = 0
    inlines = [CriteriaLevelInline]
    fields = [
        ("round_number", "method", "scale", "direction"),
        ("interpolate", "combine", "external"),
        "level1_milestone_th", "part_names_th", "measure_th", "derivation_note_th", "as_printed",
    ]
    readonly_fields = ["as_printed"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Criteria]:
        return super().get_queryset(request).filter(assignment__isnull=True).prefetch_related("levels")

    @admin.display(description=_("เกณฑ์ตามที่พิมพ์"))
    def as_printed(self, obj: Criteria) -> str:
        return render_criteria_table(obj)


def render_criteria_table(criteria: Criteria) -> str:
    """A small HTML table of the criteria as the manual prints them ("-" levels greyed out)."""
    if criteria.pk is None:
        return "-"
    rows = []
    for name, cells in printed_levels(criteria):
        header = format_html_join("", "<th>{}</th>", ((label,) for label, _text, _defined in cells))
        body = format_html_join(
            "", '<td class="{}">{}</td>', (("" if defined else "undefined-level", text) for _l, text, defined in cells)
        )
        rows.append(format_html('<tr><th>{}</th>{}</tr><tr><td></td>{}</tr>', name or "ระดับ", header, body))
    return format_html('<table class="criteria-printed">{}</table>', format_html_join("", "{}", ((r,) for r in rows)))


class BaselineInline(nested_admin.NestedTabularInline):
    model = Baseline
    extra = 0
    fields = ["year_be", "value", "numerator", "denominator", "text_th"]


class StrategicLinkInline(nested_admin.NestedTabularInline):
    model = StrategicLink
    extra = 0
    fields = ["order", "kind", "text_th"]


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(HistoryAdmin):
    list_display = ["code", "short_name", "fiscal_year", "unit_of_measure", "kind", "source_category", "supervisor"]
    list_filter = ["fiscal_year", "kind", "unit_of_measure", "source_category", "external_system", "mandatory"]
    search_fields = ["code", "name_th", "description_th"]
    autocomplete_fields = ["supervisor", "data_collectors", "parent", "previous_version"]
    list_select_related = ["fiscal_year", "supervisor"]
    inlines = [CriteriaInline, BaselineInline, StrategicLinkInline]
    fieldsets = [
        (None, {"fields": [("fiscal_year", "code"), "name_th", "label_suffix", ("unit_of_measure", "kind", "status"),
                           ("source_category", "source_detail_th"), ("mandatory", "external_system"), "parent",
                           "previous_version"]}),
        (_("คำอธิบายและสูตรการคำนวณ"), {"fields": ["description_th", "scope_th", "formula_numerator_th",
                                                 "formula_denominator_th", "formula_multiplier", "conditions_th"]}),
        (_("แหล่งข้อมูลและผู้รับผิดชอบ"), {"fields": ["data_source_th", "collection_method_th", "benefit_th",
                                                   "supervisor", "data_collectors"]}),
    ]

    @admin.display(description=_("ชื่อตัวชี้วัด"), ordering="name_th")
    def short_name(self, obj: IndicatorDefinition) -> str:
        return obj.name_th if len(obj.name_th) < 120 else obj.name_th[:118] + "…"


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
            rows.append({
                "key": form.instance.pk or f"new-{index}",
                "parent": parent.pk if parent else None,
                "weight": data.get("weight"),
                "component": data.get("component"),
                "number": data.get("number"),
            })
        self.weight_problems = weight_problems(framework, rows)
        if framework.status == Framework.Status.APPROVED and self.weight_problems:
            raise ValidationError([_("อนุมัติกรอบตัวชี้วัดไม่ได้:"), *self.weight_problems])


class AssignmentInline(nested_admin.NestedTabularInline):
    model = Assignment
    formset = AssignmentFormSet
    fk_name = "framework"
    extra = 0
    fields = ["order", "number", "definition", "component", "weight", "parent", "source_category", "responsible_text_th"]
    autocomplete_fields = ["definition"]

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
        ("fiscal_year", "number"), "name_th", ("level", "scale", "status"),
        ("enforce_component_split", "performance_weight", "potential_weight"),
        "org_units", "unit_types", "notes_th", "weight_check",
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
            return format_html('<span class="framework-ok">{}</span>', "ครบถ้วน: น้ำหนักรวม 100 และเกณฑ์ทั้งสองรอบใช้คิดคะแนนได้")
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
    fields = [("round_number", "method", "scale", "direction"), ("interpolate", "combine", "external"),
              "level1_milestone_th", "part_names_th", "measure_th", "derivation_note_th", "as_printed"]

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
    list_display = ["org_unit", "assignment", "round", "status", "value", "numerator", "denominator", "reopened_until",
                    "updated_at"]
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
            self, request, queryset.select_related("org_unit", "assignment__definition", "round__fiscal_year"),
            title="เปิดให้แก้ไขผลการดำเนินงาน",
            intro="ผู้รายงานแก้ไขและส่งผลที่เลือกได้อีกครั้งจนถึงวันที่ระบุ แม้พ้นกำหนดส่งหรืออนุมัติแล้ว "
                  "เหตุผลจะบันทึกไว้ในประวัติและแสดงให้ผู้รายงานเห็น",
            date_label="เปิดให้แก้ไขถึงวันที่", apply=apply,
            done_message="เปิดให้แก้ไขผลการดำเนินงาน {count} รายการถึงวันที่ {until} แล้ว (เหตุผล: {reason})",
            describe=lambda obj: f"{obj.org_unit.name_th} — {obj.assignment.number}. {obj.assignment.definition.name_th}"
                                 f" — {obj.round} ({obj.get_status_display()})",
        )
