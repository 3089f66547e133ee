"""python manage.py recompute_scores, in-process (--sync) and queued."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reporting.models import Scorecard, ScoreJob

pytestmark = pytest.mark.django_db


def test_sync_recompute_prints_a_thai_summary(kks, round1):
    out = StringIO()

    call_command("recompute_scores", year=2566, round=1, unit=kks.code, sync=True, stdout=out)

    scorecard = Scorecard.objects.get(org_unit=kks, round=round1)
    assert "คำนวณผลการประเมินปีงบประมาณ พ.ศ. 2566 แล้ว 1 รายการ" in out.getvalue()
    assert f"{kks.code} รอบที่ 1: รายงานแล้ว {scorecard.reported_count}" in out.getvalue()
    assert scorecard.band_label_th in out.getvalue()


def test_sync_recompute_of_the_year_covers_every_framework_unit(demo):
    out = StringIO()

    call_command("recompute_scores", year=2566, sync=True, stdout=out)

    assert Scorecard.objects.filter(org_unit__code="dsdw", status=Scorecard.Status.NOT_COMPUTABLE).count() == 2
    assert Scorecard.objects.filter(org_unit__code="demo-division", status=Scorecard.Status.COMPUTED).count() == 2
    # the real กคส. framework stays a draft (its capability and reintegration targets are unpublished)
    assert Scorecard.objects.filter(org_unit__code="div-3", status=Scorecard.Status.NOT_COMPUTABLE).count() == 2
    assert "dsdw รอบที่ 1" in out.getvalue() and "คำนวณไม่ได้" in out.getvalue()


@pytest.mark.usefixtures("eager_celery")
def test_queued_recompute_runs_as_a_job(kks, round1, django_capture_on_commit_callbacks):
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):  # the command's transaction commits, then a worker drains
        call_command("recompute_scores", year=2566, round=1, unit=kks.code, stdout=out)

    job = ScoreJob.objects.latest("pk")
    assert f"งานคำนวณคะแนน #{job.pk}" in out.getvalue()
    assert job.status == ScoreJob.Status.DONE and job.params == {"round_number": 1, "unit_code": kks.code}
    assert Scorecard.objects.filter(org_unit=kks, round=round1, status=Scorecard.Status.COMPUTED).exists()


def test_unknown_year_is_refused(db):
    with pytest.raises(CommandError, match="ไม่พบปีงบประมาณ"):
        call_command("recompute_scores", year=2599, sync=True)
