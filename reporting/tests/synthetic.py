"""A synthetic department year for scale tests and the recompute benchmark: N units × M indicators × 2 rounds.

Built with bulk inserts (no signals: the caller recomputes explicitly). One approved five-level framework for a unit
type, M percentage indicators with criteria of both rounds, and a result per unit, indicator and round (numerator
and denominator; alternately approved and submitted so the scorecards carry both statuses).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Result,
    Round,
    UnitType,
)


@dataclass(frozen=True)
class SyntheticYear:
    fiscal_year: FiscalYear
    rounds: list[Round]
    units: list[OrgUnit]
    framework: Framework
    result_count: int


def build_year(*, units: int, indicators: int, be_year: int = 2590, prefix: str = "syn") -> SyntheticYear:
    """Create the year, its framework and every result; returns what was built."""
    year = FiscalYear.objects.create(be_year=be_year)
    rounds = [
        Round.objects.create(fiscal_year=year, number=number, start_date=year.start_date,
                             end_date=year.start_date + dt.timedelta(days=182 * number))
        for number in (1, 2)
    ]
    unit_type = UnitType.objects.create(code=f"{prefix}-type-{be_year}", name_th=f"หน่วยงานทดสอบขนาด {be_year}")
    org_units = OrgUnit.objects.bulk_create([
        OrgUnit(code=f"{prefix}-{be_year}-{n:04d}", kind=OrgUnit.Kind.FIELD_UNIT, name_th=f"หน่วยงานทดสอบที่ {n} ({be_year})",
                unit_type=unit_type)
        for n in range(1, units + 1)
    ])
    framework = Framework.objects.create(
        fiscal_year=year, name_th=f"กรอบทดสอบ {be_year}", level=Framework.Level.FIELD_UNIT,
        status=Framework.Status.APPROVED,
    )
    framework.unit_types.add(unit_type)
    definitions = IndicatorDefinition.objects.bulk_create([
        IndicatorDefinition(fiscal_year=year, code=f"SYN{n:03d}", name_th=f"ร้อยละของผลการดำเนินงานทดสอบที่ {n}",
                            unit_of_measure="percent")
        for n in range(1, indicators + 1)
    ])
    criteria = Criteria.objects.bulk_create([
        Criteria(definition=d, round_number=number, method="five_level") for d in definitions for number in (1, 2)
    ])
    CriteriaLevel.objects.bulk_create([
        CriteriaLevel(criteria=c, level=level, threshold=Decimal(threshold))
        for c in criteria for level, threshold in enumerate((60, 70, 80, 90, 100), start=1)
    ])
    weights = [Decimal(100) / indicators] * indicators
    weights[-1] = Decimal(100) - sum(round(w, 2) for w in weights[:-1])
    assignments = Assignment.objects.bulk_create([
        Assignment(framework=framework, definition=d, number=str(n), order=n, component="performance",
                   weight=round(w, 2))
        for n, (d, w) in enumerate(zip(definitions, weights, strict=True), start=1)
    ])
    results = [
        Result(assignment=a, org_unit=u, round=r, numerator=Decimal(55 + (i * 7 + j * 3) % 50), denominator=Decimal(100),
               numerator_above_denominator_confirmed=True,
               status=Result.Status.APPROVED if (i + j) % 2 else Result.Status.SUBMITTED)
        for i, u in enumerate(org_units) for j, a in enumerate(assignments) for r in rounds
    ]
    Result.objects.bulk_create(results, batch_size=2000)
    return SyntheticYear(year, rounds, org_units, framework, len(results))
