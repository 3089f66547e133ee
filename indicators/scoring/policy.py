"""The scoring policy: per-fiscal-year switches for every rule the documents leave open (DOMAIN §12.1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Final

from .errors import CriteriaError
from .numbers import _HUNDRED, _ZERO, _to_decimal

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
