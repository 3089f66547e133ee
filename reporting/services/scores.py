"""Every write of stored scores: the scorecards of a year (or some unit-rounds) and their result scores, in bulk.

The numbers come from the one computation, ``indicators.unit_scorecard.compute``, over inputs loaded by
``indicators.score_inputs`` in a fixed number of queries; this module only stores them. Storing is idempotent:
rows are keyed by their natural keys (result; unit + round) and a row whose content did not change is not written
(same values, same ``computed_at``). Whatever changes a stored scorecard's outcome leaves a ScorecardRevision
(old → new, when, why). Each call runs in one transaction: a worker killed half-way leaves the previous scores.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from indicators import score_inputs, scoring
from indicators.models import OrgUnit, Round
from indicators.permissions import is_admin, is_director
from indicators.scoring import scorecard as pure
from reporting import selectors
from reporting.errors import ScorecardError
from reporting.models import ResultScore, Scorecard, ScorecardRevision

logger = logging.getLogger(__name__)


def _digest(values: dict[str, Any]) -> str:
    """Content hash of a row's values (built in a fixed key order, so repr is stable and much cheaper than JSON)."""
    return hashlib.sha256(repr(values).encode()).hexdigest()


def _province_details(average: pure.ProvinceAverage | None) -> dict[str, Any]:
    if average is None:
        return {}
    return {"province_average": {
        "method": average.method, "score": None if average.score is None else str(average.score),
        "problem": average.problem,
        "provinces": [
            {"province": p.name, "done": None if p.done is None else str(p.done),
             "target": None if p.target is None else str(p.target),
             "percent": None if p.percent is None else str(p.percent),
             "score": None if p.score is None else str(p.score), "problem": p.problem}
            for p in average.provinces
        ],
    }}


def _result_score_values(line: pure.LineScore, criteria_fingerprint: str) -> dict[str, Any]:
    return {
        "method": line.method or ResultScore.Method.NOT_COMPUTABLE, "score": line.score, "score_exact": line.score_exact,
        "value": line.value, "value_exact": line.value_exact, "explanation_th": line.explanation_th,
        "problem_th": line.problem_th if line.method != pure.PROVINCE_AVERAGE else "",
        "details": _province_details(line.province_average),
        "fingerprint": criteria_fingerprint,
    }


_SCORECARD_FIELDS = (
    "framework_id", "status", "scale", "weighted_sum", "performance_sum", "potential_sum", "weight_total", "total_100",
    "total_100_exact", "band_code", "band_label_th", "indicator_count", "reported_count", "missing_count", "payload",
    "policy", "error", "inputs_hash",
)
_REVISED = (
    "pk", "org_unit_id", "round_id", "content_hash", "computed_at", "status", "total_100", "band_label_th", "reported_count",
)
_RESULT_SCORE_FIELDS = (
    "method", "score", "score_exact", "value", "value_exact", "explanation_th", "problem_th", "details", "fingerprint",
)


def scorecard_values(card: pure.ScorecardScore, inputs: pure.ScorecardInput, policy: scoring.ScoringPolicy) -> dict[str, Any]:
    """The stored columns of a computed scorecard (the payload is its lossless JSON form)."""
    return {
        "framework_id": inputs.framework_id, "status": card.status, "scale": card.scale,
        "weighted_sum": card.weighted_sum, "performance_sum": card.performance_sum, "potential_sum": card.potential_sum,
        "weight_total": card.weight_total, "total_100": card.total_100, "total_100_exact": card.total_100_exact,
        "band_code": card.band_code, "band_label_th": card.band_label_th, "indicator_count": card.indicator_count,
        "reported_count": card.reported_count, "missing_count": card.missing_count, "payload": pure.to_json(card),
        "policy": policy.to_dict(), "error": card.error, "inputs_hash": pure.fingerprint(inputs, policy),
    }


