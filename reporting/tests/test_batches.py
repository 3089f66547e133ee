"""Report batches in this process: units of a batch, items and names, leases, idempotency, failures, pages, admin.

The same code on a real worker (kill and restart included) is in test_batch_worker.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from indicators.models import FiscalYear, OrgUnit, Person
from reporting import batches
from reporting.batches import (
    batch_units,
    report_run_cancel,
    report_run_claim,
    report_run_create,
    report_run_render,
    report_run_resume,
    report_runs_recover,
)
from reporting.documents import DocumentError, filename_for, render_document
from reporting.models import ReportRun, ReportRunItem, ReportRunShard
from reporting.tasks import render_report_run
from reporting.tests.factories import person_user

pytestmark = pytest.mark.django_db

DIVISIONS = [
    "div-1", "div-2", "div-3", "div-4", "div-5", "div-6", "div-7", "div-8", "div-9-1", "div-9-2", "div-9-3",
    "demo-division",  # the demo division lists after the real ones
]  # fmt: skip
DEMO_UNITS = [
    "dsdw", *DIVISIONS,
    "demo-shelter-1", "demo-shelter-2", "demo-life-skills", "demo-settlement", "demo-highland",
]  # fmt: skip


@pytest.fixture
def fy(demo: None) -> FiscalYear:
    return FiscalYear.objects.get(be_year=2566)


@pytest.fixture
def director(django_user_model: Any, demo: None) -> Any:
    return person_user(django_user_model, "bt-director", Person.Role.DIRECTOR)


@pytest.fixture
def staff(django_user_model: Any, kks: OrgUnit) -> Any:
    """A reporting officer of the demo division who is also Django staff: still no business with batches."""
    return person_user(django_user_model, "bt-staff", Person.Role.STAFF, [kks], is_staff=True)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def create(actor: Any, fy: FiscalYear, **options: Any) -> ReportRun:
    """A run created without sending it to a worker (its on_commit never fires inside the test transaction)."""
    values: dict[str, Any] = {"kind": "scorecard", "scope": ReportRun.Scope.DEPARTMENT, "round_number": 2}
    values.update(options)
    return report_run_create(actor=actor, fiscal_year=fy, **values)


def render_all(run: ReportRun, owner: str = "test-node|1|a") -> list[dict[str, Any]]:
    return [report_run_render(run_id=run.pk, shard=n, owner=f"{owner}{n}") for n in range(run.shards)]


def run_files(media: Path, run: ReportRun) -> list[str]:
    directory = media / "reports" / "runs" / str(run.pk)
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


# ---- what a batch covers ----------------------------------------------------------------------------------------


def test_the_department_batch_covers_every_unit_with_a_framework_in_print_order(fy: FiscalYear) -> None:
    units = batch_units(fiscal_year=fy, scope=ReportRun.Scope.DEPARTMENT)

    assert [u.code for u in units] == DEMO_UNITS


def test_the_division_batch_covers_every_division(fy: FiscalYear) -> None:
    units = batch_units(fiscal_year=fy, scope=ReportRun.Scope.DIVISIONS)

    assert {u.kind for u in units} == {OrgUnit.Kind.DIVISION}
    assert [u.code for u in units] == DIVISIONS


def test_a_run_has_one_item_per_unit_with_deterministic_names_spread_over_shards(
    fy: FiscalYear, director: Any, settings: Any
) -> None:
    settings.REPORT_RUN_SHARDS = 3

    run = create(director, fy)

    items = list(run.items.order_by("position"))
    assert run.status == ReportRun.Status.QUEUED and run.total == len(DEMO_UNITS) == len(items)
    assert [i.filename for i in items] == [f"scorecard-2566-r2-{code}.pdf" for code in DEMO_UNITS]
    assert [i.shard for i in items[:4]] == [0, 1, 2, 0]
    assert list(run.shard_rows.values_list("number", flat=True)) == [0, 1, 2]
    assert batches.zip_name(run) == "scorecard-2566-r2-department.zip"


def test_file_names_leave_the_round_out_of_yearly_documents() -> None:
    assert filename_for("scorecard", unit_code="div-3", fiscal_year=2566, round_number=2) == "scorecard-2566-r2-div-3.pdf"
    assert filename_for("agreement", unit_code="div-3", fiscal_year=2566, round_number=2, fmt="xlsx") == (
        "agreement-2566-div-3.xlsx"
    )


def test_render_document_explains_an_unknown_kind_in_thai(fy: FiscalYear, kks: OrgUnit) -> None:
    with pytest.raises(DocumentError, match="ไม่รู้จักเอกสารชนิด"):
        render_document("nothing", org_unit=kks, fiscal_year=fy, round_number=1)


def test_only_directors_and_admins_may_start_a_batch(fy: FiscalYear, staff: Any) -> None:
    with pytest.raises(PermissionDenied):
        create(staff, fy)
    assert not ReportRun.objects.exists()


# ---- rendering, leases and idempotency --------------------------------------------------------------------------


def test_a_run_renders_every_item_and_zips_them(fy: FiscalYear, director: Any, media: Path, settings: Any) -> None:
    settings.REPORT_RUN_SHARDS = 2
    run = create(director, fy, scope=ReportRun.Scope.DIVISIONS, fmt=ReportRun.Format.XLSX)

    outcomes = render_all(run)

    run.refresh_from_db()
    assert [o["status"] for o in outcomes] == [ReportRun.Status.RUNNING, ReportRun.Status.DONE]
    assert (run.status, run.done_count, run.failed_count) == (ReportRun.Status.DONE, len(DIVISIONS), 0)
    names = [i.filename for i in run.items.order_by("position")]
    with zipfile.ZipFile(run.zip_file.path) as archive:
        assert archive.namelist() == names
        assert all(archive.read(name)[:2] == b"PK" for name in names)
    assert run_files(media, run) == sorted([*names, "scorecard-2566-r2-divisions.zip"])


def test_running_the_task_twice_leaves_no_duplicate_items_or_files(
    fy: FiscalYear, director: Any, media: Path, settings: Any
) -> None:
    settings.REPORT_RUN_SHARDS = 1
    run = create(director, fy, scope=ReportRun.Scope.DIVISIONS, fmt=ReportRun.Format.XLSX)
    first = render_report_run.apply(args=[run.pk, 0]).get()
    files = run_files(media, run)

    second = render_report_run.apply(args=[run.pk, 0]).get()

    run.refresh_from_db()
    assert first["status"] == ReportRun.Status.DONE and first["rendered"] == len(DIVISIONS)
    assert second == {"run_id": run.pk, "shard": 0, "skipped": True, "status": ReportRun.Status.DONE}
    assert run.items.count() == len(DIVISIONS) and run.done_count == len(DIVISIONS) and run.attempts == 1
    assert run_files(media, run) == files


def test_a_second_delivery_cannot_claim_a_shard_whose_lease_is_live(fy: FiscalYear, director: Any) -> None:
    run = create(director, fy)

    assert report_run_claim(run_id=run.pk, shard=0, owner="node-a|1|x")
    assert not report_run_claim(run_id=run.pk, shard=0, owner="node-b|2|y")

    shard = ReportRunShard.objects.get(run=run, number=0)
    assert shard.lease_owner == "node-a|1|x" and shard.attempts == 1


def test_an_expired_lease_passes_to_another_worker_and_the_old_one_stops(
    fy: FiscalYear, director: Any, media: Path, settings: Any
) -> None:
    settings.REPORT_RUN_SHARDS = 1
    run = create(director, fy, scope=ReportRun.Scope.DIVISIONS, fmt=ReportRun.Format.XLSX)
    assert report_run_claim(run_id=run.pk, shard=0, owner="dead|1|x")
    ReportRunShard.objects.filter(run=run).update(lease_until=timezone.now() - dt.timedelta(seconds=1))

    outcome = report_run_render(run_id=run.pk, shard=0, owner="alive|2|y")
    stale = batches._store_item(run, run.items.first(), b"late", "", "dead|1|x")

    assert outcome["status"] == ReportRun.Status.DONE and outcome["rendered"] == len(DIVISIONS)
    assert stale is False
    assert ReportRunItem.objects.get(pk=run.items.first().pk).size != len(b"late")


def test_a_kill_mid_item_leaves_no_half_file_counted_as_done(
    fy: FiscalYear, director: Any, media: Path, settings: Any
) -> None:
    # given: a worker wrote three files, then died writing the fourth (its temporary file is still there) and
    # after renaming the fifth into place but before marking it done
    settings.REPORT_RUN_SHARDS = 1
    run = create(director, fy, scope=ReportRun.Scope.DIVISIONS, fmt=ReportRun.Format.XLSX)
    assert report_run_claim(run_id=run.pk, shard=0, owner="dead|1|x")
    items = list(run.items.order_by("position"))
    for item in items[:3]:
        assert batches._store_item(run, item, *batches._render_item(run, item), "dead|1|x")
    directory = media / "reports" / "runs" / str(run.pk)
    (directory / f".{items[3].filename}.0badf00d.part").write_bytes(b"PK\x03\x04half")
    (directory / items[4].filename).write_bytes(b"PK\x03\x04renamed but not recorded")
    ReportRunShard.objects.filter(run=run).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    run.refresh_from_db()
    assert (run.done_count, run.status) == (3, ReportRun.Status.RUNNING)

    # when: another worker takes over
    outcome = report_run_render(run_id=run.pk, shard=0, owner="alive|2|y")

    # then: only the missing documents were rendered (all but the three done), nothing is left half-written or twice
    run.refresh_from_db()
    assert outcome["rendered"] == len(DIVISIONS) - 3 and run.status == ReportRun.Status.DONE and run.done_count == len(DIVISIONS)
    assert not any(name.endswith(".part") for name in run_files(media, run))
    assert len(run_files(media, run)) == len(DIVISIONS) + 1  # and the ZIP
    fifth = ReportRunItem.objects.get(pk=items[4].pk)
    with fifth.file.open("rb") as handle:
        assert handle.read() != b"PK\x03\x04renamed but not recorded"
    with zipfile.ZipFile(run.zip_file.path) as archive:
        assert len(archive.namelist()) == len(set(archive.namelist())) == len(DIVISIONS)


def test_a_unit_that_cannot_be_printed_is_recorded_and_the_others_still_come(
    fy: FiscalYear, director: Any, media: Path, settings: Any, client: Any, django_user_model: Any
) -> None:
    settings.REPORT_RUN_SHARDS = 2
    OrgUnit.objects.create(code="div-orphan", name_th="กองที่ไม่มีกรอบตัวชี้วัด", kind=OrgUnit.Kind.DIVISION)
    run = create(director, fy, scope=ReportRun.Scope.DIVISIONS, fmt=ReportRun.Format.XLSX)

    render_all(run)

    run.refresh_from_db()
    failed = run.items.get(org_unit__code="div-orphan")
    assert (run.status, run.done_count, run.failed_count) == (ReportRun.Status.DONE_WITH_ERRORS, len(DIVISIONS), 1)
    assert failed.status == ReportRunItem.Status.FAILED and not failed.file
    assert failed.error.startswith("กองที่ไม่มีกรอบตัวชี้วัด: ") and "กรอบตัวชี้วัด" in failed.error
    assert failed.error in run.error
    with zipfile.ZipFile(run.zip_file.path) as archive:
        assert failed.filename not in archive.namelist() and len(archive.namelist()) == len(DIVISIONS)
    client.force_login(django_user_model.objects.create_superuser("bt-root", password="pw-bt-root-2566"))
    listing = client.get("/admin/reporting/reportrun/").content.decode()
    assert "เสร็จแต่มีบางรายการล้มเหลว" in listing and f"{len(DIVISIONS)}/{len(DIVISIONS) + 1}" in listing and "กองที่ไม่มีกรอบตัวชี้วัด" in listing
    page = client.get(f"/admin/reporting/reportrun/{run.pk}/change/").content.decode()
    assert failed.error in page and failed.filename in page


def test_a_batch_of_only_failures_is_failed_and_can_be_resumed(
    fy: FiscalYear, director: Any, media: Path
) -> None:
    orphan = OrgUnit.objects.create(code="orphan", name_th="หน่วยงานที่ไม่มีกรอบตัวชี้วัด", kind=OrgUnit.Kind.GROUP)
    run = create(director, fy, scope=ReportRun.Scope.UNIT, org_unit=orphan)
    render_all(run)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED and not run.zip_file and "ไม่พบกรอบตัวชี้วัด" in run.error

    resumed = report_run_resume(actor=director, run=run)

    run.refresh_from_db()
    assert resumed and run.status == ReportRun.Status.QUEUED
    assert run.items.get().status == ReportRunItem.Status.PENDING


def test_a_cancelled_run_stops_before_the_next_document(fy: FiscalYear, director: Any, media: Path) -> None:
    run = create(director, fy, fmt=ReportRun.Format.XLSX)
    assert report_run_claim(run_id=run.pk, shard=0, owner="w|1|x")

    assert report_run_cancel(actor=director, run=run)
    outcome = report_run_render(run_id=run.pk, shard=1, owner="w|1|y")

    run.refresh_from_db()
    assert outcome["skipped"] and run.status == ReportRun.Status.CANCELLED and run.done_count == 0
    assert not report_run_cancel(actor=director, run=run)


# ---- recovery ---------------------------------------------------------------------------------------------------


def test_recovery_requeues_only_shards_nobody_holds(
    fy: FiscalYear, director: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REPORT_RUN_SHARDS = 3
    sent: list[tuple[int, int | None]] = []
    # report_runs_recover() calls the name in its own module
    monkeypatch.setattr(batches.recovery, "report_run_enqueue", lambda *, run_id, shard=None: sent.append((run_id, shard)))
    run = create(director, fy)
    past = timezone.now() - dt.timedelta(seconds=settings.REPORT_RUN_LEASE_SECONDS + 5)
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.RUNNING)
    ReportRunShard.objects.filter(run=run).update(enqueued_at=past)
    assert report_run_claim(run_id=run.pk, shard=0, owner="alive@h|1|a")  # live lease: left alone
    assert report_run_claim(run_id=run.pk, shard=1, owner="dead@h|2|b")
    ReportRunShard.objects.filter(run=run, number=1).update(lease_until=past)  # expired: its worker died
    # shard 2 was never claimed and its message was sent long ago: lost

    found = report_runs_recover()

    assert found == sent == [(run.pk, 1), (run.pk, 2)]


def test_a_restarted_node_frees_the_leases_of_its_previous_process_at_once(
    fy: FiscalYear, director: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[int, int | None]] = []
    # report_runs_recover() calls the name in its own module
    monkeypatch.setattr(batches.recovery, "report_run_enqueue", lambda *, run_id, shard=None: sent.append((run_id, shard)))
    settings.REPORT_RUN_SHARDS = 2
    run = create(director, fy)
    ReportRunShard.objects.filter(run=run).update(enqueued_at=timezone.now())
    assert report_run_claim(run_id=run.pk, shard=0, owner="batch@host|100|a")
    assert report_run_claim(run_id=run.pk, shard=1, owner="other@host|200|b")

    found = report_runs_recover(node="batch@host", node_started=timezone.now())

    assert found == sent == [(run.pk, 0)]


# ---- pages ------------------------------------------------------------------------------------------------------


def test_a_director_starts_a_batch_and_is_sent_to_its_page(
    client: Any, fy: FiscalYear, director: Any, django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[int] = []
    # report_run_create() queues through the name in its own module
    monkeypatch.setattr(batches.runs, "report_run_enqueue", lambda *, run_id, shard=None: sent.append(run_id))
    client.force_login(director)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/batches/", {
            "kind": "scorecard", "year": "2566", "round_number": "2", "scope": "department", "fmt": "pdf",
        })

    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/batches/{run.pk}/"
    assert sent == [run.pk] and run.requested_by == director and run.total == len(DEMO_UNITS)
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page and "reporting/js/batch.js" in page
    assert f"สร้างแล้ว 0 จาก {len(DEMO_UNITS)} หน่วยงาน" in page and "scorecard-2566-r2-div-3.pdf" in page
    status = client.get(f"/reports/batches/{run.pk}/status.json").json()
    assert status == {
        "id": run.pk, "status": "queued", "status_label": "รอคิว", "total": len(DEMO_UNITS), "done": 0, "failed": 0, "percent": 0,
        "finished": False, "zip_url": None, "error": "",
    }
    listing = client.get("/reports/batches/").content.decode()
    assert f'href="/reports/batches/{run.pk}/"' in listing and "ผลการประเมิน (Scorecard)" in listing


def test_the_batch_form_explains_mistakes_in_thai(client: Any, fy: FiscalYear, director: Any) -> None:
    client.force_login(director)

    no_unit = client.post("/reports/batches/", {"kind": "scorecard", "year": "2566", "round_number": "2",
                                                "scope": "unit", "fmt": "pdf"})
    no_round = client.post("/reports/batches/", {"kind": "scorecard", "year": "2566", "scope": "department",
                                                 "fmt": "pdf"})

    assert no_unit.status_code == 400 and "กรุณาเลือกหน่วยงาน" in no_unit.content.decode()
    assert no_round.status_code == 400 and "ต้องระบุรอบ" in no_round.content.decode()
    assert not ReportRun.objects.exists()


def test_the_files_of_a_finished_batch_download_from_private_storage(
    client: Any, fy: FiscalYear, director: Any, media: Path
) -> None:
    run = create(director, fy, scope=ReportRun.Scope.UNIT, org_unit=OrgUnit.objects.get(code="div-3"))
    render_all(run)
    item = run.items.get()
    client.force_login(director)

    page = client.get(f"/reports/batches/{run.pk}/").content.decode()
    archive = client.get(f"/reports/batches/{run.pk}/download/")
    single = client.get(f"/reports/batches/{run.pk}/files/{item.pk}/")

    assert "ดาวน์โหลดทั้งชุด (ZIP)" in page and 'http-equiv="refresh"' not in page
    assert archive["Content-Disposition"] == 'attachment; filename="scorecard-2566-r2-div-3.zip"'
    assert archive["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as opened:
        assert opened.namelist() == ["scorecard-2566-r2-div-3.pdf"]
        assert opened.read("scorecard-2566-r2-div-3.pdf").startswith(b"%PDF")
    assert b"".join(single.streaming_content).startswith(b"%PDF")
    assert single["Content-Type"] == "application/pdf"
    run.refresh_from_db()
    assert run.zip_file.path.startswith(str(media))
    with pytest.raises(ValueError, match="ไม่มี URL สาธารณะ"):
        run.zip_file.url  # noqa: B018


def test_staff_get_404_for_every_batch_url_even_guessing_ids(
    client: Any, fy: FiscalYear, director: Any, staff: Any, media: Path
) -> None:
    run = create(director, fy, scope=ReportRun.Scope.UNIT, org_unit=OrgUnit.objects.get(code="div-3"),
                 fmt=ReportRun.Format.XLSX)
    render_all(run)
    item = run.items.get()
    urls = [
        "/reports/batches/", f"/reports/batches/{run.pk}/", f"/reports/batches/{run.pk}/status.json",
        f"/reports/batches/{run.pk}/download/", f"/reports/batches/{run.pk}/files/{item.pk}/",
        f"/reports/batches/{run.pk + 1}/", f"/reports/batches/{run.pk + 1}/download/",
    ]
    client.force_login(staff)

    statuses = {url: client.get(url).status_code for url in urls}
    cancel = client.post(f"/reports/batches/{run.pk}/cancel/")
    start = client.post("/reports/batches/", {"kind": "scorecard", "year": "2566", "round_number": "2",
                                              "scope": "department", "fmt": "pdf"})

    assert statuses == dict.fromkeys(urls, 404)
    assert cancel.status_code == 404 and start.status_code == 404
    assert ReportRun.objects.count() == 1
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE


def test_another_directors_batch_is_a_404_like_their_batch_list_says(
    client: Any, fy: FiscalYear, director: Any, django_user_model: Any, media: Path
) -> None:
    run = create(director, fy, scope=ReportRun.Scope.UNIT, org_unit=OrgUnit.objects.get(code="div-3"),
                 fmt=ReportRun.Format.XLSX)
    render_all(run)
    item = run.items.get()
    other = person_user(django_user_model, "bt-director-2", Person.Role.DIRECTOR)
    client.force_login(other)

    listed = client.get("/reports/batches/").content.decode()
    statuses = {url: client.get(url).status_code for url in (
        f"/reports/batches/{run.pk}/", f"/reports/batches/{run.pk}/status.json",
        f"/reports/batches/{run.pk}/download/", f"/reports/batches/{run.pk}/files/{item.pk}/",
    )}
    cancel = client.post(f"/reports/batches/{run.pk}/cancel/")

    assert f"/reports/batches/{run.pk}/" not in listed
    assert set(statuses.values()) == {404}, statuses
    assert cancel.status_code == 404
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    # the director who started it still has it
    client.force_login(director)
    assert client.get(f"/reports/batches/{run.pk}/").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client: Any, fy: FiscalYear, director: Any) -> None:
    run = create(director, fy)

    for url in ("/reports/batches/", f"/reports/batches/{run.pk}/", f"/reports/batches/{run.pk}/status.json",
                f"/reports/batches/{run.pk}/download/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_item_file_of_another_run_is_not_served(client: Any, fy: FiscalYear, director: Any, media: Path) -> None:
    run = create(director, fy, scope=ReportRun.Scope.UNIT, org_unit=OrgUnit.objects.get(code="div-3"),
                 fmt=ReportRun.Format.XLSX)
    other = create(director, fy, scope=ReportRun.Scope.UNIT, org_unit=OrgUnit.objects.get(code="div-2"),
                   fmt=ReportRun.Format.XLSX)
    render_all(run)
    client.force_login(director)

    response = client.get(f"/reports/batches/{other.pk}/files/{run.items.get().pk}/")

    assert response.status_code == 404


def test_the_scorecard_page_links_to_batches_for_directors_only(client: Any, director: Any, staff: Any) -> None:
    client.force_login(director)
    assert 'href="/reports/batches/"' in client.get("/reports/scorecard/").content.decode()
    client.force_login(staff)
    assert 'href="/reports/batches/"' not in client.get("/reports/scorecard/").content.decode()


def test_a_director_cancels_a_running_batch_from_its_page(client: Any, fy: FiscalYear, director: Any) -> None:
    run = create(director, fy)
    client.force_login(director)

    response = client.post(f"/reports/batches/{run.pk}/cancel/")

    run.refresh_from_db()
    assert response.status_code == 302 and run.status == ReportRun.Status.CANCELLED
    assert json.loads(client.get(f"/reports/batches/{run.pk}/status.json").content)["finished"] is True
