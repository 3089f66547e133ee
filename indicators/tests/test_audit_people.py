"""The audit log keeps who may report for, supervise, or belongs to which unit, and every evidence download."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.context import request_context
from audit.models import AuditEvent
from indicators.models import EvidenceFile, Framework, OrgUnit, Person, Result, Round
from indicators.storage import private_storage

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def rows(action: str, target: Any = None) -> list[AuditEvent]:
    """This test's rows (the reference data loaded for the session has rows of its own)."""
    events = AuditEvent.objects.filter(action=action).order_by("id")
    return list(events.filter(target_id=str(target.pk)) if target is not None else events)


def unit(code: str) -> dict[str, Any]:
    org_unit = OrgUnit.objects.get(code=code)
    return {"id": org_unit.pk, "name": str(org_unit)}


def test_a_new_person_records_unit_role_and_account(django_user_model):
    account = django_user_model.objects.create_user("kanya", password="pw-kanya-2566-long")
    person = Person.objects.create(
        user=account, full_name="กัญญา ทดสอบ", role=Person.Role.STAFF, org_unit=OrgUnit.objects.get(code="div-3")
    )

    [created] = rows(Action.PERSON_ASSIGNMENT_CHANGED, person)
    assert created.target_id == str(person.pk) and created.target_repr == "กัญญา ทดสอบ"
    assert created.detail == {
        "org_unit": {"old": None, "new": unit("div-3")},
        "role": {"old": None, "new": "staff"},
        "user": {"old": None, "new": {"id": account.pk, "name": "kanya"}},
    }


def test_a_move_to_another_unit_and_a_new_role_keep_old_and_new():
    person = Person.objects.create(full_name="สมศรี ทดสอบ", role=Person.Role.STAFF, org_unit=OrgUnit.objects.get(code="div-3"))

    person.org_unit = OrgUnit.objects.get(code="div-2")
    person.role = Person.Role.SUPERVISOR
    person.save()
    person.full_name = "สมศรี ทดสอบ (ย้าย)"
    person.save()  # a name change is in the model's history, not an assignment

    changes = rows(Action.PERSON_ASSIGNMENT_CHANGED, person)
    assert len(changes) == 2
    assert changes[1].detail == {
        "org_unit": {"old": unit("div-3"), "new": unit("div-2")},
        "role": {"old": "staff", "new": "supervisor"},
    }


def test_reporting_units_added_and_removed_during_a_request_name_its_user(rf, admin_user):
    person = Person.objects.create(full_name="มานี ทดสอบ", role=Person.Role.STAFF)
    request = rf.post("/admin/indicators/person/", REMOTE_ADDR="192.0.2.40")
    request.user = admin_user

    with request_context(request):
        person.reporting_units.set([OrgUnit.objects.get(code="div-3")])
        person.reporting_units.remove(OrgUnit.objects.get(code="div-3"))
        OrgUnit.objects.get(code="div-2").reporters.add(person)  # from the unit's side

    events = rows(Action.REPORTING_UNITS_CHANGED, person)
    assert [e.detail for e in events] == [
        {"added": [unit("div-3")]},
        {"removed": [unit("div-3")]},
        {"added": [unit("div-2")]},
    ]
    assert {(e.target_id, e.actor_id, e.ip_address) for e in events} == {(str(person.pk), admin_user.pk, "192.0.2.40")}


def test_clearing_reporting_units_lists_what_was_removed():
    person = Person.objects.create(full_name="ชูใจ ทดสอบ", role=Person.Role.STAFF)
    person.reporting_units.set([OrgUnit.objects.get(code="div-3"), OrgUnit.objects.get(code="div-2")])

    person.reporting_units.clear()

    cleared = rows(Action.REPORTING_UNITS_CHANGED, person)[-1]
    assert sorted(item["id"] for item in cleared.detail["removed"]) == sorted(
        OrgUnit.objects.filter(code__in=["div-2", "div-3"]).values_list("pk", flat=True)
    )


@pytest.fixture
def evidence(settings: Any, tmp_path: Any, monkeypatch: Any, kks_framework: Framework, round1: Round) -> EvidenceFile:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setattr(EvidenceFile._meta.get_field("file"), "storage", private_storage())
    result = Result.objects.create(
        assignment=kks_framework.assignments.order_by("order").first(), org_unit=OrgUnit.objects.get(code="div-3"),
        round=round1,
    )
    content = b"%PDF-1.4 evidence"
    return EvidenceFile.objects.create(
        result=result, file=ContentFile(content, name="x.pdf"), original_name="คำสั่งแต่งตั้ง.pdf",
        content_type="application/pdf", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
    )


def test_an_evidence_download_is_one_audit_row(client, admin_user, evidence):
    client.force_login(admin_user)

    response = client.get(reverse("evidence-download", args=[evidence.pk]), REMOTE_ADDR="192.0.2.31")

    assert response.status_code == 200
    [download] = rows(Action.EVIDENCE_DOWNLOADED)
    assert download.actor == admin_user and download.ip_address == "192.0.2.31"
    assert download.target_id == str(evidence.pk) and download.target_repr == "คำสั่งแต่งตั้ง.pdf"
    assert download.detail == {
        "kind": "evidence", "file": "คำสั่งแต่งตั้ง.pdf", "result": evidence.result_id, "size": evidence.size,
    }


def test_an_evidence_download_refused_leaves_no_row(client, django_user_model, evidence):
    outsider = django_user_model.objects.create_user("outsider", password="pw-outsider-2566")
    client.force_login(outsider)
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404
    assert not rows(Action.EVIDENCE_DOWNLOADED)
