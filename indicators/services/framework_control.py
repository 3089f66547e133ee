"""Change control of frameworks: approve (the approval gate), reopen to draft, amend with a reason, set reviewers.

Opening and closing an amendment e-mails the units' reporters through the task queued by name after commit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.models import Assignment, Framework, IndicatorDefinition, Person, Result
from indicators.permissions import is_admin, supervisor_of
from indicators.services.framework_checks import framework_problems

REASON_MAX_LENGTH = 80  # history keeps "<what>: <reason>" in simple_history's 100-character change reason


def _leaf_assignments(framework: Framework) -> list[Assignment]:
    """The assignments that receive results: not parents of sub-indicators, not "defined by the unit" placeholders."""
    assignments = (
        framework.assignments.select_related("definition__supervisor", "supervisor")
        .prefetch_related("children")
        .order_by("order", "number")
    )
    return [
        a for a in assignments
        if not a.children.all() and a.definition.kind != IndicatorDefinition.Kind.PLACEHOLDER
    ]


def _indicator_label(assignment: Assignment) -> str:
    name = " ".join(assignment.definition.name_th.split())
    name = name if len(name) <= 60 else name[:59] + "…"
    return f"{assignment.number}. {name}" if assignment.number else name


def unsupervised_assignments(framework: Framework) -> list[Assignment]:
    """Assignments whose results would reach no supervisor (neither the assignment nor its indicator names one)."""
    return [a for a in _leaf_assignments(framework) if supervisor_of(a) is None]


def supervisor_problems(framework: Framework) -> list[str]:
    """Thai message naming the indicators without a supervisor: a framework with any cannot be approved."""
    missing = unsupervised_assignments(framework)
    if not missing:
        return []
    names = "; ".join(_indicator_label(a) for a in missing)
    return [f"ตัวชี้วัดยังไม่มีผู้กำกับดูแลตัวชี้วัด {len(missing)} ตัว (ผลที่ส่งจะไม่ถึงผู้พิจารณา): {names}"]


def framework_approval_problems(framework: Framework) -> list[str]:
    """Everything that keeps the framework from being approved: completeness, then a supervisor for each indicator."""
    return framework_problems(framework) + supervisor_problems(framework)


def framework_has_results(framework: Framework) -> bool:
    """True once any unit has saved a result against the framework (then only an amendment may change it)."""
    return Result.objects.filter(assignment__framework=framework).exclude(status=Result.Status.NOT_REPORTED).exists()


def _require_admin(actor: Any, what: str) -> None:
    if not is_admin(actor):
        raise PermissionDenied(f"เฉพาะผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร) เท่านั้นที่{what}ได้")


def _clean_reason(reason: str, *, required: bool, what: str) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError(f"กรุณาระบุเหตุผลในการ{what}")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(f"เหตุผลยาวได้ไม่เกิน {REASON_MAX_LENGTH} ตัวอักษร")
    return reason


def _lock(framework: Framework) -> Framework:
    return Framework.objects.select_for_update().select_related("fiscal_year").get(pk=framework.pk)


def _save(framework: Framework, actor: Any, reason: str) -> None:
    framework.full_clean()
    framework._history_user = actor  # type: ignore[attr-defined]
    framework._change_reason = reason[:100]  # type: ignore[attr-defined]
    framework.save()


def _notify_amendment(framework: Framework, *, event: str, actor: Any, reason: str, since: Any) -> None:
    """E-mail the reporters through the outbox (handed to a worker after the commit, retried while the broker is
    down)."""
    from outbox.services import task_enqueue

    task_enqueue("indicators.tasks.notify_framework_amendment", framework_id=framework.pk, event=event,
                 actor_id=getattr(actor, "pk", None), reason=reason, since=since.isoformat() if since else None)


@transaction.atomic
def framework_approve(*, actor: Any, framework: Framework, reason: str = "") -> Framework:
    """Approve a draft framework, or close an open amendment; refused while it is incomplete or lacks supervisors."""
    _require_admin(actor, "อนุมัติกรอบตัวชี้วัด")
    reason = _clean_reason(reason, required=False, what="อนุมัติ")
    framework = _lock(framework)
    if framework.is_locked:
        raise ValidationError("กรอบตัวชี้วัดนี้อนุมัติแล้ว")
    problems = framework_approval_problems(framework)
    if problems:
        raise ValidationError(["อนุมัติกรอบตัวชี้วัดไม่ได้:", *problems])
    amendment_since = framework.amendment_started_at
    amendment_reason = framework.amendment_reason_th
    framework.status = Framework.Status.APPROVED
    framework.amendment_started_at = None
    framework.amendment_reason_th = ""
    what = "อนุมัติการแก้ไขเพิ่มเติม" if amendment_since else "อนุมัติกรอบตัวชี้วัด"
    _save(framework, actor, f"{what}: {reason}" if reason else what)
    if amendment_since:
        _notify_amendment(framework, event="approved", actor=actor, reason=reason or amendment_reason,
                          since=amendment_since)
    return framework


@transaction.atomic
def framework_reopen(*, actor: Any, framework: Framework, reason: str) -> Framework:
    """Return an approved framework to draft, with a reason, while no unit has reported against it yet."""
    _require_admin(actor, "เปิดกรอบตัวชี้วัดกลับเป็นร่าง")
    reason = _clean_reason(reason, required=True, what="เปิดกรอบตัวชี้วัดกลับเป็นร่าง")
    framework = _lock(framework)
    if framework.status != Framework.Status.APPROVED or framework.is_amending:
        raise ValidationError("เปิดกลับเป็นร่างได้เฉพาะกรอบตัวชี้วัดที่อนุมัติแล้วและไม่ได้อยู่ระหว่างแก้ไขเพิ่มเติม")
    if framework_has_results(framework):
        raise ValidationError(
            "กรอบตัวชี้วัดนี้มีผลการดำเนินงานที่รายงานแล้ว จึงเปิดกลับเป็นร่างไม่ได้ "
            "กรุณาใช้ \"แก้ไขเพิ่มเติม\" ซึ่งแจ้งผู้รายงานผลของหน่วยงานทางอีเมล"
        )
    framework.status = Framework.Status.DRAFT
    _save(framework, actor, f"เปิดกลับเป็นร่าง: {reason}")
    return framework


@transaction.atomic
def framework_amend(*, actor: Any, framework: Framework, reason: str) -> Framework:
    """Open an amendment of an approved framework with results: editable until re-approved; reporters are e-mailed."""
    _require_admin(actor, "แก้ไขเพิ่มเติมกรอบตัวชี้วัด")
    reason = _clean_reason(reason, required=True, what="แก้ไขเพิ่มเติมกรอบตัวชี้วัด")
    framework = _lock(framework)
    if not framework.is_locked:
        raise ValidationError("แก้ไขเพิ่มเติมได้เฉพาะกรอบตัวชี้วัดที่อนุมัติแล้ว (กรอบที่เป็นร่างแก้ไขได้โดยตรง)")
    if not framework_has_results(framework):
        raise ValidationError(
            "กรอบตัวชี้วัดนี้ยังไม่มีผลการดำเนินงาน กรุณาใช้ \"เปิดกลับเป็นร่าง\" แทนการแก้ไขเพิ่มเติม"
        )
    framework.amendment_started_at = timezone.now()
    framework.amendment_reason_th = reason
    _save(framework, actor, f"แก้ไขเพิ่มเติม: {reason}")
    _notify_amendment(framework, event="opened", actor=actor, reason=reason, since=None)
    return framework


@transaction.atomic
def framework_reviewers_set(
    *,
    actor: Any,
    framework: Framework,
    fallback_reviewer: Person | None,
    supervisors: dict[int, Person | None],
    reason: str = "",
) -> Framework:
    """Set who reviews the framework's results (supervisors, fallback reviewer); allowed while approved.

    Routing only: no weight, criteria or indicator changes, so no amendment is needed. History names the actor.
    """
    _require_admin(actor, "กำหนดผู้กำกับดูแลตัวชี้วัด")
    reason = _clean_reason(reason, required=False, what="กำหนดผู้กำกับดูแลตัวชี้วัด")
    note = f"กำหนดผู้พิจารณาผล: {reason}" if reason else "กำหนดผู้พิจารณาผล"
    framework = _lock(framework)
    allowed = {Person.Role.SUPERVISOR, Person.Role.ADMIN}
    if fallback_reviewer is not None and fallback_reviewer.role not in allowed:
        raise ValidationError("ผู้พิจารณาผลแทนต้องมีบทบาทผู้กำกับดูแลตัวชี้วัดหรือผู้ดูแลระบบ")
    if framework.fallback_reviewer_id != (fallback_reviewer.pk if fallback_reviewer else None):
        framework.fallback_reviewer = fallback_reviewer
        _save(framework, actor, note)
    assignments = {a.pk: a for a in framework.assignments.select_related("definition")}
    unknown = set(supervisors) - set(assignments)
    if unknown:
        raise ValidationError("ตัวชี้วัดที่เลือกไม่ได้อยู่ในกรอบตัวชี้วัดนี้")
    for pk, person in supervisors.items():
        assignment = assignments[pk]
        if assignment.supervisor_id == (person.pk if person else None):
            continue
        assignment.supervisor = person
        assignment.full_clean()
        assignment._history_user = actor  # type: ignore[attr-defined]
        assignment._change_reason = note[:100]  # type: ignore[attr-defined]
        assignment.save()
    return framework
