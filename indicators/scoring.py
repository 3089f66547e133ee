"""Every scoring rule of DSDW KPI, as a pure library (no Django, standard library only).

Sources: ``shared/domain/DOMAIN.md`` §3.3, §3.8, §4.a–4.j, §5.2, §5.3, §11 and §12.1, which
quote documents 000 (FY2564 results), 001 (FY2563 OPDC targets) and 003 (FY2566 manual).
``docs/scoring.md`` explains each method with a worked example.

Conventions (DOMAIN §4.0, §12.1):

* Every number is a :class:`~decimal.Decimal`. Inputs may be ``int``, ``str``, ``Decimal`` or
  ``float``; a float is converted through ``str()`` so ``0.1`` means ``Decimal("0.1")``.
* Arithmetic runs at 50 significant digits; only results are rounded, half-up: scores to
  ``policy.score_decimals`` (4), percentages computed from numerator/denominator to
  ``policy.percent_decimals`` (2) *before* scoring when ``policy.round_percent_before_scoring``.
* A lower-is-better indicator is scored as the higher-is-better rule applied to ``-x`` and the
  negated thresholds (DOMAIN §4.0, §4.d).
* Every error is a ``ValueError`` subclass carrying a Thai message: :class:`CriteriaError` for a
  bad criteria spec or policy, :class:`MeasurementError` for a bad or missing result.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any, ClassVar, Final, ParamSpec, TypeAlias, TypeVar

__all__ = [
    "BANDS",
    "DEFAULT_POLICY",
    "EREPORT_LEVEL_SPEC",
    "Band",
    "BandsCriteria",
    "CompositeCriteria",
    "Criteria",
    "CriteriaError",
    "FiveLevelCriteria",
    "LevelBand",
    "MeasurementError",
    "MilestoneCriteria",
    "PercentResult",
    "ProvinceTargets",
    "ScoreResult",
    "ScoringError",
    "ScoringPolicy",
    "ThreeLevelCriteria",
    "WeightedTotal",
    "as_decimal",
    "band_for",
    "criteria_from_dict",
    "criteria_to_dict",
    "describe",
    "division_average",
    "division_score",
    "ereport_energy_score",
    "ereport_waste_score",
    "evaluate",
    "explain",
    "growth_targets",
    "level_labels",
    "percentage",
    "pmqa_total",
    "province_targets",
    "round_half_up",
    "scale_of",
    "score",
    "weighted_total",
]

Number: TypeAlias = int | str | Decimal | float

HIGHER: Final = "higher"
LOWER: Final = "lower"
FIVE_LEVEL: Final = "five_level"
THREE_LEVEL: Final = "three_level"

FIVE_LEVEL_LABELS: Final[tuple[int, ...]] = (1, 2, 3, 4, 5)
THREE_LEVEL_LABELS: Final[tuple[int, ...]] = (50, 75, 100)

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)

# 50 digits: enough that sums of many 4-decimal scores are exact and independent of order.
_CONTEXT: Final = Context(
    prec=50, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")


def _decimal_context(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` in this module's Decimal context, whatever the caller's context is."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(_CONTEXT):
            return func(*args, **kwargs)

    return wrapper


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ScoringError(ValueError):
    """Base class of the scoring errors; the message is Thai and meant for end users."""


class CriteriaError(ScoringError):
    """The criteria spec (or a policy value) is invalid."""


class MeasurementError(ScoringError):
    """The measured result is missing, malformed or cannot be computed."""


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_QUANTUM: dict[int, Decimal] = {}


def _to_decimal(value: object, what: str, error: type[ScoringError]) -> Decimal:
    """Convert int / str / Decimal / float (through ``str``) to a finite Decimal, else ``error``."""
    if isinstance(value, bool):
        raise error(f"{what} ต้องเป็นตัวเลข ไม่ใช่ค่าจริง/เท็จ")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip()
        if _THOUSANDS.fullmatch(text):  # "1,424" as printed in the documents (DOMAIN §3.3)
            text = text.replace(",", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise error(f"{what} '{value}' ไม่ใช่ตัวเลขที่ถูกต้อง") from None
    elif value is None:
        raise error(f"ไม่ได้ระบุ{what}")
    else:
        raise error(f"{what} ต้องเป็นตัวเลข (int, str, Decimal หรือ float)")
    if not result.is_finite():
        raise error(f"{what} ต้องเป็นตัวเลขที่มีค่าจำกัด (ไม่ใช่ NaN หรืออนันต์)")
    return result


def as_decimal(value: Number) -> Decimal:
    """Public converter used by callers (forms, imports); raises :class:`MeasurementError`."""
    return _to_decimal(value, "ค่าตัวเลข", MeasurementError)


def _quantum(places: int) -> Decimal:
    quantum = _QUANTUM.get(places)
    if quantum is None:
        quantum = _QUANTUM[places] = _ONE.scaleb(-places)
    return quantum


def _round(value: Decimal, places: int) -> Decimal:
    result = value.quantize(_quantum(places), rounding=ROUND_HALF_UP, context=_CONTEXT)
    return result.copy_abs() if result.is_zero() else result


def round_half_up(value: Number, places: int) -> Decimal:
    """Round half-up to ``places`` decimals (DOMAIN §3.3: 25/32 = 78.125 is printed 78.13)."""
    return _round(value if isinstance(value, Decimal) else as_decimal(value), places)


def _fmt(value: Decimal) -> str:
    """Thai document style: thousands separators, the value's own decimals (13.90 stays 13.90)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        value = value.quantize(_ONE, context=_CONTEXT)
    if value.is_zero():
        value = value.copy_abs()
    return f"{value:,}"


# --------------------------------------------------------------------------------------------
# Policy (DOMAIN §12.1)
# --------------------------------------------------------------------------------------------

_CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "below_floor": ("zero", "one", "extrapolate"),
    "composite_combine": ("min", "mean", "first"),
    "division_average_method": ("mean_of_scores", "mean_of_percentages", "pooled"),
    "five_level_total": ("percent_of_max", "opdc_anchored"),
}
_MAX_DECIMALS: Final = 10


