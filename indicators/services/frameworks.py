"""Framework checks, change control of approved frameworks, reviewers, and copying a year's framework forward."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, update_change_reason

from indicators import scoring
from indicators.criteria_spec import build_spec
from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    Person,
    Result,
    Round,
    ScoringPolicy,
)
from indicators.models.calendar import round_bounds
from indicators.models.framework import Component
from indicators.permissions import is_admin, supervisor_of

ZERO = Decimal(0)


@dataclass(frozen=True)
class WeightSummary:
    total: Decimal
    performance: Decimal
    potential: Decimal
    missing: int


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def weight_summary(rows: list[dict[str, Any]]) -> WeightSummary:
    """Sum the top-level weights of assignment rows ({"weight", "component", "parent"})."""
    total = performance = potential = ZERO
    missing = 0
    for row in rows:
        if row.get("parent"):
            continue
        weight = row.get("weight")
        if weight is None:
            missing += 1
            continue
        total += weight
        if row.get("component") == Component.PERFORMANCE:
            performance += weight
        elif row.get("component") == Component.POTENTIAL:
            potential += weight
    return WeightSummary(total, performance, potential, missing)


def weight_problems(framework: Framework, rows: list[dict[str, Any]]) -> list[str]:
    """Thai messages for every weight rule the rows break (DOMAIN.md §3.5, §3.7, §9.4)."""
    problems: list[str] = []
    summary = weight_summary(rows)
    if summary.missing:
        problems.append(f"ยังไม่ได้กำหนดน้ำหนักของตัวชี้วัด {summary.missing} ตัว")
    if summary.total != 100:
        problems.append(f"น้ำหนักรวมของตัวชี้วัดต้องเท่ากับ 100 (ขณะนี้ {_fmt(summary.total)})")
    if framework.enforce_component_split:
        if summary.performance != framework.performance_weight:
            problems.append(
                f"น้ำหนัก Performance Base ต้องรวมได้ {_fmt(framework.performance_weight)} (ขณะนี้ {_fmt(summary.performance)})"
            )
        if summary.potential != framework.potential_weight:
            problems.append(
                f"น้ำหนัก Potential Base ต้องรวมได้ {_fmt(framework.potential_weight)} (ขณะนี้ {_fmt(summary.potential)})"
            )
    children: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if row.get("parent") and row.get("weight") is not None:
            children[row["parent"]] += row["weight"]
    by_key = {row.get("key"): row for row in rows}
    for parent_key, child_total in children.items():
        parent = by_key.get(parent_key)
        if parent is None:
            continue
        if parent.get("weight") != child_total:
            label = parent.get("number") or parent.get("label") or ""
            problems.append(
                f"น้ำหนักของตัวชี้วัดย่อยของตัวชี้วัดที่ {label} รวมได้ {_fmt(child_total)} "
                f"แต่ตัวชี้วัดหลักมีน้ำหนัก {_fmt(parent.get('weight') or ZERO)}"
            )
    return problems


def assignment_rows(framework: Framework) -> list[dict[str, Any]]:
    return [
        {"key": a.pk, "parent": a.parent_id, "weight": a.weight, "component": a.component, "number": a.number}
        for a in framework.assignments.all()
    ]


def framework_problems(framework: Framework) -> list[str]:
    """Everything that keeps a saved framework from being approved (weights and criteria of both rounds)."""
    problems = weight_problems(framework, assignment_rows(framework))
    assignments = (
        framework.assignments.select_related("definition")
        .prefetch_related("definition__criteria__levels", "children")
        .order_by("order")
    )
    for assignment in assignments:
        if assignment.definition.kind == IndicatorDefinition.Kind.PLACEHOLDER or assignment.children.all():
            continue
        for round_number in (1, 2):
            criteria = assignment.criteria_for(round_number)
            label = assignment.number or assignment.definition.code
            if criteria is None:
                if framework.scale == "three_level":
                    problems.append(f"ตัวชี้วัดที่ {label} ยังไม่มีค่าเป้าหมาย 50/75/100 ของรอบที่ {round_number}")
                else:
                    problems.append(f"ตัวชี้วัดที่ {label} ยังไม่มีเกณฑ์การประเมินรอบที่ {round_number}")
                continue
            try:
                criteria.to_spec()
            except scoring.CriteriaError as exc:
                problems.append(f"ตัวชี้วัดที่ {label} รอบที่ {round_number}: {exc}")
    return problems


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


def criteria_validate(criteria: Criteria) -> dict[str, Any]:
    """Check saved criteria against the engine; raises ValidationError with the engine's Thai message."""
    try:
        return build_spec(criteria, [level.as_row() for level in criteria.levels.all()])
    except scoring.CriteriaError as exc:
        raise ValidationError(str(exc)) from exc


def _copy(instance: Any, actor: Any, **changes: Any) -> Any:
    """Save a copy of a model instance with some fields changed (M2M copied by the caller); history names the actor."""
    instance._history_user = actor
    instance.pk = None
    instance.id = None
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._state.adding = True
    # The prefetched relations belong to the source row; `.set()` on the copy must not see them.
    instance.__dict__.pop("_prefetched_objects_cache", None)
    instance.save()
    return instance


