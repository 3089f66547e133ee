"""Writing audit rows: one INSERT each, in the caller's transaction (a rolled-back change leaves no row)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from audit.context import client_ip, current_request, user_agent
from audit.models import AuditEvent

REPR_MAX = 300
USERNAME_MAX = 150
Action = AuditEvent.Action

#: Download kinds that are evidence files; every other kind is a document.
EVIDENCE_KIND = "evidence"


def _authenticated(user: Any) -> Any | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def audit_record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any | None = None,
    actor_username: str | None = None,
    target: models.Model | None = None,
    target_repr: str | None = None,
    detail: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event. Actor, address and user agent default to the current request's (None outside one)."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        actor = _authenticated(getattr(request, "user", None))
    event = AuditEvent(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_username=(actor_username if actor_username is not None else (actor.get_username() if actor else ""))[
            :USERNAME_MAX
        ],
        ip_address=ip_address or (client_ip(request) if request is not None else None),
        user_agent=user_agent(request) if request is not None else "",
        detail=dict(detail or {}),
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)
        event.target_repr = (target_repr if target_repr is not None else str(target))[:REPR_MAX]
    elif target_repr:
        event.target_repr = target_repr[:REPR_MAX]
    event.save(force_insert=True)
    return event


def record_download(
    request: HttpRequest,
    *,
    kind: str,
    target: models.Model,
    filename: str = "",
    target_repr: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """One download of a document (scorecard, book, agreement, batch ZIP …) or of an evidence file (kind "evidence")."""
    action = Action.EVIDENCE_DOWNLOADED if kind == EVIDENCE_KIND else Action.DOCUMENT_DOWNLOADED
    return audit_record(
        action,
        request=request,
        target=target,
        target_repr=target_repr,
        detail={"kind": kind, "file": filename, **detail},
    )
