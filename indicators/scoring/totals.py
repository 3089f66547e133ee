"""Totals over many scores: a division's score from its provinces (DOMAIN §4.h), the weighted
100-point total of a scorecard and its rating band (§4.i).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from .criteria import FIVE_LEVEL, THREE_LEVEL, Criteria
from .errors import CriteriaError, MeasurementError
from .evaluation import _evaluate
from .measurement import _percentage
from .numbers import _HUNDRED, _ZERO, Number, _decimal_context, _fmt, _round, _to_decimal
from .policy import _CHOICES, DEFAULT_POLICY, ScoringPolicy
from .spec import criteria_from_dict


@_decimal_context
def division_average(scores: Iterable[Number], policy: ScoringPolicy = DEFAULT_POLICY) -> Decimal:
    """Unweighted mean of provincial scores, ``score_decimals`` half-up (DOMAIN §4.h, OPEN-15).

    Example: (4 + 3 + 5 + 3.01) / 4 = 3.7525. No scores -> MeasurementError.
    """
    values = [_to_decimal(value, "คะแนนรายจังหวัด", MeasurementError) for value in scores]
    if not values:
        raise MeasurementError("ไม่มีคะแนนรายจังหวัดสำหรับคำนวณคะแนนเฉลี่ยของกอง")
    return _round(sum(values, _ZERO) / len(values), policy.score_decimals)


@_decimal_context
def division_score(
    provinces: Iterable[tuple[Number, Number]],
    criteria: Criteria | Mapping[str, Any],
    policy: ScoringPolicy = DEFAULT_POLICY,
    method: str | None = None,
) -> Decimal:
    """Division score from provincial (done, target) pairs (DOMAIN §4.h, OPEN-15).

    ``method`` (default ``policy.division_average_method``): "mean_of_scores" scores each
    province then averages the rounded scores; "mean_of_percentages" averages the provincial
    percentages then scores; "pooled" scores Σdone × 100 / Σtarget.
    """
    built = criteria_from_dict(criteria)
    chosen = policy.division_average_method if method is None else method
    if chosen not in _CHOICES["division_average_method"]:
        raise CriteriaError("วิธีคิดคะแนนเฉลี่ยของกองต้องเป็น mean_of_scores, mean_of_percentages หรือ pooled")
    pairs = [(done, target) for done, target in provinces]
    if not pairs:
        raise MeasurementError("ไม่มีผลรายจังหวัดสำหรับคำนวณคะแนนของกอง")
    if chosen == "mean_of_scores":
        scores = [
            _evaluate(built, {"numerator": done, "denominator": target}, policy, None).score for done, target in pairs
        ]
        return _round(sum(scores, _ZERO) / len(scores), policy.score_decimals)
    if chosen == "mean_of_percentages":
        percents = [_percentage(done, target, policy) for done, target in pairs]
        values = [p.value_rounded if policy.round_percent_before_scoring else p.value_exact for p in percents]
        mean = sum(values, _ZERO) / len(values)
        if policy.round_percent_before_scoring:
            mean = _round(mean, policy.percent_decimals)
        return _evaluate(built, {"value": mean}, policy, None).score
    done_total = sum((_to_decimal(done, "ผลรายจังหวัด", MeasurementError) for done, _ in pairs), _ZERO)
    target_total = sum((_to_decimal(target, "เป้าหมายรายจังหวัด", MeasurementError) for _, target in pairs), _ZERO)
    return _evaluate(built, {"numerator": done_total, "denominator": target_total}, policy, None).score


@dataclass(frozen=True)
class Band:
    """A rating band on the 100-point total (DOMAIN §4.i, document 003 §3.3 (2))."""

    code: str
    label_th: str
    min: Decimal


BANDS: Final[tuple[tuple[str, str], ...]] = (
    ("quality", "ระดับคุณภาพ"),
    ("standard_high", "ระดับมาตรฐานขั้นสูง"),
    ("standard_basic", "ระดับมาตรฐานขั้นต้น"),
    ("needs_improvement", "ระดับต้องปรับปรุง"),
)


@_decimal_context
def band_for(total_100: Number, policy: ScoringPolicy = DEFAULT_POLICY) -> Band:
    """Rating band of a 100-point total: >= 90 quality, >= 75 standard-high, >= 60 standard-basic,
    else needs improvement. Compared on the unrounded total (OPEN-16: 89.995 is standard-high);
    with ``policy.band_on_rounded_total`` the total is first rounded to ``percent_decimals``.
    """
    total = _to_decimal(total_100, "คะแนนรวม", MeasurementError)
    if total < 0:
        raise MeasurementError(f"คะแนนรวมต้องไม่ติดลบ (ได้รับ {_fmt(total)})")
    if policy.band_on_rounded_total:
        total = _round(total, policy.percent_decimals)
    minimums = (policy.band_quality_min, policy.band_standard_high_min, policy.band_standard_basic_min, _ZERO)
    for (code, label), minimum in zip(BANDS, minimums, strict=True):
        if total >= minimum:
            return Band(code=code, label_th=label, min=minimum)
    raise AssertionError("unreachable: the last band starts at 0")


@dataclass(frozen=True)
class WeightedTotal:
    """Scorecard total (DOMAIN §4.i): ``weighted_sum`` = Σ ค = Σ(คะแนน ก × น้ำหนัก ข)."""

    weighted_sum: Decimal
    weight_total: Decimal
    total_100: Decimal
    total_100_exact: Decimal
    band: Band
    scale: str
    missing: int


def _opdc_anchor(value: Decimal) -> Decimal:
    """OPEN-17 alternative: 1 -> 50, 3 -> 75, 5 -> 100 (50 + 12.5 × (s − 1)); 0 -> 0.

    Scores strictly between 0 and 1 (only possible with extrapolation below level 1) map
    linearly onto 0–50 (50 × s), so the mapping is continuous and increasing on [0, 5].
    """
    if value >= 1:
        return 50 + Decimal("12.5") * (value - 1)
    return 50 * value


@_decimal_context
def weighted_total(
    items: Iterable[tuple[Number, Number | None]],
    scale: str = FIVE_LEVEL,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> WeightedTotal:
    """Total on 100 from (weight, score) pairs; weights are percents (they should total 100).

    three_level: Σ(score × weight) / 100 (DOMAIN §4.i, department level).
    five_level: Σ(score × weight) / 5 ("percent_of_max", OPEN-17 default), or
    Σ(anchored(score) × weight) / 100 ("opdc_anchored"). A None score (no result) counts as 0
    and is counted in ``missing``. Negative weights or out-of-scale scores -> MeasurementError.
    """
    if scale not in (FIVE_LEVEL, THREE_LEVEL):
        raise CriteriaError("มาตราคะแนนต้องเป็น five_level หรือ three_level")
    maximum = Decimal(5) if scale == FIVE_LEVEL else _HUNDRED
    weighted_sum = _ZERO
    weight_total = _ZERO
    anchored_sum = _ZERO
    missing = 0
    for number, item in enumerate(items, start=1):
        try:
            raw_weight, raw_score = item
        except (TypeError, ValueError):
            raise MeasurementError(f"รายการที่ {number} ต้องเป็นคู่ (น้ำหนัก, คะแนน)") from None
        weight = _to_decimal(raw_weight, f"น้ำหนักของรายการที่ {number}", MeasurementError)
        if weight < 0:
            raise MeasurementError(f"น้ำหนักของรายการที่ {number} ต้องไม่ติดลบ")
        if raw_score is None:
            missing += 1
            value = _ZERO
        else:
            value = _to_decimal(raw_score, f"คะแนนของรายการที่ {number}", MeasurementError)
            if not _ZERO <= value <= maximum:
                raise MeasurementError(f"คะแนนของรายการที่ {number} ต้องอยู่ระหว่าง 0 ถึง {maximum} (ได้รับ {_fmt(value)})")
        weight_total += weight
        weighted_sum += value * weight
        anchored_sum += _opdc_anchor(value) * weight
    if scale == THREE_LEVEL:
        exact = weighted_sum / _HUNDRED
    elif policy.five_level_total == "percent_of_max":
        exact = weighted_sum / 5
    else:
        exact = anchored_sum / _HUNDRED
    return WeightedTotal(
        weighted_sum=weighted_sum,
        weight_total=weight_total,
        total_100=_round(exact, policy.score_decimals),
        total_100_exact=exact,
        band=band_for(exact, policy),
        scale=scale,
        missing=missing,
    )
