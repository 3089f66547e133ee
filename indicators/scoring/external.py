"""Scores computed by external systems (DOMAIN §4.g): energy and waste e-reports, PMQA 4.0."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final, TypeVar

from .errors import MeasurementError
from .numbers import _ZERO, Number, _decimal_context, _round, _to_decimal
from .policy import DEFAULT_POLICY, ScoringPolicy

_T = TypeVar("_T")


# E-report totals (energy 1–10, waste 1–10) to levels: < 6 -> 1; 6 -> 2; 7 -> 3; 8 -> 4;
# >= 9 -> 5 (DOMAIN §4.g, document 003). Non-integer totals: step by default (OPEN-14).
EREPORT_LEVEL_SPEC: Final[dict[str, Any]] = {
    "method": "bands",
    "external": True,
    "bands": [
        {"level": 1, "min": None, "max": "6", "max_inclusive": False},
        {"level": 2, "min": "6", "max": "7", "max_inclusive": False},
        {"level": 3, "min": "7", "max": "8", "max_inclusive": False},
        {"level": 4, "min": "8", "max": "9", "max_inclusive": False},
        {"level": 5, "min": "9", "max": None},
    ],
}


# (lower bound of the reduction %, points); half-open by lower bound, < 4.00 -> 0.5 (document 003).
_ENERGY_POINTS: Final[tuple[tuple[Decimal, Decimal], ...]] = tuple(
    (Decimal(4 + 2 * i), Decimal(1) + Decimal("0.5") * i) for i in range(9)
)
_WASTE_DISPOSAL: Final[tuple[tuple[Decimal, int], ...]] = tuple((Decimal(6 + 3 * i), 2 + i) for i in range(9))
_WASTE_PLASTIC: Final[tuple[tuple[Decimal, int], ...]] = tuple((Decimal(60 + 5 * i), 2 + i) for i in range(9))


def _table_lookup(value: Decimal, table: Sequence[tuple[Decimal, _T]], floor: _T) -> _T:
    result = floor
    for lower, points in table:
        if value >= lower:
            result = points
        else:
            break
    return result


def _external_input(value: Number, what: str, policy: ScoringPolicy) -> Decimal:
    number = _to_decimal(value, what, MeasurementError)
    if policy.band_round_value_first:
        number = _round(number, policy.percent_decimals)
    return number


@_decimal_context
def ereport_energy_score(
    electricity_reduction_pct: Number, fuel_reduction_pct: Number, policy: ScoringPolicy = DEFAULT_POLICY
) -> Decimal:
    """Energy e-report total 1–10 = electricity points + fuel points (DOMAIN §4.g, document 003).

    Points per type: < 4.00 % -> 0.5; 4.00–5.99 -> 1; ... 18.00–19.99 -> 4.5; >= 20 -> 5 (the fuel
    column repeats the electricity wording, §11.10: same bands). A negative reduction (more use)
    scores 0.5. Values in the printed gaps (5.995) take the lower points (half-open, OPEN-11).
    """
    total = _ZERO
    for value, what in ((electricity_reduction_pct, "ร้อยละการลดใช้ไฟฟ้า"), (fuel_reduction_pct, "ร้อยละการลดใช้น้ำมัน")):
        total += _table_lookup(_external_input(value, what, policy), _ENERGY_POINTS, Decimal("0.5"))
    return total.quantize(Decimal("0.1"))


@_decimal_context
def ereport_waste_score(
    disposal: Number, bags: Number, cups: Number, foam: Number, policy: ScoringPolicy = DEFAULT_POLICY
) -> Decimal:
    """Waste E-Report total = mean of 4 sub-scores 1–10 (DOMAIN §4.g, document 003).

    Disposed waste reduction: < 6 % -> 1, then +1 per 3 points, >= 30 -> 10. Plastic bags, cups,
    foam reduction: < 60 % -> 1, then +1 per 5 points, 100 -> 10. Gaps: half-open by lower bound.
    """
    scores = [
        _table_lookup(_external_input(disposal, "ร้อยละขยะที่ส่งกำจัดลดลง", policy), _WASTE_DISPOSAL, 1),
        _table_lookup(_external_input(bags, "ร้อยละถุงพลาสติกลดลง", policy), _WASTE_PLASTIC, 1),
        _table_lookup(_external_input(cups, "ร้อยละแก้วพลาสติกลดลง", policy), _WASTE_PLASTIC, 1),
        _table_lookup(_external_input(foam, "ร้อยละโฟมลดลง", policy), _WASTE_PLASTIC, 1),
    ]
    return (Decimal(sum(scores)) / 4).quantize(Decimal("0.01"))


@_decimal_context
def pmqa_total(category_scores: Iterable[Number]) -> tuple[Decimal, Decimal]:
    """PMQA 4.0: (mean of the 7 category scores, total × 4/500), both 2 decimals half-up.

    DOMAIN §4.g / document 000: 453.13, 437.5, 442.71, 434.03, 421.88, 468.75, 330 -> (426.86, 3.41).
    The 4-point figure is computed from the unrounded mean.
    """
    scores = [_to_decimal(value, "คะแนน PMQA รายหมวด", MeasurementError) for value in category_scores]
    if len(scores) != 7:
        raise MeasurementError(f"คะแนน PMQA 4.0 ต้องมี 7 หมวด (ได้รับ {len(scores)} หมวด)")
    if any(value < 0 or value > 500 for value in scores):
        raise MeasurementError("คะแนน PMQA รายหมวดต้องอยู่ระหว่าง 0 ถึง 500")
    mean = sum(scores, _ZERO) / 7
    return _round(mean, 2), _round(mean * 4 / 500, 2)