def _revision(old: Scorecard | None, new: Scorecard, reason: str, now: Any) -> ScorecardRevision | None:
    before = (old.status, old.total_100, old.band_label_th, old.reported_count) if old is not None else None
    after = (new.status, new.total_100, new.band_label_th, new.reported_count)
    if before == after:
        return None
    return ScorecardRevision(  # type: ignore[misc]  # the SCORE columns are nullable (**SCORE hides it from the plugin)
        scorecard_id=new.pk, changed_at=now, old_status=old.status if old else "", new_status=new.status,
        old_total_100=old.total_100 if old else None, new_total_100=new.total_100,
        old_band_label_th=old.band_label_th if old else "", new_band_label_th=new.band_label_th,
        old_reported_count=old.reported_count if old else None, new_reported_count=new.reported_count,
        inputs_hash=new.inputs_hash, reason=reason,
    )


def _not_computable(message: str) -> dict[str, Any]:
    return {
        "framework_id": None, "status": Scorecard.Status.NOT_COMPUTABLE, "scale": "", "weighted_sum": None,
        "performance_sum": None, "potential_sum": None, "weight_total": None, "total_100": None,
        "total_100_exact": None, "band_code": "", "band_label_th": "", "indicator_count": 0, "reported_count": 0,
        "missing_count": 0, "payload": {}, "policy": {}, "error": message, "inputs_hash": "",
    }


@transaction.atomic
def scorecards_store(
    *,
    fiscal_year_id: int,
    unit_ids: Iterable[int] | None = None,
    round_ids: Iterable[int] | None = None,
    reason: str = "",
) -> list[Scorecard]:
    """Compute and store the scorecards of a year's unit-rounds and their result scores, in fixed queries.

    Default scope: every unit a framework of the year names, that has a result in the year, or that already has a
    stored scorecard; every round. A unit without a framework keeps no numbers: its stored scorecard (if any)
    becomes "not computable" with the reason.
    """
    if unit_ids is None:
        stored = Scorecard.objects.filter(round__fiscal_year_id=fiscal_year_id).values_list("org_unit_id", flat=True)
        unit_ids = score_inputs.year_unit_ids(fiscal_year_id) | set(stored)
    year = score_inputs.scorecard_inputs(fiscal_year_id=fiscal_year_id, unit_ids=unit_ids, round_ids=round_ids)
    policy = year.policy
    keys = list(year.units)
    unit_set = {u for u, _ in keys}
    round_set = {r for _, r in keys}
    existing = {
        (s.org_unit_id, s.round_id): s
        for s in Scorecard.objects.filter(org_unit_id__in=unit_set, round_id__in=round_set).only(*_REVISED)
    }
    stored_scores = ResultScore.objects.filter(result__org_unit_id__in=unit_set, result__round_id__in=round_set)
    existing_scores = dict(stored_scores.values_list("result_id", "content_hash"))
    now = timezone.now()
    policy_text = repr(policy)
    criteria_fingerprints: dict[int, str] = {}
    cards: list[Scorecard] = []
    scores: list[ResultScore] = []
    for key, entry in year.units.items():
        old = existing.get(key)
        if entry is None:
            if old is None:
                continue
            unit = OrgUnit.objects.filter(pk=key[0]).values_list("name_th", flat=True).first() or ""
            values = _not_computable(
                f"ไม่พบกรอบตัวชี้วัดของ {unit} ในปีงบประมาณ พ.ศ. {year.fiscal_year.be_year}"
            )
        else:
            card = pure.compute(entry.data, policy)
            values = scorecard_values(card, entry.data, policy)
            inputs_by_assignment = {line.assignment_id: line for line in entry.data.lines}
            for line in card.rows:
                if line.result_id is None:
                    continue
                spec = inputs_by_assignment[line.assignment_id].criteria
                if id(spec) not in criteria_fingerprints:  # one spec object per assignment and round
                    criteria_fingerprints[id(spec)] = _digest({"criteria": spec, "policy": policy_text})
                score_values = _result_score_values(line, criteria_fingerprints[id(spec)])
                digest = _digest(score_values)
                if existing_scores.get(line.result_id) != digest:
                    scores.append(ResultScore(result_id=line.result_id, content_hash=digest, computed_at=now, **score_values))
        digest = _digest({name: values[name] for name in _SCORECARD_FIELDS})
        if old is not None and old.content_hash == digest:
            cards.append(old)
            continue
        row = Scorecard(org_unit_id=key[0], round_id=key[1], content_hash=digest, computed_at=now, **values)
        if old is not None:
            row.pk = old.pk
        cards.append(row)
    changed = [c for c in cards if c.computed_at == now]
    if scores:
        ResultScore.objects.bulk_create(
            scores, update_conflicts=True, unique_fields=["result"],
            update_fields=[*_RESULT_SCORE_FIELDS, "content_hash", "computed_at"],
        )
    if changed:
        Scorecard.objects.bulk_create(
            changed, update_conflicts=True, unique_fields=["org_unit", "round"],
            update_fields=[*_SCORECARD_FIELDS, "content_hash", "computed_at"],
        )
        if any(c.pk is None for c in changed):  # a backend that does not return ids on upsert
            ids = {
                (s.org_unit_id, s.round_id): s.pk
                for s in Scorecard.objects.filter(org_unit_id__in=unit_set, round_id__in=round_set)
            }
            for card_row in changed:
                card_row.pk = ids[(card_row.org_unit_id, card_row.round_id)]
        revisions = [
            rev for c in changed
            if (rev := _revision(existing.get((c.org_unit_id, c.round_id)), c, reason, now)) is not None
        ]
        ScorecardRevision.objects.bulk_create(revisions)
    return cards


