"""The score pipeline: one computation, fixed queries, every input kind followed, reads that never write, the broker down."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    ExternalScore,
    FiscalYear,
    Framework,
    MilestoneCompletion,
    OrgUnit,
    Province,
    ProvinceTarget,
    Result,
    ScoringPolicy,
    SubUnitResult,
    UnitType,
)
from indicators.score_inputs import unit_round_inputs
from indicators.scoring import scorecard as unit_scorecard
from indicators.selectors import unit_round
from reporting import selectors
from reporting.models import Scorecard, ScorecardRevision, ScoreJob
from reporting.services import jobs, score_jobs_sweep, scorecard_recompute, scorecards_store
from reporting.tests.factories import broker_down
from reporting.tests.synthetic import SyntheticYear, build_year

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries: CaptureQueriesContext) -> list[str]:
    """Writes, except the audit row a download appends (the audit log records who downloaded, not a score)."""
    return [
        q["sql"] for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES) and '"audit_auditevent"' not in q["sql"]
    ]


def _count(callable_: Any) -> int:
    """Queries of a call; on SQLite, whose bulk inserts are split by its variable limit, the reads only."""
    with CaptureQueriesContext(connection) as queries:
        callable_()
    if connection.vendor == "postgresql":
        return len(queries.captured_queries)
    return len(queries.captured_queries) - len(_writes(queries))


def _new_transaction_batch() -> None:
    """The test's transaction never commits: let the changes made inside django_capture_on_commit_callbacks record
    their requests in a batch (and an on_commit) of their own, as a real request would."""
    jobs._local.__dict__.pop("batch", None)


# ---- one computation ---------------------------------------------------------------------------------------------


def test_a_recompute_evaluates_each_result_exactly_once(monkeypatch):
    year = build_year(units=3, indicators=4, be_year=2591)
    calls: list[Any] = []
    original = unit_scorecard.evaluate_explained

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(unit_scorecard, "evaluate_explained", counting)

    scorecards_store(fiscal_year_id=year.fiscal_year.pk)

    assert len(calls) == year.result_count == 3 * 4 * 2
    assert Scorecard.objects.filter(round__fiscal_year=year.fiscal_year).count() == 3 * 2


def test_the_live_page_and_the_stored_scorecard_are_one_computation():
    year = build_year(units=2, indicators=4, be_year=2597)
    unit, round_ = year.units[1], year.rounds[1]
    stored = scorecard_recompute(org_unit_id=unit.pk, round_id=round_.pk)
    live = unit_round(org_unit=unit, round=round_)
    inputs, policy = unit_round_inputs(org_unit=unit, round=round_)
    assert inputs is not None

    card = unit_scorecard.from_json(stored.payload)

    assert live.card == card == unit_scorecard.compute(inputs.data, policy)
    assert stored.inputs_hash == unit_scorecard.fingerprint(inputs.data, policy)
    assert stored.total_100 == card.total_100


def test_json_round_trip_is_lossless(kks, round1):
    inputs, policy = unit_round_inputs(org_unit=kks, round=round1)
    assert inputs is not None
    card = unit_scorecard.compute(inputs.data, policy)

    assert unit_scorecard.from_json(unit_scorecard.to_json(card)) == card


def test_reported_counts_only_submitted_and_approved():
    year = build_year(units=1, indicators=5, be_year=2598)
    unit, round_ = year.units[0], year.rounds[0]
    results = list(Result.objects.filter(org_unit=unit, round=round_).order_by("assignment__order"))
    Result.objects.filter(pk=results[0].pk).update(status=Result.Status.DRAFT)
    Result.objects.filter(pk=results[1].pk).update(status=Result.Status.RETURNED)

    live = unit_round(org_unit=unit, round=round_)

    assert live.card is not None
    statuses = [row.status for row in live.rows if row.scored]
    assert live.reported == sum(1 for s in statuses if s in (Result.Status.SUBMITTED, Result.Status.APPROVED)) == 3
    assert live.card.count(Result.Status.DRAFT) == 1 and live.card.count(Result.Status.RETURNED) == 1
    assert live.card.missing_count == 2 and not live.card.all_approved


# ---- fixed queries -----------------------------------------------------------------------------------------------


def test_recompute_queries_do_not_grow_with_units_or_indicators():
    small = build_year(units=2, indicators=3, be_year=2592)
    large = build_year(units=8, indicators=11, be_year=2593)

    first_small = _count(lambda: scorecards_store(fiscal_year_id=small.fiscal_year.pk))
    first_large = _count(lambda: scorecards_store(fiscal_year_id=large.fiscal_year.pk))
    with CaptureQueriesContext(connection) as again_small:
        scorecards_store(fiscal_year_id=small.fiscal_year.pk)
    with CaptureQueriesContext(connection) as again_large:
        scorecards_store(fiscal_year_id=large.fiscal_year.pk)

    assert first_small == first_large
    assert len(again_small.captured_queries) == len(again_large.captured_queries)
    assert not _writes(again_small) and not _writes(again_large)  # nothing changed: nothing written


def _director(django_user_model: Any) -> Any:
    from reporting.tests.factories import person_user

    return person_user(django_user_model, "director_q", "director")


@pytest.mark.parametrize("page", ["unit_round", "scorecard", "drilldown"])
def test_pages_cost_the_same_queries_for_a_small_and_a_large_unit(client, django_user_model, page):
    director = _director(django_user_model)
    director.is_superuser = True
    director.save()
    client.force_login(director)
    counts = []
    for be_year, units, indicators in ((2594, 2, 3), (2595, 6, 12)):
        year = build_year(units=units, indicators=indicators, be_year=be_year)
        scorecards_store(fiscal_year_id=year.fiscal_year.pk)
        unit, round_ = year.units[0], year.rounds[0]
        if page == "unit_round":
            url = reverse("unit-round", args=[round_.pk, unit.pk])
        elif page == "scorecard":
            url = f"{reverse('report-scorecard')}?year={be_year}&round=1&unit={unit.code}"
        else:
            assignment = Assignment.objects.filter(framework=year.framework).order_by("order").first()
            url = reverse("report-scorecard-indicator", args=[unit.code, be_year, 1, assignment.pk])
        client.get(url)  # warm caches (sessions, content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert not _writes(queries)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_scorecard_get_writes_nothing_even_when_nothing_is_stored(client, kks, round1, django_user_model):
    Scorecard.objects.filter(org_unit=kks).delete()
    client.force_login(get_user_model().objects.get(username="director"))

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{reverse('report-scorecard')}?year=2566&round=1&unit={kks.code}")
        pdf = client.get(f"{reverse('report-scorecard')}?year=2566&round=1&unit={kks.code}&format=pdf")

    assert page.status_code == 200 and pdf.status_code == 200
    assert not _writes(queries)
    assert not Scorecard.objects.filter(org_unit=kks).exists()
    assert "กำลังคำนวณใหม่" in page.content.decode()


# ---- every input kind is followed ----------------------------------------------------------------------------------


def _first_result(year: SyntheticYear) -> Result:
    return Result.objects.filter(org_unit=year.units[0], round=year.rounds[0]).order_by("assignment__order").first()


def _change_result(year: SyntheticYear) -> None:
    result = _first_result(year)
    result.numerator = Decimal(99)
    result.save()


def _change_milestone(year: SyntheticYear) -> None:
    MilestoneCompletion.objects.create(result=_first_result(year), level="1", deliverable_index=0, done=True)


def _change_sub_unit(year: SyntheticYear) -> None:
    SubUnitResult.objects.create(result=_first_result(year), label_th="แถวทดสอบ", numerator=Decimal(1),
                                 denominator=Decimal(2))


def _criteria(year: SyntheticYear) -> Criteria:
    return _first_result(year).assignment.criteria_for(1)


def _change_criteria(year: SyntheticYear) -> None:
    criteria = _criteria(year)
    criteria.interpolate = not criteria.interpolate
    criteria.save()


def _change_level(year: SyntheticYear) -> None:
    level = CriteriaLevel.objects.get(criteria=_criteria(year), level=5)
    level.threshold = Decimal(95)
    level.save()


def _change_weight(year: SyntheticYear) -> None:
    first, second = Assignment.objects.filter(framework=year.framework).order_by("order")[:2]
    first.weight -= 5
    second.weight += 5
    first.save()
    second.save()


def _change_framework_status(year: SyntheticYear) -> None:
    framework = Framework.objects.get(pk=year.framework.pk)
    framework.status = Framework.Status.DRAFT
    framework.save()


def _change_applicability(year: SyntheticYear) -> None:
    assignment = Assignment.objects.filter(framework=year.framework).order_by("order").first()
    assignment.applies_to_unit_types.add(UnitType.objects.create(code="syn-other", name_th="ประเภทอื่น"))


def _change_policy(year: SyntheticYear) -> None:
    ScoringPolicy.objects.create(fiscal_year=year.fiscal_year, five_level_total=ScoringPolicy.FiveLevelTotal.OPDC_ANCHORED)


def _change_year_status(year: SyntheticYear) -> None:
    fiscal_year = FiscalYear.objects.get(pk=year.fiscal_year.pk)
    fiscal_year.evaluation_status = FiscalYear.Status.MONITORING_ONLY
    fiscal_year.save()


def _change_province_target(year: SyntheticYear) -> None:
    ProvinceTarget.objects.create(definition=_first_result(year).assignment.definition, province=Province.objects.first(),
                                  base_value=10, increase=1, target=11)


def _change_external_score(year: SyntheticYear) -> None:
    ExternalScore.objects.create(system=ExternalScore.System.choices[0][0], org_unit=year.units[0],
                                 fiscal_year=year.fiscal_year, round_number=1, score=Decimal("4.5"))


def _change_definition(year: SyntheticYear) -> None:
    definition = _first_result(year).assignment.definition
    definition.name_th += " (แก้ไข)"
    definition.save()


def _change_unit_type(year: SyntheticYear) -> None:
    unit = OrgUnit.objects.get(pk=year.units[0].pk)
    unit.unit_type = None
    unit.save()


INPUT_CHANGES = {
    "result": _change_result, "milestone": _change_milestone, "sub_unit_row": _change_sub_unit,
    "criteria": _change_criteria, "criteria_level": _change_level, "weight": _change_weight,
    "applicability": _change_applicability, "framework_status": _change_framework_status,
    "scoring_policy": _change_policy, "fiscal_year_status": _change_year_status,
    "province_target": _change_province_target, "external_score": _change_external_score,
    "definition": _change_definition, "org_unit": _change_unit_type,
}


@pytest.mark.usefixtures("eager_celery")
@pytest.mark.parametrize("kind", sorted(INPUT_CHANGES))
def test_the_stored_scorecard_follows_every_input_kind(kind, django_capture_on_commit_callbacks):
    year = build_year(units=2, indicators=3, be_year=2596)
    scorecards_store(fiscal_year_id=year.fiscal_year.pk)
    unit, round_ = year.units[0], year.rounds[0]
    before = Scorecard.objects.get(org_unit=unit, round=round_)
    _new_transaction_batch()

    with django_capture_on_commit_callbacks(execute=True):
        INPUT_CHANGES[kind](year)

    this_year = ScoreJob.objects.filter(fiscal_year=year.fiscal_year)
    assert this_year.filter(status=ScoreJob.Status.DONE).exists()
    assert not this_year.filter(status__in=[ScoreJob.Status.QUEUED, ScoreJob.Status.RETRYING]).exists()
    state = selectors.scorecard_state(org_unit=unit, round=round_)
    if kind in ("org_unit", "framework_status"):  # no (approved) framework for the unit any more: no numbers
        assert state is None
        assert Scorecard.objects.get(pk=before.pk).status == Scorecard.Status.NOT_COMPUTABLE
        return
    assert state is not None
    assert state.fresh, f"{kind}: the stored scorecard does not follow its inputs"
    assert state.card == unit_scorecard.compute(state.inputs.data, state.policy)
    if kind in ("result", "weight", "criteria_level", "framework_status", "scoring_policy", "fiscal_year_status"):
        assert Scorecard.objects.get(pk=before.pk).content_hash != before.content_hash


@pytest.mark.usefixtures("eager_celery")
def test_a_change_in_the_django_admin_is_followed(admin_client, django_capture_on_commit_callbacks):
    year = build_year(units=2, indicators=3, be_year=2599)
    kks, round1 = year.units[0], year.rounds[0]
    policy = ScoringPolicy.objects.create(fiscal_year=year.fiscal_year)
    scorecards_store(fiscal_year_id=year.fiscal_year.pk)
    _new_transaction_batch()
    before = Scorecard.objects.get(org_unit=kks, round=round1).total_100
    url = reverse("admin:indicators_scoringpolicy_change", args=[policy.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if not isinstance(value, bool)}
    data.update({name: "on" for name, value in form.initial.items() if value is True})
    data["fiscal_year"] = year.fiscal_year.pk
    data["five_level_total"] = ScoringPolicy.FiveLevelTotal.OPDC_ANCHORED

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    state = selectors.scorecard_state(org_unit=kks, round=round1)
    assert state is not None and state.fresh
    scorecard = Scorecard.objects.get(org_unit=kks, round=round1)
    assert scorecard.total_100 != before
    revision = ScorecardRevision.objects.filter(scorecard=scorecard).first()
    assert revision is not None and revision.old_total_100 == before and revision.new_total_100 == scorecard.total_100
    assert "นโยบายการคิดคะแนน" in revision.reason


# ---- the broker down ----------------------------------------------------------------------------------------------


def test_with_the_broker_down_a_change_is_kept_queued_and_the_sweep_catches_up(django_capture_on_commit_callbacks):
    from dsdw_kpi.celery import app as celery_app

    year = build_year(units=2, indicators=3, be_year=2589)
    kks, round1 = year.units[0], year.rounds[0]
    scorecards_store(fiscal_year_id=year.fiscal_year.pk)
    _new_transaction_batch()
    with broker_down(celery_app), django_capture_on_commit_callbacks(execute=True):
        _change_result(year)

    queued = ScoreJob.objects.filter(org_unit=kks, round=round1, status=ScoreJob.Status.QUEUED)
    assert queued.exists()
    state = selectors.scorecard_state(org_unit=kks, round=round1)
    assert state is not None and not state.fresh  # the page says "กำลังคำนวณใหม่"

    outcome = score_jobs_sweep()  # what beat runs every minute once a worker is up again

    assert outcome["scorecards"] >= 1
    state = selectors.scorecard_state(org_unit=kks, round=round1)
    assert state is not None and state.fresh
    assert not queued.exists()


def test_a_failing_drain_keeps_the_requests_and_records_why(monkeypatch):
    year = build_year(units=1, indicators=2, be_year=2588)
    jobs.score_job_request(fiscal_year_id=year.fiscal_year.pk, reason="ทดสอบ", dispatch=False)

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("ฐานข้อมูลขัดข้อง")

    monkeypatch.setattr(jobs, "scorecards_store", broken)
    for _ in range(jobs.MAX_ATTEMPTS):
        assert jobs.score_jobs_drain(fiscal_year_id=year.fiscal_year.pk) == []

    job = ScoreJob.objects.get(fiscal_year=year.fiscal_year, reason="ทดสอบ")
    assert job.status == ScoreJob.Status.FAILED and job.attempts == jobs.MAX_ATTEMPTS
    assert "ฐานข้อมูลขัดข้อง" in job.error
    assert not Scorecard.objects.filter(round__fiscal_year=year.fiscal_year).exists()
