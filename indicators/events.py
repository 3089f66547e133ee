"""The domain announces "a score input changed"; whoever keeps derived scores listens (the reporting app).

Every model whose rows feed the scorecard computation (DOMAIN §4, §10) is watched here, by any path that saves
through the ORM — screens, services, the Django admin, loaders, the API: results, milestones, sub-unit rows,
criteria and their levels, assignments (weights, components, parents, applicability), frameworks (status, scale,
units), indicator definitions, the scoring policy, fiscal years and rounds, province targets, external scores and
org units. The receivers run inside the saving transaction, so whatever a listener records commits or rolls back
with the change itself. ``indicators`` never imports the listeners (dependencies point one way).
"""

from __future__ import annotations

from typing import Any

import django.dispatch
from django.db.models.signals import m2m_changed, post_delete, post_save

from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    ExternalScore,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    MilestoneCompletion,
    OrgUnit,
    ProvinceTarget,
    Result,
    Round,
    ScoringPolicy,
    SubUnitResult,
)

# Sent with fiscal_year_id (None = every year), org_unit_id and round_id (None = the whole year) and a Thai reason.
score_input_changed = django.dispatch.Signal()


def announce(*, fiscal_year_id: int | None, reason: str, org_unit_id: int | None = None, round_id: int | None = None) -> None:
    """Tell the listeners that the scores of a unit-round (or of a whole year) may have changed."""
    score_input_changed.send(
        sender=None, fiscal_year_id=fiscal_year_id, org_unit_id=org_unit_id, round_id=round_id, reason=reason
    )


def _year_of_round(round_id: int | None) -> int | None:
    if round_id is None:
        return None
    return Round.objects.filter(pk=round_id).values_list("fiscal_year_id", flat=True).first()


def _unit_round_of_result(result: Result, reason: str) -> None:
    # a round never moves to another year: the round the saving code holds (if any) tells it without a query
    year = result.round.fiscal_year_id if Result.round.is_cached(result) else _year_of_round(result.round_id)
    announce(fiscal_year_id=year, org_unit_id=result.org_unit_id, round_id=result.round_id, reason=reason)


def _of_result_id(result_id: int | None, reason: str) -> None:
    if result_id is None:
        return
    row = Result.objects.filter(pk=result_id).values_list("org_unit_id", "round_id", "round__fiscal_year_id").first()
    if row is None:  # the result itself is being deleted: its own signal covers it
        return
    unit_id, round_id, year_id = row
    announce(fiscal_year_id=year_id, org_unit_id=unit_id, round_id=round_id, reason=reason)


def _year_of_definition(definition_id: int | None) -> int | None:
    if definition_id is None:
        return None
    return IndicatorDefinition.objects.filter(pk=definition_id).values_list("fiscal_year_id", flat=True).first()


def _year_of_framework(framework_id: int | None) -> int | None:
    if framework_id is None:
        return None
    return Framework.objects.filter(pk=framework_id).values_list("fiscal_year_id", flat=True).first()


def _on_change(instance: Any) -> None:
    """Announce the scope a saved or deleted row can change."""
    if isinstance(instance, Result):
        _unit_round_of_result(instance, f"ผลการดำเนินงาน #{instance.pk} เปลี่ยน ({instance.get_status_display()})")
    elif isinstance(instance, MilestoneCompletion):
        _of_result_id(instance.result_id, "ขั้นตอนของผลการดำเนินงานเปลี่ยน")
    elif isinstance(instance, SubUnitResult):
        _of_result_id(instance.result_id, "ผลรายหน่วยงานย่อย/รายจังหวัดเปลี่ยน")
    elif isinstance(instance, Criteria):
        announce(fiscal_year_id=_year_of_definition(instance.definition_id), reason="เกณฑ์การประเมินเปลี่ยน")
    elif isinstance(instance, CriteriaLevel):
        year = Criteria.objects.filter(pk=instance.criteria_id).values_list("definition__fiscal_year_id", flat=True).first()
        announce(fiscal_year_id=year, reason="ระดับของเกณฑ์การประเมินเปลี่ยน")
    elif isinstance(instance, Assignment):
        announce(fiscal_year_id=_year_of_framework(instance.framework_id), reason="ตัวชี้วัดหรือน้ำหนักในกรอบเปลี่ยน")
    elif isinstance(instance, Framework):
        announce(fiscal_year_id=instance.fiscal_year_id, reason="กรอบตัวชี้วัดเปลี่ยน (สถานะ มาตรวัด หรือหน่วยงาน)")
    elif isinstance(instance, IndicatorDefinition):
        announce(fiscal_year_id=instance.fiscal_year_id, reason="นิยามตัวชี้วัดเปลี่ยน")
    elif isinstance(instance, ScoringPolicy):
        announce(fiscal_year_id=instance.fiscal_year_id, reason="นโยบายการคิดคะแนนเปลี่ยน")
    elif isinstance(instance, FiscalYear):
        announce(fiscal_year_id=instance.pk, reason="สถานะการประเมินของปีงบประมาณเปลี่ยน")
    elif isinstance(instance, Round):
        announce(fiscal_year_id=instance.fiscal_year_id, reason="รอบการประเมินเปลี่ยน")
    elif isinstance(instance, ProvinceTarget):
        announce(fiscal_year_id=_year_of_definition(instance.definition_id), reason="เป้าหมายรายจังหวัดเปลี่ยน")
    elif isinstance(instance, ExternalScore):
        announce(fiscal_year_id=instance.fiscal_year_id, org_unit_id=None, reason="คะแนนจากระบบภายนอกเปลี่ยน")
    elif isinstance(instance, OrgUnit):
        announce(fiscal_year_id=None, reason=f"ข้อมูลหน่วยงาน {instance.code} เปลี่ยน (ประเภท/ระดับ)")


WATCHED: tuple[type[Any], ...] = (
    Result, MilestoneCompletion, SubUnitResult, Criteria, CriteriaLevel, Assignment, Framework, IndicatorDefinition,
    ScoringPolicy, FiscalYear, Round, ProvinceTarget, ExternalScore, OrgUnit,
)


def _saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: related rows may not exist yet; announce every year instead of looking them up
        announce(fiscal_year_id=None, reason=f"นำเข้าข้อมูล {sender._meta.verbose_name}")
        return
    _on_change(instance)


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _on_change(instance)


def _m2m(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _on_change(instance)


def connect() -> None:
    """Called once from the app config."""
    for model in WATCHED:
        label = model._meta.label_lower
        post_save.connect(_saved, sender=model, dispatch_uid=f"score_input_saved:{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"score_input_deleted:{label}")
    for through in (Framework.org_units.through, Framework.unit_types.through, Assignment.applies_to_unit_types.through):
        m2m_changed.connect(_m2m, sender=through, dispatch_uid=f"score_input_m2m:{through._meta.label_lower}")
