"""Every write of stored scores: per result, per unit and round (scorecard), freezing, and the recompute jobs.

Recomputing is idempotent: rows are keyed by their natural keys (result; unit + round) and a row whose content did
not change is left untouched (same values, same ``computed_at``). A scorecard and its result scores are written in
one transaction, so a worker killed half-way leaves the previous scorecard and the next run completes it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from indicators import scoring
from indicators.models import Assignment, OrgUnit, Result, Round
from indicators.models.framework import Component, Scale
from indicators.permissions import is_admin, is_director
from reporting import selectors
from reporting.models import ResultScore, Scorecard, ScoreJob

logger = logging.getLogger(__name__)

HOUSEHOLD_CODE = "HOUSEHOLD"


class ScorecardError(Exception):
    """A scorecard cannot be computed at all (e.g. the unit has no framework); the message is Thai."""


# ---- helpers ---------------------------------------------------------------------------------------------------


def _fit(value: Decimal | None, places: int) -> Decimal | None:
    """Quantize to the column's decimal places (half-up) so the stored value is exactly what was computed."""
    if value is None:
        return None
    with localcontext() as context:
        context.prec = 60
        return scoring.round_half_up(value, places)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _digest(values: dict[str, Any]) -> str:
    def default(value: Any) -> str:
        return str(value)

    return hashlib.sha256(json.dumps(values, sort_keys=True, default=default, ensure_ascii=False).encode()).hexdigest()


def _fingerprint(spec: dict[str, Any] | None, policy: scoring.ScoringPolicy) -> str:
    """Identifies the criteria and policy a score was computed with (changes when either changes)."""
    return _digest({"criteria": spec, "policy": policy.to_dict()})


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], hash_field: str) -> models.Model:
    """Create or update one row by its natural key; a row whose content is unchanged is not written again."""
    digest = _digest(values)
    instance = model._default_manager.select_for_update().filter(**lookup).first()
    if instance is not None and getattr(instance, hash_field) == digest:
        return instance
    if instance is None:
        instance = model(**lookup)
    for name, value in values.items():
        setattr(instance, name, value)
    setattr(instance, hash_field, digest)
    instance.computed_at = timezone.now()  # type: ignore[attr-defined]
    instance.full_clean()
    instance.save()
    return instance


# ---- division average from provinces (DOMAIN §4.h) -------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceAverage:
    """The division's household score from provincial scores, or why it cannot be computed (``problem``)."""

    score: Decimal | None
    method: str
    provinces: list[dict[str, Any]] = field(default_factory=list)
    explanation_th: str = ""
    problem: str = ""


def division_province_average(
    *, result: Result, criteria_spec: dict[str, Any], policy: scoring.ScoringPolicy
) -> ProvinceAverage:
    """Score a division's HOUSEHOLD result from its provinces (DOMAIN §4.h, OPEN-15).

    The pairs are (done, target): done = the SubUnitResult numerator of each province row of this result, target =
    the province's ProvinceTarget of the indicator (DOMAIN §5.3). They are combined by ``scoring.division_score``
    with the year's ``division_average_method`` (default: mean of the provincial scores). Nothing is invented: with
    no province rows, a province without a target or a done count, or criteria the engine cannot apply to bare
    (done, target) pairs (round 1's level-1 milestone), ``problem`` says so in Thai and ``score`` is None.
    """
    method = policy.division_average_method
    rows = [row for row in result.sub_results.all() if row.province_id is not None]
    if not rows:
        return ProvinceAverage(None, method, problem="ไม่มีผลรายจังหวัด (ตารางผลรายหน่วยงานไม่มีแถวที่ระบุจังหวัด)")
    targets = selectors.province_targets_for(definition_id=result.assignment.definition_id)
    provinces: list[dict[str, Any]] = []
    lacking: list[str] = []
    pairs: list[tuple[Decimal, Decimal]] = []
    for row in rows:
        name = row.province.name_th if row.province else str(row.province_id)
        target = targets.get(row.province_id)  # type: ignore[arg-type]
        if target is None or row.numerator is None:
            lacking.append(name)
            continue
        pairs.append((row.numerator, Decimal(target.target)))
        entry: dict[str, Any] = {"province": name, "done": str(row.numerator), "target": target.target}
        try:
            detail = scoring.evaluate(criteria_spec, {"numerator": row.numerator, "denominator": target.target}, policy)
            entry.update(percent=_s(detail.value), score=_s(detail.score))
        except scoring.ScoringError as exc:
            entry.update(percent=None, score=None, problem=str(exc))
        provinces.append(entry)
    if lacking:
        return ProvinceAverage(
            None, method, provinces,
            problem="ไม่มีเป้าหมายรายจังหวัดหรือผลการดำเนินงานของจังหวัด: " + ", ".join(lacking),
        )
    try:
        value = scoring.division_score(pairs, criteria_spec, policy)
    except scoring.ScoringError as exc:
        return ProvinceAverage(None, method, provinces, problem=f"คำนวณคะแนนเฉลี่ยรายจังหวัดไม่ได้: {exc}")
    lines = [
        f"{p['province']}: {int(Decimal(p['done'])):,} / {p['target']:,} = ร้อยละ {p['percent']} → คะแนน {p['score']}"
        for p in provinces
    ]
    if method == "mean_of_scores":
        summary = f"คะแนนเฉลี่ยของกอง = ({' + '.join(str(p['score']) for p in provinces)}) / {len(provinces)} = {value}"
    elif method == "mean_of_percentages":
        summary = f"คะแนนของกองจากค่าเฉลี่ยร้อยละของ {len(provinces)} จังหวัด = {value}"
    else:
        summary = f"คะแนนของกองจากผลรวมทุกจังหวัดหารเป้าหมายรวม = {value}"
    return ProvinceAverage(value, method, provinces, "\n".join([*lines, summary]))


