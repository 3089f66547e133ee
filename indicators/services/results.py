"""Writing results through their workflow (draft → submitted → returned/approved) and scoring them.

Every function checks who may act, validates in Thai, changes nothing on refusal, and records the acting user
and a reason in the result's history. Views, the admin, the API and tasks all call these same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from indicators import scoring
from indicators.breakdown_totals import breakdown_totals
from indicators.file_checks import check_evidence
from indicators.models import (
    Assignment,
    EvidenceFile,
    MilestoneCompletion,
    OrgUnit,
    Result,
    Round,
    ScoringPolicy,
    SubUnitResult,
    UnitEntryWindow,
)
from indicators.permissions import can_report_for, can_review, is_admin, person_of
from indicators.score_inputs import policy_for_year
from indicators.services.evidence_quota import check_evidence_quota
from indicators.templatetags.thai_dates import thai_date

RESULT_FIELDS = frozenset({
    "value", "numerator", "denominator", "achieved_level", "level1_milestone_done", "second_value",
    "numerator_above_denominator_confirmed", "as_of_date", "actions_th", "supporting_factors_th", "obstacles_th",
    "suggestions_th", "evidence_th",
})
EDITABLE_STATUSES = (Result.Status.NOT_REPORTED, Result.Status.DRAFT, Result.Status.RETURNED)

RELATION_FIELDS = [field.name for field in Result._meta.concrete_fields if field.is_relation]
FIELD_LABELS = {name: str(getattr(Result._meta.get_field(name), "verbose_name", name)) for name in RESULT_FIELDS}


class StaleResultError(ValidationError):
    """Another person saved the result after this form was opened; `changes` says what they changed."""

    def __init__(self, message: str, changes: list[tuple[str, str, str]]) -> None:
        super().__init__(message)
        self.changes = changes


def entry_is_open(
    result_round: Round, result: Result | None, today: dt.date | None = None, *, org_unit: OrgUnit | None = None
) -> bool:
    """Entry is open while the round is open and before its deadline, until an admin's reopening date of the
    result, or until the date a window opened the round for the unit (``org_unit``, else the result's unit)."""
    today = today or timezone.localdate()
    if result is not None and result.reopened_until and today <= result.reopened_until:
        return True
    if result_round.is_open and (result_round.entry_deadline is None or today <= result_round.entry_deadline):
        return True
    unit_id = org_unit.pk if org_unit is not None else (result.org_unit_id if result is not None else None)
    return unit_id is not None and UnitEntryWindow.objects.filter(
        round=result_round, org_unit_id=unit_id, until__gte=today
    ).exists()


def closed_reason(round_: Round) -> str:
    """Why entry is closed for a round, in Thai (shown on the pages and raised by the services)."""
    if not round_.is_open:
        return "รอบนี้ไม่ได้เปิดรับรายงานผล จึงแก้ไขหรือส่งผลไม่ได้ หากจำเป็นต้องแก้ไขกรุณาติดต่อผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)"
    return (
        f"หมดเวลารายงานผลของรอบนี้แล้ว (กำหนดส่ง {thai_date(round_.entry_deadline)}) หน่วยงานที่ยังไม่ส่งผลจะแก้ไขหรือส่งผลไม่ได้ "
        "หากจำเป็นต้องแก้ไขกรุณาติดต่อผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร) เพื่อขอเปิดให้แก้ไข"
    )


NOT_A_REPORTER = "คุณไม่มีสิทธิ์รายงานผลของหน่วยงานนี้ เพราะไม่ได้เป็นผู้รายงานผลของหน่วยงานนี้ (ดูได้อย่างเดียว)"
APPROVED_LOCKED = "ผลการดำเนินงานนี้อนุมัติแล้วจึงถูกล็อก แก้ไขไม่ได้ หากจำเป็นต้องแก้ไขกรุณาติดต่อผู้ดูแลระบบ"
SUBMITTED_WAITING = "ส่งผลการดำเนินงานแล้ว รอผู้กำกับดูแลพิจารณา แก้ไขได้อีกครั้งเมื่อถูกส่งกลับแก้ไข"


def edit_permission(
    actor: Any, result_round: Round, org_unit: OrgUnit, result: Result | None, today: dt.date | None = None,
    *, can_report: bool | None = None,
) -> tuple[bool, str]:
    """May this actor change this unit's result (``None``: not reported yet) now? (allowed, why not in Thai).

    The one editability rule: every writing service raises from it, the entry pages and templates read it.
    ``can_report``: ``can_report_for(actor, org_unit)`` when the caller has just asked it (not asked again).
    """
    if not (can_report_for(actor, org_unit) if can_report is None else can_report):
        return False, NOT_A_REPORTER
    admin = is_admin(actor)
    status = result.status if result is not None else Result.Status.NOT_REPORTED
    if status == Result.Status.APPROVED:
        return False, APPROVED_LOCKED
    if status == Result.Status.SUBMITTED and not admin:
        return False, SUBMITTED_WAITING
    if not admin and not entry_is_open(result_round, result, today, org_unit=org_unit):
        return False, closed_reason(result_round)
    return True, ""


def _require_editable(
    actor: Any, result_round: Round, org_unit: OrgUnit, result: Result | None, today: dt.date | None = None,
    *, can_report: bool | None = None,
) -> None:
    allowed, reason = edit_permission(actor, result_round, org_unit, result, today, can_report=can_report)
    if not allowed:
        raise PermissionDenied(reason)


def _require_result_editable(actor: Any, result: Result, today: dt.date | None = None) -> None:
    _require_editable(actor, result.round, result.org_unit, result, today)


def _history(instance: Any, actor: Any) -> None:
    instance._history_user = actor


def _reason(result: Result, text: str) -> None:
    update_change_reason(result, text[:100])


def _stale_changes(result: Result, expected_version: int) -> list[tuple[str, str, str]]:
    """(field label, value when the form was opened, value now) for every field someone else changed."""
    seen = result.history.filter(version=expected_version).order_by("-history_date").first()
    if seen is None:
        return []
    changes = []
    for name in sorted(RESULT_FIELDS):
        before, now = getattr(seen, name), getattr(result, name)
        if before != now:
            changes.append((FIELD_LABELS[name], "" if before is None else str(before), "" if now is None else str(now)))
    return changes


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
    today: dt.date | None = None,
    sub_units: list[dict[str, Any]] | None = None,
) -> Result:
    """Create or update a draft; refuses other units, closed entry, locked results and stale versions.

    With ``sub_units`` (the rows of a per-unit breakdown) the table replaces the saved one and its totals become
    the numerator and denominator, in the same single save (one history row).
    """
    if not can_report_for(actor, org_unit):
        raise PermissionDenied(NOT_A_REPORTER)
    if assignment.framework.fiscal_year_id != round.fiscal_year_id:
        raise ValidationError("ตัวชี้วัดนี้ไม่อยู่ในปีงบประมาณของรอบที่เลือก")
    unknown = set(values) - RESULT_FIELDS
    if unknown:
        raise ValidationError(f"ไม่รู้จักช่องข้อมูล: {', '.join(sorted(unknown))}")
    # ordered by pk (the row is unique): the model's default ordering would join, and so lock, the round, its year,
    # the unit and the assignment too, making every save of the round wait for the others
    result = (
        Result.objects.select_for_update().filter(assignment=assignment, org_unit=org_unit, round=round)
        .order_by("pk").first()
    )
    _require_editable(actor, round, org_unit, result, today, can_report=True)
    creating = result is None
    if result is None:
        result = Result(assignment=assignment, org_unit=org_unit, round=round, created_by=actor, is_demo=is_demo)
    else:
        result.assignment, result.org_unit, result.round = assignment, org_unit, round  # the rows it was found by
        if expected_version is not None and expected_version != result.version:
            raise _stale(result, _stale_changes(result, expected_version))
        result.version += 1
    rows = None
    if sub_units is not None:
        rows = _clean_sub_units(result, sub_units)
        totals = breakdown_totals(rows)
        values = {**values, "numerator": totals.numerator, "denominator": totals.denominator, "value": None}
        reason = reason or SUB_UNITS_SAVED
    for name, value in values.items():
        setattr(result, name, value)
    result.updated_by = actor
    if result.status == Result.Status.NOT_REPORTED:
        result.status = Result.Status.DRAFT
    if creating:
        _insert(result, actor)
    else:
        # The keys and people of an existing row are not changed here (the actor is the signed-in user): no query
        # for each one's existence, nor for the uniqueness of keys that stay as they are; the values are checked.
        result.full_clean(exclude=RELATION_FIELDS)
        _history(result, actor)
        result.save()
    if reason or creating:
        _reason(result, reason or "บันทึกผลการดำเนินงาน")
    if rows is not None:
        result.sub_results.all().delete()
        for item in rows:
            item.result = result
            _history(item, actor)
            item.save()
    if milestones is not None:
        _save_milestones(result, milestones, actor)
    return result


