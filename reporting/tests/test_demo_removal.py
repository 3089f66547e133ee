"""remove_demo_data also deletes what the reporting app keeps for the demo units: stored scores and report batches.

The reference data itself is proven unchanged by indicators/tests/test_demo_data.py.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from indicators.models import FiscalYear, Framework, OrgUnit, Person, Result, Round, SubUnitResult
from reporting.batches import report_run_create
from reporting.models import ReportRun, ResultScore, Scorecard
from reporting.services import scorecard_recompute
from reporting.tests.factories import person_user

pytestmark = pytest.mark.django_db


def test_removal_deletes_the_demo_units_scores_and_batches_and_keeps_the_real_ones(
    demo: None, django_user_model: Any, settings: Any, tmp_path: Path
) -> None:
    # given stored scorecards of a demo and a real unit, a batch of one demo unit and a batch of the whole department
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    year = FiscalYear.objects.get(be_year=2566)
    demo_division = OrgUnit.objects.get(code="demo-division")
    real_division = OrgUnit.objects.get(code="div-2")
    scorecard_recompute(org_unit_id=demo_division.pk, round_id=round1.pk)
    real = scorecard_recompute(org_unit_id=real_division.pk, round_id=round1.pk)
    director = person_user(django_user_model, "rm-director", Person.Role.DIRECTOR)
    unit_run = report_run_create(actor=director, kind="scorecard", fiscal_year=year, scope=ReportRun.Scope.UNIT,
                                 round_number=1, org_unit=demo_division)
    department_run = report_run_create(actor=director, kind="scorecard", fiscal_year=year,
                                       scope=ReportRun.Scope.DEPARTMENT, round_number=1)
    real_run = report_run_create(actor=director, kind="scorecard", fiscal_year=year, scope=ReportRun.Scope.UNIT,
                                 round_number=1, org_unit=real_division)
    folder = tmp_path / "reports" / "runs" / str(unit_run.pk)
    folder.mkdir(parents=True)
    (folder / "scorecard-2566-r1-demo-division.pdf").write_bytes(b"%PDF-1.4")
    assert ResultScore.objects.filter(result__org_unit=demo_division).exists()

    out = StringIO()
    call_command("remove_demo_data", stdout=out)

    # then the demo units' scores, scorecards and batches are gone with their files, the real ones stay
    assert not OrgUnit.objects.filter(is_demo=True).exists()
    assert not Scorecard.objects.filter(org_unit__code__startswith="demo-").exists()
    assert not ResultScore.objects.filter(result__is_demo=True).exists() and not Result.objects.exists()
    assert set(ReportRun.objects.values_list("pk", flat=True)) == {real_run.pk}
    assert department_run.pk not in ReportRun.objects.values_list("pk", flat=True)  # it printed demo units too
    assert not folder.exists()
    assert Scorecard.objects.get(pk=real.pk).org_unit == real_division
    assert "ผลการประเมิน (Scorecard)" in out.getvalue() and "ชุดเอกสารรายงาน" in out.getvalue()


def test_a_real_row_pointing_at_a_demo_unit_stops_the_removal_and_nothing_is_deleted(demo: None) -> None:
    # given a real result of a real division whose per-unit table names a demo shelter
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    division = OrgUnit.objects.get(code="div-2")
    assignment = Framework.objects.get(org_units=division, is_demo=False).assignments.first()
    real = Result.objects.create(assignment=assignment, org_unit=division, round=round1)
    SubUnitResult.objects.create(result=real, org_unit=OrgUnit.objects.get(code="demo-shelter-1"),
                                 numerator=1, denominator=2)
    demo_rows = (OrgUnit.objects.filter(is_demo=True).count(), Result.objects.filter(is_demo=True).count())

    with pytest.raises(CommandError, match="ข้อมูลจริงต่อไปนี้อ้างถึงข้อมูลสาธิต"):
        call_command("remove_demo_data", stdout=StringIO())

    # then nothing was deleted: the demo is whole and the real result keeps its row
    assert (OrgUnit.objects.filter(is_demo=True).count(), Result.objects.filter(is_demo=True).count()) == demo_rows
    assert real.sub_results.count() == 1


@pytest.mark.django_db(transaction=True)
def test_removal_commits_where_foreign_keys_are_checked_at_commit_and_the_demo_can_come_back() -> None:
    """What scripts/run.sh users do: load, remove (committed: PostgreSQL checks deferred foreign keys), load again."""
    from indicators.tests.conftest import load_reference

    load_reference()
    call_command("load_demo_data", stdout=StringIO())

    call_command("remove_demo_data", stdout=StringIO())

    assert not OrgUnit.objects.filter(is_demo=True).exists() and not Result.objects.exists()
    assert not Scorecard.objects.filter(org_unit__code__startswith="demo-").exists()
    call_command("load_demo_data", stdout=StringIO())
    assert OrgUnit.objects.filter(is_demo=True).count() == 6 and Result.objects.filter(is_demo=True).exists()
