"""Framework services: copying a year's framework forward; checks and change control re-exported from their modules.

Weights and criteria checks live in framework_checks, approval and change control in framework_control; every
public name stays importable from here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, update_change_reason

from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    Round,
    ScoringPolicy,
)
from indicators.models.calendar import round_bounds
from indicators.permissions import is_admin
from indicators.services.framework_checks import (
    ZERO,
    WeightSummary,
    assignment_rows,
    criteria_validate,
    framework_problems,
    weight_problems,
    weight_summary,
)
from indicators.services.framework_control import (
    REASON_MAX_LENGTH,
    framework_amend,
    framework_approval_problems,
    framework_approve,
    framework_has_results,
    framework_reopen,
    framework_reviewers_set,
    supervisor_problems,
    unsupervised_assignments,
)

__all__ = [
    "REASON_MAX_LENGTH",
    "ZERO",
    "WeightSummary",
    "assignment_rows",
    "criteria_validate",
    "framework_amend",
    "framework_approval_problems",
    "framework_approve",
    "framework_copy_forward",
    "framework_has_results",
    "framework_problems",
    "framework_reopen",
    "framework_reviewers_set",
    "supervisor_problems",
    "unsupervised_assignments",
    "weight_problems",
    "weight_summary",
]


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
    new: Criteria = _copy(criteria, actor, definition=definition, assignment=assignment)
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
