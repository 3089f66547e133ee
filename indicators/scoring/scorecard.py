"""The one computation of a unit's scorecard for a round (DOMAIN §4.i), from plain inputs and the policy.

Everything that shows or stores a unit's score calls :func:`compute`: the live unit round page, the stored
recompute (reporting) and, through the stored copy, every document. Nothing else adds up weights.

Pure Python like the rest of the engine: frozen dataclasses and ``Decimal`` in, frozen dataclasses and ``Decimal``
out, no Django. Each result is evaluated exactly once, and its Thai arithmetic comes from that same evaluation;
each criteria spec is parsed once per line. ``to_json``/``from_json`` are the only conversion between these values
and the stored JSON (Decimals as exact strings, so the round trip is lossless).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Final

from .criteria import THREE_LEVEL, Criteria
from .errors import ScoringError
from .evaluation import evaluate, evaluate_explained
from .numbers import _decimal_context, round_half_up
from .policy import ScoringPolicy
from .spec import criteria_from_dict
from .totals import division_average, division_score, weighted_total

PERFORMANCE: Final = "performance"
POTENTIAL: Final = "potential"
COMPONENTS: Final = (PERFORMANCE, POTENTIAL)

NOT_REPORTED: Final = "not_reported"
DRAFT: Final = "draft"
SUBMITTED: Final = "submitted"
RETURNED: Final = "returned"
APPROVED: Final = "approved"
STATUSES: Final = (NOT_REPORTED, DRAFT, SUBMITTED, RETURNED, APPROVED)
REPORTED_STATUSES: Final = frozenset({SUBMITTED, APPROVED})  # "reported" = sent to or passed the supervisor

COMPUTED: Final = "computed"
NOT_COMPUTABLE: Final = "not_computable"

DIRECT: Final = "direct"
PROVINCE_AVERAGE: Final = "province_average"
METHOD_NOT_COMPUTABLE: Final = "not_computable"

STORED_PLACES: Final = 4  # stored scores and sums (the columns' decimal places); exact values keep 16
EXACT_PLACES: Final = 16


# ---- inputs ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceInput:
    """One province row of a division's household result (DOMAIN §4.h): done count and the province's target."""

    name: str
    done: Decimal | None
    target: Decimal | None


@dataclass(frozen=True)
class ResultInput:
    """What one unit reported: its status and the measurement the engine expects (see criteria_spec)."""

    result_id: int
    status: str
    measurement: Mapping[str, Any]
    provinces: tuple[ProvinceInput, ...] | None = None  # set for a division's household result (§4.h)


@dataclass(frozen=True)
class LineInput:
    """One indicator of the unit's framework in this round, with its criteria spec and (if any) its result."""

    assignment_id: int
    number: str
    code: str
    name_th: str
    component: str
    weight: Decimal | None
    scored: bool  # False for a parent whose sub-indicators carry the score
    criteria: Mapping[str, Any] | None
    result: ResultInput | None = None
    # ``criteria`` already parsed (shared by every unit of a framework); derived, so not part of the fingerprint
    parsed: Criteria | None = field(default=None, compare=False, repr=False, metadata={"derived": True})


@dataclass(frozen=True)
class ScorecardInput:
    """A unit-round's framework as plain data: everything :func:`compute` reads, and so what its fingerprint covers."""

    framework_id: int
    framework_name_th: str
    scale: str
    approved: bool
    monitoring_only: bool
    be_year: int
    round_number: int
    lines: tuple[LineInput, ...]


# ---- outputs ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceScore:
    name: str
    done: Decimal | None
    target: Decimal | None
    percent: Decimal | None = None
    score: Decimal | None = None
    problem: str = ""


@dataclass(frozen=True)
class ProvinceAverage:
    """The division's household score from provincial scores, or why it cannot be computed (``problem``)."""

    method: str
    score: Decimal | None
    provinces: tuple[ProvinceScore, ...] = ()
    explanation_th: str = ""
    problem: str = ""


