"""Translate stored criteria rows and results into the plain dicts of the scoring engine (indicators/scoring.py).

The admin validates unsaved rows with the same `build_spec`, so what is saved always scores.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from indicators import numbers, scoring

if TYPE_CHECKING:
    from collections.abc import Iterable

    from indicators.models import Criteria, MilestoneCompletion, Result

THREE_LEVELS = (50, 75, 100)
FIVE_LEVELS = (1, 2, 3, 4, 5)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _levels_for(method: str, scale: str) -> tuple[int, ...]:
    if method == "three_level" or (method == "milestones" and scale == "three_level"):
        return THREE_LEVELS
    return FIVE_LEVELS


def _rows_by_level(rows: list[dict[str, Any]], part: int) -> dict[int, dict[str, Any]]:
    return {int(r["level"]): r for r in rows if int(r.get("part") or 1) == part}


def _require_levels(by_level: dict[int, dict[str, Any]], levels: tuple[int, ...], part: int = 1) -> None:
    missing = [str(level) for level in levels if level not in by_level]
    extra = [str(level) for level in by_level if level not in levels]
    where = f" (ตัววัดที่ {part})" if part > 1 else ""
    if missing:
        raise scoring.CriteriaError(f"เกณฑ์ยังไม่ครบทุกระดับ{where}: ขาดระดับ {', '.join(missing)}")
    if extra:
        raise scoring.CriteriaError(f"ระดับ {', '.join(extra)} ใช้กับเกณฑ์แบบนี้ไม่ได้{where} (ใช้ได้เฉพาะ {', '.join(map(str, levels))})")


def _bands_spec(by_level: dict[int, dict[str, Any]], external: bool) -> dict[str, Any]:
    bands = []
    for level in FIVE_LEVELS:
        row = by_level[level]
        bands.append(
            {
                "level": level,
                "min": _num(row.get("band_min")),
                "max": _num(row.get("band_max")),
                "min_inclusive": bool(row.get("band_min_inclusive", True)),
                "max_inclusive": bool(row.get("band_max_inclusive", True)),
            }
        )
    spec: dict[str, Any] = {"method": "bands", "bands": bands}
    if external:
        spec["external"] = True
    return spec


def build_spec(criteria: Criteria, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Build the engine spec from criteria fields and level rows; raises scoring.CriteriaError (Thai)."""
    method = criteria.method
    levels = _levels_for(method, criteria.scale)
    main = _rows_by_level(rows, 1)
    spec: dict[str, Any]
    if method == "composite":
        parts = sorted({int(r.get("part") or 1) for r in rows})
        if len(parts) < 2:
            raise scoring.CriteriaError("ตัวชี้วัดประกอบต้องมีเกณฑ์อย่างน้อย 2 ตัววัด (ตัววัดที่ 1 และ 2)")
        part_specs = []
        for part in parts:
            by_level = _rows_by_level(rows, part)
            _require_levels(by_level, FIVE_LEVELS, part)
            part_specs.append(_bands_spec(by_level, criteria.external))
        spec = {"method": "composite", "parts": part_specs}
        if criteria.combine:
            spec["combine"] = criteria.combine
        return _validated(spec)
    if any(int(r.get("part") or 1) != 1 for r in rows):
        raise scoring.CriteriaError("ตัววัดที่ 2 ใช้ได้เฉพาะตัวชี้วัดประกอบ")
    _require_levels(main, levels)
    if method == "three_level":
        targets = []
        for level in levels:
            row = main[level]
            if not row.get("defined", True) or row.get("threshold") is None:
                raise scoring.CriteriaError(f"เป้าหมายระดับ {level} ต้องระบุค่า")
            targets.append(_num(row["threshold"]))
        spec = {"method": "three_level", "direction": criteria.direction, "targets": targets}
    elif method == "five_level":
        thresholds = [
            _num(main[level]["threshold"]) if main[level].get("defined", True) else None for level in levels
        ]
        spec = {"method": "five_level", "direction": criteria.direction, "thresholds": thresholds}
        if criteria.level1_milestone_th:
            spec["level1_milestone"] = criteria.level1_milestone_th
            spec["thresholds"][0] = None
    elif method == "bands":
        spec = _bands_spec(main, criteria.external)
    elif method == "milestones":
        steps: list[list[str] | None] = []
        for level in levels:
            row = main[level]
            if not row.get("defined", True):
                steps.append(None)
                continue
            deliverables = [line.strip(" \t-•") for line in (row.get("milestone_th") or "").splitlines()]
            steps.append([d for d in deliverables if d])
        spec = {"method": "milestones", "scale": "three_level" if levels == THREE_LEVELS else "five_level", "steps": steps}
    else:
        raise scoring.CriteriaError(f"ไม่รู้จักวิธีคิดคะแนน {method!r}")
    if criteria.interpolate is not None and method in ("three_level", "five_level"):
        spec["interpolate"] = criteria.interpolate
    return _validated(spec)


