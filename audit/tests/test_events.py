"""Every sign-in and account event leaves one audit row with who, what, from where, and old → new values."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
PASSWORD = "a-long-pass-phrase-2566"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120 " + "x" * 400


def rows(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def login(client: Any, username: str, password: str, **extra: Any) -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password},
        REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT=BROWSER, **extra,
    )


@pytest.fixture
def somchai(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("somchai", password=PASSWORD)


@pytest.fixture
def admin_client_of(django_user_model: Any, client: Any) -> Any:
    admin = django_user_model.objects.create_superuser("root_admin", password=PASSWORD)
    client.force_login(admin)
    client.admin = admin
    return client


def test_a_login_and_a_logout_are_recorded_with_address_and_trimmed_user_agent(client, somchai):
    response = login(client, "somchai", PASSWORD)
    assert response.status_code == 302

    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.10")

    [signed_in] = rows(Action.LOGIN)
    assert signed_in.actor == somchai and signed_in.actor_username == "somchai"
    assert signed_in.ip_address == "192.0.2.10"
    assert signed_in.user_agent == BROWSER[:300]
    assert signed_in.target_repr == "somchai"
    [signed_out] = rows(Action.LOGOUT)
    assert signed_out.actor == somchai


def test_a_failed_login_records_the_typed_username_and_never_the_password(client, somchai):
    login(client, "somchai", "wrong-password-1234")

    [failed] = rows(Action.LOGIN_FAILED)
    assert failed.actor is None and failed.actor_username == "somchai"
    assert failed.detail == {"username": "somchai"}
    stored = str(AuditEvent.objects.values_list("detail", "target_repr", "user_agent").get(pk=failed.pk))
    assert "wrong-password" not in stored and "*****" not in stored


def test_x_forwarded_for_is_ignored_without_a_configured_proxy(client, somchai, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    login(client, "somchai", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert rows(Action.LOGIN)[0].ip_address == "192.0.2.10"


def test_x_forwarded_for_is_used_behind_the_configured_proxy(client, somchai, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    login(client, "somchai", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert rows(Action.LOGIN)[0].ip_address == "198.51.100.7"


@pytest.mark.skipif("axes" not in __import__("django.conf").conf.settings.INSTALLED_APPS, reason="axes not installed")
def test_a_lockout_is_recorded_once_and_the_refused_attempts_are_marked(client, somchai, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, "somchai", "wrong-password-1234")
    login(client, "somchai", PASSWORD)  # refused: locked out

    [locked] = rows(Action.LOCKED_OUT)
    assert locked.actor_username == "somchai" and locked.ip_address == "192.0.2.10"
    assert locked.detail == {"username": "somchai", "failures": 3}
    failed = rows(Action.LOGIN_FAILED)
    assert [row.detail.get("locked_out", False) for row in failed] == [False, False, False, True]
    assert not rows(Action.LOGIN)


@pytest.mark.skipif("axes" not in __import__("django.conf").conf.settings.INSTALLED_APPS, reason="axes not installed")
def test_an_unlock_in_the_admin_is_recorded_with_the_admin_as_actor(client, somchai, settings, admin_client_of):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 3
    anonymous = type(client)()
    for _ in range(3):
        login(anonymous, "somchai", "wrong-password-1234")
    attempt = AccessAttempt.objects.get(username="somchai")

    response = admin_client_of.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}, REMOTE_ADDR="192.0.2.50"
    )

    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    [unlocked] = rows(Action.UNLOCKED)
    assert unlocked.actor == admin_client_of.admin and unlocked.ip_address == "192.0.2.50"
    assert unlocked.detail == {"username": "somchai", "locked_ip": "192.0.2.10", "failures": 3, "via": "admin"}
    assert login(client, "somchai", PASSWORD).status_code == 302


def test_a_password_set_by_the_user_is_recorded_without_any_hash(client, somchai):
    client.force_login(somchai)
    old_hash = somchai.password
    somchai.set_password("another-long-phrase-2567")
    somchai.save()

    [changed] = rows(Action.PASSWORD_CHANGED)
    assert changed.target_id == str(somchai.pk) and changed.detail == {"usable": True}
    assert old_hash not in str(changed.detail) and somchai.password not in str(changed.detail)


def test_a_password_set_in_the_admin_is_recorded_with_the_admin_as_actor(admin_client_of, somchai):
    url = reverse("admin:auth_user_password_change", args=[somchai.pk])
    response = admin_client_of.post(
        url, {"password1": "new-admin-set-phrase-2567", "password2": "new-admin-set-phrase-2567",
              "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    [changed] = rows(Action.PASSWORD_CHANGED)
    assert changed.actor == admin_client_of.admin
    assert changed.target_repr == "somchai"


def test_changepassword_on_the_command_line_is_recorded_without_an_actor(somchai, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "command-line-phrase-2567")
    call_command("changepassword", "somchai", stdout=open("/dev/null", "w"))  # noqa: SIM115

    [changed] = rows(Action.PASSWORD_CHANGED)
    assert changed.actor is None and changed.actor_username == "" and changed.ip_address is None


def test_the_silent_rehash_at_login_is_not_a_password_change(django_user_model, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = django_user_model.objects.create_user("rehashed")
    django_user_model.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="md5"))
    user.refresh_from_db()

    assert user.check_password(PASSWORD)  # upgrades the md5 hash to PBKDF2 and saves it

    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert not rows(Action.PASSWORD_CHANGED)


def test_a_last_login_update_costs_no_extra_query(django_assert_num_queries, somchai):
    from django.contrib.auth.models import update_last_login

    with django_assert_num_queries(1):  # the UPDATE of last_login; no audit SELECT
        update_last_login(None, somchai)


def test_user_created_changed_and_deleted_keep_old_and_new_flags(django_user_model):
    user = django_user_model.objects.create_user("newcomer", password=PASSWORD)
    user.is_staff = True
    user.is_superuser = True
    user.save()
    user_pk = user.pk
    user.delete()

    [created] = rows(Action.USER_CREATED)
    assert created.detail == {"username": "newcomer", "is_active": True, "is_staff": False, "is_superuser": False}
    [changed] = rows(Action.USER_CHANGED)
    assert changed.detail == {"is_staff": {"old": False, "new": True}, "is_superuser": {"old": False, "new": True}}
    [deleted] = rows(Action.USER_DELETED)
    assert deleted.target_id == str(user_pk) and deleted.target_repr == "newcomer"
    assert deleted.detail["is_superuser"] is True


def test_a_superuser_grant_in_the_admin_is_attributed(admin_client_of, somchai):
    url = reverse("admin:auth_user_change", args=[somchai.pk])
    response = admin_client_of.post(url, {
        "username": "somchai", "is_active": "on", "is_staff": "on", "is_superuser": "on",
        "date_joined_0": "2566-01-01", "date_joined_1": "09:00:00",
        "last_login_0": "", "last_login_1": "",
    }, REMOTE_ADDR="192.0.2.77")
    assert response.status_code == 302, response.content.decode()[:3000]

    [changed] = rows(Action.USER_CHANGED)
    assert changed.actor == admin_client_of.admin and changed.ip_address == "192.0.2.77"
    assert changed.detail["is_superuser"] == {"old": False, "new": True}
    assert not rows(Action.PASSWORD_CHANGED)


def test_group_membership_changes_from_either_side(somchai):
    editors = Group.objects.create(name="ผู้แก้ไข")
    reviewers = Group.objects.create(name="ผู้ตรวจ")

    somchai.groups.add(editors, reviewers)
    reviewers.user_set.remove(somchai)
    somchai.groups.clear()

    events = rows(Action.GROUPS_CHANGED)
    assert [e.detail for e in events] == [
        {"added": [{"id": editors.pk, "name": "ผู้แก้ไข"}, {"id": reviewers.pk, "name": "ผู้ตรวจ"}]},
        {"removed": [{"id": reviewers.pk, "name": "ผู้ตรวจ"}]},
        {"removed": [{"id": editors.pk, "name": "ผู้แก้ไข"}]},
    ]
    assert {e.target_id for e in events} == {str(somchai.pk)}


def test_user_and_group_permission_changes_are_recorded(somchai):
    permission = Permission.objects.get(codename="change_user")
    group = Group.objects.create(name="ผู้ดูแลบัญชี")

    somchai.user_permissions.add(permission)
    group.permissions.set([permission])
    group.permissions.set([])
    somchai.user_permissions.set([permission])  # unchanged: no row

    [user_perm] = rows(Action.USER_PERMISSIONS_CHANGED)
    assert user_perm.target_id == str(somchai.pk)
    assert user_perm.detail == {"added": [{"id": permission.pk, "name": str(permission)}]}
    assert [e.detail for e in rows(Action.GROUP_PERMISSIONS_CHANGED)] == [
        {"added": [{"id": permission.pk, "name": str(permission)}]},
        {"removed": [{"id": permission.pk, "name": str(permission)}]},
    ]


@pytest.mark.skipif(
    "django_otp.plugins.otp_totp" not in __import__("django.conf").conf.settings.INSTALLED_APPS,
    reason="django-otp not installed",
)
def test_an_otp_device_added_and_removed(somchai):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=somchai, name="โทรศัพท์", confirmed=True)
    device.delete()

    [added] = rows(Action.OTP_DEVICE_ADDED)
    [removed] = rows(Action.OTP_DEVICE_REMOVED)
    assert added.target_id == removed.target_id == str(somchai.pk)
    assert added.detail == {"device": "TOTPDevice", "name": "โทรศัพท์", "confirmed": True}
    assert "key" not in str(added.detail)