@dataclass(frozen=True)
class LineScore:
    """One row of the scorecard: ก (score), ข (weight), ค = ก × ข, the result's status, and why a score is missing."""

    assignment_id: int
    number: str
    code: str
    name_th: str
    component: str
    scored: bool
    weight: Decimal | None
    result_id: int | None
    status: str
    method: str = ""
    score: Decimal | None = None
    score_exact: Decimal | None = None
    value: Decimal | None = None
    value_exact: Decimal | None = None
    weighted: Decimal | None = None
    explanation_th: str = ""
    problem_th: str = ""
    reasons_th: tuple[str, ...] = ()
    province_average: ProvinceAverage | None = None


@dataclass(frozen=True)
class ScorecardScore:
    """The unit-round scorecard: rows, Σ ค by component, the 100-point total and band, and counts by status."""

    status: str
    scale: str
    rows: tuple[LineScore, ...]
    performance_sum: Decimal
    potential_sum: Decimal
    weighted_sum: Decimal | None = None
    weight_total: Decimal | None = None
    total_100: Decimal | None = None
    total_100_exact: Decimal | None = None
    band_code: str = ""
    band_label_th: str = ""
    indicator_count: int = 0
    reported_count: int = 0
    missing_count: int = 0
    status_counts: tuple[tuple[str, int], ...] = ()
    reasons: tuple[str, ...] = ()
    error: str = ""
    all_approved: bool = False

    @property
    def computed(self) -> bool:
        return self.status == COMPUTED

    def count(self, status: str) -> int:
        return dict(self.status_counts).get(status, 0)


# ---- the computation -------------------------------------------------------------------------------------------


def _fit(value: Decimal | None, places: int) -> Decimal | None:
    return None if value is None else round_half_up(value, places)


def _short(name: str) -> str:
    return name[:60] + "…" if len(name) > 60 else name


def _thousands(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}"


def province_average(
    provinces: Sequence[ProvinceInput], criteria: Criteria, policy: ScoringPolicy
) -> ProvinceAverage:
    """A division's household score from its provinces (DOMAIN §4.h, OPEN-15), each province evaluated once.

    Nothing is invented: a province without a target or a done count, or criteria the engine cannot apply to
    bare (done, target) pairs, leave ``score`` None with the reason in ``problem``.
    """
    method = policy.division_average_method
    if not provinces:
        return ProvinceAverage(method, None, problem="ไม่มีผลรายจังหวัด (ตารางผลรายหน่วยงานไม่มีแถวที่ระบุจังหวัด)")
    scored: list[ProvinceScore] = []
    lacking: list[str] = []
    for province in provinces:
        if province.done is None or province.target is None:
            lacking.append(province.name)
            continue
        try:
            detail = evaluate(criteria, {"numerator": province.done, "denominator": province.target}, policy)
        except ScoringError as exc:
            scored.append(ProvinceScore(province.name, province.done, province.target, problem=str(exc)))
            continue
        scored.append(ProvinceScore(province.name, province.done, province.target, detail.value, detail.score))
    if lacking:
        return ProvinceAverage(
            method, None, tuple(scored),
            problem="ไม่มีเป้าหมายรายจังหวัดหรือผลการดำเนินงานของจังหวัด: " + ", ".join(lacking),
        )
    try:
        if method == "mean_of_scores" and all(p.score is not None for p in scored):
            value = division_average([p.score for p in scored if p.score is not None], policy)
        else:
            pairs = [(p.done, p.target) for p in scored if p.done is not None and p.target is not None]
            value = division_score(pairs, criteria, policy)
    except ScoringError as exc:
        return ProvinceAverage(method, None, tuple(scored), problem=f"คำนวณคะแนนเฉลี่ยรายจังหวัดไม่ได้: {exc}")
    lines = [
        f"{p.name}: {_thousands(p.done)} / {_thousands(p.target)} = ร้อยละ {p.percent} → คะแนน {p.score}"
        for p in scored
    ]
    if method == "mean_of_scores":
        summary = f"คะแนนเฉลี่ยของกอง = ({' + '.join(str(p.score) for p in scored)}) / {len(scored)} = {value}"
    elif method == "mean_of_percentages":
        summary = f"คะแนนของกองจากค่าเฉลี่ยร้อยละของ {len(scored)} จังหวัด = {value}"
    else:
        summary = f"คะแนนของกองจากผลรวมทุกจังหวัดหารเป้าหมายรวม = {value}"
    return ProvinceAverage(method, value, tuple(scored), "\n".join([*lines, summary]))