SUB_UNITS_SAVED = "บันทึกตารางผลรายหน่วยงาน"


def _stale(result: Result, changes: list[tuple[str, str, str]]) -> StaleResultError:
    editor = person_of(result.updated_by)
    who = editor.full_name if editor else (result.updated_by.username if result.updated_by else "ผู้อื่น")
    return StaleResultError(
        f"ผลการดำเนินงานนี้ถูกแก้ไขโดย {who} แล้ว (ฉบับที่ {result.version}) "
        "ระบบไม่ได้บันทึกข้อมูลของคุณทับ กรุณาตรวจสอบการเปลี่ยนแปลงแล้วบันทึกอีกครั้ง",
        changes,
    )


def _insert(result: Result, actor: Any) -> None:
    """Insert a new result; when another person created the same one meanwhile (two forms opened on a result that
    did not exist yet, saved at the same moment), this save is a conflict like any stale save, never a 500: the
    unique key refuses the second insert (or, once the first has committed, the uniqueness check sees it)."""
    try:
        with transaction.atomic():  # a savepoint: the outer transaction stays usable after the refusal
            result.full_clean()
            _history(result, actor)
            result.save()
    except (IntegrityError, ValidationError) as exc:
        other = (
            Result.objects.select_related("updated_by")
            .filter(assignment=result.assignment, org_unit=result.org_unit, round=result.round)
            .first()
        )
        if other is None:
            raise
        raise _stale(other, []) from exc


