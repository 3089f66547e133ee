"""No access leaks (IDOR): every role against every other unit's results, through the pages and their POSTs.

For each result and each user the expected answer comes from the permission rules (indicators/permissions.py):
reads are allowed to admins, directors, the unit's reporters and the indicator's supervisor; entry writes only to
admins and the unit's reporters; review writes only to admins and the indicator's supervisor. A refused request
gets 302 (to login), 403 or 404 and changes nothing in the database.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from indicators.demo_data import DEMO_DIVISION, DEMO_SHELTER
from indicators.models import EvidenceFile, Framework, OrgUnit, Person, Result
from indicators.permissions import can_report_for, can_review, can_view_result, is_director, visible_units
from indicators.services.results import evidence_add
from indicators.tests import evidence_samples

pytestmark = pytest.mark.django_db

PDF = evidence_samples.pdf()  # a real one-page PDF: evidence is parsed, not only recognised
REFUSED = {302, 403, 404}


def _snapshot(result: Result) -> tuple[Any, ...]:
    result.refresh_from_db()
    return (result.status, result.version, result.value, result.numerator, result.denominator,
            result.review_comment_th, result.evidence_files.count())


@pytest.fixture
def world(fy2566, django_user_model):
    """Demo data plus a staff member of another division and a supervisor of nothing."""
    call_command("load_demo_data", stdout=StringIO())
    other_staff = django_user_model.objects.create_user("other_staff", password="x")
    Person.objects.create(user=other_staff, full_name="เจ้าหน้าที่ สลก.", role=Person.Role.STAFF).reporting_units.set(
        [OrgUnit.objects.get(code="div-2")]
    )
    other_supervisor = django_user_model.objects.create_user("other_supervisor", password="x")
    Person.objects.create(user=other_supervisor, full_name="ผู้กำกับดูแลอื่น", role=Person.Role.SUPERVISOR)
    kks = Framework.objects.get(fiscal_year=fy2566, is_demo=True, org_units__code=DEMO_DIVISION)
    # one indicator of the demo division without a supervisor of its own (the definition's, or a fallback, applies)
    kks.assignments.filter(definition__code="ITA").update(supervisor=None)
    results = {
        "kks-budget-submitted": Result.objects.get(org_unit__code=DEMO_DIVISION, assignment__framework=kks,
                                                   assignment__definition__code="BUDGET"),
        "kks-household-draft": Result.objects.get(org_unit__code=DEMO_DIVISION, assignment__framework=kks,
                                                  assignment__definition__code="HOUSEHOLD"),
        "kks-ita-unsupervised": Result.objects.get(org_unit__code=DEMO_DIVISION, assignment__framework=kks,
                                                   assignment__definition__code="ITA"),
        "shelter-improved-submitted": Result.objects.get(org_unit__code=DEMO_SHELTER,
                                                         assignment__definition__code="PMQA_KPI_IMPROVED"),
    }
    admin = django_user_model.objects.get(username="admin")
    evidence = evidence_add(actor=admin, result=results["kks-household-draft"],
                            upload=SimpleUploadedFile("หลักฐาน.pdf", PDF, content_type="application/pdf"))
    users = {name: django_user_model.objects.get(username=name) for name in
             ("admin", "director", "supervisor", "staff_kks", "staff_shelter", "other_staff", "other_supervisor")}
    users["anonymous"] = None
    return {"results": results, "users": users, "evidence": evidence}


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _check(response: Any, allowed: bool, what: str) -> None:
    if allowed:
        assert response.status_code == 200, f"{what}: expected 200, got {response.status_code}"
    else:
        assert response.status_code in REFUSED, f"{what}: expected refusal, got {response.status_code}"


def test_reads_follow_the_permission_rules(world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    evidence = world["evidence"]
    for name, user in world["users"].items():
        client = _client(user)
        for label, result in world["results"].items():
            who = f"{name} → {label}"
            viewer = user is not None and can_view_result(user, result)
            entry = reverse("result-entry", args=[result.round_id, result.org_unit_id, result.assignment_id])
            _check(client.get(entry), viewer, f"{who}: entry page")
            _check(client.get(reverse("result-history", args=[result.pk])), viewer, f"{who}: history")
            reviewer = user is not None and (can_review(user, result) or is_director(user))
            _check(client.get(reverse("review-result", args=[result.pk])), reviewer, f"{who}: review page")
            unit_page = reverse("unit-round", args=[result.round_id, result.org_unit_id])
            sees_unit = user is not None and visible_units(user).filter(pk=result.org_unit_id).exists()
            _check(client.get(unit_page), sees_unit, f"{who}: unit round page")
            preview = client.post(
                reverse("score-preview"),
                {"assignment_id": result.assignment_id, "round_id": result.round_id,
                 "org_unit_id": result.org_unit_id, "value": "50"},
                content_type="application/json",
            )
            assert (preview.status_code == 200) == viewer, f"{who}: score preview {preview.status_code}"
        household = evidence.result
        viewer = user is not None and can_view_result(user, household)
        download = client.get(reverse("evidence-download", args=[evidence.pk]))
        _check(download, viewer, f"{name}: evidence download")
        if viewer:
            assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(b"%PDF")


def test_writes_by_anyone_not_allowed_change_nothing(world):
    for name, user in world["users"].items():
        client = _client(user)
        for label, result in world["results"].items():
            who = f"{name} → {label}"
            writer = user is not None and can_report_for(user, result.org_unit)
            reviewer = user is not None and can_review(user, result)
            entry = reverse("result-entry", args=[result.round_id, result.org_unit_id, result.assignment_id])
            if not writer:
                before = _snapshot(result)
                response = client.post(entry, {"action": "save", "value": "99", "numerator": "1", "denominator": "2",
                                               "version": str(result.version)})
                assert response.status_code in REFUSED, f"{who}: entry POST {response.status_code}"
                response = client.post(entry, {"action": "submit", "version": str(result.version)})
                assert response.status_code in REFUSED, f"{who}: submit POST {response.status_code}"
                upload = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
                response = client.post(reverse("evidence-upload", args=[result.pk]), {"file": upload})
                assert response.status_code in REFUSED, f"{who}: evidence upload {response.status_code}"
                assert _snapshot(result) == before, f"{who}: a refused write changed the result"
            if not reviewer:
                before = _snapshot(result)
                review = reverse("review-result", args=[result.pk])
                for data in ({"action": "approve"}, {"action": "return", "comment": "แก้ไข"},
                             {"action": "reopen", "reason": "ทดสอบ", "until": "2099-01-01"}):
                    response = client.post(review, data)
                    assert response.status_code in REFUSED | {200}, f"{who}: review POST {response.status_code}"
                assert _snapshot(result) == before, f"{who}: a refused review changed the result"
        evidence = world["evidence"]
        if user is None or not can_report_for(user, evidence.result.org_unit):
            response = client.post(reverse("evidence-delete", args=[evidence.pk]))
            assert response.status_code in REFUSED, f"{name}: evidence delete {response.status_code}"
            assert EvidenceFile.objects.filter(pk=evidence.pk).exists()


def test_lists_only_show_what_the_user_may_see(world):
    """The queue lists only supervised results; the unit pages of other units are not reachable."""
    shelter = OrgUnit.objects.get(code=DEMO_SHELTER).name_th
    other = _client(world["users"]["other_supervisor"])
    assert shelter not in other.get(reverse("review-queue")).content.decode()
    supervisor = _client(world["users"]["supervisor"]).get(reverse("review-queue")).content.decode()
    assert shelter in supervisor
    staff = _client(world["users"]["staff_shelter"])
    home = staff.get(reverse("home")).content.decode()
    assert shelter in home
    assert reverse("unit-round", args=[world["results"]["kks-budget-submitted"].round_id,
                                       OrgUnit.objects.get(code=DEMO_DIVISION).pk]) not in home