def _score_line(line: LineInput, criteria: Criteria | None, policy: ScoringPolicy) -> LineScore:
    """Evaluate the line's result once (score and arithmetic together); a division household uses §4.h."""
    result = line.result
    base = LineScore(
        assignment_id=line.assignment_id, number=line.number, code=line.code, name_th=line.name_th,
        component=line.component, scored=line.scored, weight=line.weight,
        result_id=result.result_id if result else None, status=result.status if result else NOT_REPORTED,
    )
    if result is None:
        return base
    values: dict[str, Any] = {"method": METHOD_NOT_COMPUTABLE}
    score: Decimal | None = None
    if criteria is None:
        values["problem_th"] = "ยังไม่มีเกณฑ์การประเมินของรอบนี้"
    else:
        try:
            detail, explanation = evaluate_explained(criteria, result.measurement, policy)
        except ScoringError as exc:
            values["problem_th"] = str(exc)
        else:
            score = detail.score
            values.update(
                method=DIRECT, score=_fit(detail.score, STORED_PLACES), score_exact=_fit(detail.score_exact, EXACT_PLACES),
                value=_fit(detail.value, EXACT_PLACES), value_exact=_fit(detail.value_exact, EXACT_PLACES),
                explanation_th=explanation,
            )
    if criteria is not None and result.provinces is not None:
        average = province_average(result.provinces, criteria, policy)
        values["province_average"] = average
        if average.score is not None:
            score = average.score
            values.update(
                method=PROVINCE_AVERAGE, score=_fit(average.score, STORED_PLACES),
                score_exact=_fit(average.score, EXACT_PLACES), problem_th="", explanation_th=average.explanation_th,
            )
        else:
            note = f"หมายเหตุ: ยังคิดคะแนนเฉลี่ยของกองจากคะแนนรายจังหวัด (คู่มือ §4.h) ไม่ได้ — {average.problem}"
            if score is not None:
                note += " จึงใช้คะแนนจากผลรวมที่หน่วยงานรายงาน"
            values["explanation_th"] = "\n".join(filter(None, [values.get("explanation_th", ""), note]))
    line_score = _replace(base, **values)
    if score is None:
        return line_score
    return _replace(line_score, score=_fit(score, STORED_PLACES))


