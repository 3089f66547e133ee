"""Writing results and scoring them; the entry screens of the next issue call these same functions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import update_change_reason

from indicators import scoring
from indicators.models import Assignment, MilestoneCompletion, OrgUnit, Result, Round, ScoringPolicy
from indicators.permissions import is_admin, person_of

RESULT_FIELDS = frozenset({
    "value", "numerator", "denominator", "achieved_level", "level1_milestone_done", "second_value",
    "numerator_above_denominator_confirmed", "as_of_date", "actions_th", "supporting_factors_th", "obstacles_th",
    "suggestions_th", "evidence_th",
})


def can_report_for(user: Any, org_unit: OrgUnit) -> bool:
    """Admins report for everyone; staff only for the units they are assigned to."""
    if is_admin(user):
        return True
    person = person_of(user)
    return person is not None and person.reporting_units.filter(pk=org_unit.pk).exists()


@transaction.atomic
def result_save(
    *,
    actor: Any,
    assignment: Assignment,
    org_unit: OrgUnit,
    round: Round,
    values: dict[str, Any],
    milestones: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
    reason: str = "",
    is_demo: bool = False,
) -> Result:
    """Create or update a result as a draft; refuses approved results and stale versions (nothing is overwritten)."""
    if not can_report_for(actor, org_unit):
        raise PermissionDenied("คุณไม่มีสิทธิ์รายงานผลของหน่วยงานนี้")
    unknown = set(values) - RESULT_FIELDS
    if unknown:
        raise ValidationError(f"ไม่รู้จักช่องข้อมูล: {', '.join(sorted(unknown))}")
    result = (
        Result.objects.select_for_update()
        .filter(assignment=assignment, org_unit=org_unit, round=round)
        .first()
    )
    creating = result is None
    if result is None:
        result = Result(assignment=assignment, org_unit=org_unit, round=round, created_by=actor, is_demo=is_demo)
    else:
        if result.status == Result.Status.APPROVED:
            raise PermissionDenied("ผลการดำเนินงานที่อนุมัติแล้วถูกล็อก แก้ไขไม่ได้")
        if expected_version is not None and expected_version != result.version:
            raise ValidationError(
                f"ผลการดำเนินงานนี้ถูกแก้ไขโดยผู้อื่นแล้ว (ฉบับที่ {result.version}) กรุณาโหลดหน้าใหม่ก่อนบันทึก"
            )
        result.version += 1
    for name, value in values.items():
        setattr(result, name, value)
    result.updated_by = actor
    if result.status == Result.Status.NOT_REPORTED:
        result.status = Result.Status.DRAFT
    result.full_clean()
    result._history_user = actor  # type: ignore[attr-defined]
    result.save()
    if milestones is not None:
        _save_milestones(result, milestones, actor)
    if reason or creating:
        update_change_reason(result, reason or "บันทึกผลการดำเนินงาน")
    return result


def _save_milestones(result: Result, milestones: list[dict[str, Any]], actor: Any) -> None:
    for item in milestones:
        completion, _ = MilestoneCompletion.objects.get_or_create(
            result=result, level=str(item["level"]), deliverable_index=int(item.get("deliverable_index", 0))
        )
        completion.done = bool(item.get("done"))
        completion.done_on = item.get("done_on")
        completion.evidence_th = item.get("evidence_th", "")
        completion.full_clean()
        completion._history_user = actor  # type: ignore[attr-defined]
        completion.save()


def policy_for(round: Round) -> scoring.ScoringPolicy:
    policy = ScoringPolicy.objects.filter(fiscal_year_id=round.fiscal_year_id).first()
    return policy.to_engine() if policy else scoring.DEFAULT_POLICY


@dataclass(frozen=True)
class ResultScore:
    score: Decimal | None
    detail: scoring.ScoreResult | None
    problem: str


def result_score(result: Result, policy: scoring.ScoringPolicy) -> ResultScore:
    """Score one result with the criteria of its round; a result that cannot be scored says why (in Thai)."""
    criteria = result.assignment.criteria_for(result.round.number)
    if criteria is None:
        return ResultScore(None, None, "ยังไม่มีเกณฑ์การประเมินของรอบนี้")
    try:
        detail = scoring.evaluate(criteria.to_spec(), result.measurement(), policy)
    except scoring.ScoringError as exc:
        return ResultScore(None, None, str(exc))
    return ResultScore(detail.score, detail, "")
