"""The recompute task on a real Celery worker, Redis and PostgreSQL (started by scripts/test.sh)."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from indicators.models import OrgUnit, Result, Round
from indicators.services.results import result_submit
from indicators.tests.conftest import load_reference
from reporting.models import Scorecard, ScoreJob
from reporting.services import score_job_create
from reporting.tasks import recompute_scores


def _load() -> None:
    load_reference()
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_a_submitted_result_changes_the_stored_scorecard_on_the_worker(celery_worker_process):
    _load()
    unit = OrgUnit.objects.get(code="div-3")
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    energy = Result.objects.get(org_unit=unit, round=round1, assignment__definition__code="ENERGY")
    jobs_before = set(ScoreJob.objects.values_list("pk", flat=True))

    result_submit(actor=get_user_model().objects.get(username="admin"), result=energy)  # commits: on_commit queues

    job = ScoreJob.objects.exclude(pk__in=jobs_before).get(kind=ScoreJob.Kind.UNIT_ROUND)
    _wait_for(lambda: ScoreJob.objects.get(pk=job.pk).status in (ScoreJob.Status.DONE, ScoreJob.Status.FAILED))
    assert ScoreJob.objects.get(pk=job.pk).status == ScoreJob.Status.DONE
    scorecard = Scorecard.objects.get(org_unit=unit, round=round1)
    assert scorecard.status == Scorecard.Status.COMPUTED
    assert next(r for r in scorecard.payload["rows"] if r["code"] == "ENERGY")["status"] == Result.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_running_the_task_twice_leaves_one_scorecard(celery_worker_process):
    _load()
    unit = OrgUnit.objects.get(code="div-3")
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    params = {"org_unit_id": unit.pk, "round_id": round1.pk}

    first = recompute_scores.delay(job_id=score_job_create(kind=ScoreJob.Kind.UNIT_ROUND, params=params).pk).get(timeout=60)
    second = recompute_scores.delay(job_id=score_job_create(kind=ScoreJob.Kind.UNIT_ROUND, params=params).pk).get(timeout=60)

    assert first["scorecards"] == second["scorecards"]
    assert Scorecard.objects.filter(org_unit=unit, round=round1).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_records_the_failure_on_the_job_row(celery_worker_process):
    load_reference()
    orphan = OrgUnit.objects.create(code="no-framework", name_th="หน่วยงานที่ไม่มีกรอบตัวชี้วัด", kind=OrgUnit.Kind.GROUP)
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    job = score_job_create(kind=ScoreJob.Kind.UNIT_ROUND, params={"org_unit_id": orphan.pk, "round_id": round1.pk})

    outcome = recompute_scores.delay(job_id=job.pk)
    outcome.get(timeout=60, propagate=False)

    assert outcome.failed()
    job.refresh_from_db()
    assert job.status == ScoreJob.Status.FAILED
    assert "ไม่พบกรอบตัวชี้วัด" in job.error
    scorecard = Scorecard.objects.get(org_unit=orphan, round=round1)
    assert scorecard.status == Scorecard.Status.FAILED and "ไม่พบกรอบตัวชี้วัด" in scorecard.error
