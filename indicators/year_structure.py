"""The year structure — frameworks and whom they apply to, assignments with their definitions, criteria and levels,
the household province targets and the scoring policy — read once per process and kept until it changes.

Every page of the load mix and every score recompute needs a year's structure, which changes a few times a year (in
the admin, by the loaders) while results change all day. The database keeps a token that triggers renew on any write
to the structure's tables, in the writer's own transaction (``indicators.models.structure``, migration 0011). Each
use reads the token (one primary-key query) and takes the cached structure only if it was read under that same token;
otherwise it reads the structure again. So:

- no stale copy: a write by any path — the ORM, the admin, ``QuerySet.update()``, bulk writes, raw SQL, ``TRUNCATE``
  — is seen by every process on every web node at the next request after it commits, with no message to deliver;
- the token is read BEFORE the structure, so a structure is never filed under a token newer than its rows (a write
  committed in between only makes the next use read again);
- a rolled-back write leaves the old token with the old rows; tokens are random, never reused.

Callers get their own copies of the framework, assignment and definition rows (cheap shallow copies), so an
attribute set or a relation loaded on them in one request never reaches another request. The cache can be switched
off with the setting ``STRUCTURE_CACHE = False`` (the benchmarks compare both).
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Prefetch

from indicators import prefetch, scoring
from indicators.models import Assignment, Framework, OrgUnit, ProvinceTarget, ScoringPolicy

HOUSEHOLD_CODE = "HOUSEHOLD"  # the division's household indicator is scored from its provinces (DOMAIN §4.h)

T = TypeVar("T")


@dataclass(frozen=True)
class YearStructure:
    """What a year's scorecards are computed over, apart from the results. Shared between requests: read only."""

    fiscal_year_id: int
    frameworks: dict[int, Framework]
    framework_units: dict[int, tuple[int, ...]]  # org unit id -> framework ids naming it
    framework_types: dict[int, tuple[int, ...]]  # unit type id -> framework ids naming it
    assignments: dict[int, tuple[Assignment, ...]]  # framework id -> assignments in printed order
    limited_to: dict[int, frozenset[int]]  # assignment id -> unit types it is limited to (empty = every unit)
    household_targets: dict[tuple[int, int], Decimal]  # (definition id, province id) -> target
    policy: scoring.ScoringPolicy
    framework_of: dict[int, int]  # assignment id -> its framework id
    parents: frozenset[int]  # ids of the assignments that have sub-indicators

    def unit_ids(self) -> set[int]:
        return set(self.framework_units)

    def for_unit(self, unit: OrgUnit, *, approved_only: bool) -> tuple[Framework | None, bool]:
        """(framework, approved): the unit's own approved framework, else its unit type's, else (unless
        ``approved_only``) a draft attached to it — the department's stays a draft while its targets are unpublished
        (DOMAIN §1.8). The shared row: callers copy it (``YearView``)."""
        own = [self.frameworks[pk] for pk in self.framework_units.get(unit.pk, ())]
        approved = [f for f in own if f.status == Framework.Status.APPROVED]
        if approved:
            return sorted(approved, key=lambda f: (not f.is_demo, f.pk))[0], True
        if unit.unit_type_id is not None:
            typed = [self.frameworks[pk] for pk in self.framework_types.get(unit.unit_type_id, ())]
            typed = [f for f in typed if f.status == Framework.Status.APPROVED]
            if typed:
                return min(typed, key=lambda f: f.pk), True
        if approved_only or not own:
            return None, False
        return sorted(own, key=lambda f: (not f.is_demo, f.pk))[0], False


class YearView:
    """One request's (or one recompute's) view of a year structure: private copies of the rows it hands out."""

    def __init__(self, structure: YearStructure) -> None:
        self.structure = structure
        self._frameworks: dict[int, Framework] = {}
        self._assignments: dict[int, tuple[Assignment, ...]] = {}

    def for_unit(self, unit: OrgUnit, *, approved_only: bool) -> tuple[Framework | None, bool]:
        shared, approved = self.structure.for_unit(unit, approved_only=approved_only)
        return (None if shared is None else self.framework(shared.pk)), approved

    def framework(self, framework_id: int) -> Framework:
        if framework_id not in self._frameworks:
            self._frameworks[framework_id] = copy.copy(self.structure.frameworks[framework_id])
        return self._frameworks[framework_id]

    def assignment(self, assignment_id: int) -> Assignment | None:
        """One assignment of the year (a private copy, as ``assignments``), None when the year has no such one."""
        framework_id = self.structure.framework_of.get(assignment_id)
        if framework_id is None:
            return None
        return next(a for a in self.assignments(framework_id) if a.pk == assignment_id)

    def assignments(self, framework_id: int) -> tuple[Assignment, ...]:
        """The framework's assignments, each with its own copy of its definition and this view's framework."""
        if framework_id not in self._assignments:
            framework = self.framework(framework_id)
            copies = []
            for shared in self.structure.assignments.get(framework_id, ()):
                own = copy.copy(shared)
                own.definition = copy.copy(shared.definition)
                own.framework = framework
                copies.append(own)
            self._assignments[framework_id] = tuple(copies)
        return self._assignments[framework_id]


