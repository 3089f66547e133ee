"""Reads for pages and reports, with their joins done once (STYLE.md practice 4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from indicators import scoring
from indicators.models import Assignment, Criteria, FiscalYear, Framework, OrgUnit, Result, Round, UnitEntryWindow
from indicators.permissions import visible_results_filter
from indicators.score_inputs import unit_round_inputs
from indicators.scoring import scorecard as unit_scorecard


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


def _assignments_with_criteria() -> QuerySet[Assignment]:
    criteria = Criteria.objects.prefetch_related("levels")
    return (
        Assignment.objects.select_related("definition__supervisor", "supervisor", "parent")
        .prefetch_related(Prefetch("definition__criteria", queryset=criteria), "applies_to_unit_types")
        .order_by("order", "number")
    )


def framework_detail(*, pk: int) -> Framework:
    """A framework with assignments, definitions and both rounds' criteria with levels, in a fixed number of queries."""
    return (
        Framework.objects.select_related("fiscal_year")
        .prefetch_related(Prefetch("assignments", queryset=_assignments_with_criteria()), "org_units", "unit_types")
        .get(pk=pk)
    )


def framework_for_unit(*, org_unit: OrgUnit, fiscal_year_id: int) -> Framework | None:
    """The approved framework a unit reports on: its own, else the one for its unit type (DOMAIN.md §1.8)."""
    frameworks = Framework.objects.filter(fiscal_year_id=fiscal_year_id, status=Framework.Status.APPROVED)
    own = frameworks.filter(org_units=org_unit).order_by("-is_demo", "pk").first()
    if own is not None or org_unit.unit_type_id is None:
        return own
    return frameworks.filter(unit_types=org_unit.unit_type_id).order_by("pk").first()


def applies_to(assignment: Assignment, org_unit: OrgUnit) -> bool:
    types = list(assignment.applies_to_unit_types.all())
    return not types or org_unit.unit_type_id in {t.pk for t in types}


@dataclass(frozen=True)
class RoundRow:
    """One indicator of the unit round page: the model rows, and its line of the one scorecard computation."""

    assignment: Assignment
    result: Result | None
    line: unit_scorecard.LineScore

    @property
    def score(self) -> Decimal | None:
        return self.line.score

    @property
    def weighted(self) -> Decimal | None:
        return self.line.weighted

    @property
    def problem(self) -> str:
        return self.line.problem_th

    @property
    def scored(self) -> bool:  # counts in the weighted total (leaves and indicators without sub-indicators)
        return self.line.scored

    @property
    def status(self) -> str:
        return self.line.status

    @property
    def status_label(self) -> str:
        return str(Result.Status(self.status).label)


@dataclass(frozen=True)
class Total:
    """The 100-point total and its band, as the page prints them."""

    total_100: Decimal
    band: scoring.Band


@dataclass(frozen=True)
class UnitRound:
    org_unit: OrgUnit
    round: Round
    framework: Framework | None
    rows: list[RoundRow]
    card: unit_scorecard.ScorecardScore | None

    @property
    def total(self) -> Total | None:
        card = self.card
        if card is None or card.total_100_exact is None:
            return None
        # printed from the exact total, which the band was decided on: one rounding, as in every document
        return Total(card.total_100_exact, scoring.Band(card.band_code, card.band_label_th, Decimal(0)))

    @property
    def reported(self) -> int:
        """Submitted or approved (a draft or a returned result is not reported yet)."""
        return self.card.reported_count if self.card else 0

    @property
    def scored_count(self) -> int:
        return self.card.indicator_count if self.card else 0


def unit_round(*, org_unit: OrgUnit, round: Round, policy: scoring.ScoringPolicy | None = None) -> UnitRound:
    """Every assigned indicator of a unit in a round with its result, live score and the weighted total.

    The numbers come from the one computation (``unit_scorecard.compute``) over the unit's approved framework, as
    the stored scorecard does; a fixed number of queries whatever the number of indicators.
    """
    inputs, year_policy = unit_round_inputs(org_unit=org_unit, round=round, approved_only=True)
    if inputs is None:
        return UnitRound(org_unit, round, None, [], None)
    card = unit_scorecard.compute(inputs.data, policy or year_policy)
    by_assignment = {line.assignment_id: line for line in card.rows}
    rows = [RoundRow(a, inputs.results.get(a.pk), by_assignment[a.pk]) for a in inputs.assignments]
    return UnitRound(org_unit, round, inputs.framework, rows, card)


def review_queue(*, user: Any, status: str = Result.Status.SUBMITTED) -> QuerySet[Result]:
    """Results waiting for this user's review, oldest submission first; fixed queries.

    Admins and directors (read-only) see every unit's results — admins also receive those of indicators with no
    supervisor and no fallback reviewer; supervisors those of the indicators they supervise, and a framework's
    fallback reviewer those of its indicators without a supervisor (permissions.supervised_filter).
    """
    from indicators.permissions import is_admin, is_director, person_of, supervised_filter

    results = Result.objects.filter(status=status)
    if not (is_admin(user) or is_director(user)):
        person = person_of(user)
        if person is None:
            return Result.objects.none()
        results = results.filter(supervised_filter(person, "assignment__"))
    return results.select_related(
        "org_unit", "round__fiscal_year", "assignment__definition", "assignment__framework", "submitted_by"
    ).order_by("submitted_at", "pk")


def visible_results(*, user: Any) -> QuerySet[Result]:
    return Result.objects.filter(visible_results_filter(user))


def open_rounds() -> QuerySet[Round]:
    return Round.objects.filter(Q(is_open=True)).select_related("fiscal_year").order_by("-fiscal_year__be_year", "number")


def open_unit_windows(*, today: dt.date | None = None) -> QuerySet[UnitEntryWindow]:
    """Rounds opened for a single unit (until today or later), with the round, its year and the unit."""
    today = today or timezone.localdate()
    return (
        UnitEntryWindow.objects.filter(until__gte=today)
        .select_related("round__fiscal_year", "org_unit")
        .order_by("-round__fiscal_year__be_year", "round__number", "org_unit__order", "org_unit__name_th")
    )
