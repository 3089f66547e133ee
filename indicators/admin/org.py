"""Admin of provinces, unit types, org units and people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators.admin.base import HistoryAdmin
from indicators.models import (
    Assignment,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Person,
    Province,
    UnitType,
)
from indicators.notifications import address_of, without_address

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
    search_fields = ["name_th", "abbreviation", "name_en", "code", "duties_th"]
    autocomplete_fields = ["parent", "supervising_division", "province"]
    list_select_related = ["unit_type", "province", "parent"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "name_th", "name_en", "abbreviation", "name_variants"]}),
        (_("สังกัดและที่ตั้ง"), {"fields": ["parent", "supervising_division", "unit_type", "province"]}),
        # Printed as the numbered "➤ หน้าที่" list of the agreement's attachment (appendix 1 of document 003).
        (_("หน้าที่ (เอกสารแนบท้ายการประเมินฯ)"), {"fields": ["duties_th"]}),
        (_("ช่วงเวลาที่ใช้และอื่น ๆ"), {"fields": ["valid_from_fy", "valid_to_fy", "order", "is_demo"]}),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 8, "cols": 90})}}


def _reviews_anything() -> Q:
    """People who receive submitted results: supervisors (by role or named on an indicator) and fallback reviewers."""
    return (
        Q(role=Person.Role.SUPERVISOR)
        | Q(Exists(Assignment.objects.filter(supervisor=OuterRef("pk"))))
        | Q(Exists(IndicatorDefinition.objects.filter(supervisor=OuterRef("pk"))))
        | Q(Exists(Framework.objects.filter(fallback_reviewer=OuterRef("pk"))))
    )


class ReviewerWithoutEmailFilter(admin.SimpleListFilter):
    title = _("อีเมลของผู้กำกับดูแล")
    parameter_name = "reviewer_email"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("missing", _("ผู้กำกับดูแลที่ไม่มีอีเมล"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Person]) -> QuerySet[Person]:
        if self.value() == "missing":
            return queryset.filter(_reviews_anything()).filter(without_address())
        return queryset


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["full_name", "position", "org_unit", "role", "phone", "email_flag", "user"]
    list_filter = ["role", ReviewerWithoutEmailFilter, "is_demo"]
    search_fields = ["full_name", "position", "phone", "user__username"]
    autocomplete_fields = ["org_unit", "reporting_units", "user"]
    list_select_related = ["org_unit", "user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        reviews = ExpressionWrapper(_reviews_anything(), output_field=BooleanField())
        return super().get_queryset(request).annotate(reviews_results=reviews)

    @admin.display(description=_("อีเมล"))
    def email_flag(self, obj: Person) -> str:
        """The address e-mails go to; a supervisor without one is flagged (submitted results would reach nobody)."""
        address = address_of(obj)
        if address:
            return address
        if getattr(obj, "reviews_results", False):
            return format_html('<span class="reviewer-no-email" title="{}">⚠ {}</span>',
                               "ผลที่หน่วยงานส่งจะไม่มีอีเมลแจ้ง", "ผู้กำกับดูแลไม่มีอีเมล")
        return "-"