# ---- per result ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    score: Decimal | None
    values: dict[str, Any]


def _result_outcome(result: Result, assignment: Assignment, org_unit: OrgUnit, policy: scoring.ScoringPolicy) -> _Outcome:
    """The stored score of one result: the engine's score and its Thai arithmetic, or why it cannot be scored."""
    from indicators.services.results import result_score

    criteria = assignment.criteria_for(result.round.number)
    spec = criteria.to_spec() if criteria is not None else None
    outcome = result_score(result, policy)
    values: dict[str, Any] = {
        "method": ResultScore.Method.NOT_COMPUTABLE, "score": None, "score_exact": None, "value": None,
        "value_exact": None, "explanation_th": "", "problem_th": outcome.problem, "details": {},
        "fingerprint": _fingerprint(spec, policy),
    }
    score = outcome.score
    if outcome.detail is not None and spec is not None:
        detail = outcome.detail
        values.update(
            method=ResultScore.Method.DIRECT, score=_fit(detail.score, 4), score_exact=_fit(detail.score_exact, 16),
            value=_fit(detail.value, 16), value_exact=_fit(detail.value_exact, 16),
            explanation_th=scoring.explain(spec, result.measurement(), policy),
        )
    if spec is not None and org_unit.kind == OrgUnit.Kind.DIVISION and assignment.definition.code == HOUSEHOLD_CODE:
        average = division_province_average(result=result, criteria_spec=spec, policy=policy)
        values["details"] = {"province_average": {
            "method": average.method, "score": _s(average.score), "provinces": average.provinces,
            "problem": average.problem,
        }}
        if average.score is not None:
            score = average.score
            values.update(
                method=ResultScore.Method.PROVINCE_AVERAGE, score=_fit(average.score, 4),
                score_exact=_fit(average.score, 16), problem_th="", explanation_th=average.explanation_th,
            )
        else:
            note = f"หมายเหตุ: ยังคิดคะแนนเฉลี่ยของกองจากคะแนนรายจังหวัด (คู่มือ §4.h) ไม่ได้ — {average.problem}"
            if score is not None:
                note += " จึงใช้คะแนนจากผลรวมที่หน่วยงานรายงาน"
            values["explanation_th"] = "\n".join(filter(None, [values["explanation_th"], note]))
    return _Outcome(score, values)


# ---- per unit and round ----------------------------------------------------------------------------------------


