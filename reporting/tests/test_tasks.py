"""The recompute outbox on a real Celery worker, Redis and PostgreSQL (started by scripts/test.sh)."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from indicators.models import OrgUnit, Result, Round
from indicators.services.results import result_submit
from indicators.tests.conftest import load_reference
from reporting import selectors
from reporting.models import Scorecard, ScoreJob
from reporting.services import jobs
from reporting.tasks import drain_score_jobs, sweep_score_jobs
from reporting.tests.factories import broker_down


def _load() -> None:
    load_reference()
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.2)


def _pending(**scope) -> bool:
    return ScoreJob.objects.filter(status__in=jobs.PENDING, **scope).exists()


@pytest.mark.django_db(transaction=True)
def test_a_submitted_result_changes_the_stored_scorecard_on_the_worker(celery_worker_process):
    _load()
    _wait_for(lambda: not _pending())  # the demo data's own requests
    unit = OrgUnit.objects.get(code="demo-division")
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    energy = Result.objects.get(org_unit=unit, round=round1, assignment__definition__code="ENERGY")

    result_submit(actor=get_user_model().objects.get(username="admin"), result=energy)  # commits: the row is recorded

    job = ScoreJob.objects.filter(kind=ScoreJob.Kind.UNIT_ROUND, org_unit=unit, round=round1).latest("pk")
    _wait_for(lambda: ScoreJob.objects.get(pk=job.pk).status in (ScoreJob.Status.DONE, ScoreJob.Status.FAILED))
    assert ScoreJob.objects.get(pk=job.pk).status == ScoreJob.Status.DONE
    scorecard = Scorecard.objects.get(org_unit=unit, round=round1)
    assert next(r for r in scorecard.payload["rows"] if r["code"] == "ENERGY")["status"] == Result.Status.SUBMITTED
    state = selectors.scorecard_state(org_unit=unit, round=round1)
    assert state is not None and state.fresh


@pytest.mark.django_db(transaction=True)
def test_draining_twice_leaves_one_scorecard_and_writes_nothing_new(celery_worker_process):
    _load()
    _wait_for(lambda: not _pending())
    unit = OrgUnit.objects.get(code="demo-division")
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    jobs.score_job_request(fiscal_year_id=round1.fiscal_year_id, reason="ทดสอบ")  # commits and dispatches
    _wait_for(lambda: not _pending())
    computed_at = Scorecard.objects.get(org_unit=unit, round=round1).computed_at

    jobs.score_job_request(fiscal_year_id=round1.fiscal_year_id, reason="ทดสอบอีกครั้ง")
    drain_score_jobs.delay(fiscal_year_id=round1.fiscal_year_id).get(timeout=60)  # a duplicate message: harmless
    _wait_for(lambda: not _pending())

    assert Scorecard.objects.filter(org_unit=unit, round=round1).count() == 1
    assert Scorecard.objects.get(org_unit=unit, round=round1).computed_at == computed_at  # same inputs, no write


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_submit_answers_and_the_sweep_catches_up_when_it_is_back(celery_worker_process):
    from dsdw_kpi.celery import app as celery_app

    _load()
    _wait_for(lambda: not _pending())
    celery_app.control.purge()  # drop the loader's duplicate drain messages: every request they name is done
    unit = OrgUnit.objects.get(code="demo-division")
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    energy = Result.objects.get(org_unit=unit, round=round1, assignment__definition__code="ENERGY")
    with broker_down(celery_app):
        result_submit(actor=get_user_model().objects.get(username="admin"), result=energy)  # answers, no exception

    assert Result.objects.get(pk=energy.pk).status == Result.Status.SUBMITTED  # saved, nothing lost
    assert _pending(org_unit=unit, round=round1)  # kept in the outbox
    state = selectors.scorecard_state(org_unit=unit, round=round1)
    assert state is not None and not state.fresh  # the pages say "กำลังคำนวณใหม่"

    sweep_score_jobs.delay().get(timeout=60)  # what beat sends every minute once the broker is back

    assert not _pending()
    state = selectors.scorecard_state(org_unit=unit, round=round1)
    assert state is not None and state.fresh
