"""Reads for computing and listing scorecards, with their joins done once (STYLE.md practice 4)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from indicators.models import Assignment, Framework, OrgUnit, ProvinceTarget, Result, Round, SubUnitResult
from indicators.selectors import _assignments_with_criteria, applies_to, framework_for_unit
from reporting.models import Scorecard, ScoreJob


@dataclass(frozen=True)
class ScorecardInputs:
    """Everything one scorecard needs, loaded in a fixed number of queries."""

    org_unit: OrgUnit
    round: Round
    framework: Framework
    approved: bool
    assignments: list[Assignment]
    results: dict[int, Result]  # by assignment id


def scorecard_framework(*, org_unit: OrgUnit, fiscal_year_id: int) -> tuple[Framework | None, bool]:
    """(framework, approved): the approved framework of the unit (DOMAIN §1.8), else a draft one attached to it.

    The department framework stays a draft while its targets are unpublished; it is still scored so the scorecard
    can say which criteria are missing.
    """
    framework = framework_for_unit(org_unit=org_unit, fiscal_year_id=fiscal_year_id)
    if framework is not None:
        return framework, True
    draft = Framework.objects.filter(fiscal_year_id=fiscal_year_id, org_units=org_unit).order_by("-is_demo", "pk").first()
    return draft, False


def scorecard_inputs(*, org_unit: OrgUnit, round: Round) -> ScorecardInputs | None:
    """The unit's framework, its applicable assignments with criteria and the round's results; None without framework."""
    framework, approved = scorecard_framework(org_unit=org_unit, fiscal_year_id=round.fiscal_year_id)
    if framework is None:
        return None
    assignments = [a for a in _assignments_with_criteria().filter(framework=framework) if applies_to(a, org_unit)]
    for assignment in assignments:
        assignment.framework = framework
    sub_results = SubUnitResult.objects.select_related("province").order_by("order", "pk")
    results = {
        r.assignment_id: r
        for r in Result.objects.filter(org_unit=org_unit, round=round, assignment__framework=framework)
        .select_related("round")
        .prefetch_related("milestones", Prefetch("sub_results", queryset=sub_results))
    }
    return ScorecardInputs(org_unit, round, framework, approved, assignments, results)


def province_targets_for(*, definition_id: int) -> dict[int, ProvinceTarget]:
    """The household targets of one definition by province id (DOMAIN §5.3)."""
    return {t.province_id: t for t in ProvinceTarget.objects.filter(definition_id=definition_id)}


def recompute_targets(
    *, fiscal_year_id: int, round_number: int | None = None, unit_code: str | None = None, all_units: bool = False
) -> list[tuple[int, int]]:
    """(org_unit id, round id) pairs to recompute for a year.

    By default (automatic triggers) the units that have a result or a stored scorecard in that year; with
    ``all_units`` (the command) also every unit a framework of the year names.
    """
    rounds = Round.objects.filter(fiscal_year_id=fiscal_year_id).order_by("number")
    if round_number is not None:
        rounds = rounds.filter(number=round_number)
    round_ids = list(rounds.values_list("pk", flat=True))
    unit_ids: set[int] = set(
        Result.objects.filter(round_id__in=round_ids).values_list("org_unit_id", flat=True).distinct()
    )
    unit_ids |= set(Scorecard.objects.filter(round_id__in=round_ids).values_list("org_unit_id", flat=True))
    if all_units:
        unit_ids |= set(
            Framework.objects.filter(fiscal_year_id=fiscal_year_id, org_units__isnull=False)
            .values_list("org_units", flat=True)
        )
    units = OrgUnit.objects.filter(pk__in=unit_ids)
    if unit_code:
        units = OrgUnit.objects.filter(code=unit_code)
    return [(unit_id, round_id) for unit_id in sorted(units.values_list("pk", flat=True)) for round_id in round_ids]


def scorecard_list(*, fiscal_year_id: int | None = None, round_number: int | None = None) -> QuerySet[Scorecard]:
    scorecards = Scorecard.objects.select_related("org_unit", "round__fiscal_year", "framework", "frozen_by")
    if fiscal_year_id is not None:
        scorecards = scorecards.filter(round__fiscal_year_id=fiscal_year_id)
    if round_number is not None:
        scorecards = scorecards.filter(round__number=round_number)
    return scorecards


def score_job_failures() -> QuerySet[ScoreJob]:
    return ScoreJob.objects.filter(status=ScoreJob.Status.FAILED)