@transaction.atomic
def scorecard_recompute(*, org_unit_id: int, round_id: int) -> Scorecard:
    """Compute and store a unit's scorecard for a round and the scores of its results, in one transaction.

    Σ ค = Σ(ก × ข) by Performance and Potential Base, the 100-point total and band via ``scoring.weighted_total``
    with the framework's scale and the year's ScoringPolicy (DOMAIN §4.i). A framework that is still a draft, an
    indicator without criteria for the round or without a weight makes the scorecard "not computable" with the
    reasons in Thai (the department framework has no published targets), each row carrying its own reasons
    (``reasons_th``). In a monitoring-only year a draft framework is totalled when every indicator has a score.
    No framework at all -> ScorecardError.
    """
    from indicators.services.results import policy_for

    org_unit = OrgUnit.objects.get(pk=org_unit_id)
    round_ = Round.objects.select_related("fiscal_year").get(pk=round_id)
    inputs = selectors.scorecard_inputs(org_unit=org_unit, round=round_)
    if inputs is None:
        raise ScorecardError(
            f"ไม่พบกรอบตัวชี้วัดของ {org_unit.name_th} ในปีงบประมาณ พ.ศ. {round_.fiscal_year.be_year}"
        )
    policy = policy_for(round_)
    parents = {a.parent_id for a in inputs.assignments if a.parent_id}
    rows: list[dict[str, Any]] = []
    items: list[tuple[Decimal, Decimal | None]] = []
    sums = {Component.PERFORMANCE.value: Decimal(0), Component.POTENTIAL.value: Decimal(0)}
    reasons: list[str] = []
    # A monitoring-only year (FY2564, DOMAIN §9.2) is never approved for evaluation: its draft framework is still
    # totalled for monitoring, but only when every indicator could be scored (nothing is counted as 0 silently).
    monitoring = round_.fiscal_year.is_monitoring_only
    if not inputs.approved and not monitoring:
        reasons.append(f"กรอบตัวชี้วัด \"{inputs.framework.name_th}\" ยังไม่ได้รับอนุมัติ")
    unscored: list[str] = []  # reasons of rows without a score not yet in ``reasons``
    without_score = 0
    reported = 0
    three_level = inputs.framework.scale == Scale.THREE_LEVEL
    for assignment in inputs.assignments:
        result = inputs.results.get(assignment.pk)
        scored = assignment.pk not in parents
        name = assignment.definition.name_th
        label = f"{assignment.number} {name[:60] + '…' if len(name) > 60 else name}".strip()
        score: Decimal | None = None
        stored: dict[str, Any] = {}
        row_reasons: list[str] = []  # why this row has no score, printed under the indicator (DOMAIN §4.a, §4.i)
        if result is not None:
            result.assignment = assignment
            outcome = _result_outcome(result, assignment, org_unit, policy)
            score = outcome.score
            stored = outcome.values
            _upsert(ResultScore, {"result": result}, outcome.values, "content_hash")
            if scored:
                reported += 1
        if scored:
            if assignment.criteria_for(round_.number) is None:
                missing = (
                    f"ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ {round_.number}" if three_level
                    else f"ยังไม่มีเกณฑ์การประเมิน (ค่าเป้าหมาย) ของรอบที่ {round_.number}"
                )
                row_reasons.append(missing)
                reasons.append(f"ตัวชี้วัด {label}: {missing}")
            if assignment.weight is None:
                row_reasons.append("ยังไม่ได้กำหนดน้ำหนัก")
                reasons.append(f"ตัวชี้วัด {label}: ยังไม่ได้กำหนดน้ำหนัก")
            else:
                items.append((assignment.weight, score))
                sums[assignment.component] += (score or 0) * assignment.weight
            explained = bool(row_reasons)  # no criteria or no weight: already in ``reasons``
            if result is None:
                row_reasons.append("ยังไม่รายงานผล")
            elif score is None and stored.get("problem_th") and stored["problem_th"] not in row_reasons:
                row_reasons.append(str(stored["problem_th"]))
            without_score += score is None
            if score is None and not explained:
                unscored.append(f"ตัวชี้วัด {label}: " + "; ".join(row_reasons or ["คิดคะแนนไม่ได้"]))
        weighted = None if score is None or assignment.weight is None or not scored else score * assignment.weight
        rows.append({
            "assignment_id": assignment.pk, "number": assignment.number, "code": assignment.definition.code,
            "name_th": assignment.definition.name_th, "component": assignment.component, "scored": scored,
            "weight": _s(assignment.weight), "result_id": result.pk if result else None,
            "status": result.status if result else Result.Status.NOT_REPORTED,
            "score": _s(score), "weighted": _s(weighted), "method": stored.get("method", ""),
            "value": _s(stored.get("value")), "problem_th": stored.get("problem_th", "") if result else ("ยังไม่รายงานผล" if scored else ""),
            "reasons_th": row_reasons if score is None else [],
        })
    scored_count = sum(1 for row in rows if row["scored"])
    values: dict[str, Any] = {
        "framework": inputs.framework, "scale": inputs.framework.scale, "policy": policy.to_dict(),
        "performance_sum": _fit(sums[Component.PERFORMANCE.value], 4),
        "potential_sum": _fit(sums[Component.POTENTIAL.value], 4),
        "indicator_count": scored_count, "reported_count": reported, "missing_count": scored_count - reported,
        "payload": {"rows": rows, "reasons": reasons},
        "weighted_sum": None, "weight_total": None, "total_100": None, "total_100_exact": None,
        "band_code": "", "band_label_th": "",
    }
    # An approved framework passed framework_problems(); an indicator without criteria for this round then counts
    # as not reported (score 0), as on the entry page. A draft framework (the department's) is not scored at all,
    # except in a monitoring-only year when every indicator has a score.
    if not inputs.approved and monitoring and without_score:
        reasons.insert(0, f"ปีงบประมาณ พ.ศ. {round_.fiscal_year.be_year} เป็นปีติดตามผล: คิดคะแนนรวมเมื่อทุกตัวชี้วัดคิดคะแนนได้")
        reasons.extend(r for r in unscored if r not in reasons)
    if (not inputs.approved and (not monitoring or without_score)) or not items:
        values.update(status=Scorecard.Status.NOT_COMPUTABLE, error="\n".join(reasons) or "ไม่มีตัวชี้วัดที่คิดคะแนน")
    else:
        total = scoring.weighted_total(items, scale=inputs.framework.scale, policy=policy)
        values.update(
            status=Scorecard.Status.COMPUTED, error="\n".join(reasons), weighted_sum=_fit(total.weighted_sum, 4),
            weight_total=_fit(total.weight_total, 4), total_100=_fit(total.total_100, 4),
            total_100_exact=_fit(total.total_100_exact, 16), band_code=total.band.code,
            band_label_th=total.band.label_th,
        )
    return _upsert(Scorecard, {"org_unit": org_unit, "round": round_}, values, "content_hash")  # type: ignore[return-value]