# ---- the cache ---------------------------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[tuple[str, str, int], tuple[str, Any]] = {}


def current_token(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The structure token as the current transaction sees it (None when the row is missing, e.g. after a flush)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT token FROM indicators_structureversion WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def _cached(kind: str, fiscal_year_id: int, load: Callable[[int], T], using: str = DEFAULT_DB_ALIAS) -> T:
    if not getattr(settings, "STRUCTURE_CACHE", True):
        return load(fiscal_year_id)
    token = current_token(using)  # first: see the module's docstring
    if token is None:  # no token to file it under: read every time until a write creates one
        return load(fiscal_year_id)
    key = (using, kind, fiscal_year_id)
    hit = _cache.get(key)
    if hit is not None and hit[0] == token:
        return hit[1]  # type: ignore[no-any-return]
    value = load(fiscal_year_id)
    with _lock:
        _cache[key] = (token, value)
    return value


def clear() -> None:
    """Forget every cached structure (tests that switch databases; never needed for correctness otherwise)."""
    with _lock:
        _cache.clear()


def year_structure(fiscal_year_id: int) -> YearStructure:
    return _cached("structure", fiscal_year_id, _load_structure)


def year_view(fiscal_year_id: int) -> YearView:
    return YearView(year_structure(fiscal_year_id))


def year_policy(fiscal_year_id: int) -> scoring.ScoringPolicy:
    """The year's scoring policy for the engine (the defaults when the year has none), for callers that need no
    more of the structure (``year_structure(...).policy`` is the same)."""
    return _cached("policy", fiscal_year_id, _load_policy)


# ---- reading it --------------------------------------------------------------------------------------------------


def _load_policy(fiscal_year_id: int) -> scoring.ScoringPolicy:
    policy = ScoringPolicy.objects.filter(fiscal_year_id=fiscal_year_id).first()
    return policy.to_engine() if policy else scoring.DEFAULT_POLICY


def _links(rows: Iterable[tuple[int, int]]) -> dict[int, tuple[int, ...]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for framework_id, target_id in rows:
        grouped[target_id].append(framework_id)
    return {key: tuple(value) for key, value in grouped.items()}


def _load_structure(fiscal_year_id: int) -> YearStructure:
    frameworks = {f.pk: f for f in Framework.objects.filter(fiscal_year_id=fiscal_year_id).order_by("pk")}
    unit_links = Framework.org_units.through.objects.filter(framework_id__in=frameworks)
    type_links = Framework.unit_types.through.objects.filter(framework_id__in=frameworks)
    rows = (
        Assignment.objects.filter(framework_id__in=list(frameworks))
        .select_related("definition")
        .prefetch_related(Prefetch("definition__criteria", queryset=prefetch.criteria_with_levels()),
                          "applies_to_unit_types")
        .order_by("order", "number", "pk")
    )
    assignments: dict[int, list[Assignment]] = defaultdict(list)
    limited_to: dict[int, frozenset[int]] = {}
    for assignment in rows:
        assignment.framework = frameworks[assignment.framework_id]  # criteria_for() reads the scale
        assignments[assignment.framework_id].append(assignment)
        limited_to[assignment.pk] = frozenset(t.pk for t in assignment.applies_to_unit_types.all())
    households = ProvinceTarget.objects.filter(definition__fiscal_year_id=fiscal_year_id,
                                               definition__code=HOUSEHOLD_CODE).order_by()
    return YearStructure(
        fiscal_year_id=fiscal_year_id,
        frameworks=frameworks,
        framework_units=_links(unit_links.values_list("framework_id", "orgunit_id")),
        framework_types=_links(type_links.values_list("framework_id", "unittype_id")),
        assignments={pk: tuple(members) for pk, members in assignments.items()},
        limited_to=limited_to,
        household_targets={(t.definition_id, t.province_id): Decimal(t.target) for t in households},
        policy=_load_policy(fiscal_year_id),
        framework_of={a.pk: a.framework_id for members in assignments.values() for a in members},
        parents=frozenset(a.parent_id for members in assignments.values() for a in members if a.parent_id),
    )
