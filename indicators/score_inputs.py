"""Selector: the plain inputs of the one scorecard computation, for one unit or a whole year, in fixed queries.

``scorecard_inputs`` loads a fiscal year's frameworks, assignments with criteria, results with milestones and
province rows, province targets and the scoring policy in about fifteen queries, however many units, rounds and
indicators it covers, and turns them into ``unit_scorecard.ScorecardInput`` values. The live unit round page, the
stored recompute (reporting) and the freshness check of a stored scorecard all read through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from indicators import prefetch, scoring
from indicators.criteria_spec import measurement_for
from indicators.models import (
    Assignment,
    FiscalYear,
    Framework,
    MilestoneCompletion,
    OrgUnit,
    ProvinceTarget,
    Result,
    Round,
    ScoringPolicy,
    SubUnitResult,
)
from indicators.scoring import scorecard as pure

HOUSEHOLD_CODE = "HOUSEHOLD"
# A criteria spec and its parsed form (None when the engine refuses it: the computation says why on the line).
_Spec = tuple[dict[str, Any], scoring.Criteria | None] | None  # the division's household indicator is scored from its provinces (DOMAIN §4.h)


def policy_for_year(fiscal_year_id: int) -> scoring.ScoringPolicy:
    """The year's scoring policy for the engine (the defaults when the year has none)."""
    policy = ScoringPolicy.objects.filter(fiscal_year_id=fiscal_year_id).first()
    return policy.to_engine() if policy else scoring.DEFAULT_POLICY


@dataclass(frozen=True)
class UnitRoundInput:
    """The inputs of one unit-round with the model rows they came from (for pages that show more than numbers)."""

    org_unit: OrgUnit
    round: Round
    framework: Framework
    assignments: tuple[Assignment, ...]
    results: dict[int, Result]  # by assignment id
    data: pure.ScorecardInput


@dataclass(frozen=True)
class YearInputs:
    fiscal_year: FiscalYear
    policy: scoring.ScoringPolicy
    units: dict[tuple[int, int], UnitRoundInput | None]  # (org_unit id, round id) -> inputs, None = no framework


class _Frameworks:
    """The year's frameworks and who they apply to, resolved in memory (DOMAIN §1.8)."""

    def __init__(self, fiscal_year_id: int) -> None:
        self.by_pk = {f.pk: f for f in Framework.objects.filter(fiscal_year_id=fiscal_year_id).order_by("pk")}
        self.units: dict[int, list[int]] = defaultdict(list)
        self.types: dict[int, list[int]] = defaultdict(list)
        unit_links = Framework.org_units.through.objects.filter(framework_id__in=self.by_pk)
        for framework_id, unit_id in unit_links.values_list("framework_id", "orgunit_id"):
            self.units[unit_id].append(framework_id)
        type_links = Framework.unit_types.through.objects.filter(framework_id__in=self.by_pk)
        for framework_id, type_id in type_links.values_list("framework_id", "unittype_id"):
            self.types[type_id].append(framework_id)

    def unit_ids(self) -> set[int]:
        return set(self.units)

    def for_unit(self, unit: OrgUnit, *, approved_only: bool) -> tuple[Framework | None, bool]:
        """(framework, approved): the unit's own approved framework, else its unit type's, else (unless
        ``approved_only``) a draft attached to it — the department's stays a draft while its targets are unpublished."""
        own = [self.by_pk[pk] for pk in self.units.get(unit.pk, ())]
        approved = [f for f in own if f.status == Framework.Status.APPROVED]
        if approved:
            return sorted(approved, key=lambda f: (not f.is_demo, f.pk))[0], True
        if unit.unit_type_id is not None:
            typed = [self.by_pk[pk] for pk in self.types.get(unit.unit_type_id, ())]
            typed = [f for f in typed if f.status == Framework.Status.APPROVED]
            if typed:
                return min(typed, key=lambda f: f.pk), True
        if approved_only or not own:
            return None, False
        return sorted(own, key=lambda f: (not f.is_demo, f.pk))[0], False


def _assignments(framework_ids: Iterable[int]) -> dict[int, list[Assignment]]:
    rows = (
        Assignment.objects.filter(framework_id__in=list(framework_ids))
        .select_related("definition")
        .prefetch_related(Prefetch("definition__criteria", queryset=prefetch.criteria_with_levels()),
                          "applies_to_unit_types")
        .order_by("order", "number", "pk")
    )
    by_framework: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in rows:
        by_framework[assignment.framework_id].append(assignment)
    return by_framework


