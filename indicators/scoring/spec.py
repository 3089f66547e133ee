"""The JSON-able criteria spec (a plain dict, as stored and as typed in the admin) <-> criteria objects."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from .criteria import (
    _CRITERIA_TYPES,
    FIVE_LEVEL,
    FIVE_LEVEL_LABELS,
    HIGHER,
    THREE_LEVEL,
    THREE_LEVEL_LABELS,
    BandsCriteria,
    CompositeCriteria,
    Criteria,
    FiveLevelCriteria,
    LevelBand,
    MilestoneCriteria,
    ThreeLevelCriteria,
)
from .errors import CriteriaError
from .numbers import _decimal_context, _to_decimal

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
