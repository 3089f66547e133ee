"""Signal handlers that write the audit rows: sign-in, lockout, accounts, rights, unit assignments, OTP devices.

Everything is connected in ``connect()`` (AuditConfig.ready). The domain's Person model is looked up through the app
registry, so this app imports nothing of indicators or reporting (.importlinter); axes and django-otp are connected
only when they are installed apps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from audit.context import client_ip, current_request
from audit.services import USERNAME_MAX, Action, audit_record

USER_FIELDS = ("username", "is_active", "is_staff", "is_superuser")
_OLD = "_audit_old"
_CLEARED = "_audit_cleared"


def _value(obj: models.Model | None) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {key: {"old": old[key], "new": new[key]} for key in new if old.get(key) != new[key]}


# ---- sign-in ---------------------------------------------------------------------------------------------------


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(Action.LOGIN, request=request, actor=user, target=user)


def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(Action.LOGOUT, request=request, actor=user, target=user)


def _on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """The typed username only: Django has already masked the password, and none is ever stored here."""
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")[:USERNAME_MAX]
    detail: dict[str, Any] = {"username": username}
    if getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", None) is None:
        detail["locked_out"] = True  # refused during a lockout: the password was not even checked
    audit_record(Action.LOGIN_FAILED, request=request, actor_username=username, detail=detail)


def _on_locked_out(sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    """axes: the failure limit was just reached. axes sends this again for every attempt refused while the lockout
    lasts; those attempts are already rows of their own (failed login, ``locked_out`` in the detail), so only the
    start of a lockout, the one that carries the failure count, is a lockout row."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    name = str(username or "")[:USERNAME_MAX]
    audit_record(
        Action.LOCKED_OUT, request=request, actor_username=name, ip_address=ip_address,
        detail={"username": name, "failures": failures},
    )


def _failure_limit() -> int | None:
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 3)
    return limit if isinstance(limit, int) else None


def _unlock_path(request: HttpRequest | None) -> str:
    if request is None:
        return "command"
    try:
        admin_root = reverse("admin:index")
    except NoReverseMatch:
        admin_root = "/admin/"
    return "admin" if request.path.startswith(admin_root) else "expired"


def _on_access_attempt_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An axes record of a locked-out client removed: an unlock in the admin, by `axes_reset`, or at expiry."""
    limit = _failure_limit()
    if limit is not None and (instance.failures_since_start or 0) < limit:
        return
    request = current_request()
    audit_record(
        Action.UNLOCKED,
        request=request,
        target_repr=f"{instance.username or ''} @ {instance.ip_address or ''}".strip(),
        detail={
            "username": instance.username or "",
            "locked_ip": instance.ip_address or "",
            "failures": instance.failures_since_start,
            "via": _unlock_path(request),
        },
    )


# ---- accounts --------------------------------------------------------------------------------------------------


def _user_snapshot(user: Any) -> dict[str, Any]:
    return {field: getattr(user, field) for field in USER_FIELDS}


def _on_user_pre_save(sender: Any, instance: Any, raw: bool = False, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
    """Keep the stored hash and flags of an existing user (one SELECT, skipped by saves that touch neither)."""
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not ({"password", *USER_FIELDS} & set(update_fields)):
        return
    stored = sender._base_manager.using(instance._state.db or "default").filter(pk=instance.pk).values(
        "password", *USER_FIELDS
    ).first()
    setattr(instance, _OLD, stored)


def _password_changed(user: Any, old_hash: str, update_fields: Iterable[str] | None) -> bool:
    """A new hash, except the silent re-hash Django does at login when the hasher's parameters changed."""
    if user.password == old_hash:
        return False
    rehash_at_login = user._password is None and update_fields is not None and set(update_fields) == {"password"}
    return not rehash_at_login


