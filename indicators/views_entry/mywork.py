"""Home page: the open rounds of the units a user reports for."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from indicators import selectors
from indicators.models import (
    OrgUnit,
    Result,
    Round,
)
from indicators.permissions import is_admin, person_of

# ---- home: my work -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyWork:
    round: Round
    unit: OrgUnit
    counts: dict[str, int]

    @property
    def url(self) -> str:
        return reverse("unit-round", args=[self.round.pk, self.unit.pk])


def my_work(user: Any) -> list[MyWork]:
    """Open rounds × the units this person reports for (admins: every unit with an approved framework), then the
    rounds opened for one of those units alone (UnitEntryWindow; admins: every such window)."""
    from indicators.models import Framework

    rounds = list(selectors.open_rounds())
    windows = list(selectors.open_unit_windows())
    if not rounds and not windows:
        return []
    admin = is_admin(user)
    if admin:
        years = {r.fiscal_year_id for r in rounds}
        units = list(
            OrgUnit.objects.filter(frameworks__fiscal_year_id__in=years, frameworks__status=Framework.Status.APPROVED)
            .distinct()
            .order_by("kind", "order", "name_th")
        )
    else:
        person = person_of(user)
        if person is None or person.role not in ("staff", "admin"):
            return []
        units = list(person.reporting_units.order_by("kind", "order", "name_th"))
    pairs = [(r, u) for r in rounds for u in units]
    unit_ids = {u.pk for u in units}
    seen = {(r.pk, u.pk) for r, u in pairs}
    for window in windows:
        if (admin or window.org_unit_id in unit_ids) and (window.round_id, window.org_unit_id) not in seen:
            pairs.append((window.round, window.org_unit))
            seen.add((window.round_id, window.org_unit_id))
    if not pairs:
        return []
    counts: dict[tuple[int, int], dict[str, int]] = {}
    rows = Result.objects.filter(
        round__in={r.pk for r, _ in pairs}, org_unit__in={u.pk for _, u in pairs}
    ).values_list("round_id", "org_unit_id", "status")
    for round_id, unit_id, status in rows:
        bucket = counts.setdefault((round_id, unit_id), {})
        bucket[status] = bucket.get(status, 0) + 1
    return [MyWork(r, u, counts.get((r.pk, u.pk), {})) for r, u in pairs]
