"""Reads for pages and reports, with their joins done once (STYLE.md practice 4)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from indicators import scoring
from indicators.models import Assignment, Criteria, FiscalYear, Framework, OrgUnit, Result, Round
from indicators.permissions import visible_results_filter


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
    assignment: Assignment
    result: Result | None
    score: Decimal | None
    problem: str
    scored: bool  # counts in the weighted total (leaves and indicators without sub-indicators)

    @property
    def status(self) -> str:
        return self.result.status if self.result else Result.Status.NOT_REPORTED

    @property
    def status_label(self) -> str:
        return str(Result.Status(self.status).label)


@dataclass(frozen=True)
class UnitRound:
    org_unit: OrgUnit
    round: Round
    framework: Framework | None
    rows: list[RoundRow]
    total: scoring.WeightedTotal | None

    @property
    def reported(self) -> int:
        return sum(1 for row in self.rows if row.scored and row.result is not None)

    @property
    def scored_count(self) -> int:
        return sum(1 for row in self.rows if row.scored)


def unit_round(*, org_unit: OrgUnit, round: Round, policy: scoring.ScoringPolicy) -> UnitRound:
    """Every assigned indicator of a unit in a round with its result, live score and the running weighted total.

    A fixed number of queries whatever the number of indicators (asserted by a test and the benchmark).
    """
    from indicators.services.results import result_score

    framework = framework_for_unit(org_unit=org_unit, fiscal_year_id=round.fiscal_year_id)
    if framework is None:
        return UnitRound(org_unit, round, None, [], None)
    assignments = [a for a in _assignments_with_criteria().filter(framework=framework) if applies_to(a, org_unit)]
    for assignment in assignments:
        assignment.framework = framework  # criteria_for() reads the scale: one framework, not one query per row
    results = {
        r.assignment_id: r
        for r in Result.objects.filter(org_unit=org_unit, round=round, assignment__framework=framework)
        .select_related("round")
        .prefetch_related("milestones")
    }
    parents = {a.parent_id for a in assignments if a.parent_id}
    rows: list[RoundRow] = []
    items: list[tuple[Decimal, Decimal | None]] = []
    by_pk = {a.pk: a for a in assignments}
    for assignment in assignments:
        result = results.get(assignment.pk)
        score: Decimal | None = None
        problem = ""
        if result is not None:
            result.assignment = assignment  # reuse the prefetched criteria
            outcome = result_score(result, policy)
            score, problem = outcome.score, outcome.problem
        scored = assignment.pk not in parents
        rows.append(RoundRow(assignment, result, score, problem, scored))
        if scored and assignment.weight is not None:
            items.append((assignment.weight, score))
    del by_pk
    total = scoring.weighted_total(items, scale=framework.scale, policy=policy) if items else None
    return UnitRound(org_unit, round, framework, rows, total)


def review_queue(*, user: Any, status: str = Result.Status.SUBMITTED) -> QuerySet[Result]:
    """Results waiting for this user's review, oldest submission first; fixed queries.

    Admins and directors (read-only) see every unit's results; supervisors those of the indicators they supervise.
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