def _on_user_post_save(sender: Any, instance: Any, created: bool, raw: bool = False, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
    if raw:
        return
    if created:
        audit_record(Action.USER_CREATED, target=instance, detail=_user_snapshot(instance))
        return
    old = instance.__dict__.pop(_OLD, None)
    if old is None:
        return
    if _password_changed(instance, old["password"], update_fields):
        audit_record(Action.PASSWORD_CHANGED, target=instance, detail={"usable": instance.has_usable_password()})
    changes = _changes(old, _user_snapshot(instance))
    if changes:
        audit_record(Action.USER_CHANGED, target=instance, detail=changes)


def _on_user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    request = current_request()
    user = getattr(request, "user", None) if request is not None else None
    if request is not None and getattr(user, "pk", None) == instance.pk:
        # Deleting one's own account: the row keeps the name and address only (the account row is gone).
        audit_record(
            Action.USER_DELETED, request=None, actor_username=instance.get_username(), ip_address=client_ip(request),
            target=instance, detail=_user_snapshot(instance),
        )
        return
    audit_record(Action.USER_DELETED, request=request, target=instance, detail=_user_snapshot(instance))


# ---- many-to-many: groups, permissions, reporting units ---------------------------------------------------------


def _linked_ids(through: type[models.Model], from_model: type[models.Model], to_model: type[models.Model], pk: Any) -> set[Any]:
    """Ids on the ``to_model`` side linked to ``pk`` of ``from_model`` in the through table."""
    from_field = next(f for f in through._meta.fields if f.is_relation and f.related_model is from_model)
    to_field = next(f for f in through._meta.fields if f.is_relation and f.related_model is to_model)
    return set(through._default_manager.filter(**{from_field.attname: pk}).values_list(to_field.attname, flat=True))


def _m2m_handler(owner_model: type[models.Model], record_action: str) -> Any:
    """Record additions/removals per owner (user, group, person), whichever side of the relation was changed."""

    def handler(sender: Any, instance: Any, action: str = "", reverse: bool = False, model: Any = None, pk_set: set[Any] | None = None, **kwargs: Any) -> None:
        signal_action = action
        if signal_action == "pre_clear":
            setattr(instance, _CLEARED, _linked_ids(sender, type(instance)._meta.concrete_model, model, instance.pk))
            return
        if signal_action not in ("post_add", "post_remove", "post_clear"):
            return
        ids = set(pk_set or ()) if signal_action != "post_clear" else set(instance.__dict__.pop(_CLEARED, set()))
        if not ids:
            return
        key = "added" if signal_action == "post_add" else "removed"
        if not reverse:
            items = [_value(obj) for obj in model._base_manager.filter(pk__in=ids).order_by("pk")]
            audit_record(record_action, target=instance, detail={key: items})
            return
        item = [_value(instance)]
        for owner in owner_model._base_manager.filter(pk__in=ids).order_by("pk"):
            audit_record(record_action, target=owner, detail={key: item})

    return handler


# ---- people and their units ------------------------------------------------------------------------------------


def _person_snapshot(person: Any) -> dict[str, Any]:
    return {
        "org_unit": person.org_unit_id,
        "role": person.role,
        "user": person.user_id,
    }


def _named(model: type[models.Model], ids: Iterable[Any]) -> dict[Any, dict[str, Any] | None]:
    wanted = {pk for pk in ids if pk is not None}
    found = {obj.pk: _value(obj) for obj in model._base_manager.filter(pk__in=wanted)} if wanted else {}
    return {pk: found.get(pk) for pk in wanted}


def _on_person_pre_save(sender: Any, instance: Any, raw: bool = False, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not ({"org_unit", "org_unit_id", "role", "user", "user_id"} & set(update_fields)):
        return
    stored = sender._base_manager.filter(pk=instance.pk).values("org_unit_id", "role", "user_id").first()
    if stored is not None:
        setattr(instance, _OLD, {"org_unit": stored["org_unit_id"], "role": stored["role"], "user": stored["user_id"]})


def _readable_person_changes(sender: Any, changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Ids become {id, name}; the role its code (the Thai label is in the Person model's choices)."""
    unit_model = sender._meta.get_field("org_unit").related_model
    if "org_unit" in changes:
        names = _named(unit_model, changes["org_unit"].values())
        changes["org_unit"] = {side: names.get(pk) for side, pk in changes["org_unit"].items()}
    if "user" in changes:
        names = _named(get_user_model(), changes["user"].values())
        changes["user"] = {side: names.get(pk) for side, pk in changes["user"].items()}
    return changes


def _on_person_post_save(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    new = _person_snapshot(instance)
    if created:
        old: dict[str, Any] = dict.fromkeys(new)
    else:
        stored = instance.__dict__.pop(_OLD, None)
        if stored is None:
            return
        old = stored
    changes = _changes(old, new)
    if changes:
        audit_record(Action.PERSON_ASSIGNMENT_CHANGED, target=instance, detail=_readable_person_changes(sender, changes))


def _on_person_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    changes = {key: {"old": value, "new": None} for key, value in _person_snapshot(instance).items() if value}
    if changes:
        audit_record(Action.PERSON_ASSIGNMENT_CHANGED, target=instance, detail=_readable_person_changes(sender, changes))


# ---- OTP devices -----------------------------------------------------------------------------------------------


def _device_detail(device: Any) -> dict[str, Any]:
    return {"device": type(device).__name__, "name": device.name, "confirmed": bool(device.confirmed)}


def _on_device_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        audit_record(Action.OTP_DEVICE_ADDED, target=instance.user, detail=_device_detail(instance))


def _on_device_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    user = get_user_model()._base_manager.filter(pk=instance.user_id).first()
    audit_record(
        Action.OTP_DEVICE_REMOVED, target=user, target_repr=None if user else str(instance.user_id),
        detail=_device_detail(instance),
    )


# ---- wiring ----------------------------------------------------------------------------------------------------


def _connect_optional() -> None:
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt
        from axes.signals import user_locked_out

        user_locked_out.connect(_on_locked_out, dispatch_uid="audit.locked_out")
        post_delete.connect(_on_access_attempt_deleted, sender=AccessAttempt, dispatch_uid="audit.axes_unlock")
    if apps.is_installed("django_otp"):
        from django_otp.models import Device

        for model in apps.get_models():
            if issubclass(model, Device):
                post_save.connect(_on_device_saved, sender=model, dispatch_uid=f"audit.otp_add.{model._meta.label}")
                post_delete.connect(_on_device_deleted, sender=model, dispatch_uid=f"audit.otp_del.{model._meta.label}")


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(_on_login, dispatch_uid="audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit.login_failed")
    pre_save.connect(_on_user_pre_save, sender=user_model, dispatch_uid="audit.user_pre")
    post_save.connect(_on_user_post_save, sender=user_model, dispatch_uid="audit.user_post")
    post_delete.connect(_on_user_deleted, sender=user_model, dispatch_uid="audit.user_del")
    relations: list[tuple[Any, type[models.Model], str]] = [
        (user_model.groups.through, user_model, Action.GROUPS_CHANGED),
        (user_model.user_permissions.through, user_model, Action.USER_PERMISSIONS_CHANGED),
        (Group.permissions.through, Group, Action.GROUP_PERMISSIONS_CHANGED),
    ]
    if apps.is_installed("indicators"):
        person = apps.get_model("indicators", "Person")
        pre_save.connect(_on_person_pre_save, sender=person, dispatch_uid="audit.person_pre")
        post_save.connect(_on_person_post_save, sender=person, dispatch_uid="audit.person_post")
        post_delete.connect(_on_person_deleted, sender=person, dispatch_uid="audit.person_del")
        relations.append((person.reporting_units.through, person, Action.REPORTING_UNITS_CHANGED))
    for through, owner, action in relations:
        m2m_changed.connect(_m2m_handler(owner, action), sender=through, weak=False, dispatch_uid=f"audit.m2m.{action}")
    _connect_optional()

