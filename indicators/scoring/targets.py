"""Targets derived from baselines: OPDC growth targets (DOMAIN §5.2), provincial targets (§5.3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .errors import MeasurementError
from .numbers import _ONE, Number, _decimal_context, _to_decimal


@_decimal_context
def growth_targets(baseline: Mapping[Any, Number | None]) -> tuple[Decimal, Decimal, Decimal]:
    """OPDC growth method (DOMAIN §5.2, document 001): t50 = last, g = last − previous,
    t75 = t50 + g, t100 = t75 + g. The two latest years (by numeric key) are used.
    Years whose value is None (no result) are ignored. A negative growth gives decreasing
    targets; the caller decides what to do with them.
    """
    if not isinstance(baseline, Mapping):
        raise MeasurementError("ข้อมูลพื้นฐานต้องเป็นพจนานุกรม {ปี: ผลการดำเนินงาน}")
    years: list[tuple[int, Decimal]] = []
    for key, value in baseline.items():
        if value is None:  # a year without a result (001: 2560 "ไม่มีผล")
            continue
        try:
            year = int(str(key).strip())
        except ValueError:
            raise MeasurementError(f"ปีของข้อมูลพื้นฐาน '{key}' ไม่ใช่ปีที่ถูกต้อง") from None
        years.append((year, _to_decimal(value, f"ผลการดำเนินงานปี {year}", MeasurementError)))
    if len(years) < 2:
        raise MeasurementError("ต้องมีข้อมูลพื้นฐานอย่างน้อย 2 ปีจึงจะคำนวณอัตราการเติบโตได้")
    years.sort()
    previous, last = years[-2][1], years[-1][1]
    growth = last - previous
    return last, last + growth, last + 2 * growth


@dataclass(frozen=True)
class ProvinceTargets:
    """FY2566 provincial household targets (DOMAIN §5.3); ``counts`` maps percent -> households."""

    base: int
    increase: int
    target: int
    counts: dict[int, int]


def _whole(value: Decimal) -> int:
    return int(value.quantize(_ONE, rounding=ROUND_HALF_UP))


@_decimal_context
def province_targets(
    base: Number,
    increase_pct: Number = 35,
    percents: Iterable[Number] = (20, 30, 40, 50, 60, 70, 80, 90, 100),
) -> ProvinceTargets:
    """Exact rule of the FY2566 table (DOMAIN §5.3, verified on all 684 cells):

    increase = _round(base × 0.35); target = base + increase;
    count_p = _round(base × 1.35 × p / 100) — from the *unrounded* target.
    """
    number = _to_decimal(base, "ผลการดำเนินงานปีฐาน", MeasurementError)
    if number < 0 or number != number.to_integral_value():
        raise MeasurementError("ผลการดำเนินงานปีฐานต้องเป็นจำนวนเต็มที่ไม่ติดลบ (จำนวนครัวเรือน)")
    rate = _to_decimal(increase_pct, "ร้อยละที่เพิ่มขึ้น", MeasurementError)
    if rate < 0:
        raise MeasurementError("ร้อยละที่เพิ่มขึ้นต้องไม่ติดลบ")
    increase = _whole(number * rate / 100)
    exact_target = number * (100 + rate) / 100
    counts: dict[int, int] = {}
    for raw in percents:
        percent = _to_decimal(raw, "ร้อยละของเป้าหมาย", MeasurementError)
        if percent != percent.to_integral_value() or percent < 0:
            raise MeasurementError("ร้อยละของเป้าหมายต้องเป็นจำนวนเต็มที่ไม่ติดลบ")
        counts[int(percent)] = _whole(exact_target * percent / 100)
    return ProvinceTargets(base=int(number), increase=increase, target=int(number) + increase, counts=counts)