def _clean_sub_units(result: Result, rows: list[dict[str, Any]]) -> list[SubUnitResult]:
    """The breakdown rows, validated; refuses an empty table or one whose denominators sum to zero (§3.8)."""
    cleaned = []
    for order, row in enumerate(rows):
        item = SubUnitResult(  # type: ignore[misc]  # numerator/denominator are nullable (**NUMBER hides it)
                             result=result, order=order, label_th=row.get("label_th", ""),
                             org_unit=row.get("org_unit"), province=row.get("province"),
                             numerator=row.get("numerator"), denominator=row.get("denominator"),
                             breakdown=row.get("breakdown") or {})
        item.full_clean(exclude=["result"])
        cleaned.append(item)
    if not cleaned or breakdown_totals(cleaned).denominator <= 0:
        raise ValidationError("ตารางรายหน่วยงานต้องมีอย่างน้อยหนึ่งแถวและผลรวมตัวหารมากกว่าศูนย์")
    return cleaned


def _save_milestones(result: Result, milestones: list[dict[str, Any]], actor: Any) -> None:
    for item in milestones:
        completion, _ = MilestoneCompletion.objects.get_or_create(
            result=result, level=str(item["level"]), deliverable_index=int(item.get("deliverable_index", 0))
        )
        completion.done = bool(item.get("done"))
        completion.done_on = item.get("done_on")
        completion.evidence_th = item.get("evidence_th", "")
        completion.full_clean()
        _history(completion, actor)
        completion.save()


@transaction.atomic
def sub_results_save(*, actor: Any, result: Result, rows: list[dict[str, Any]]) -> Result:
    """Replace the per-sub-unit breakdown; its totals become the result's numerator and denominator (§3.8)."""
    return result_save(
        actor=actor, assignment=result.assignment, org_unit=result.org_unit, round=result.round,
        values={"numerator_above_denominator_confirmed": result.numerator_above_denominator_confirmed},
        sub_units=rows,
    )


