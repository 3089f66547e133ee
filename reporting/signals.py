"""Recompute stored scores when criteria, weights or the year's scoring policy change (debounced per transaction)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from indicators.models import Assignment, Criteria, CriteriaLevel, Framework, IndicatorDefinition, ScoringPolicy
from reporting.services import queue_year_recompute


def _year_of_definition(definition_id: int | None) -> list[int]:
    return list(IndicatorDefinition.objects.filter(pk=definition_id).values_list("fiscal_year_id", flat=True))


@receiver([post_save, post_delete], sender=Criteria, dispatch_uid="reporting_criteria_changed")
def criteria_changed(sender: Any, instance: Criteria, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    queue_year_recompute(_year_of_definition(instance.definition_id), "เกณฑ์การประเมินเปลี่ยน")


@receiver([post_save, post_delete], sender=CriteriaLevel, dispatch_uid="reporting_criteria_level_changed")
def criteria_level_changed(sender: Any, instance: CriteriaLevel, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    years = Criteria.objects.filter(pk=instance.criteria_id).values_list("definition__fiscal_year_id", flat=True)
    queue_year_recompute(list(years), "ระดับของเกณฑ์การประเมินเปลี่ยน")


@receiver([post_save, post_delete], sender=Assignment, dispatch_uid="reporting_assignment_changed")
def assignment_changed(sender: Any, instance: Assignment, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    years = Framework.objects.filter(pk=instance.framework_id).values_list("fiscal_year_id", flat=True)
    queue_year_recompute(list(years), "ตัวชี้วัดหรือน้ำหนักในกรอบเปลี่ยน")


@receiver([post_save, post_delete], sender=ScoringPolicy, dispatch_uid="reporting_policy_changed")
def policy_changed(sender: Any, instance: ScoringPolicy, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    queue_year_recompute([instance.fiscal_year_id], "นโยบายการคิดคะแนนเปลี่ยน")