@transaction.atomic
def scorecard_mark_failed(*, org_unit_id: int, round_id: int, error: str) -> Scorecard | None:
    """Record on the scorecard that its last recompute failed; the last computed numbers stay (marked failed)."""
    if not (OrgUnit.objects.filter(pk=org_unit_id).exists() and Round.objects.filter(pk=round_id).exists()):
        return None
    scorecard, _ = Scorecard.objects.select_for_update().get_or_create(org_unit_id=org_unit_id, round_id=round_id)
    scorecard.status = Scorecard.Status.FAILED
    scorecard.error = error
    scorecard.content_hash = ""  # the next successful run writes the row again
    scorecard.computed_at = timezone.now()
    scorecard.save(update_fields=["status", "error", "content_hash", "computed_at"])
    return scorecard


def _snapshot(scorecard: Scorecard) -> dict[str, Any]:
    return {
        "framework_id": scorecard.framework_id, "status": scorecard.status, "scale": scorecard.scale,
        "weighted_sum": _s(scorecard.weighted_sum), "performance_sum": _s(scorecard.performance_sum),
        "potential_sum": _s(scorecard.potential_sum), "weight_total": _s(scorecard.weight_total),
        "total_100": _s(scorecard.total_100), "total_100_exact": _s(scorecard.total_100_exact),
        "band_code": scorecard.band_code, "band_label_th": scorecard.band_label_th,
        "indicator_count": scorecard.indicator_count, "reported_count": scorecard.reported_count,
        "missing_count": scorecard.missing_count, "payload": scorecard.payload, "policy": scorecard.policy,
        "computed_at": scorecard.computed_at.isoformat() if scorecard.computed_at else None,
    }


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
    scorecard.frozen_payload = _snapshot(scorecard)
    scorecard.save(update_fields=["frozen", "frozen_by", "frozen_at", "frozen_payload"])
    return scorecard


# ---- jobs ------------------------------------------------------------------------------------------------------


def score_job_create(*, kind: str, params: dict[str, Any], reason: str = "") -> ScoreJob:
    job = ScoreJob(kind=kind, params=params, reason=reason[:200])
    job.full_clean()
    job.save()
    return job


def _job_targets(job: ScoreJob) -> list[tuple[int, int]]:
    params = job.params
    if job.kind == ScoreJob.Kind.UNIT_ROUND:
        return [(int(params["org_unit_id"]), int(params["round_id"]))]
    return selectors.recompute_targets(
        fiscal_year_id=int(params["fiscal_year_id"]), round_number=params.get("round_number"),
        unit_code=params.get("unit_code"), all_units=bool(params.get("all_units")),
    )