@transaction.atomic
def sub_results_clear(*, actor: Any, result: Result) -> None:
    """Drop the per-sub-unit table when the unit switches to typing its totals (history keeps the old rows)."""
    _require_result_editable(actor, result)
    for item in result.sub_results.all():
        _history(item, actor)
        item.delete()


def _locked(pk: int) -> Result:
    return Result.objects.select_for_update().select_related("assignment__definition", "round", "org_unit").get(pk=pk)


@transaction.atomic
def result_submit(*, actor: Any, result: Result, expected_version: int | None = None, today: dt.date | None = None) -> Result:
    """Send a draft (or a returned result) to the supervisor; it must be complete enough to be scored."""
    result = _locked(result.pk)
    _require_result_editable(actor, result, today)
    if result.status not in EDITABLE_STATUSES:
        raise ValidationError("ส่งได้เฉพาะผลที่เป็นร่างหรือถูกส่งกลับแก้ไข")
    if expected_version is not None and expected_version != result.version:
        raise StaleResultError("ผลการดำเนินงานนี้ถูกแก้ไขโดยผู้อื่นแล้ว กรุณาโหลดหน้าใหม่ก่อนส่ง", [])
    scored = result_score(result, policy_for(result.round))
    if scored.score is None:
        raise ValidationError(f"ยังส่งไม่ได้: {scored.problem}")
    result.status = Result.Status.SUBMITTED
    result.submitted_at = timezone.now()
    result.submitted_by = actor
    result.review_comment_th = ""
    result.reopened_until = None
    _history(result, actor)
    result.save()
    _reason(result, "ส่งผลการดำเนินงานให้ผู้กำกับดูแล")
    _notify("notify_submitted", result.pk)
    return result


@transaction.atomic
def result_return(*, actor: Any, result: Result, comment: str) -> Result:
    """The supervisor sends a submitted result back with a comment the staff member will see."""
    result = _locked(result.pk)
    if not can_review(actor, result):
        raise PermissionDenied("คุณไม่ได้เป็นผู้กำกับดูแลตัวชี้วัดนี้")
    if result.status != Result.Status.SUBMITTED:
        raise ValidationError("ส่งกลับได้เฉพาะผลที่ส่งแล้วและรอพิจารณา")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("กรุณาระบุเหตุผลหรือสิ่งที่ต้องแก้ไขก่อนส่งกลับ")
    Result._meta.get_field("review_comment_th").run_validators(comment)  # the same length limit as every path
    result.status = Result.Status.RETURNED
    result.review_comment_th = comment
    result.reviewed_at = timezone.now()
    result.reviewed_by = actor
    _history(result, actor)
    result.save()
    _reason(result, f"ส่งกลับแก้ไข: {comment}")
    _notify("notify_returned", result.pk, comment=result.review_comment_th)
    return result


SELF_APPROVAL_REFUSED = (
    "ผู้ส่งผลการดำเนินงานอนุมัติผลที่ตนเองส่งไม่ได้ ต้องให้ผู้กำกับดูแลคนอื่นเป็นผู้อนุมัติ "
    "(นโยบายการคิดคะแนนของปีนี้ไม่อนุญาตให้ผู้ส่งผลอนุมัติผลของตนเอง)"
)


def self_approval_refused(actor: Any, result: Result) -> bool:
    """Maker ≠ checker: whoever submitted a result may not approve it, unless the year's policy allows it."""
    if result.submitted_by_id is None or result.submitted_by_id != getattr(actor, "pk", None):
        return False
    return not ScoringPolicy.objects.filter(
        fiscal_year_id=result.round.fiscal_year_id, allow_self_approval=True
    ).exists()


@transaction.atomic
def result_approve(*, actor: Any, result: Result, reason: str = "") -> Result:
    """The supervisor approves a submitted result (never their own submission); it is locked from then on."""
    result = _locked(result.pk)
    if not can_review(actor, result):
        raise PermissionDenied("คุณไม่ได้เป็นผู้กำกับดูแลตัวชี้วัดนี้")
    if result.status != Result.Status.SUBMITTED:
        raise ValidationError("อนุมัติได้เฉพาะผลที่ส่งแล้วและรอพิจารณา")
    if self_approval_refused(actor, result):
        raise PermissionDenied(SELF_APPROVAL_REFUSED)
    result.status = Result.Status.APPROVED
    result.reviewed_at = timezone.now()
    result.reviewed_by = actor
    _history(result, actor)
    result.save()
    reason = (reason or "").strip()
    _reason(result, f"อนุมัติผลการดำเนินงาน: {reason}" if reason else "อนุมัติผลการดำเนินงาน")
    return result


