"""Admin of provinces, unit types, org units and people."""

from __future__ import annotations

from django.contrib import admin

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
