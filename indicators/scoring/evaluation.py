"""Scoring one result: :func:`evaluate` (with details), :func:`score` and :func:`explain` (in Thai)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .criteria import (
    BandsCriteria,
    CompositeCriteria,
    Criteria,
    FiveLevelCriteria,
    MilestoneCriteria,
    ThreeLevelCriteria,
)
from .errors import CriteriaError, MeasurementError
from .measurement import Measurement, _as_mapping, _check_measurement_keys, _Trace
from .methods import _score_bands, _score_five, _score_milestones, _score_three
from .numbers import _ZERO, _decimal_context, _fmt, _round
from .policy import DEFAULT_POLICY, ScoringPolicy
from .spec import criteria_from_dict


@dataclass(frozen=True)
class ScoreResult:
    """Outcome of :func:`evaluate`: the score (rounded and exact) and the value that was scored.

    ``value`` is what the rule compared (a computed percentage rounded per policy), ``value_exact``
    the unrounded one (DOMAIN §12.1 keeps both); both are None for milestones.
    """

    score: Decimal
    score_exact: Decimal
    value: Decimal | None
    value_exact: Decimal | None
    parts: tuple[ScoreResult, ...] = ()
    steps: tuple[str, ...] = ()


def _score_composite(
    criteria: CompositeCriteria, measurement: Mapping[str, Any], policy: ScoringPolicy, trace: _Trace
) -> tuple[Decimal, tuple[ScoreResult, ...]]:
    _check_measurement_keys(measurement, frozenset({"parts"}), criteria.method)
    raw_parts = measurement.get("parts")
    if isinstance(raw_parts, (str, bytes)) or not isinstance(raw_parts, Sequence):
        raise MeasurementError("ผลของเกณฑ์แบบผสมต้องระบุ parts เป็นรายการผลของแต่ละส่วน")
    if len(raw_parts) != len(criteria.parts):
        raise MeasurementError(f"เกณฑ์แบบผสมมี {len(criteria.parts)} ส่วน แต่ระบุผล {len(raw_parts)} ส่วน")
    results: list[ScoreResult] = []
    for number, (part, raw) in enumerate(zip(criteria.parts, raw_parts, strict=True), start=1):
        if trace is not None:
            trace.append(f"ส่วนที่ {number}:")
        try:
            results.append(_evaluate(part, raw, policy, trace))
        except MeasurementError as error:
            raise MeasurementError(f"ส่วนที่ {number}: {error}") from error
    scores = [result.score_exact for result in results]
    combine = criteria.combine or policy.composite_combine
    if combine == "min":  # OPEN-12 default: a level is reached only when every condition holds
        total = min(scores)
    elif combine == "mean":
        total = sum(scores, _ZERO) / len(scores)
    else:
        total = scores[0]
    if trace is not None:
        listed = ", ".join(_fmt(_round(value, policy.score_decimals)) for value in scores)
        trace.append(f"รวมแบบ {combine}({listed}) = {_fmt(_round(total, policy.score_decimals))}")
    return total, tuple(results)


def _evaluate(criteria: Criteria, measurement: object, policy: ScoringPolicy, trace: _Trace) -> ScoreResult:
    data = _as_mapping(measurement)
    value: Decimal | None = None
    value_exact: Decimal | None = None
    parts: tuple[ScoreResult, ...] = ()
    if isinstance(criteria, ThreeLevelCriteria):
        exact, value, value_exact = _score_three(criteria, data, policy, trace)
    elif isinstance(criteria, FiveLevelCriteria):
        exact, value, value_exact = _score_five(criteria, data, policy, trace)
    elif isinstance(criteria, BandsCriteria):
        exact, value, value_exact = _score_bands(criteria, data, policy, trace)
    elif isinstance(criteria, MilestoneCriteria):
        exact = _score_milestones(criteria, data, policy, trace)
    elif isinstance(criteria, CompositeCriteria):
        exact, parts = _score_composite(criteria, data, policy, trace)
    else:
        raise CriteriaError("เกณฑ์ไม่ถูกต้อง: ต้องสร้างด้วย criteria_from_dict")
    return ScoreResult(
        score=_round(exact, policy.score_decimals),
        score_exact=exact,
        value=value,
        value_exact=value_exact,
        parts=parts,
        steps=tuple(trace) if trace is not None else (),
    )


@_decimal_context
def evaluate(
    criteria: Criteria | Mapping[str, Any], measurement: Measurement, policy: ScoringPolicy = DEFAULT_POLICY
) -> ScoreResult:
    """Score with details: the rounded and exact score, the value scored and its unrounded form."""
    return _evaluate(criteria_from_dict(criteria), measurement, policy, None)


@_decimal_context
def score(
    criteria: Criteria | Mapping[str, Any], measurement: Measurement, policy: ScoringPolicy = DEFAULT_POLICY
) -> Decimal:
    """Score one result: 0–5 (five-level scale) or 0–100 (three-level), ``score_decimals`` half-up.

    ``measurement`` is ``{"value": x}``, ``{"numerator": n, "denominator": d}``, a bare number,
    ``{"completed": {...}}`` / ``{"achieved_level": ...}`` (milestones),
    ``{"level1_milestone_done": bool, "value": x}`` (mixed) or ``{"parts": [...]}`` (composite).
    """
    return _evaluate(criteria_from_dict(criteria), measurement, policy, None).score


@_decimal_context
def explain(
    criteria: Criteria | Mapping[str, Any], measurement: Measurement, policy: ScoringPolicy = DEFAULT_POLICY
) -> str:
    """The arithmetic in Thai, as document 000 writes it, one step per line.

    e.g. ``50 + 25 × (13.90 − 13.16) / (17.55 − 13.16) = 54.2141``.
    """
    trace: list[str] = []
    result = _evaluate(criteria_from_dict(criteria), measurement, policy, trace)
    trace.append(f"คะแนน = {_fmt(result.score)}")
    return "\n".join(trace)


@_decimal_context
def evaluate_explained(
    criteria: Criteria | Mapping[str, Any], measurement: Measurement, policy: ScoringPolicy = DEFAULT_POLICY
) -> tuple[ScoreResult, str]:
    """``evaluate`` and ``explain`` from one evaluation: the score with details, and its arithmetic in Thai."""
    trace: list[str] = []
    result = _evaluate(criteria_from_dict(criteria), measurement, policy, trace)
    trace.append(f"คะแนน = {_fmt(result.score)}")
    return result, "\n".join(trace)
