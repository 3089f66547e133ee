"""Automatic recompute: the result workflow, criteria changes and policy changes queue a recompute after commit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from indicators.models import CriteriaLevel, Result, ScoringPolicy
from indicators.services.results import result_approve, result_submit
from reporting.models import ResultScore, Scorecard, ScoreJob
from reporting.services import scorecard_recompute

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def _user(name):
    return get_user_model().objects.get(username=name)


def test_submitting_and_approving_a_result_recompute_its_scorecard(kks, round1, django_capture_on_commit_callbacks):
    energy = Result.objects.get(org_unit=kks, round=round1, assignment__definition__code="ENERGY")

    with django_capture_on_commit_callbacks(execute=True):
        result_submit(actor=_user("admin"), result=energy)

    scorecard = Scorecard.objects.get(org_unit=kks, round=round1)
    assert scorecard.status == Scorecard.Status.COMPUTED
    row = next(r for r in scorecard.payload["rows"] if r["code"] == "ENERGY")
    assert row["status"] == Result.Status.SUBMITTED
    assert ScoreJob.objects.filter(kind=ScoreJob.Kind.UNIT_ROUND, status=ScoreJob.Status.DONE).count() == 1

    checker = get_user_model().objects.create_superuser("checker", "checker@example.com", "pw-checker-2566")
    with django_capture_on_commit_callbacks(execute=True):
        result_approve(actor=checker, result=energy)  # maker ≠ checker: not the admin who submitted it

    scorecard.refresh_from_db()
    assert next(r for r in scorecard.payload["rows"] if r["code"] == "ENERGY")["status"] == Result.Status.APPROVED
    assert Scorecard.objects.filter(org_unit=kks, round=round1).count() == 1


def test_many_changes_in_one_transaction_queue_one_job(kks, round1, django_capture_on_commit_callbacks):
    levels = CriteriaLevel.objects.filter(criteria__definition__code="BUDGET", criteria__round_number=1)
    before = ScoreJob.objects.filter(kind=ScoreJob.Kind.YEAR).count()

    with django_capture_on_commit_callbacks(execute=True):
        for level in levels:
            level.save()

    assert len(levels) > 1
    assert ScoreJob.objects.filter(kind=ScoreJob.Kind.YEAR).count() == before + 1


def test_a_criteria_change_recomputes_the_year(kks, round1, django_capture_on_commit_callbacks):
    budget = Result.objects.get(org_unit=kks, round=round1, assignment__definition__code="BUDGET")
    before = scorecard_recompute(org_unit_id=kks.pk, round_id=round1.pk)
    assert ResultScore.objects.get(result=budget).score == Decimal("3.0000")
    criteria = budget.assignment.criteria_for(1)

    with django_capture_on_commit_callbacks(execute=True):
        for level in criteria.levels.all():  # every band 10 points higher: 50.29 now falls in level 1 (0–57.49)
            if level.level > 1:
                level.band_min += 10
            if level.band_max is not None:
                level.band_max += 10
            level.save()

    assert ResultScore.objects.get(result=budget).score == Decimal("1.0000")
    assert Scorecard.objects.get(org_unit=kks, round=round1).total_100 < before.total_100


def test_a_policy_change_recomputes_the_year(kks, round1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ScoringPolicy.objects.update_or_create(fiscal_year=round1.fiscal_year, defaults={"five_level_total": "percent_of_max"})
    default_total = Scorecard.objects.get(org_unit=kks, round=round1).total_100

    with django_capture_on_commit_callbacks(execute=True):
        policy = ScoringPolicy.objects.get(fiscal_year=round1.fiscal_year)
        policy.five_level_total = ScoringPolicy.FiveLevelTotal.OPDC_ANCHORED
        policy.save()

    scorecard = Scorecard.objects.get(org_unit=kks, round=round1)
    assert scorecard.policy["five_level_total"] == "opdc_anchored"
    assert scorecard.total_100 != default_total
