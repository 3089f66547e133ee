"""The rule of each single scoring method: three-level, five-level (and mixed), bands and milestones.

Each ``_score_*`` takes validated criteria, a measurement dict and the policy, appends the Thai
arithmetic to ``trace`` when one is given, and returns the unrounded score (the caller rounds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from .criteria import (
    HIGHER,
    BandsCriteria,
    FiveLevelCriteria,
    MilestoneCriteria,
    ThreeLevelCriteria,
    _orient,
)
from .errors import MeasurementError
from .measurement import _VALUE_KEYS, _check_measurement_keys, _read_value, _Trace
from .numbers import _ONE, _ZERO, _fmt, _round
from .policy import ScoringPolicy
from .texts import _describe_band


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