@transaction.atomic
def framework_copy_forward(*, actor: Any, source_year: int, target_year: int) -> FiscalYear:
    """Copy a year's definitions, criteria, frameworks, assignments and policy to a new fiscal year.

    Definitions are versioned per year (DOMAIN.md §2.1): the copies point back with `previous_version`,
    the source year is left untouched, and results, targets and external scores are not copied.
    """
    if not is_admin(actor):
        raise PermissionDenied("เฉพาะผู้ดูแลระบบเท่านั้นที่คัดลอกกรอบตัวชี้วัดได้")
    if target_year <= source_year:
        raise ValidationError(f"ปีปลายทาง ({target_year}) ต้องอยู่หลังปีต้นทาง ({source_year})")
    try:
        source = FiscalYear.objects.get(be_year=source_year)
    except FiscalYear.DoesNotExist as exc:
        raise ValidationError(f"ไม่พบปีงบประมาณ พ.ศ. {source_year}") from exc
    target, created = FiscalYear.objects.get_or_create(be_year=target_year)
    if not created and (target.indicator_definitions.exists() or target.frameworks.exists()):
        raise ValidationError(
            f"ปีงบประมาณ พ.ศ. {target_year} มีตัวชี้วัดหรือกรอบตัวชี้วัดอยู่แล้ว จึงคัดลอกทับไม่ได้"
        )
    for number in (1, 2):
        start, end = round_bounds(target_year, number)
        old = source.rounds.filter(number=number).first()
        Round.objects.get_or_create(
            fiscal_year=target,
            number=number,
            defaults={"start_date": start, "end_date": end, "printed_period_th": old.printed_period_th if old else ""},
        )
    policy = ScoringPolicy.objects.filter(fiscal_year=source).first()
    if policy is not None and not ScoringPolicy.objects.filter(fiscal_year=target).exists():
        _copy(policy, actor, fiscal_year=target)

    definition_map: dict[int, IndicatorDefinition] = {}
    definitions = source.indicator_definitions.prefetch_related(
        "data_collectors", "baselines", "strategic_links", "criteria__levels"
    ).order_by("parent_id", "pk")
    for definition in definitions:
        old_pk = definition.pk
        collectors = list(definition.data_collectors.all())
        baselines = list(definition.baselines.all())
        links = list(definition.strategic_links.all())
        default_criteria = [c for c in definition.criteria.all() if c.assignment_id is None]
        new = _copy(
            definition,
            actor,
            fiscal_year=target,
            previous_version_id=old_pk,
            parent=definition_map.get(definition.parent_id) if definition.parent_id else None,
        )
        new.data_collectors.set(collectors)
        for baseline in baselines:
            _copy(baseline, actor, definition=new)
        for link in links:
            _copy(link, actor, definition=new)
        for criteria in default_criteria:
            _copy_criteria(criteria, actor, definition=new, assignment=None)
        definition_map[old_pk] = new

    for framework in source.frameworks.prefetch_related("org_units", "unit_types").all():
        org_units = list(framework.org_units.all())
        unit_types = list(framework.unit_types.all())
        old_framework_pk = framework.pk
        assignments = list(
            Assignment.objects.filter(framework_id=old_framework_pk)
            .prefetch_related("responsible_units", "applies_to_unit_types", "collectors", "own_criteria__levels")
            .order_by("parent_id", "pk")
        )
        new_framework = _copy(
            framework, actor, fiscal_year=target, status=Framework.Status.DRAFT, copied_from_id=old_framework_pk,
            amendment_started_at=None, amendment_reason_th="",
        )
        new_framework.org_units.set(org_units)
        new_framework.unit_types.set(unit_types)
        assignment_map: dict[int, Assignment] = {}
        for assignment in assignments:
            old_pk = assignment.pk
            m2m = (
                list(assignment.responsible_units.all()),
                list(assignment.applies_to_unit_types.all()),
                list(assignment.collectors.all()),
            )
            own = list(assignment.own_criteria.all())
            new_assignment = _copy(
                assignment,
                actor,
                framework=new_framework,
                definition=definition_map[assignment.definition_id],
                parent=assignment_map.get(assignment.parent_id) if assignment.parent_id else None,
            )
            new_assignment.responsible_units.set(m2m[0])
            new_assignment.applies_to_unit_types.set(m2m[1])
            new_assignment.collectors.set(m2m[2])
            for criteria in own:
                _copy_criteria(criteria, actor, definition=new_assignment.definition, assignment=new_assignment)
            assignment_map[old_pk] = new_assignment
    update_change_reason(target, f"คัดลอกกรอบตัวชี้วัดจากปีงบประมาณ พ.ศ. {source_year}")
    return target


def _copy_criteria(
    criteria: Criteria, actor: Any, *, definition: IndicatorDefinition, assignment: Assignment | None
) -> Criteria:
    levels = list(criteria.levels.all())
    new = _copy(criteria, actor, definition=definition, assignment=assignment)
    copies = [_unsaved_copy(level, criteria=new) for level in levels]
    bulk_create_with_history(copies, CriteriaLevel, default_user=actor)
    return new


def _unsaved_copy(instance: CriteriaLevel, **changes: Any) -> CriteriaLevel:
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for name, value in changes.items():
        setattr(instance, name, value)
    return instance


# --- change control of approved frameworks --------------------------------------------------------------------

REASON_MAX_LENGTH = 80  # history keeps "<what>: <reason>" in simple_history's 100-character change reason


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
    from dsdw_kpi.celery import task

    kwargs = {"framework_id": framework.pk, "event": event, "actor_id": getattr(actor, "pk", None),
              "reason": reason, "since": since.isoformat() if since else None}
    transaction.on_commit(lambda: task("indicators.tasks.notify_framework_amendment").delay(**kwargs))


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
