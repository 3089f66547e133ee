"""Services: framework checks, copying a year forward, saving and scoring results (STYLE.md practice 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import (
    Assignment,
    Criteria,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Result,
    Round,
)
from indicators.services.frameworks import (
    framework_approve,
    framework_copy_forward,
    framework_problems,
    weight_problems,
)
from indicators.services.results import StaleResultError, policy_for, result_save, result_score

pytestmark = pytest.mark.django_db


def row(key, weight, component="performance", parent=None, number=""):
    return {"key": key, "weight": None if weight is None else Decimal(weight), "component": component,
            "parent": parent, "number": number or str(key)}


def test_weights_must_total_100_with_the_70_30_split(kks_framework):
    rows = [row(1, 60), row(2, 30, "potential")]
    problems = weight_problems(kks_framework, rows)
    assert "น้ำหนักรวมของตัวชี้วัดต้องเท่ากับ 100 (ขณะนี้ 90)" in problems
    assert "น้ำหนัก Performance Base ต้องรวมได้ 70 (ขณะนี้ 60)" in problems
    assert weight_problems(kks_framework, [row(1, 70), row(2, 30, "potential")]) == []


def test_sub_indicator_weights_must_add_up_to_their_parent(kks_framework):
    """DOMAIN.md §3.7: FY2564 3 (20) = 3.1 (10) + 3.2 (10)."""
    rows = [row(1, 50), row(3, 20, number="3"), row(31, 10, parent=3), row(32, 5, parent=3), row(5, 30, "potential")]
    problems = weight_problems(kks_framework, rows)
    assert problems == ["น้ำหนักของตัวชี้วัดย่อยของตัวชี้วัดที่ 3 รวมได้ 15 แต่ตัวชี้วัดหลักมีน้ำหนัก 20"]
    rows[3] = row(32, 10, parent=3)
    assert weight_problems(kks_framework, rows) == []


def test_component_split_can_be_switched_off(kks_framework):
    kks_framework.enforce_component_split = False
    assert weight_problems(kks_framework, [row(1, 100)]) == []


def test_approving_an_incomplete_framework_is_refused(kks_framework, admin_user):
    with pytest.raises(ValidationError) as error:
        framework_approve(actor=admin_user, framework=kks_framework)
    assert "อนุมัติกรอบตัวชี้วัดไม่ได้" in str(error.value)
    assert "ยังไม่มีเกณฑ์การประเมินรอบที่ 1" in str(error.value)
    kks_framework.refresh_from_db()
    assert kks_framework.status == Framework.Status.DRAFT


def test_copy_forward_creates_a_new_draft_year_and_leaves_the_source_untouched(fy2566, admin_user):
    source_counts = (fy2566.indicator_definitions.count(), fy2566.frameworks.count())
    budget_2566 = IndicatorDefinition.objects.get(fiscal_year=fy2566, code="BUDGET")

    target = framework_copy_forward(actor=admin_user, source_year=2566, target_year=2567)

    assert (fy2566.indicator_definitions.count(), fy2566.frameworks.count()) == source_counts
    assert (target.indicator_definitions.count(), target.frameworks.count()) == source_counts
    budget_2567 = IndicatorDefinition.objects.get(fiscal_year=target, code="BUDGET")
    assert budget_2567.previous_version == budget_2566
    assert budget_2567.history.first().history_user == admin_user
    assert budget_2567.baselines.count() == budget_2566.baselines.count()
    criteria = Criteria.objects.get(definition=budget_2567, round_number=2, assignment=None)
    assert criteria.to_spec() == Criteria.objects.get(definition=budget_2566, round_number=2, assignment=None).to_spec()
    assert set(target.frameworks.values_list("status", flat=True)) == {Framework.Status.DRAFT}
    kks_2567 = target.frameworks.get(level="division", number=3)
    assert kks_2567.org_units.get().abbreviation == "กคส."
    assert sorted(a.weight for a in kks_2567.assignments.all()) == sorted(
        a.weight for a in Framework.objects.get(fiscal_year=fy2566, level="division", number=3).assignments.all()
    )
    unit_2567 = target.frameworks.get(level="field_unit")
    assert unit_2567.assignments.get(definition__code="HOUSEHOLD").own_criteria.count() == 2
    assert [r.number for r in Round.objects.filter(fiscal_year=target).order_by("number")] == [1, 2]
    assert target.scoring_policy.five_level_total == "percent_of_max"


def test_copy_forward_refuses_to_overwrite_an_existing_year(fy2566, admin_user):
    framework_copy_forward(actor=admin_user, source_year=2566, target_year=2567)
    with pytest.raises(ValidationError, match="มีตัวชี้วัดหรือกรอบตัวชี้วัดอยู่แล้ว"):
        framework_copy_forward(actor=admin_user, source_year=2566, target_year=2567)


def test_copy_forward_is_for_admins_only(fy2566, staff_user):
    with pytest.raises(PermissionDenied):
        framework_copy_forward(actor=staff_user, source_year=2566, target_year=2567)
    assert not FiscalYear.objects.filter(be_year=2567).exists()


def _budget(kks_framework):
    return kks_framework.assignments.get(definition__code="BUDGET")


def test_staff_saves_a_result_for_their_unit_and_it_is_scored(kks_framework, staff_user, round1):
    """Numerator/denominator are kept; the percentage is rounded to 2 decimals before scoring (DOMAIN.md §12.1)."""
    result = result_save(
        actor=staff_user, assignment=_budget(kks_framework), org_unit=OrgUnit.objects.get(code="div-3"), round=round1,
        values={"numerator": Decimal("51230450"), "denominator": Decimal("101872300"), "as_of_date": dt.date(2023, 3, 31)},
    )
    assert result.status == Result.Status.DRAFT
    scored = result_score(result, policy_for(round1))
    assert scored.detail.value == Decimal("50.29")
    assert scored.score == Decimal("3")
    history = result.history.first()
    assert history.history_user == staff_user
    assert history.history_change_reason == "บันทึกผลการดำเนินงาน"


def test_staff_cannot_save_results_of_another_unit(kks_framework, staff_user, round1):
    with pytest.raises(PermissionDenied, match="ไม่มีสิทธิ์"):
        result_save(actor=staff_user, assignment=_budget(kks_framework), org_unit=OrgUnit.objects.get(code="div-2"),
                    round=round1, values={"value": Decimal("50")})
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"numerator": Decimal(5), "denominator": Decimal(0)}, "ตัวหารต้องมากกว่าศูนย์"),
        ({"numerator": Decimal(-1), "denominator": Decimal(10)}, "ตัวตั้งต้องไม่ติดลบ"),
        ({"numerator": Decimal(7), "denominator": Decimal(1)}, "ตัวตั้งมากกว่าตัวหาร"),
        ({"numerator": Decimal(7)}, "ต้องระบุทั้งตัวตั้งและตัวหาร"),
    ],
)
def test_bad_numbers_are_refused_in_thai_and_nothing_is_saved(kks_framework, staff_user, round1, values, message):
    with pytest.raises(ValidationError, match=message):
        result_save(actor=staff_user, assignment=_budget(kks_framework), org_unit=OrgUnit.objects.get(code="div-3"),
                    round=round1, values=values)
    assert not Result.objects.exists()


def test_numerator_above_denominator_is_accepted_once_confirmed(kks_framework, staff_user, round1):
    """DOMAIN.md §11.1: document 000 has such a row (7 of 1); allow it, but only on purpose."""
    result = result_save(
        actor=staff_user, assignment=_budget(kks_framework), org_unit=OrgUnit.objects.get(code="div-3"), round=round1,
        values={"numerator": Decimal(7), "denominator": Decimal(1), "numerator_above_denominator_confirmed": True},
    )
    assert result.numerator == 7


def test_a_stale_version_is_refused_and_the_newer_value_kept(kks_framework, staff_user, round1):
    args = {"actor": staff_user, "assignment": _budget(kks_framework), "org_unit": OrgUnit.objects.get(code="div-3"),
            "round": round1}
    first = result_save(**args, values={"value": Decimal("50.00")})
    result_save(**args, values={"value": Decimal("51.00")}, expected_version=first.version)
    with pytest.raises(StaleResultError, match="ถูกแก้ไขโดย เจ้าหน้าที่ทดสอบ แล้ว") as error:
        result_save(**args, values={"value": Decimal("49.00")}, expected_version=first.version)
    assert ("ผลการดำเนินงาน", "50.0000", "51.0000") in error.value.changes
    assert Result.objects.get().value == Decimal("51.00")


def test_approved_results_are_locked(kks_framework, staff_user, round1):
    args = {"actor": staff_user, "assignment": _budget(kks_framework), "org_unit": OrgUnit.objects.get(code="div-3"),
            "round": round1}
    result = result_save(**args, values={"value": Decimal("50.00")})
    Result.objects.filter(pk=result.pk).update(status=Result.Status.APPROVED)
    with pytest.raises(PermissionDenied, match="ล็อก"):
        result_save(**args, values={"value": Decimal("52.00")})
    assert Result.objects.get().value == Decimal("50.00")


def test_a_result_without_criteria_says_why_it_has_no_score(kks_framework, staff_user, round1):
    """Framework 3's capability indicator has no published FY2566 levels ("ร้อยละ...")."""
    improved = kks_framework.assignments.get(definition__code="PMQA_KPI_IMPROVED")
    result = result_save(actor=staff_user, assignment=improved, org_unit=OrgUnit.objects.get(code="div-3"),
                         round=round1, values={"numerator": Decimal(198), "denominator": Decimal(1424)})
    scored = result_score(result, policy_for(round1))
    assert scored.score is None
    assert scored.problem == "ยังไม่มีเกณฑ์การประเมินของรอบนี้"


def test_framework_problems_name_the_missing_criteria(kks_framework):
    problems = framework_problems(kks_framework)
    assert "ตัวชี้วัดที่ 3 ยังไม่มีเกณฑ์การประเมินรอบที่ 1" in problems
    assert all("CORE" not in p for p in problems)
    assert Assignment.objects.filter(framework=kks_framework).count() == 10