@transaction.atomic
def result_reopen(*, actor: Any, result: Result, reason: str, until: dt.date) -> Result:
    """An admin unlocks one result (approved, submitted or past the deadline) until a date, with a recorded reason."""
    if not is_admin(actor):
        raise PermissionDenied("เฉพาะผู้ดูแลระบบเท่านั้นที่เปิดให้แก้ไขผลการดำเนินงานได้")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("กรุณาระบุเหตุผลในการเปิดให้แก้ไข")
    if until < timezone.localdate():
        raise ValidationError("วันที่เปิดให้แก้ไขต้องไม่เป็นวันที่ผ่านมาแล้ว")
    result = _locked(result.pk)
    result.status = Result.Status.RETURNED if result.status != Result.Status.DRAFT else result.status
    result.reopened_until = until
    result.review_comment_th = f"ผู้ดูแลระบบเปิดให้แก้ไข: {reason}"
    _history(result, actor)
    result.save()
    _reason(result, f"เปิดให้แก้ไข: {reason}")
    # the reporters learn that they may edit again, and why
    _notify("notify_returned", result.pk, comment=result.review_comment_th)
    return result


@transaction.atomic
def round_reopen(*, actor: Any, round: Round, reason: str, deadline: dt.date) -> Round:
    """An admin reopens a round's entry until a new deadline; the reason is kept in the round's history."""
    if not is_admin(actor):
        raise PermissionDenied("เฉพาะผู้ดูแลระบบเท่านั้นที่เปิดรอบการรายงานได้")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("กรุณาระบุเหตุผลในการเปิดรอบการรายงาน")
    if deadline < timezone.localdate():
        raise ValidationError("กำหนดส่งใหม่ต้องไม่เป็นวันที่ผ่านมาแล้ว")
    round.is_open = True
    round.entry_deadline = deadline
    _history(round, actor)
    round.save(update_fields=["is_open", "entry_deadline"])
    update_change_reason(round, f"เปิดรอบการรายงาน: {reason}"[:100])
    return round


@transaction.atomic
def evidence_add(*, actor: Any, result: Result, upload: UploadedFile, description: str = "",
                 milestone_level: str = "") -> EvidenceFile:
    """Attach a file after parsing it as the kind its extension names (indicators.file_checks) and within the
    result's and the unit's quota (checked with the result row locked); stored privately under a random name."""
    _require_result_editable(actor, result)
    name = Path(upload.name or "").name
    checked = check_evidence(name, upload)
    locked = _locked(result.pk)
    check_evidence_quota(locked, checked.size)
    evidence = EvidenceFile(result=locked, original_name=name[:255], content_type=checked.kind.content_type,
                            size=checked.size, sha256=checked.sha256, description_th=description[:300],
                            milestone_level=milestone_level, uploaded_by=actor)
    evidence.file.save(name, upload, save=False)
    _history(evidence, actor)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Any, evidence: EvidenceFile) -> None:
    """Detach a file while the result is still editable (same rules as saving it); the history keeps the record
    of what was attached, the file itself leaves the disk once the deletion commits (indicators.storage)."""
    _require_result_editable(actor, evidence.result)
    _history(evidence, actor)
    evidence.delete()


def _notify(task_name: str, result_id: int, **facts: Any) -> None:
    """E-mail through the outbox: recorded with the change, handed to a worker after the commit and retried until
    the broker takes it, so a broker that is down neither slows the request nor loses the e-mail. ``facts`` are what
    the e-mail must say as of this change (the return comment), not as of when a late worker reads the result."""
    from outbox.services import task_enqueue

    task_enqueue(f"indicators.tasks.{task_name}", result_id=result_id, **facts)


def policy_for(round: Round) -> scoring.ScoringPolicy:
    """The engine policy of the round's fiscal year."""
    return policy_for_year(round.fiscal_year_id)


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