@dataclass(frozen=True)
class ScoringPolicy:
    """Per-fiscal-year switches for every rule the documents leave open (DOMAIN §12, §12.1).

    The defaults are the project's decisions; the Django model mirrors these field names.
    """

    percent_decimals: int = 2  # §3.3: percentages printed with 2 decimals, half-up
    round_percent_before_scoring: bool = True  # §12.1: what is printed is what is scored
    score_decimals: int = 4  # §3.3: scores shown with 4 decimals (54.2141)
    interpolate: bool = True  # OPEN-19; False = step rule (highest level reached)
    below_floor: str = "zero"  # OPEN-5: "zero" | "one" | "extrapolate"
    milestone_cumulative: bool = True  # OPEN-8
    milestone_partial_credit: bool = False  # OPEN-9
    mixed_level1_interpolate: bool = False  # OPEN-10
    band_round_value_first: bool = False  # OPEN-11
    composite_combine: str = "min"  # OPEN-12: "min" | "mean" | "first"
    external_interpolate: bool = False  # OPEN-14
    division_average_method: str = "mean_of_scores"  # OPEN-15
    band_on_rounded_total: bool = False  # OPEN-16
    five_level_total: str = "percent_of_max"  # OPEN-17: "percent_of_max" | "opdc_anchored"
    band_quality_min: Decimal = Decimal(90)  # §4.i rating bands
    band_standard_high_min: Decimal = Decimal(75)
    band_standard_basic_min: Decimal = Decimal(60)

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            default = spec.default
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise CriteriaError(f"ค่า {spec.name} ของนโยบายการคิดคะแนนต้องเป็นจริงหรือเท็จ (true/false)")
            elif isinstance(default, int):
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_DECIMALS:
                    raise CriteriaError(
                        f"ค่า {spec.name} ของนโยบายการคิดคะแนนต้องเป็นจำนวนเต็มตั้งแต่ 0 ถึง {_MAX_DECIMALS}"
                    )
            elif isinstance(default, Decimal):
                number = _to_decimal(value, f"ค่า {spec.name} ของนโยบายการคิดคะแนน", CriteriaError)
                object.__setattr__(self, spec.name, number)
            else:
                choices = _CHOICES[spec.name]
                if value not in choices:
                    raise CriteriaError(
                        f"ค่า {spec.name} ของนโยบายการคิดคะแนนต้องเป็นหนึ่งใน {', '.join(choices)} (ได้รับ {value!r})"
                    )
        if not (
            _ZERO
            < self.band_standard_basic_min
            < self.band_standard_high_min
            < self.band_quality_min
            <= _HUNDRED
        ):
            raise CriteriaError("เกณฑ์ระดับผลการประเมินต้องเรียงจากน้อยไปมาก (ขั้นต้น < ขั้นสูง < คุณภาพ) และไม่เกิน 100")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringPolicy:
        """Build from a dict (e.g. the Django model's values); missing keys take the default."""
        if not isinstance(data, Mapping):
            raise CriteriaError("นโยบายการคิดคะแนนต้องเป็นพจนานุกรม (dict)")
        known = {spec.name for spec in fields(cls)}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise CriteriaError(f"นโยบายการคิดคะแนนมีคีย์ที่ไม่รู้จัก: {', '.join(unknown)}")
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict (Decimals as strings); ``from_dict(to_dict())`` round-trips."""
        result: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            result[spec.name] = str(value) if isinstance(value, Decimal) else value
        return result


DEFAULT_POLICY: Final = ScoringPolicy()


# --------------------------------------------------------------------------------------------
# Percentages (DOMAIN §3.8)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Criteria
# --------------------------------------------------------------------------------------------

_DIRECTIONS: Final[dict[str, str]] = {
    "higher": HIGHER,
    "higher_is_better": HIGHER,
    "lower": LOWER,
    "lower_is_better": LOWER,
}
_DIRECTION_TH: Final[dict[str, str]] = {HIGHER: "ยิ่งมากยิ่งดี", LOWER: "ยิ่งน้อยยิ่งดี"}


def _check_direction(direction: object) -> str:
    if direction not in _DIRECTIONS:
        raise CriteriaError("ทิศทางของตัวชี้วัดต้องเป็น 'higher' (ยิ่งมากยิ่งดี) หรือ 'lower' (ยิ่งน้อยยิ่งดี)")
    return _DIRECTIONS[str(direction)]


def _orient(value: Decimal, direction: str) -> Decimal:
    """Oriented value: x for higher-is-better, −x for lower-is-better (exact, context-free)."""
    return value if direction == HIGHER else value.copy_negate()


def _order_words(direction: str) -> str:
    if direction == HIGHER:
        return "จากน้อยไปมาก (ตัวชี้วัดยิ่งมากยิ่งดี)"
    return "จากมากไปน้อย (ตัวชี้วัดยิ่งน้อยยิ่งดี)"


def _allows_negative(values: Iterable[Decimal | None]) -> bool:
    """Negative results are meaningful only when the criteria themselves go below zero."""
    return any(value is not None and value < 0 for value in values)


@dataclass(frozen=True)
class ThreeLevelCriteria:
    """OPDC targets 50 / 75 / 100 (DOMAIN §4.a); ``interpolate`` None = follow the policy."""

    method: ClassVar[str] = "three_level"
    direction: str
    targets: tuple[Decimal, Decimal, Decimal]
    interpolate: bool | None = None
    _anchors: tuple[tuple[int, Decimal], ...] = field(init=False, repr=False, compare=False)
    _negative_ok: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "direction", _check_direction(self.direction))
        if len(self.targets) != 3:
            raise CriteriaError("เกณฑ์ 3 ระดับ (50/75/100) ต้องมีค่าเป้าหมาย 3 ค่า")
        targets = tuple(
            _to_decimal(value, f"ค่าเป้าหมายระดับ {label}", CriteriaError)
            for label, value in zip(THREE_LEVEL_LABELS, self.targets, strict=True)
        )
        object.__setattr__(self, "targets", targets)
        if self.interpolate is not None and not isinstance(self.interpolate, bool):
            raise CriteriaError("ค่า interpolate ต้องเป็น true หรือ false")
        anchors = tuple(
            (label, _orient(value, self.direction)) for label, value in zip(THREE_LEVEL_LABELS, targets, strict=True)
        )
        if not all(a[1] < b[1] for a, b in itertools.pairwise(anchors)):
            raise CriteriaError(
                "ค่าเป้าหมายระดับ 50, 75 และ 100 ต้องเรียง" + _order_words(self.direction) + " และต้องไม่ซ้ำกัน"
            )
        object.__setattr__(self, "_anchors", anchors)
        object.__setattr__(self, "_negative_ok", _allows_negative(targets))


@dataclass(frozen=True)
class FiveLevelCriteria:
    """Thresholds T1..T5 (DOMAIN §4.b); ``None`` = a level printed "..." (OPEN-6).

    ``level1_milestone`` makes level 1 a milestone and T2..T5 numeric (mixed criteria, §4.c).
    """

    method: ClassVar[str] = "five_level"
    direction: str
    thresholds: tuple[Decimal | None, ...]
    interpolate: bool | None = None
    level1_milestone: str | None = None
    _anchors: tuple[tuple[int, Decimal], ...] = field(init=False, repr=False, compare=False)
    _negative_ok: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "direction", _check_direction(self.direction))
        if len(self.thresholds) != 5:
            raise CriteriaError("เกณฑ์ 5 ระดับต้องมีค่าเกณฑ์ 5 ค่า (ใช้ null สำหรับระดับที่ไม่ได้กำหนด)")
        thresholds = tuple(
            None if value is None else _to_decimal(value, f"ค่าเกณฑ์ระดับ {level}", CriteriaError)
            for level, value in zip(FIVE_LEVEL_LABELS, self.thresholds, strict=True)
        )
        object.__setattr__(self, "thresholds", thresholds)
        if self.interpolate is not None and not isinstance(self.interpolate, bool):
            raise CriteriaError("ค่า interpolate ต้องเป็น true หรือ false")
        if self.level1_milestone is not None:
            if not isinstance(self.level1_milestone, str) or not self.level1_milestone.strip():
                raise CriteriaError("ข้อความขั้นตอน (milestone) ของระดับ 1 ต้องเป็นข้อความที่ไม่ว่าง")
            if thresholds[0] is not None:
                raise CriteriaError("เมื่อระดับ 1 เป็นขั้นตอน (milestone) ต้องไม่กำหนดค่าเกณฑ์ของระดับ 1 (ใช้ null)")
        anchors = tuple(
            (level, _orient(value, self.direction))
            for level, value in zip(FIVE_LEVEL_LABELS, thresholds, strict=True)
            if value is not None
        )
        if not anchors:
            raise CriteriaError("เกณฑ์ 5 ระดับต้องกำหนดค่าเกณฑ์อย่างน้อย 1 ระดับ")
        if not all(a[1] < b[1] for a, b in itertools.pairwise(anchors)):
            raise CriteriaError(
                "เกณฑ์ระดับ 1–5 ต้องเรียง" + _order_words(self.direction) + "ตามทิศทางของตัวชี้วัด และต้องไม่ซ้ำกัน"
            )
        object.__setattr__(self, "_anchors", anchors)
        object.__setattr__(self, "_negative_ok", _allows_negative(thresholds))


@dataclass(frozen=True)
class LevelBand:
    """One printed range of a banded criterion (DOMAIN §4.e); ``None`` bound = open end."""

    level: int
    min: Decimal | None
    max: Decimal | None
    min_inclusive: bool = True
    max_inclusive: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.level, bool) or not isinstance(self.level, int) or self.level not in FIVE_LEVEL_LABELS:
            raise CriteriaError("ระดับของช่วงค่าต้องเป็นจำนวนเต็ม 1 ถึง 5")
        for name in ("min", "max"):
            value = getattr(self, name)
            if value is not None:
                what = f"ค่า{'ต่ำสุด' if name == 'min' else 'สูงสุด'}ของระดับ {self.level}"
                object.__setattr__(self, name, _to_decimal(value, what, CriteriaError))
        if not isinstance(self.min_inclusive, bool) or not isinstance(self.max_inclusive, bool):
            raise CriteriaError("ค่า min_inclusive และ max_inclusive ต้องเป็น true หรือ false")

    def contains(self, value: Decimal) -> bool:
        if self.min is not None and (value < self.min or (value == self.min and not self.min_inclusive)):
            return False
        return not (self.max is not None and (value > self.max or (value == self.max and not self.max_inclusive)))


def _band_below(a: LevelBand, b: LevelBand) -> bool:
    """True when every value of ``a`` is smaller than every value of ``b``."""
    if a.max is None or b.min is None:
        return False
    return a.max < b.min or (a.max == b.min and not (a.max_inclusive and b.min_inclusive))


@dataclass(frozen=True)
class BandsCriteria:
    """Five explicit ranges, score = the level whose range holds x (DOMAIN §4.e, §4.d).

    ``direction`` is derived from the ranges (``lower`` when level 1 holds the highest values,
    e.g. dissatisfaction); a given direction must agree. ``external`` marks an e-report mapping
    (DOMAIN §4.g) that ``policy.external_interpolate`` may interpolate (OPEN-14).
    """

    method: ClassVar[str] = "bands"
    bands: tuple[LevelBand, ...]
    external: bool = False
    direction: str | None = None
    # (level, entry bound in oriented values, inclusive), level ascending; entry None = open.
    _entries: tuple[tuple[int, Decimal | None, bool], ...] = field(init=False, repr=False, compare=False)
    _negative_ok: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.external, bool):
            raise CriteriaError("ค่า external ต้องเป็น true หรือ false")
        levels = sorted(band.level for band in self.bands)
        if levels != list(FIVE_LEVEL_LABELS):
            raise CriteriaError("เกณฑ์แบบช่วงค่าต้องมี 5 ช่วง คือระดับ 1 ถึง 5 ระดับละ 1 ช่วง")
        bands = tuple(sorted(self.bands, key=lambda band: band.level))
        for band in bands:
            if (
                band.min is not None
                and band.max is not None
                and (band.min > band.max or (band.min == band.max and not (band.min_inclusive and band.max_inclusive)))
            ):
                raise CriteriaError(f"ช่วงค่าของระดับ {band.level} ไม่ถูกต้อง: ค่าต่ำสุดต้องน้อยกว่าค่าสูงสุด")
        if _band_below(bands[0], bands[1]):
            derived = HIGHER
        elif _band_below(bands[1], bands[0]):
            derived = LOWER
        else:
            raise CriteriaError("ช่วงค่าของระดับ 1 และระดับ 2 ซ้อนทับกัน")
        for low, high in itertools.pairwise(bands):
            ordered = _band_below(low, high) if derived == HIGHER else _band_below(high, low)
            if not ordered:
                if _band_below(low, high) or _band_below(high, low):
                    raise CriteriaError(
                        "ช่วงค่าของระดับ 1–5 ต้องเรียงตามลำดับระดับในทิศทางเดียวกัน (จากน้อยไปมาก หรือจากมากไปน้อย)"
                    )
                raise CriteriaError(f"ช่วงค่าของระดับ {low.level} และระดับ {high.level} ซ้อนทับกัน")
        if self.direction is not None and _check_direction(self.direction) != derived:
            raise CriteriaError(
                f"ทิศทางที่ระบุ ({self.direction}) ไม่ตรงกับการเรียงช่วงค่า ({derived}: {_DIRECTION_TH[derived]})"
            )
        object.__setattr__(self, "bands", bands)
        object.__setattr__(self, "direction", derived)
        if derived == HIGHER:
            entries = tuple((b.level, b.min, b.min_inclusive) for b in bands)
        else:
            entries = tuple((b.level, None if b.max is None else b.max.copy_negate(), b.max_inclusive) for b in bands)
        object.__setattr__(self, "_entries", entries)
        object.__setattr__(self, "_negative_ok", _allows_negative([b.min for b in bands] + [b.max for b in bands]))


@dataclass(frozen=True)
class MilestoneCriteria:
    """Deliverables per level (DOMAIN §4.c); ``None`` = a "-" level that cannot be earned alone.

    ``steps`` has 5 entries on the five-level scale, 3 (levels 50/75/100) on the three-level scale.
    """

    method: ClassVar[str] = "milestones"
    scale: str
    steps: tuple[tuple[str, ...] | None, ...]

    def __post_init__(self) -> None:
        if self.scale not in (FIVE_LEVEL, THREE_LEVEL):
            raise CriteriaError("มาตราของเกณฑ์ขั้นตอนต้องเป็น five_level หรือ three_level")
        labels = _labels(self.scale)
        if len(self.steps) != len(labels):
            raise CriteriaError(
                f"เกณฑ์ขั้นตอน (milestone) มาตรา {len(labels)} ระดับต้องมีรายการขั้นตอน {len(labels)} รายการ"
                " (ใช้ null สำหรับระดับที่เป็น \"-\")"
            )
        steps: list[tuple[str, ...] | None] = []
        for label, entry in zip(labels, self.steps, strict=True):
            if entry is None:
                steps.append(None)
                continue
            if isinstance(entry, str) or not isinstance(entry, Sequence) or not entry:
                raise CriteriaError(f"ขั้นตอนของระดับ {label} ต้องเป็นรายการข้อความที่ไม่ว่าง")
            texts = []
            for text in entry:
                if not isinstance(text, str) or not text.strip():
                    raise CriteriaError(f"ผลผลิตแต่ละรายการของระดับ {label} ต้องเป็นข้อความที่ไม่ว่าง")
                texts.append(text.strip())
            steps.append(tuple(texts))
        if all(entry is None for entry in steps):
            raise CriteriaError("เกณฑ์ขั้นตอน (milestone) ต้องกำหนดขั้นตอนอย่างน้อย 1 ระดับ")
        object.__setattr__(self, "steps", tuple(steps))

    @property
    def labels(self) -> tuple[int, ...]:
        return _labels(self.scale)


@dataclass(frozen=True)
class CompositeCriteria:
    """Several measures scored separately and combined (DOMAIN §4.f, OPEN-12).

    ``combine`` None = follow ``policy.composite_combine``; all parts share one scale.
    """

    method: ClassVar[str] = "composite"
    parts: tuple[Criteria, ...]
    combine: str | None = None

    def __post_init__(self) -> None:
        if len(self.parts) < 2:
            raise CriteriaError("เกณฑ์แบบผสม (composite) ต้องมีอย่างน้อย 2 ส่วน")
        for part in self.parts:
            if isinstance(part, CompositeCriteria):
                raise CriteriaError("ส่วนประกอบของเกณฑ์แบบผสมต้องไม่เป็นเกณฑ์แบบผสมซ้อนกัน")
            if not isinstance(part, _CRITERIA_TYPES):
                raise CriteriaError("ส่วนประกอบของเกณฑ์แบบผสมต้องเป็นเกณฑ์ที่ถูกต้อง")
        if len({scale_of(part) for part in self.parts}) != 1:
            raise CriteriaError("ทุกส่วนของเกณฑ์แบบผสมต้องใช้มาตราคะแนนเดียวกัน (5 ระดับ หรือ 50/75/100)")
        if self.combine is not None and self.combine not in _CHOICES["composite_combine"]:
            raise CriteriaError("วิธีรวมคะแนนของเกณฑ์แบบผสมต้องเป็น min, mean หรือ first")
        object.__setattr__(self, "parts", tuple(self.parts))


Criteria: TypeAlias = ThreeLevelCriteria | FiveLevelCriteria | BandsCriteria | MilestoneCriteria | CompositeCriteria
_CRITERIA_TYPES: Final = (ThreeLevelCriteria, FiveLevelCriteria, BandsCriteria, MilestoneCriteria, CompositeCriteria)


def _labels(scale: str) -> tuple[int, ...]:
    return FIVE_LEVEL_LABELS if scale == FIVE_LEVEL else THREE_LEVEL_LABELS


def scale_of(criteria: Criteria) -> str:
    """"five_level" (scores 0–5) or "three_level" (scores 0–100) for a criteria object."""
    if isinstance(criteria, ThreeLevelCriteria):
        return THREE_LEVEL
    if isinstance(criteria, MilestoneCriteria):
        return criteria.scale
    if isinstance(criteria, CompositeCriteria):
        return scale_of(criteria.parts[0])
    return FIVE_LEVEL


def level_labels(criteria: Criteria) -> tuple[int, ...]:
    """The level labels of the criteria's scale: (1, 2, 3, 4, 5) or (50, 75, 100)."""
    return _labels(scale_of(criteria))