def _names(cls: type) -> tuple[str, ...]:
    """The field names of a dataclass that describe its content (derived fields left out), computed once per class."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls) if not f.metadata.get("derived"))
    return names


_NAMES: dict[type, tuple[str, ...]] = {}


def _replace(line: LineScore, **changes: Any) -> LineScore:
    return LineScore(**{**{name: getattr(line, name) for name in _names(LineScore)}, **changes})


def _criteria_of(line: LineInput) -> Criteria | None:
    if line.criteria is None:
        return None
    return line.parsed if line.parsed is not None else criteria_from_dict(line.criteria)


@_decimal_context
def compute(inputs: ScorecardInput, policy: ScoringPolicy) -> ScorecardScore:
    """Score every line once and total them: Σ ค = Σ(ก × ข) by Performance and Potential, the 100-point total and band.

    A framework that is still a draft, an indicator without criteria for the round or without a weight make the
    scorecard "not computable" with the reasons in Thai, each row carrying its own (``reasons_th``). In a
    monitoring-only year (DOMAIN §9.2) a draft framework is totalled when every indicator has a score. A missing or
    unscorable result counts as 0 in an approved framework (DOMAIN §4.a) and is listed under its row.
    """
    three_level = inputs.scale == THREE_LEVEL
    reasons: list[str] = []
    if not inputs.approved and not inputs.monitoring_only:
        reasons.append(f"กรอบตัวชี้วัด \"{inputs.framework_name_th}\" ยังไม่ได้รับอนุมัติ")
    unscored: list[str] = []
    items: list[tuple[Decimal, Decimal | None]] = []
    sums = {PERFORMANCE: Decimal(0), POTENTIAL: Decimal(0)}
    lines: list[LineScore] = []
    counts = dict.fromkeys(STATUSES, 0)
    without_score = 0
    for line in inputs.lines:
        criteria = _criteria_of(line)
        scored_line = _score_line(line, criteria, policy)
        if not line.scored:
            lines.append(_replace(scored_line, score=None, weighted=None, reasons_th=()))
            continue
        counts[scored_line.status] = counts.get(scored_line.status, 0) + 1
        label = f"{line.number} {_short(line.name_th)}".strip()
        row_reasons: list[str] = []
        if line.criteria is None:
            missing = (
                f"ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ {inputs.round_number}" if three_level
                else f"ยังไม่มีเกณฑ์การประเมิน (ค่าเป้าหมาย) ของรอบที่ {inputs.round_number}"
            )
            row_reasons.append(missing)
            reasons.append(f"ตัวชี้วัด {label}: {missing}")
        score = scored_line.score
        if line.weight is None:
            row_reasons.append("ยังไม่ได้กำหนดน้ำหนัก")
            reasons.append(f"ตัวชี้วัด {label}: ยังไม่ได้กำหนดน้ำหนัก")
        else:
            items.append((line.weight, score))
            sums[line.component] += (score or 0) * line.weight
        explained = bool(row_reasons)
        if line.result is None:
            row_reasons.append("ยังไม่รายงานผล")
        elif score is None and scored_line.problem_th and scored_line.problem_th not in row_reasons:
            row_reasons.append(scored_line.problem_th)
        without_score += score is None
        if score is None and not explained:
            unscored.append(f"ตัวชี้วัด {label}: " + "; ".join(row_reasons or ["คิดคะแนนไม่ได้"]))
        lines.append(_replace(
            scored_line,
            weighted=None if score is None or line.weight is None else score * line.weight,
            problem_th=scored_line.problem_th if line.result else "ยังไม่รายงานผล",
            reasons_th=tuple(row_reasons) if score is None else (),
        ))
    indicator_count = sum(1 for line in inputs.lines if line.scored)
    reported = sum(counts[status] for status in REPORTED_STATUSES)
    common: dict[str, Any] = {
        "scale": inputs.scale, "rows": tuple(lines),
        "performance_sum": _fit(sums[PERFORMANCE], STORED_PLACES), "potential_sum": _fit(sums[POTENTIAL], STORED_PLACES),
        "indicator_count": indicator_count, "reported_count": reported, "missing_count": indicator_count - reported,
        "status_counts": tuple((status, counts[status]) for status in STATUSES),
        "all_approved": indicator_count > 0 and counts[APPROVED] == indicator_count,
    }
    if not inputs.approved and inputs.monitoring_only and without_score:
        reasons.insert(0, f"ปีงบประมาณ พ.ศ. {inputs.be_year} เป็นปีติดตามผล: คิดคะแนนรวมเมื่อทุกตัวชี้วัดคิดคะแนนได้")
        reasons.extend(r for r in unscored if r not in reasons)
    if (not inputs.approved and (not inputs.monitoring_only or without_score)) or not items:
        return ScorecardScore(
            status=NOT_COMPUTABLE, reasons=tuple(reasons), error="\n".join(reasons) or "ไม่มีตัวชี้วัดที่คิดคะแนน",
            **common,
        )
    total = weighted_total(items, scale=inputs.scale, policy=policy)
    return ScorecardScore(
        status=COMPUTED, reasons=tuple(reasons), error="\n".join(reasons),
        weighted_sum=_fit(total.weighted_sum, STORED_PLACES), weight_total=_fit(total.weight_total, STORED_PLACES),
        total_100=_fit(total.total_100, STORED_PLACES), total_100_exact=_fit(total.total_100_exact, EXACT_PLACES),
        band_code=total.band.code, band_label_th=total.band.label_th, **common,
    )


# ---- fingerprint and JSON --------------------------------------------------------------------------------------


_SCALARS: Final = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    """JSON-able form: Decimals as exact strings, dataclasses as dicts (derived fields left out), tuples as lists."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is Decimal:
        return str(value)
    if kind is tuple or kind is list:
        return [_plain(v) for v in value]
    if kind is dict:
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _names(kind)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def fingerprint(inputs: ScorecardInput, policy: ScoringPolicy) -> str:
    """SHA-256 of everything :func:`compute` reads: equal fingerprints give equal scorecards.

    The dataclasses' repr lists every field in declaration order (Decimals exactly, derived fields left out), and the
    inputs are built deterministically by one selector, so the same inputs always give the same text.
    """
    return hashlib.sha256(repr((inputs, policy)).encode()).hexdigest()