def score_job_run(*, job: ScoreJob) -> list[Scorecard]:
    """Run a job in this process: each scorecard in its own transaction; failures recorded on the job and the scorecard.

    Raises the first error after every target was tried, so Celery records the task as failed too.
    """
    ScoreJob.objects.filter(pk=job.pk).update(
        status=ScoreJob.Status.RUNNING, started_at=timezone.now(), attempts=models.F("attempts") + 1
    )
    done: list[Scorecard] = []
    errors: list[str] = []
    first: Exception | None = None
    try:
        targets = _job_targets(job)
        for org_unit_id, round_id in targets:
            try:
                done.append(scorecard_recompute(org_unit_id=org_unit_id, round_id=round_id))
            except (OrgUnit.DoesNotExist, Round.DoesNotExist):
                continue  # deleted since the job was queued: nothing to score
            except Exception as exc:
                if not isinstance(exc, (ScorecardError, scoring.ScoringError, ValidationError)):
                    raise
                first = first or exc
                errors.append(f"{exc}")
                scorecard_mark_failed(org_unit_id=org_unit_id, round_id=round_id, error=str(exc))
    except Exception as exc:
        score_job_failed(job_id=job.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    if errors:
        ScoreJob.objects.filter(pk=job.pk).update(
            status=ScoreJob.Status.FAILED, error="\n".join(errors), scorecards=len(done), finished_at=timezone.now()
        )
        assert first is not None
        raise first
    ScoreJob.objects.filter(pk=job.pk).update(
        status=ScoreJob.Status.DONE, error="", scorecards=len(done), finished_at=timezone.now()
    )
    return done


def score_job_failed(*, job_id: int, error: str, retrying: bool = False) -> None:
    """Record a failure (or a retry to come) on the job row; never raises, the database may be the problem."""
    try:
        ScoreJob.objects.filter(pk=job_id).update(
            status=ScoreJob.Status.RETRYING if retrying else ScoreJob.Status.FAILED, error=error,
            finished_at=None if retrying else timezone.now(),
        )
    except Exception:  # pragma: no cover - the database is down; the task's own retry/failure is the record
        logger.exception("could not record the failure of score job %s", job_id)


# ---- automatic recompute, debounced per transaction -----------------------------------------------------------

_local = threading.local()


class _Batch:
    """What to recompute when the current transaction commits; one job per unit-round or year."""

    def __init__(self) -> None:
        self.unit_rounds: dict[tuple[int, int], str] = {}
        self.years: dict[int, str] = {}
        self.done = False

    def flush(self) -> None:
        self.done = True
        _enqueue(self.unit_rounds, self.years)


def _enqueue(unit_rounds: dict[tuple[int, int], str], years: dict[int, str]) -> None:
    from reporting.tasks import recompute_scores

    try:
        covered = set(Round.objects.filter(fiscal_year_id__in=years).values_list("pk", flat=True)) if years else set()
        for fiscal_year_id, reason in years.items():
            job = score_job_create(kind=ScoreJob.Kind.YEAR, params={"fiscal_year_id": fiscal_year_id}, reason=reason)
            recompute_scores.delay(job_id=job.pk)
        for (org_unit_id, round_id), reason in unit_rounds.items():
            if round_id in covered:
                continue
            job = score_job_create(
                kind=ScoreJob.Kind.UNIT_ROUND, params={"org_unit_id": org_unit_id, "round_id": round_id}, reason=reason
            )
            recompute_scores.delay(job_id=job.pk)
    except Exception:
        # Saving the result must not fail because scores could not be queued; `recompute_scores` repairs it.
        logger.exception("could not queue score recomputes")


def _batch() -> _Batch | None:
    """The pending batch of the current transaction, registered once with on_commit; None outside a transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    batch: _Batch | None = getattr(_local, "batch", None)
    registered = batch is not None and not batch.done and any(
        entry[1] == batch.flush for entry in connection.run_on_commit
    )
    if not registered:  # first change of this transaction, or the previous one rolled back or already ran
        batch = _Batch()
        _local.batch = batch
        transaction.on_commit(batch.flush, robust=True)
    return batch


def queue_unit_recompute(result: Result, reason: str = "") -> None:
    """After commit, recompute the scorecard of the result's unit and round (called by the result workflow)."""
    reason = reason or f"ผลการดำเนินงาน #{result.pk} เปลี่ยนสถานะเป็น{Result.Status(result.status).label}"
    batch = _batch()
    if batch is None:
        _enqueue({(result.org_unit_id, result.round_id): reason}, {})
    else:
        batch.unit_rounds.setdefault((result.org_unit_id, result.round_id), reason)


def queue_year_recompute(fiscal_year_ids: Iterable[int], reason: str) -> None:
    """After commit, recompute the year's scorecards (criteria, weights or the scoring policy changed)."""
    years = {fiscal_year_id: reason for fiscal_year_id in fiscal_year_ids if fiscal_year_id}
    if not years:
        return
    batch = _batch()
    if batch is None:
        _enqueue({}, years)
    else:
        for fiscal_year_id in years:
            batch.years.setdefault(fiscal_year_id, reason)
