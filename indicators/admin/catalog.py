"""Admin of indicator definitions with their criteria (levels nested), baselines and strategy links."""

from __future__ import annotations

import nested_admin
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from indicators import scoring
from indicators.admin.base import HistoryAdmin
from indicators.criteria_spec import build_spec, printed_levels
from indicators.models import (
    Baseline,
    Criteria,
    CriteriaLevel,
    IndicatorDefinition,
    StrategicLink,
)

# --- indicators and criteria ---------------------------------------------------------------------------------


class CriteriaLevelFormSet(nested_admin.formsets.NestedInlineFormSet):
    """Checks the levels together with their criteria through the scoring engine before anything is saved."""

    def clean(self) -> None:
        super().clean()
        criteria: Criteria = self.instance
        if not criteria.method or any(form.errors for form in self.forms):
            return
        rows = [
            form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
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
        "part",
        "level",
        "defined",
        "threshold",
        "band_min",
        "band_min_inclusive",
        "band_max",
        "band_max_inclusive",
        "milestone_th",
        "printed_text_th",
    ]
    formfield_overrides = {
        CriteriaLevel._meta.get_field("milestone_th").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 40})
        },
    }


class CriteriaInline(nested_admin.NestedStackedInline):
    model = Criteria
    extra = 0
    inlines = [CriteriaLevelInline]
    fields = [
        ("round_number", "method", "scale", "direction"),
        ("interpolate", "combine", "external"),
        "level1_milestone_th",
        "part_names_th",
        "measure_th",
        "derivation_note_th",
        "as_printed",
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
        rows.append(format_html("<tr><th>{}</th>{}</tr><tr><td></td>{}</tr>", name or "ระดับ", header, body))
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
        (
            None,
            {
                "fields": [
                    ("fiscal_year", "code"),
                    "name_th",
                    "label_suffix",
                    ("unit_of_measure", "kind", "status"),
                    ("source_category", "source_detail_th"),
                    ("mandatory", "external_system"),
                    "parent",
                    "previous_version",
                ]
            },
        ),
        (
            _("คำอธิบายและสูตรการคำนวณ"),
            {
                "fields": [
                    "description_th",
                    "scope_th",
                    "formula_numerator_th",
                    "formula_denominator_th",
                    "formula_multiplier",
                    "conditions_th",
                ]
            },
        ),
        (
            _("แหล่งข้อมูลและผู้รับผิดชอบ"),
            {"fields": ["data_source_th", "collection_method_th", "benefit_th", "supervisor", "data_collectors"]},
        ),
    ]

    @admin.display(description=_("ชื่อตัวชี้วัด"), ordering="name_th")
    def short_name(self, obj: IndicatorDefinition) -> str:
        return obj.name_th if len(obj.name_th) < 120 else obj.name_th[:118] + "…"
