"""Criteria objects: one frozen dataclass per scoring method, their validation, scales and levels.

Methods: three-level 50/75/100 (DOMAIN §4.a), five-level (§4.b, §4.c mixed), bands (§4.d, §4.e,
§4.g), milestones (§4.c) and composite (§4.f). A lower-is-better indicator is kept as the
higher-is-better rule on ``-x`` and the negated thresholds (DOMAIN §4.0, §4.d).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Final, TypeAlias

from .errors import CriteriaError
from .numbers import _to_decimal
from .policy import _CHOICES

HIGHER: Final = "higher"
LOWER: Final = "lower"
FIVE_LEVEL: Final = "five_level"
THREE_LEVEL: Final = "three_level"

FIVE_LEVEL_LABELS: Final[tuple[int, ...]] = (1, 2, 3, 4, 5)
THREE_LEVEL_LABELS: Final[tuple[int, ...]] = (50, 75, 100)


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