def scorecard_recompute(*, org_unit_id: int, round_id: int, reason: str = "") -> Scorecard:
    """Compute and store one unit's scorecard for a round (the same path as a year); no framework -> ScorecardError."""
    round_ = Round.objects.select_related("fiscal_year").get(pk=round_id)
    stored = scorecards_store(
        fiscal_year_id=round_.fiscal_year_id, unit_ids=[org_unit_id], round_ids=[round_id], reason=reason
    )
    if not stored or stored[0].framework_id is None:
        unit = OrgUnit.objects.get(pk=org_unit_id)
        raise ScorecardError(
            f"ไม่พบกรอบตัวชี้วัดของ {unit.name_th} ในปีงบประมาณ พ.ศ. {round_.fiscal_year.be_year}"
        )
    return Scorecard.objects.select_related("framework", "round__fiscal_year", "org_unit").get(pk=stored[0].pk)


def snapshot(scorecard: Scorecard) -> dict[str, Any]:
    """The scorecard as stored now, as a JSON-able dict (what a frozen copy keeps; documents read the same shape)."""
    return selectors.stored_data(scorecard)


@transaction.atomic
def scorecard_freeze(*, actor: Any, scorecard: Scorecard) -> Scorecard:
    """Keep an immutable copy of the scorecard as it is now (admin or director); later recomputes change only the live one."""
    if not (is_admin(actor) or is_director(actor)):
        raise PermissionDenied("เฉพาะผู้ดูแลระบบหรือผู้บริหารเท่านั้นที่ล็อกผลการประเมินได้")
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.frozen:
        raise ValidationError("ผลการประเมินนี้ล็อกฉบับรับรองไว้แล้ว แก้ไขไม่ได้")
    if scorecard.status != Scorecard.Status.COMPUTED:
        raise ValidationError("ล็อกได้เฉพาะผลการประเมินที่คำนวณสำเร็จแล้ว")
    scorecard.frozen = True
    scorecard.frozen_by = actor
    scorecard.frozen_at = timezone.now()
    scorecard.frozen_payload = snapshot(scorecard)
    scorecard.save(update_fields=["frozen", "frozen_by", "frozen_at", "frozen_payload"])
    return scorecard