def _validated(spec: dict[str, Any]) -> dict[str, Any]:
    scoring.criteria_from_dict(spec)
    return spec


def measurement_for(result: Result, milestones: Iterable[MilestoneCompletion] | None = None) -> dict[str, Any]:
    """The engine measurement for a result, shaped by the criteria of its round.

    ``milestones``: the result's milestone rows when the caller loaded them in bulk (else ``result.milestones``).
    """
    criteria = result.assignment.criteria_for(result.round.number)
    method = criteria.method if criteria else ""
    if method == "milestones":
        if result.achieved_level:
            return {"achieved_level": result.achieved_level}
        completed: dict[str, list[bool]] = defaultdict(list)
        rows = result.milestones.all() if milestones is None else milestones
        for item in sorted(rows, key=lambda m: (m.level, m.deliverable_index)):
            completed[item.level].append(item.done)
        return {"completed": dict(completed)}
    if method == "composite":
        return {"parts": [{"value": _num(result.value)}, {"value": _num(result.second_value)}]}
    base: dict[str, Any]
    if result.numerator is not None and result.denominator is not None:
        base = {"numerator": _num(result.numerator), "denominator": _num(result.denominator)}
    else:
        base = {"value": _num(result.value)}
    if criteria is not None and criteria.level1_milestone_th:
        base["level1_milestone_done"] = bool(result.level1_milestone_done)
    return base


def level_text(method: str, row: dict[str, Any]) -> str:
    """The text of one level cell as the manual prints it (printed text wins when the admin entered one)."""
    if row.get("printed_text_th"):
        return str(row["printed_text_th"])
    if not row.get("defined", True):
        return "..." if method in ("five_level", "three_level") else "-"
    if method in ("three_level", "five_level"):
        return numbers.number(row["threshold"]) if row.get("threshold") is not None else "..."
    if method == "milestones":
        return str(row.get("milestone_th") or "-")
    low, high = row.get("band_min"), row.get("band_max")
    if low is not None and high is not None:
        return f"{numbers.number(low)} – {numbers.number(high)}"
    if low is not None:
        return f"สูงกว่า {numbers.number(low)}" if not row.get("band_min_inclusive", True) else f"{numbers.number(low)} ขึ้นไป"
    if high is not None:
        return f"ต่ำกว่า {numbers.number(high)}" if not row.get("band_max_inclusive", True) else f"ไม่เกิน {numbers.number(high)}"
    return "-"


def printed_levels(criteria: Criteria) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """[(part name, [(level label, text, defined), ...]), ...] for showing criteria the way the manual does."""
    rows = [dict(level.as_row(), printed_text_th=level.printed_text_th) for level in criteria.levels.all()]
    parts = sorted({int(r["part"]) for r in rows}) or [1]
    names = list(criteria.part_names_th or [])
    out = []
    for part in parts:
        cells = [
            (str(r["level"]), level_text(criteria.method, r), bool(r["defined"]))
            for r in sorted((r for r in rows if int(r["part"]) == part), key=lambda r: int(r["level"]))
        ]
        if criteria.level1_milestone_th and cells:
            cells[0] = (cells[0][0], criteria.level1_milestone_th, True)
        name = names[part - 1] if part - 1 < len(names) else ""
        out.append((name, cells))
    return out