def to_json(card: ScorecardScore) -> dict[str, Any]:
    """The stored form of a computed scorecard (Decimals as exact strings)."""
    data: dict[str, Any] = _plain(card)
    return data


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _province_from(data: Mapping[str, Any] | None) -> ProvinceAverage | None:
    if not data:
        return None
    provinces = tuple(
        ProvinceScore(
            name=str(p.get("name", "")), done=_dec(p.get("done")), target=_dec(p.get("target")),
            percent=_dec(p.get("percent")), score=_dec(p.get("score")), problem=str(p.get("problem", "")),
        )
        for p in data.get("provinces") or ()
    )
    return ProvinceAverage(
        method=str(data.get("method", "")), score=_dec(data.get("score")), provinces=provinces,
        explanation_th=str(data.get("explanation_th", "")), problem=str(data.get("problem", "")),
    )


_LINE_DECIMALS: Final = ("weight", "score", "score_exact", "value", "value_exact", "weighted")
_CARD_DECIMALS: Final = (
    "performance_sum", "potential_sum", "weighted_sum", "weight_total", "total_100", "total_100_exact",
)


def _line_from(data: Mapping[str, Any]) -> LineScore:
    known = {f.name for f in fields(LineScore)}
    values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
    for name in _LINE_DECIMALS:
        values[name] = _dec(values.get(name))
    values["reasons_th"] = tuple(values.get("reasons_th") or ())
    values["province_average"] = _province_from(values.get("province_average"))
    values.setdefault("status", NOT_REPORTED)
    return LineScore(**values)


def from_json(data: Mapping[str, Any]) -> ScorecardScore:
    """Read back what :func:`to_json` stored (also a frozen copy); unknown keys are ignored."""
    known = {f.name for f in fields(ScorecardScore)}
    values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
    for name in _CARD_DECIMALS:
        values[name] = _dec(values.get(name))
    values["performance_sum"] = values["performance_sum"] or Decimal(0)
    values["potential_sum"] = values["potential_sum"] or Decimal(0)
    values["rows"] = tuple(_line_from(line) for line in values.get("rows") or ())
    values["status_counts"] = tuple((str(s), int(n)) for s, n in values.get("status_counts") or ())
    values["reasons"] = tuple(values.get("reasons") or ())
    return ScorecardScore(**values)


__all__ = [
    "APPROVED", "COMPUTED", "DRAFT", "LineInput", "LineScore", "NOT_COMPUTABLE", "NOT_REPORTED", "ProvinceAverage",
    "ProvinceInput", "ProvinceScore", "REPORTED_STATUSES", "RETURNED", "ResultInput", "STATUSES", "SUBMITTED",
    "ScorecardInput", "ScorecardScore", "compute", "fingerprint", "from_json", "province_average", "to_json",
]

