"""Every document download (scorecard PDF/XLSX, a batch's ZIP, one file of a batch) appends one audit row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from indicators.models import FiscalYear, OrgUnit, Person
from reporting.batches import report_run_create, report_run_render
from reporting.models import ReportRun
from reporting.tests.factories import person_user

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def downloads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.DOCUMENT_DOWNLOADED).order_by("id"))


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_a_scorecard_download_is_recorded_with_unit_year_and_round(client, kks, round1, fmt):
    director = get_user_model().objects.get(username="director")
    client.force_login(director)
    url = f"{reverse('report-scorecard')}?year=2566&round=1&unit={kks.code}&format={fmt}"

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, REMOTE_ADDR="192.0.2.60")

    assert response.status_code == 200
    [row] = downloads()
    assert row.actor == director and row.ip_address == "192.0.2.60"
    assert row.target_id == str(kks.pk) and row.target_repr == str(kks)
    assert row.detail == {
        "kind": "scorecard", "file": f"scorecard-{kks.code}-2566-r1.{fmt}", "year": 2566, "round": 1, "frozen": False,
    }
    audit_sql = [q["sql"] for q in queries.captured_queries if '"audit_auditevent"' in q["sql"]]
    assert len(audit_sql) == 1 and audit_sql[0].lstrip().upper().startswith("INSERT")


def test_the_scorecard_page_itself_is_not_a_download(client, kks, round1):
    client.force_login(get_user_model().objects.get(username="director"))
    assert client.get(f"{reverse('report-scorecard')}?year=2566&round=1&unit={kks.code}").status_code == 200
    assert not downloads()


def test_a_batch_zip_and_one_file_of_it_are_recorded(client, settings, tmp_path: Path, django_user_model: Any, demo):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    director = person_user(django_user_model, "audit-director", Person.Role.DIRECTOR)
    run = report_run_create(
        actor=director, fiscal_year=FiscalYear.objects.get(be_year=2566), kind="scorecard",
        scope=ReportRun.Scope.UNIT, round_number=2, org_unit=OrgUnit.objects.get(code="div-3"),
    )
    for shard in range(run.shards):
        report_run_render(run_id=run.pk, shard=shard, owner=f"audit-test|1|{shard}")
    item = run.items.get()
    client.force_login(director)

    archive = client.get(reverse("report-batch-download", args=[run.pk]))
    single = client.get(reverse("report-batch-item", args=[run.pk, item.pk]))

    assert archive.status_code == 200 and single.status_code == 200
    zip_row, item_row = downloads()
    assert zip_row.actor == director and zip_row.target_id == str(run.pk)
    assert zip_row.detail == {
        "kind": "scorecard", "file": "scorecard-2566-r2-div-3.zip", "source": "batch-zip", "format": "pdf",
    }
    assert item_row.target_id == str(item.pk) and item_row.target_repr == item.filename
    assert item_row.detail == {
        "kind": "scorecard", "file": item.filename, "source": "batch-item", "run": run.pk,
        "unit": item.org_unit_id, "format": "pdf",
    }


def test_a_batch_download_refused_leaves_no_row(client, django_user_model, demo):
    staff = person_user(django_user_model, "audit-staff", Person.Role.STAFF)
    client.force_login(staff)
    assert client.get(reverse("report-batch-download", args=[987654])).status_code == 404
    assert not downloads()
