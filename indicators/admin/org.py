"""Admin of provinces, unit types, org units and people."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.admin.base import HistoryAdmin
from indicators.models import (
    OrgUnit,
    Person,
    Province,
    UnitType,
)

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


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["full_name", "position", "org_unit", "role", "phone", "user"]
    list_filter = ["role", "is_demo"]
    search_fields = ["full_name", "position", "phone", "user__username"]
    autocomplete_fields = ["org_unit", "reporting_units", "user"]
    list_select_related = ["org_unit", "user"]
