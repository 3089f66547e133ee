"""Audit rows are written once: the app refuses every change and deletion, PostgreSQL refuses them too, the admin
only lists them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


@pytest.fixture
def event(django_user_model: Any) -> AuditEvent:
    actor = django_user_model.objects.create_user("auditor_subject", password="x-long-pass-phrase-1")
    return audit_record(Action.LOGIN, actor=actor, target=actor, detail={"note": "ต้นฉบับ"})


def test_saving_an_existing_row_is_refused(event):
    event.detail = {"note": "แก้ไข"}
    with pytest.raises(AppendOnlyError, match="แก้ไขหรือลบไม่ได้"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).detail == {"note": "ต้นฉบับ"}


def test_deleting_a_row_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("operation", ["delete", "update", "update_actor", "bulk_update", "update_or_create"])
def test_queryset_changes_are_refused(event, operation):
    events = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AppendOnlyError):
        if operation == "delete":
            events.delete()
        elif operation == "update":
            events.update(action=Action.LOGOUT)
        elif operation == "update_actor":
            events.update(actor_username="someone-else", actor=None)
        elif operation == "bulk_update":
            AuditEvent.objects.bulk_update([event], ["detail"])
        else:
            AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": Action.LOGOUT})
    assert AuditEvent.objects.get(pk=event.pk).action == Action.LOGIN


def test_deleting_the_actor_keeps_the_row_with_the_username_snapshot(event):
    actor = event.actor
    actor.delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.actor is None and kept.actor_username == "auditor_subject"
    assert kept.detail == {"note": "ต้นฉบับ"}


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only (run `bash scripts/test.sh`)"
)


@needs_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'logout' WHERE id = %s",
        "UPDATE audit_auditevent SET detail = '{}'::jsonb WHERE id = %s",
        "UPDATE audit_auditevent SET actor_id = NULL, actor_username = '' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_whoever_connects(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == Action.LOGIN


@needs_postgresql
def test_postgresql_lets_only_the_set_null_of_a_deleted_actor_through(event):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = NULL WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_id is None


# ---- the admin -------------------------------------------------------------------------------------------------


def test_the_admin_lists_filters_and_searches_read_only(admin_client, event):
    changelist = reverse("admin:audit_auditevent_changelist")
    page = admin_client.get(changelist, {"action__exact": "login", "q": "auditor_subject"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "auditor_subject" in html and "บันทึกการตรวจสอบ" in html
    assert "เหตุการณ์" in html  # the Thai filter title

    detail = admin_client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "ต้นฉบับ" in body and 'name="_save"' not in body


@pytest.mark.parametrize("view", ["add", "delete", "post_change"])
def test_the_admin_refuses_add_change_and_delete_even_to_a_superuser(admin_client, event, view):
    if view == "add":
        response = admin_client.get(reverse("admin:audit_auditevent_add"))
    elif view == "delete":
        response = admin_client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    else:
        response = admin_client.post(
            reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "logout", "actor_username": "x"}
        )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == Action.LOGIN


def test_staff_without_the_view_permission_do_not_see_the_log(client, django_user_model, event):
    clerk = django_user_model.objects.create_user("clerk", password="x-long-pass-phrase-1", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403
