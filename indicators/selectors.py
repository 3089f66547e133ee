"""Reads for pages and reports, with their joins done once (STYLE.md practice 4)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from indicators.models import Assignment, Criteria, FiscalYear, Framework


def fiscal_year_current() -> FiscalYear | None:
    """The newest fiscal year that has frameworks, else the newest year."""
    with_frameworks = FiscalYear.objects.filter(frameworks__isnull=False).order_by("-be_year").first()
    return with_frameworks or FiscalYear.objects.order_by("-be_year").first()


def framework_list(*, fiscal_year: FiscalYear) -> QuerySet[Framework]:
    return (
        Framework.objects.filter(fiscal_year=fiscal_year)
        .prefetch_related("org_units", "unit_types", "assignments")
        .order_by("level", "number", "name_th")
    )


def framework_detail(*, pk: int) -> Framework:
    """A framework with assignments, definitions and both rounds' criteria with levels, in a fixed number of queries."""
    criteria = Criteria.objects.prefetch_related("levels")
    assignments = (
        Assignment.objects.select_related("definition", "parent")
        .prefetch_related(Prefetch("definition__criteria", queryset=criteria), "applies_to_unit_types")
        .order_by("order", "number")
    )
    return (
        Framework.objects.select_related("fiscal_year")
        .prefetch_related(Prefetch("assignments", queryset=assignments), "org_units", "unit_types")
        .get(pk=pk)
    )
