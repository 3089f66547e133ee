"""Querysets for prefetching a parent's rows, ordered by the rows' own columns.

The models' default orderings start with their parent (``ordering = ["result", ...]``, ``["criteria", ...]``), which
Django expands through the parent's own default ordering into joins (a result's round, fiscal year, unit and
assignment; a criteria's definition, assignment and framework) on every query. Within one parent these give the same
order as the columns that follow, so a prefetch (which groups by parent) can order by those alone: the same rows in
the same order, without the joins — a large share of the CPU of the entry, review and scorecard pages.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from indicators.models import Criteria, CriteriaLevel, EvidenceFile, MilestoneCompletion, SubUnitResult


def criteria_levels() -> QuerySet[CriteriaLevel]:
    """A criteria's levels as ``CriteriaLevel.Meta.ordering`` gives them within one criteria."""
    return CriteriaLevel.objects.order_by("criteria_id", "part", "level")


def criteria_with_levels() -> QuerySet[Criteria]:
    """A definition's criteria (picked by round and assignment, never by position) with their levels."""
    return Criteria.objects.order_by("definition_id", "round_number", "pk").prefetch_related(
        Prefetch("levels", queryset=criteria_levels())
    )


def milestones() -> QuerySet[MilestoneCompletion]:
    return MilestoneCompletion.objects.order_by("result_id", "level", "deliverable_index")


def sub_results() -> QuerySet[SubUnitResult]:
    return SubUnitResult.objects.order_by("result_id", "order")


def evidence_files() -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.order_by("result_id", "uploaded_at")
