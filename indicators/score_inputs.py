"""Selector: the plain inputs of the one scorecard computation, for one unit or a whole year, in fixed queries.

``scorecard_inputs`` takes a fiscal year's structure — frameworks, assignments with criteria, province targets and
the scoring policy — from ``year_structure`` (read once per process, kept while the database's structure token is
unchanged), loads the results with their milestones and province rows in three queries, however many units, rounds
and indicators it covers, and turns them into ``unit_scorecard.ScorecardInput`` values. The live unit round page, the
stored recompute (reporting) and the freshness check of a stored scorecard all read through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators import prefetch, scoring, year_structure
from indicators.criteria_spec import measurement_for
from indicators.models import (
    Assignment,
    FiscalYear,
    Framework,
    MilestoneCompletion,
    OrgUnit,
    Result,
    Round,
    SubUnitResult,
)
from indicators.scoring import scorecard as pure
from indicators.year_structure import HOUSEHOLD_CODE

# A criteria spec and its parsed form (None when the engine refuses it: the computation says why on the line).
_Spec = tuple[dict[str, Any], scoring.Criteria | None] | None


def policy_for_year(fiscal_year_id: int) -> scoring.ScoringPolicy:
    """The year's scoring policy for the engine (the defaults when the year has none)."""
    return year_structure.year_policy(fiscal_year_id)


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
    structure = year_structure.year_view(fiscal_year_id)
    if loaded_units is not None:
        units = {u.pk: u for u in loaded_units}
    else:
        if unit_ids is None:
            ids = structure.structure.unit_ids() | set(
                Result.objects.filter(round__fiscal_year_id=fiscal_year_id).values_list("org_unit_id", flat=True)
                .distinct()
            )
        else:
            ids = set(unit_ids)
        units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    chosen = {pk: structure.for_unit(unit, approved_only=approved_only) for pk, unit in units.items()}
    loaded = _results([r.pk for r in rounds], list(units))
    limited_to = structure.structure.limited_to
    specs: dict[tuple[int, int], _Spec] = {}
    out: dict[tuple[int, int], UnitRoundInput | None] = {}
    for unit_id, unit in units.items():
        framework, approved = chosen[unit_id]
        for round_ in rounds:
            if framework is None:
                out[(unit_id, round_.pk)] = None
                continue
            applicable = tuple(
                a for a in structure.assignments(framework.pk)
                if not limited_to[a.pk] or unit.unit_type_id in limited_to[a.pk]
            )
            out[(unit_id, round_.pk)] = _unit_round(
                unit, round_, framework, approved, applicable, loaded, structure.structure.household_targets, specs,
                fiscal_year,
            )
    return YearInputs(fiscal_year, structure.structure.policy, out)


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
    targets: dict[tuple[int, int], Decimal],
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
                        target=targets.get((assignment.definition_id, row.province_id or 0)),
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
