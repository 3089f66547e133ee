"""Printed criteria texts: what the scorecards and the admin show for each level of a criterion."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from .criteria import (
    BandsCriteria,
    Criteria,
    FiveLevelCriteria,
    LevelBand,
    MilestoneCriteria,
    ThreeLevelCriteria,
)
from .errors import CriteriaError
from .numbers import _fmt
from .spec import criteria_from_dict

_UNITS: Final[dict[str, tuple[str, str]]] = {
    "percent": ("ร้อยละ ", ""),
    "points": ("", " คะแนน"),
    "plain": ("", ""),
}


def _describe_band(band: LevelBand, unit: str) -> str:
    prefix, suffix = _UNITS[unit]

    def q(value: Decimal) -> str:
        return f"{prefix}{_fmt(value)}{suffix}"

    def joined(word: str, value: Decimal) -> str:
        return f"{word}{q(value)}" if prefix else f"{word} {q(value)}"

    low, high = band.min, band.max
    if low is None and high is None:
        return "ทุกค่า"
    if low is None and high is not None:
        return joined("ต่ำกว่า" if not band.max_inclusive else "ไม่เกิน", high)
    if high is None and low is not None:
        return f"{q(low)} ขึ้นไป" if band.min_inclusive else joined("สูงกว่า", low)
    assert low is not None and high is not None
    if band.min_inclusive and band.max_inclusive:
        if low == high:
            return q(low)
        return f"{prefix}{_fmt(low)} – {_fmt(high)}{suffix}"
    left = joined("ตั้งแต่", low) if band.min_inclusive else joined("สูงกว่า", low)
    right = joined("ไม่เกิน", high) if band.max_inclusive else joined("ต่ำกว่า", high)
    return f"{left} แต่{right}"


def describe(criteria: Criteria | Mapping[str, Any], unit: str = "percent") -> list[str]:
    """Printed text per level, level order (5 lines, or 3 for 50/75/100); "-" = undefined level.

    ``unit``: "percent" ("ร้อยละ 47.50 – 49.49"), "points" ("55.00 – 64.99 คะแนน") or "plain".
    """
    if unit not in _UNITS:
        raise CriteriaError("หน่วยของข้อความเกณฑ์ต้องเป็น percent, points หรือ plain")
    built = criteria_from_dict(criteria)
    prefix, suffix = _UNITS[unit]
    if isinstance(built, ThreeLevelCriteria):
        return [f"{prefix}{_fmt(value)}{suffix}" for value in built.targets]
    if isinstance(built, FiveLevelCriteria):
        lines = ["-" if value is None else f"{prefix}{_fmt(value)}{suffix}" for value in built.thresholds]
        if built.level1_milestone is not None:
            lines[0] = built.level1_milestone
        return lines
    if isinstance(built, BandsCriteria):
        return [_describe_band(band, unit) for band in built.bands]
    if isinstance(built, MilestoneCriteria):
        return ["-" if step is None else " และ ".join(step) for step in built.steps]
    per_part = [describe(part, unit) for part in built.parts]
    return [" และ ".join(texts) for texts in zip(*per_part, strict=True)]
