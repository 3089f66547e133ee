"""The totals of a per-unit breakdown table (DOMAIN.md §3.8, §6.1): the one place that sums its rows.

Σ numerator and Σ denominator become the result's numerator and denominator; the percentage of a row or of the
total goes through the scoring engine's `percentage`, so every page and document prints the number that is scored.
Rows are SubUnitResult objects or the dicts of the entry form (``{"numerator": …, "denominator": …}``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators import scoring


def _field(row: Any, name: str) -> Decimal | None:
    value = row.get(name) if isinstance(row, dict) else getattr(row, name)
    return None if value is None else Decimal(value)


def percent(
    numerator: Decimal | None, denominator: Decimal | None, policy: scoring.ScoringPolicy = scoring.DEFAULT_POLICY
) -> Decimal | None:
    """The rounded percentage of one row or of the total; None when it cannot be computed (no denominator…)."""
    if numerator is None or not denominator:
        return None
    try:
        return scoring.percentage(numerator, denominator, policy).value_rounded
    except scoring.ScoringError:
        return None


@dataclass(frozen=True)
class BreakdownTotals:
    numerator: Decimal
    denominator: Decimal

    def percent(self, policy: scoring.ScoringPolicy = scoring.DEFAULT_POLICY) -> Decimal | None:
        return percent(self.numerator, self.denominator, policy)


def breakdown_totals(rows: Iterable[Any]) -> BreakdownTotals:
    """Σ numerator and Σ denominator of the rows (a blank cell counts as 0)."""
    numerator = Decimal(0)
    denominator = Decimal(0)
    for row in rows:
        numerator += _field(row, "numerator") or Decimal(0)
        denominator += _field(row, "denominator") or Decimal(0)
    return BreakdownTotals(numerator, denominator)