# ---- spec dict <-> criteria ------------------------------------------------------------------

_SPEC_KEYS: Final[dict[str, frozenset[str]]] = {
    "three_level": frozenset({"method", "direction", "targets", "interpolate"}),
    "five_level": frozenset({"method", "direction", "thresholds", "interpolate", "level1_milestone"}),
    "bands": frozenset({"method", "bands", "external", "direction"}),
    "milestones": frozenset({"method", "scale", "steps"}),
    "composite": frozenset({"method", "combine", "parts"}),
}
_BAND_KEYS: Final = frozenset({"level", "min", "max", "min_inclusive", "max_inclusive"})


def _check_spec_keys(spec: Mapping[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(str(key) for key in spec if key not in allowed)
    if unknown:
        raise CriteriaError(f"{what}มีคีย์ที่ไม่รู้จัก: {', '.join(unknown)}")


def _spec_list(value: object, what: str) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise CriteriaError(f"{what}ต้องเป็นรายการ (list)")
    return list(value)


def _spec_bool(spec: Mapping[str, Any], key: str, default: bool | None) -> bool | None:
    value = spec.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise CriteriaError(f"ค่า {key} ต้องเป็น true หรือ false")
    return value


def _parse_three(spec: Mapping[str, Any]) -> ThreeLevelCriteria:
    raw = spec.get("targets")
    if isinstance(raw, Mapping):  # {"50": ..., "75": ..., "100": ...} as in the reference data
        lookup = {str(key): value for key, value in raw.items()}
        if sorted(lookup, key=str) != sorted(str(label) for label in THREE_LEVEL_LABELS):
            raise CriteriaError("ค่าเป้าหมายต้องมีคีย์ 50, 75 และ 100")
        targets = [lookup[str(label)] for label in THREE_LEVEL_LABELS]
    else:
        targets = _spec_list(raw, "ค่าเป้าหมาย (targets) ")
    if len(targets) != 3 or any(value is None for value in targets):
        raise CriteriaError("เกณฑ์ 3 ระดับ (50/75/100) ต้องมีค่าเป้าหมาย 3 ค่า")
    return ThreeLevelCriteria(
        direction=spec.get("direction", HIGHER),
        targets=(targets[0], targets[1], targets[2]),
        interpolate=_spec_bool(spec, "interpolate", None),
    )


def _parse_five(spec: Mapping[str, Any]) -> FiveLevelCriteria:
    thresholds = _spec_list(spec.get("thresholds"), "ค่าเกณฑ์ (thresholds) ")
    return FiveLevelCriteria(
        direction=spec.get("direction", HIGHER),
        thresholds=tuple(thresholds),
        interpolate=_spec_bool(spec, "interpolate", None),
        level1_milestone=spec.get("level1_milestone"),
    )


def _parse_band(raw: object) -> LevelBand:
    if not isinstance(raw, Mapping):
        raise CriteriaError("แต่ละช่วงค่าต้องเป็นพจนานุกรม (dict) ที่มี level, min, max")
    _check_spec_keys(raw, _BAND_KEYS, "ช่วงค่า")
    level = raw.get("level")
    if isinstance(level, str) and level.strip().isdigit():
        level = int(level)
    if isinstance(level, bool) or not isinstance(level, int) or level not in FIVE_LEVEL_LABELS:
        raise CriteriaError("ระดับของช่วงค่าต้องเป็นจำนวนเต็ม 1 ถึง 5")
    low = raw.get("min")
    high = raw.get("max")
    return LevelBand(
        level=level,
        min=None if low is None else _to_decimal(low, f"ค่าต่ำสุดของระดับ {level}", CriteriaError),
        max=None if high is None else _to_decimal(high, f"ค่าสูงสุดของระดับ {level}", CriteriaError),
        # an open end has no inclusivity: normalise so equal specs give equal criteria
        min_inclusive=True if low is None else bool(_spec_bool(raw, "min_inclusive", True)),
        max_inclusive=True if high is None else bool(_spec_bool(raw, "max_inclusive", True)),
    )


def _parse_bands(spec: Mapping[str, Any]) -> BandsCriteria:
    bands = tuple(_parse_band(raw) for raw in _spec_list(spec.get("bands"), "ช่วงค่า (bands) "))
    return BandsCriteria(
        bands=bands,
        external=bool(_spec_bool(spec, "external", False)),
        direction=spec.get("direction"),
    )


def _parse_milestones(spec: Mapping[str, Any]) -> MilestoneCriteria:
    steps_raw = _spec_list(spec.get("steps"), "ขั้นตอน (steps) ")
    scale = spec.get("scale")
    if scale is None:
        scale = {5: FIVE_LEVEL, 3: THREE_LEVEL}.get(len(steps_raw))
        if scale is None:
            raise CriteriaError("เกณฑ์ขั้นตอน (milestone) ต้องมี 5 รายการ (มาตรา 5 ระดับ) หรือ 3 รายการ (50/75/100)")
    steps: list[tuple[str, ...] | None] = []
    for entry in steps_raw:
        if entry is None or (isinstance(entry, str) and entry.strip() in ("-", "")):
            steps.append(None)  # "-" level (DOMAIN §4.c)
        elif isinstance(entry, str):
            steps.append((entry,))
        else:
            steps.append(tuple(_spec_list(entry, "ขั้นตอนของแต่ละระดับ")))
    return MilestoneCriteria(scale=scale, steps=tuple(steps))


def _parse_composite(spec: Mapping[str, Any]) -> CompositeCriteria:
    parts_raw = _spec_list(spec.get("parts"), "ส่วนประกอบ (parts) ")
    parts = []
    for raw in parts_raw:
        if isinstance(raw, Mapping) and raw.get("method") == "composite":
            raise CriteriaError("ส่วนประกอบของเกณฑ์แบบผสมต้องไม่เป็นเกณฑ์แบบผสมซ้อนกัน")
        parts.append(criteria_from_dict(raw))
    return CompositeCriteria(parts=tuple(parts), combine=spec.get("combine"))


_PARSERS: Final[dict[str, Callable[[Mapping[str, Any]], Criteria]]] = {
    "three_level": _parse_three,
    "five_level": _parse_five,
    "bands": _parse_bands,
    "milestones": _parse_milestones,
    "composite": _parse_composite,
}


@_decimal_context
def criteria_from_dict(spec: Mapping[str, Any] | Criteria) -> Criteria:
    """Validate a JSON-able spec and build the criteria object; invalid -> :class:`CriteriaError`.

    Methods: ``three_level`` (§4.a), ``five_level`` (§4.b, §4.c mixed), ``bands`` (§4.d, §4.e,
    §4.g), ``milestones`` (§4.c), ``composite`` (§4.f). An already-built criteria passes through.
    """
    if isinstance(spec, _CRITERIA_TYPES):
        return spec
    if not isinstance(spec, Mapping):
        raise CriteriaError("ข้อกำหนดเกณฑ์ต้องเป็นพจนานุกรม (dict)")
    method = spec.get("method")
    parser = _PARSERS.get(method) if isinstance(method, str) else None
    if parser is None:
        raise CriteriaError(
            f"ไม่รู้จักวิธีการให้คะแนน {method!r} (ใช้ได้: three_level, five_level, bands, milestones, composite)"
        )
    _check_spec_keys(spec, _SPEC_KEYS[str(method)], f"เกณฑ์แบบ {method} ")
    return parser(spec)


def _num_out(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def criteria_to_dict(criteria: Criteria) -> dict[str, Any]:
    """JSON-able spec (numbers as strings); ``criteria_from_dict(criteria_to_dict(c)) == c``."""
    spec: dict[str, Any] = {"method": criteria.method}
    if isinstance(criteria, ThreeLevelCriteria):
        spec["direction"] = criteria.direction
        spec["targets"] = [str(value) for value in criteria.targets]
        if criteria.interpolate is not None:
            spec["interpolate"] = criteria.interpolate
    elif isinstance(criteria, FiveLevelCriteria):
        spec["direction"] = criteria.direction
        spec["thresholds"] = [_num_out(value) for value in criteria.thresholds]
        if criteria.interpolate is not None:
            spec["interpolate"] = criteria.interpolate
        if criteria.level1_milestone is not None:
            spec["level1_milestone"] = criteria.level1_milestone
    elif isinstance(criteria, BandsCriteria):
        spec["direction"] = criteria.direction
        spec["bands"] = [
            {
                "level": band.level,
                "min": _num_out(band.min),
                "max": _num_out(band.max),
                "min_inclusive": band.min_inclusive,
                "max_inclusive": band.max_inclusive,
            }
            for band in criteria.bands
        ]
        if criteria.external:
            spec["external"] = True
    elif isinstance(criteria, MilestoneCriteria):
        spec["scale"] = criteria.scale
        spec["steps"] = [None if entry is None else list(entry) for entry in criteria.steps]
    else:
        spec["parts"] = [criteria_to_dict(part) for part in criteria.parts]
        if criteria.combine is not None:
            spec["combine"] = criteria.combine
    return spec


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


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

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


def _interpolate(
    y: Decimal,
    anchors: tuple[tuple[int, Decimal], ...],
    interpolate: bool,
    direction: str,
    trace: _Trace,
    x: Decimal,
    policy: ScoringPolicy,
) -> Decimal:
    """Score for an oriented value ``y`` at or above the first anchor (§4.a, §4.b).

    Linear between consecutive *defined* anchors (OPEN-6: "..." levels are skipped), capped at the
    highest defined level (OPEN-19); with ``interpolate`` False, the highest level reached.
    """
    index = 0
    for i, (_, anchor) in enumerate(anchors):
        if y >= anchor:
            index = i
        else:
            break
    level, anchor = anchors[index]
    if index == len(anchors) - 1:
        if trace is not None:
            top = _fmt(_orient(anchor, direction))
            trace.append(f"ผล {_fmt(x)} ถึงเกณฑ์ระดับสูงสุดที่กำหนด ({top}) ได้ {level} คะแนน (คะแนนสูงสุด)")
        return Decimal(level)
    next_level, next_anchor = anchors[index + 1]
    if not interpolate or y == anchor:
        if trace is not None:
            rule = "" if interpolate else " (ใช้ระดับสูงสุดที่ผ่าน ไม่เทียบบัญญัติไตรยางศ์)"
            trace.append(f"ผล {_fmt(x)} ผ่านเกณฑ์ระดับ {level} ({_fmt(_orient(anchor, direction))}){rule} ได้ {level} คะแนน")
        return Decimal(level)
    gap = next_level - level
    result = level + gap * (y - anchor) / (next_anchor - anchor)
    if trace is not None:
        lo, hi = _fmt(_orient(anchor, direction)), _fmt(_orient(next_anchor, direction))
        factor = "" if gap == 1 else f"{gap} × "
        if direction == HIGHER:
            formula = f"{level} + {factor}({_fmt(x)} − {lo}) / ({hi} − {lo})"
        else:
            formula = f"{level} + {factor}({lo} − {_fmt(x)}) / ({lo} − {hi})"
        trace.append(f"{formula} = {_fmt(_round(result, policy.score_decimals))}")
    return result


def _score_three(
    criteria: ThreeLevelCriteria, measurement: Mapping[str, Any], policy: ScoringPolicy, trace: _Trace
) -> tuple[Decimal, Decimal, Decimal]:
    _check_measurement_keys(measurement, _VALUE_KEYS, criteria.method)
    x, x_exact = _read_value(measurement, policy, criteria._negative_ok, trace)
    y = _orient(x, criteria.direction)
    interpolate = policy.interpolate if criteria.interpolate is None else criteria.interpolate
    if y < criteria._anchors[0][1]:
        # DOC 003 §3.3 (1): a result that does not reach the minimum target scores 0.
        if trace is not None:
            trace.append(f"ผล {_fmt(x)} ไม่ผ่านเป้าหมายขั้นต้น ({_fmt(criteria.targets[0])}) ได้ 0 คะแนน")
        return _ZERO, x, x_exact
    result = _interpolate(y, criteria._anchors, interpolate, criteria.direction, trace, x, policy)
    return result, x, x_exact


def _below_floor(
    y: Decimal, anchors: tuple[tuple[int, Decimal], ...], policy: ScoringPolicy, trace: _Trace, x: Decimal, t: str
) -> Decimal:
    """Below the lowest defined threshold (OPEN-5, OPEN-6): 0, 1, or linear extrapolation >= 0."""
    level, anchor = anchors[0]
    if policy.below_floor == "one":
        result = _ONE
    elif policy.below_floor == "extrapolate" and len(anchors) > 1:
        next_level, next_anchor = anchors[1]
        result = max(_ZERO, level + (next_level - level) * (y - anchor) / (next_anchor - anchor))
    else:
        result = _ZERO
    if trace is not None:
        trace.append(
            f"ผล {_fmt(x)} ต่ำกว่าเกณฑ์ระดับ {level} ({t}) ซึ่งเป็นระดับต่ำสุดที่กำหนด"
            f" ได้ {_fmt(_round(result, policy.score_decimals))} คะแนน (นโยบาย below_floor = {policy.below_floor})"
        )
    return result


def _score_five(
    criteria: FiveLevelCriteria, measurement: Mapping[str, Any], policy: ScoringPolicy, trace: _Trace
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    mixed = criteria.level1_milestone is not None
    allowed = _VALUE_KEYS | {"level1_milestone_done"} if mixed else _VALUE_KEYS
    _check_measurement_keys(measurement, allowed, criteria.method)
    allow_negative = criteria._negative_ok
    anchors = criteria._anchors
    interpolate = policy.interpolate if criteria.interpolate is None else criteria.interpolate
    if mixed:
        done = measurement.get("level1_milestone_done")
        if not isinstance(done, bool):
            raise MeasurementError("ต้องระบุว่าขั้นตอนระดับ 1 (level1_milestone_done) ดำเนินการแล้วหรือไม่ (true/false)")
        if not done:
            # DOMAIN §4.c mixed criteria: milestone not done -> 0 whatever the number.
            has_value = any(measurement.get(key) is not None for key in _VALUE_KEYS)
            x_opt, x_exact_opt = _read_value(measurement, policy, allow_negative, None) if has_value else (None, None)
            if trace is not None:
                trace.append(f"ขั้นตอนระดับ 1 ({criteria.level1_milestone}) ยังไม่ดำเนินการ ได้ 0 คะแนน")
            return _ZERO, x_opt, x_exact_opt
        x, x_exact = _read_value(measurement, policy, allow_negative, trace)
        y = _orient(x, criteria.direction)
        level, anchor = anchors[0]
        if y >= anchor:
            return _interpolate(y, anchors, interpolate, criteria.direction, trace, x, policy), x, x_exact
        # OPEN-10: default 1; alternative: level 1 at 0 % rising linearly to the first numeric level.
        if policy.mixed_level1_interpolate and criteria.direction == HIGHER and anchor > 0 and y >= 0:
            result = 1 + (level - 1) * y / anchor
            if trace is not None:
                factor = "" if level == 2 else f"{level - 1} × "
                trace.append(
                    f"ขั้นตอนระดับ 1 ดำเนินการแล้ว: 1 + {factor}({_fmt(x)} − 0) / ({_fmt(anchor)} − 0)"
                    f" = {_fmt(_round(result, policy.score_decimals))}"
                )
            return result, x, x_exact
        if trace is not None:
            trace.append(
                f"ขั้นตอนระดับ 1 ดำเนินการแล้ว และผล {_fmt(x)} ยังไม่ถึงเกณฑ์ระดับ {level}"
                f" ({_fmt(_orient(anchor, criteria.direction))}) ได้ 1 คะแนน"
            )
        return _ONE, x, x_exact
    x, x_exact = _read_value(measurement, policy, allow_negative, trace)
    y = _orient(x, criteria.direction)
    if y < anchors[0][1]:
        lowest = _fmt(_orient(anchors[0][1], criteria.direction))
        return _below_floor(y, anchors, policy, trace, x, lowest), x, x_exact
    return _interpolate(y, anchors, interpolate, criteria.direction, trace, x, policy), x, x_exact


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


def _score_bands(
    criteria: BandsCriteria, measurement: Mapping[str, Any], policy: ScoringPolicy, trace: _Trace
) -> tuple[Decimal, Decimal, Decimal]:
    _check_measurement_keys(measurement, _VALUE_KEYS, criteria.method)
    x, x_exact = _read_value(measurement, policy, criteria._negative_ok, trace)
    if policy.band_round_value_first:  # OPEN-11 alternative
        rounded = _round(x, policy.percent_decimals)
        if trace is not None and rounded != x:
            trace.append(f"ปัดผล {_fmt(x)} เป็น {_fmt(rounded)} ก่อนเทียบช่วงค่า (นโยบาย band_round_value_first)")
        x = rounded
    y = _orient(x, criteria.direction or HIGHER)
    # Half-open by the entry bound (DOMAIN §4.e, OPEN-11): the best level whose entry bound x
    # satisfies. A value in a printed gap (97.495 between 97.49 and 97.50) takes the lower level.
    found = -1
    entries = criteria._entries
    for i in range(len(entries) - 1, -1, -1):
        _, entry, inclusive = entries[i]
        if entry is None or y > entry or (y == entry and inclusive):
            found = i
            break
    if found < 0:
        result = _ONE if policy.below_floor == "one" else _ZERO
        if trace is not None:
            trace.append(f"ผล {_fmt(x)} ต่ำกว่าช่วงค่าของระดับ 1 ได้ {_fmt(result)} คะแนน")
        return result, x, x_exact
    level, entry, _ = entries[found]
    result = Decimal(level)
    band = criteria.bands[found]
    if criteria.external and policy.external_interpolate and found + 1 < len(entries):
        next_entry = entries[found + 1][1]
        if entry is not None and next_entry is not None and y > entry:
            result = level + (y - entry) / (next_entry - entry)  # OPEN-14 alternative
            if trace is not None:
                lo, hi = _fmt(_orient(entry, criteria.direction or HIGHER)), _fmt(
                    _orient(next_entry, criteria.direction or HIGHER)
                )
                trace.append(
                    f"{level} + ({_fmt(x)} − {lo}) / ({hi} − {lo}) = {_fmt(_round(result, policy.score_decimals))}"
                    " (เทียบบัญญัติไตรยางศ์คะแนนจากระบบภายนอก)"
                )
            return result, x, x_exact
    if trace is not None:
        where = "อยู่ในช่วง" if band.contains(x) else "อยู่ในช่องว่างระหว่างช่วงที่พิมพ์ไว้ จึงได้ระดับที่ต่ำกว่า คือ"
        trace.append(f"ผล {_fmt(x)} {where}ระดับ {level} ({_describe_band(band, 'plain')}) ได้ {level} คะแนน")
    return result, x, x_exact


def _parse_label(raw: object, labels: tuple[int, ...], what: str) -> int:
    if isinstance(raw, bool):
        raise MeasurementError(f"{what} ต้องเป็นระดับ {', '.join(map(str, labels))}")
    text = str(raw).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite() or number != number.to_integral_value():
        raise MeasurementError(f"{what} '{raw}' ไม่ใช่ระดับที่ถูกต้อง (ใช้ได้: {', '.join(map(str, labels))})")
    return int(number)


def _score_milestones(
    criteria: MilestoneCriteria, measurement: Mapping[str, Any], policy: ScoringPolicy, trace: _Trace
) -> Decimal:
    _check_measurement_keys(measurement, frozenset({"completed", "achieved_level"}), criteria.method)
    labels = criteria.labels
    if ("completed" in measurement) == ("achieved_level" in measurement):
        raise MeasurementError("ผลของเกณฑ์ขั้นตอนต้องระบุอย่างใดอย่างหนึ่ง: completed หรือ achieved_level")
    if "achieved_level" in measurement:
        # Maturity states (DOMAIN §4.c, FY2564 5.1 e-form): score the state achieved; 0 = none.
        label = _parse_label(measurement["achieved_level"], labels, "ระดับที่บรรลุ (achieved_level)")
        if label == 0:
            if trace is not None:
                trace.append("ยังไม่บรรลุระดับใด ได้ 0 คะแนน")
            return _ZERO
        if label not in labels or criteria.steps[labels.index(label)] is None:
            usable = [str(lbl) for lbl, step in zip(labels, criteria.steps, strict=True) if step is not None]
            raise MeasurementError(
                f"ระดับที่บรรลุ {label} ไม่ใช่ระดับที่กำหนดไว้ในเกณฑ์ (ใช้ได้: {', '.join(usable)} หรือ 0)"
            )
        if trace is not None:
            trace.append(f"บรรลุสถานะระดับ {label} ได้ {label} คะแนน")
        return Decimal(label)
    completed = measurement["completed"]
    if not isinstance(completed, Mapping):
        raise MeasurementError("completed ต้องเป็นพจนานุกรม {ระดับ: [true/false ต่อผลผลิตแต่ละรายการ]}")
    done: dict[int, int] = {}
    for key, flags in completed.items():
        label = _parse_label(key, labels, "ระดับของขั้นตอน")
        if label not in labels:
            raise MeasurementError(f"ระดับ {key} ไม่มีในมาตรานี้ (ใช้ได้: {', '.join(map(str, labels))})")
        step = criteria.steps[labels.index(label)]
        if isinstance(flags, bool):  # shorthand: every deliverable of the level
            if step is None and not flags:
                continue
            flags = [flags] * (len(step) if step is not None else 1)
        if isinstance(flags, (str, bytes)) or not isinstance(flags, Sequence):
            raise MeasurementError(f"ผลของระดับ {label} ต้องเป็นรายการ true/false ตามจำนวนผลผลิต")
        if step is None:
            if any(flag is not False for flag in flags):
                raise MeasurementError(f"ระดับ {label} เป็น \"-\" (ไม่มีขั้นตอน) จึงบันทึกว่าดำเนินการแล้วไม่ได้")
            continue
        if len(flags) != len(step):
            raise MeasurementError(f"ระดับ {label} มีผลผลิต {len(step)} รายการ แต่ระบุผล {len(flags)} รายการ")
        if not all(isinstance(flag, bool) for flag in flags):
            raise MeasurementError(f"ผลของระดับ {label} ต้องเป็น true หรือ false")
        done[label] = sum(1 for flag in flags if flag)
    defined = [(label, len(step)) for label, step in zip(labels, criteria.steps, strict=True) if step is not None]
    complete = {label for label, total in defined if done.get(label, 0) == total}
    reached = 0
    pending: tuple[int, int] | None = None
    if policy.milestone_cumulative:  # OPEN-8: every defined lower step must be complete
        for label, total in defined:
            if label not in complete:
                pending = (label, total)
                break
            reached = label
    else:
        reached = max(complete, default=0)
        pending = next(((label, total) for label, total in defined if label > reached), None)
    result = Decimal(reached)
    if trace is not None:
        status = ", ".join(
            f"ระดับ {label} {'ครบ' if label in complete else f'ทำแล้ว {done.get(label, 0)}/{total}'}"
            for label, total in defined
        )
        rule = "ตามลำดับ" if policy.milestone_cumulative else "ไม่ต้องตามลำดับ"
        trace.append(f"ขั้นตอน: {status} → ระดับสูงสุดที่ผ่าน ({rule}) = {reached}")
    # OPEN-9 alternative: proportional credit toward the next defined level, never below the
    # first defined level (DOC 003 §3.3: the minimum level incomplete scores 0).
    if policy.milestone_partial_credit and reached > 0 and pending is not None:
        label, total = pending
        count = done.get(label, 0)
        if 0 < count < total:
            result = reached + (label - reached) * Decimal(count) / Decimal(total)
            if trace is not None:
                trace.append(
                    f"ให้คะแนนบางส่วน: {reached} + {label - reached} × {count}/{total}"
                    f" = {_fmt(_round(result, policy.score_decimals))}"
                )
    return result


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


# ---- printed criteria texts ----------------------------------------------------------------

_UNITS: Final[dict[str, tuple[str, str]]] = {
    "percent": ("ร้อยละ ", ""),
    "points": ("", " คะแนน"),
    "plain": ("", ""),
}


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


# --------------------------------------------------------------------------------------------
# External systems (DOMAIN §4.g)
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Targets from baselines (DOMAIN §5.2, §5.3)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Division average from provinces (DOMAIN §4.h)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Weighted total and rating bands (DOMAIN §4.i)
# --------------------------------------------------------------------------------------------


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