@dataclass
class _Loaded:
    """The year's results with their milestone and province rows, grouped by result in one pass each."""

    results: dict[tuple[int, int, int], Result]
    milestones: dict[int, list[MilestoneCompletion]]
    provinces: dict[int, list[SubUnitResult]]


def _results(round_ids: list[int], unit_ids: list[int]) -> _Loaded:
    """Three queries, whatever the units and criteria (so a page costs the same for every unit); rows are grouped
    here rather than by prefetch_related, whose per-object querysets cost more than the scoring itself on a year of
    thousands of results."""
    scope = {"round_id__in": round_ids, "org_unit_id__in": unit_ids}
    related = {f"result__{k}": v for k, v in scope.items()}
    results = Result.objects.filter(**scope).order_by()  # grouped here: no ordering (its joins cost more than the rows)
    loaded = _Loaded({(r.org_unit_id, r.round_id, r.assignment_id): r for r in results},
                     defaultdict(list), defaultdict(list))
    for milestone in prefetch.milestones().filter(**related):
        loaded.milestones[milestone.result_id].append(milestone)
    rows = SubUnitResult.objects.filter(province__isnull=False, **related).select_related("province")
    for row in rows.order_by("order", "pk"):
        loaded.provinces[row.result_id].append(row)
    return loaded


def _applicability(assignments: dict[int, list[Assignment]]) -> dict[int, frozenset[int]]:
    """The unit types each assignment is limited to (empty = every unit of the framework), read once."""
    return {a.pk: frozenset(t.pk for t in a.applies_to_unit_types.all()) for members in assignments.values() for a in members}


def scorecard_inputs(
    *,
    fiscal_year_id: int,
    unit_ids: Iterable[int] | None = None,
    round_ids: Iterable[int] | None = None,
    approved_only: bool = False,
    loaded_units: Iterable[OrgUnit] | None = None,
    loaded_round: Round | None = None,
) -> YearInputs:
    """Inputs for every (unit, round) of a year: the given units (default: every unit a framework of the year names
    or that has a result in it) and rounds (default: all). A fixed number of queries, independent of their number.

    ``approved_only``: the framework a unit reports on (the entry pages), not a draft one (the scorecards).
    ``loaded_units`` / ``loaded_round``: rows the caller already has, not read again.
    """
    fiscal_year = FiscalYear.objects.get(pk=fiscal_year_id)  # read now: its status is an input
    if loaded_round is not None:
        rounds = [loaded_round]
    else:
        rounds = list(Round.objects.filter(fiscal_year_id=fiscal_year_id).order_by("number"))
        if round_ids is not None:
            wanted_rounds = set(round_ids)
            rounds = [r for r in rounds if r.pk in wanted_rounds]
    for round_ in rounds:
        round_.fiscal_year = fiscal_year
    frameworks = _Frameworks(fiscal_year_id)
    if loaded_units is not None:
        units = {u.pk: u for u in loaded_units}
    else:
        if unit_ids is None:
            ids = frameworks.unit_ids() | set(
                Result.objects.filter(round__fiscal_year_id=fiscal_year_id).values_list("org_unit_id", flat=True)
                .distinct()
            )
        else:
            ids = set(unit_ids)
        units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    chosen = {pk: frameworks.for_unit(unit, approved_only=approved_only) for pk, unit in units.items()}
    used = {framework.pk for framework, _ in chosen.values() if framework is not None}
    assignments = _assignments(used)
    for framework_id, members in assignments.items():
        for assignment in members:
            assignment.framework = frameworks.by_pk[framework_id]  # criteria_for() reads the scale
    limited_to = _applicability(assignments)
    loaded = _results([r.pk for r in rounds], list(units))
    households = ProvinceTarget.objects.filter(definition__fiscal_year_id=fiscal_year_id, definition__code=HOUSEHOLD_CODE)
    targets: dict[tuple[int, int], ProvinceTarget] = {(t.definition_id, t.province_id): t for t in households}
    specs: dict[tuple[int, int], _Spec] = {}
    out: dict[tuple[int, int], UnitRoundInput | None] = {}
    for unit_id, unit in units.items():
        framework, approved = chosen[unit_id]
        for round_ in rounds:
            if framework is None:
                out[(unit_id, round_.pk)] = None
                continue
            applicable = tuple(
                a for a in assignments.get(framework.pk, ())
                if not limited_to[a.pk] or unit.unit_type_id in limited_to[a.pk]
            )
            out[(unit_id, round_.pk)] = _unit_round(
                unit, round_, framework, approved, applicable, loaded, targets, specs, fiscal_year
            )
    return YearInputs(fiscal_year, policy_for_year(fiscal_year_id), out)


