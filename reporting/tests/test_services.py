"""Stored scores on the demo data: per result, per unit and round, per division (provinces), freezing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from indicators import scoring
from indicators.models import Framework, OrgUnit, Province, Result, SubUnitResult
from indicators.selectors import unit_round
from indicators.services.results import policy_for
from reporting.models import ResultScore, Scorecard
from reporting.services import scorecard_freeze, scorecard_recompute

pytestmark = pytest.mark.django_db


def _result(unit, round_, code):
    return Result.objects.get(org_unit=unit, round=round_, assignment__definition__code=code)


def test_stored_result_score_equals_the_engine_with_the_thai_arithmetic(kks, round1):
    scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk)

    stored = ResultScore.objects.get(result=_result(kks, round1, "BUDGET"))

    assert stored.method == ResultScore.Method.DIRECT
    assert stored.value == Decimal("50.29")  # 51,230,450 / 101,872,300 × 100
    assert stored.score == Decimal("3.0000")
    assert stored.value_exact is not None and stored.value_exact.quantize(Decimal("0.0001")) == Decimal("50.2889")
    assert "50.29" in stored.explanation_th
    assert stored.fingerprint and stored.computed_at is not None


def test_kks_round1_scorecard_matches_the_live_page_and_weighted_total(kks, round1):
    policy = policy_for(round1)
    live = unit_round(org_unit=kks, round=round1, policy=policy)

    scorecard = scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk)

    items = [(row.assignment.weight, row.score) for row in live.rows if row.scored]
    expected = scoring.weighted_total(items, scale="five_level", policy=policy)
    assert live.total is not None
    assert scorecard.status == Scorecard.Status.COMPUTED
    assert scorecard.total_100 == live.total.total_100 == expected.total_100
    assert scorecard.weighted_sum == expected.weighted_sum
    assert scorecard.performance_sum + scorecard.potential_sum == scorecard.weighted_sum
    assert scorecard.band_code == expected.band.code
    assert scorecard.band_label_th == expected.band.label_th
    assert scorecard.reported_count == live.reported
    assert scorecard.missing_count == live.scored_count - live.reported
    assert len(scorecard.payload["rows"]) == len(live.rows)


def test_department_scorecard_is_not_computable_and_says_why(demo, round1):
    department = OrgUnit.objects.get(code="dsdw")

    scorecard = scorecard_recompute(org_unit_id=department.pk, round_id=round1.pk)

    assert scorecard.framework.level == Framework.Level.DEPARTMENT
    assert scorecard.status == Scorecard.Status.NOT_COMPUTABLE
    assert scorecard.total_100 is None and scorecard.band_code == ""
    assert "ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ 1" in scorecard.error
    # every row carries its own reasons, printed under the indicator on the scorecard
    rows = scorecard.payload["rows"]
    assert len(rows) == 6
    assert all(row["reasons_th"] == ["ยังไม่มีค่าเป้าหมาย 50 / 75 / 100 ของรอบที่ 1", "ยังไม่รายงานผล"] for row in rows)


def test_division_household_score_is_the_mean_of_provincial_scores(kks, round2):
    # DOMAIN §4.h: (4 + 3 + 5 + 3.01) / 4 = 3.7525, targets from the FY2566 provincial table.
    done = {"กระบี่": 9862, "กาญจนบุรี": 11709, "กาฬสินธุ์": 13122, "กำแพงเพชร": 2500}
    household = Framework.objects.get(org_units=kks, status="approved").assignments.get(definition__code="HOUSEHOLD")
    result = Result.objects.create(assignment=household, org_unit=kks, round=round2, status=Result.Status.DRAFT,
                                   numerator=Decimal(sum(done.values())), denominator=Decimal(41838))
    for order, (name, count) in enumerate(done.items()):
        SubUnitResult.objects.create(result=result, order=order, province=Province.objects.get(name_th=name),
                                     numerator=Decimal(count), denominator=Decimal(count))

    scorecard_recompute(org_unit_id=kks.pk, round_id=round2.pk)

    stored = ResultScore.objects.get(result=result)
    assert stored.method == ResultScore.Method.PROVINCE_AVERAGE
    assert stored.score == Decimal("3.7525")
    assert "3.7525" in stored.explanation_th and "กระบี่" in stored.explanation_th
    assert [p["score"] for p in stored.details["province_average"]["provinces"]] == ["4.0000", "3.0000", "5.0000", "3.0100"]


def test_division_household_without_province_rows_says_so_instead_of_inventing(kks, round1):
    scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk)

    stored = ResultScore.objects.get(result=_result(kks, round1, "HOUSEHOLD"))

    assert stored.method == ResultScore.Method.DIRECT
    assert "ไม่มีผลรายจังหวัด" in stored.explanation_th
    assert stored.details["province_average"]["score"] is None


def test_recomputing_twice_gives_identical_rows(kks, round1):
    first = scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk)
    scores_before = list(ResultScore.objects.order_by("pk").values())

    second = scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk)

    assert Scorecard.objects.filter(org_unit=kks, round=round1).count() == 1
    assert second.pk == first.pk and second.computed_at == first.computed_at
    assert list(ResultScore.objects.order_by("pk").values()) == scores_before


def test_frozen_copy_stays_when_a_result_changes_and_the_live_one_follows(kks, round1):
    admin = get_user_model().objects.get(username="admin")
    scorecard = scorecard_freeze(actor=admin, scorecard=scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk))
    frozen = dict(scorecard.frozen_payload)
    energy = _result(kks, round1, "ENERGY")
    Result.objects.filter(pk=energy.pk).update(value=None, numerator=None, denominator=None)
    Result.objects.filter(pk=_result(kks, round1, "WASTE").pk).delete()

    live = scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk)

    assert live.frozen and live.frozen_payload == frozen
    assert live.total_100 != Decimal(frozen["total_100"])
    assert Decimal(frozen["total_100"]) == scorecard.total_100


def test_only_admin_or_director_may_freeze_and_only_once(kks, round1):
    from django.core.exceptions import PermissionDenied, ValidationError

    scorecard = scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk)
    with pytest.raises(PermissionDenied):
        scorecard_freeze(actor=get_user_model().objects.get(username="staff_kks"), scorecard=scorecard)
    scorecard_freeze(actor=get_user_model().objects.get(username="director"), scorecard=scorecard)
    with pytest.raises(ValidationError):
        scorecard_freeze(actor=get_user_model().objects.get(username="admin"), scorecard=scorecard)
