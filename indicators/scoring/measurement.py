"""Reading a result: percentages from numerator and denominator (DOMAIN §3.8) and measurement dicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeAlias

from .errors import MeasurementError
from .numbers import _HUNDRED, Number, _decimal_context, _fmt, _round, _to_decimal
from .policy import DEFAULT_POLICY, ScoringPolicy


@dataclass(frozen=True)
class PercentResult:
    """``numerator × 100 / denominator``: ``value_rounded`` (half-up, policy decimals) and exact."""

    value_rounded: Decimal
    value_exact: Decimal

    @property
    def over_100(self) -> bool:
        """Numerator > denominator: allowed, but the caller should flag it (DOMAIN §11.1)."""
        return self.value_exact > _HUNDRED


@_decimal_context
def percentage(numerator: Number, denominator: Number, policy: ScoringPolicy = DEFAULT_POLICY) -> PercentResult:
    """Percentage of a ratio. Zero denominator = "not computable" (DOMAIN §3.8) -> MeasurementError.

    A numerator larger than the denominator is accepted (DOMAIN §11.1 asks to flag it, not to
    refuse it); see :attr:`PercentResult.over_100`.
    """
    return _percentage(numerator, denominator, policy)


def _percentage(numerator: object, denominator: object, policy: ScoringPolicy) -> PercentResult:
    num = _to_decimal(numerator, "ตัวตั้ง (numerator)", MeasurementError)
    den = _to_decimal(denominator, "ตัวหาร (denominator)", MeasurementError)
    if num < 0:
        raise MeasurementError(f"ตัวตั้ง (numerator) ต้องไม่ติดลบ (ได้รับ {_fmt(num)})")
    if den.is_zero():
        raise MeasurementError("ไม่สามารถคำนวณผลได้ เนื่องจากตัวหาร (denominator) เป็นศูนย์")
    if den < 0:
        raise MeasurementError(f"ตัวหาร (denominator) ต้องมากกว่าศูนย์ (ได้รับ {_fmt(den)})")
    exact = num * _HUNDRED / den
    return PercentResult(_round(exact, policy.percent_decimals), exact)


Measurement: TypeAlias = Mapping[str, Any] | int | str | Decimal | float

_MEASUREMENT_KEYS: Final = frozenset(
    {"value", "numerator", "denominator", "completed", "achieved_level", "level1_milestone_done", "parts"}
)
_VALUE_KEYS: Final = frozenset({"value", "numerator", "denominator"})
_METHOD_TH: Final[dict[str, str]] = {
    "three_level": "3 ระดับ (50/75/100)",
    "five_level": "5 ระดับ",
    "bands": "ช่วงค่า",
    "milestones": "ขั้นตอน (milestone)",
    "composite": "ผสม (composite)",
}


_Trace: TypeAlias = "list[str] | None"


def _as_mapping(measurement: object) -> Mapping[str, Any]:
    if isinstance(measurement, Mapping):
        return measurement
    if measurement is None:
        raise MeasurementError("ไม่มีผลการดำเนินงาน (ยังไม่ได้บันทึกผล)")
    if isinstance(measurement, (int, str, Decimal, float)) and not isinstance(measurement, bool):
        return {"value": measurement}
    raise MeasurementError("ผลการดำเนินงานต้องเป็นพจนานุกรม (dict) หรือตัวเลข")


def _check_measurement_keys(measurement: Mapping[str, Any], allowed: frozenset[str], method: str) -> None:
    unknown = sorted(str(key) for key in measurement if key not in _MEASUREMENT_KEYS)
    if unknown:
        raise MeasurementError(f"ผลการดำเนินงานมีคีย์ที่ไม่รู้จัก: {', '.join(unknown)}")
    foreign = sorted(str(key) for key in measurement if key not in allowed)
    if foreign:
        raise MeasurementError(f"ใช้ {', '.join(foreign)} กับเกณฑ์แบบ{_METHOD_TH[method]}ไม่ได้")


def _read_value(
    measurement: Mapping[str, Any], policy: ScoringPolicy, allow_negative: bool, trace: _Trace
) -> tuple[Decimal, Decimal]:
    """(value to score, unrounded value) from ``value`` or ``numerator``/``denominator`` (§3.8)."""
    has_ratio = "numerator" in measurement or "denominator" in measurement
    if "value" in measurement and has_ratio:
        raise MeasurementError("ระบุผลได้อย่างใดอย่างหนึ่ง: value หรือ numerator และ denominator")
    if has_ratio:
        if measurement.get("numerator") is None or measurement.get("denominator") is None:
            raise MeasurementError("ต้องระบุทั้งตัวตั้ง (numerator) และตัวหาร (denominator)")
        result = _percentage(measurement["numerator"], measurement["denominator"], policy)
        value = result.value_rounded if policy.round_percent_before_scoring else result.value_exact
        if trace is not None:
            num = _to_decimal(measurement["numerator"], "ตัวตั้ง", MeasurementError)
            den = _to_decimal(measurement["denominator"], "ตัวหาร", MeasurementError)
            line = f"ร้อยละ = {_fmt(num)} × 100 / {_fmt(den)} = {_fmt(_round(result.value_exact, 4))}"
            if policy.round_percent_before_scoring:
                line += f" ≈ {_fmt(value)} (ปัดเศษทศนิยม {policy.percent_decimals} ตำแหน่งก่อนคิดคะแนน)"
            trace.append(line)
        return value, result.value_exact
    if measurement.get("value") is None:
        raise MeasurementError("ไม่มีผลการดำเนินงาน: ต้องระบุ value หรือ numerator และ denominator")
    value = _to_decimal(measurement["value"], "ผลการดำเนินงาน (value)", MeasurementError)
    if value < 0 and not allow_negative:
        raise MeasurementError(f"ผลการดำเนินงานต้องไม่ติดลบ (ได้รับ {_fmt(value)})")
    return value, value