def _spec(assignment: Assignment, round_number: int, cache: dict[tuple[int, int], _Spec]) -> _Spec:
    """The criteria spec of an assignment in a round and its parsed form, built once for every unit."""
    key = (assignment.pk, round_number)
    if key not in cache:
        criteria = assignment.criteria_for(round_number)
        if criteria is None:
            cache[key] = None
        else:
            spec = criteria.to_spec()
            try:
                cache[key] = (spec, scoring.criteria_from_dict(spec))
            except scoring.ScoringError:  # the computation reports it on the line, in Thai
                cache[key] = (spec, None)
    return cache[key]


def _unit_round(
    unit: OrgUnit,
    round_: Round,
    framework: Framework,
    approved: bool,
    members: tuple[Assignment, ...],
    loaded: _Loaded,
    targets: dict[tuple[int, int], ProvinceTarget],
    specs: dict[tuple[int, int], _Spec],
    fiscal_year: FiscalYear,
) -> UnitRoundInput:
    parents = {a.parent_id for a in members if a.parent_id}
    lines: list[pure.LineInput] = []
    found: dict[int, Result] = {}
    for assignment in members:
        built = _spec(assignment, round_.number, specs)
        result = loaded.results.get((unit.pk, round_.pk, assignment.pk))
        result_input = None
        if result is not None:
            result.assignment = assignment
            result.round = round_
            result.org_unit = unit
            found[assignment.pk] = result
            provinces = None
            if unit.kind == OrgUnit.Kind.DIVISION and assignment.definition.code == HOUSEHOLD_CODE:
                provinces = tuple(
                    pure.ProvinceInput(
                        name=row.province.name_th if row.province else str(row.province_id),
                        done=row.numerator,
                        target=_target(targets.get((assignment.definition_id, row.province_id or 0))),
                    )
                    for row in loaded.provinces.get(result.pk, ())
                )
            measurement = measurement_for(result, loaded.milestones.get(result.pk, ()))
            result_input = pure.ResultInput(result.pk, result.status, measurement, provinces)
        lines.append(pure.LineInput(
            assignment_id=assignment.pk, number=assignment.number, code=assignment.definition.code,
            name_th=assignment.definition.name_th, component=assignment.component, weight=assignment.weight,
            scored=assignment.pk not in parents, criteria=built[0] if built else None, result=result_input,
            parsed=built[1] if built else None,
        ))
    data = pure.ScorecardInput(
        framework_id=framework.pk, framework_name_th=framework.name_th, scale=framework.scale, approved=approved,
        monitoring_only=fiscal_year.is_monitoring_only, be_year=fiscal_year.be_year, round_number=round_.number,
        lines=tuple(lines),
    )
    return UnitRoundInput(unit, round_, framework, members, found, data)


def _target(target: ProvinceTarget | None) -> Decimal | None:
    return None if target is None else Decimal(target.target)


def unit_round_inputs(*, org_unit: OrgUnit, round: Round, approved_only: bool = False) -> tuple[UnitRoundInput | None, scoring.ScoringPolicy]:  # noqa: A002
    """The inputs of one unit-round (None without a framework) and the year's policy."""
    year = scorecard_inputs(
        fiscal_year_id=round.fiscal_year_id, approved_only=approved_only, unit_ids=[org_unit.pk], loaded_round=round,
    )
    return year.units.get((org_unit.pk, round.pk)), year.policy


def year_unit_ids(fiscal_year_id: int) -> set[int]:
    """Every unit a framework of the year names or that has a result in the year."""
    named = Framework.org_units.through.objects.filter(framework__fiscal_year_id=fiscal_year_id)
    reported = Result.objects.filter(round__fiscal_year_id=fiscal_year_id)
    return set(named.values_list("orgunit_id", flat=True)) | set(reported.values_list("org_unit_id", flat=True))
