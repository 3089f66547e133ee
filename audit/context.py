"""The request being answered (set by AuditRequestMiddleware) and the client address as the lockout sees it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.http import HttpRequest

USER_AGENT_MAX = 300

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    """The request of this thread/task, or None (management commands, Celery tasks, the shell)."""
    return _request.get()


@contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, resolved exactly as the login lockout (django-axes) resolves it when it is installed.

    Axes reads the proxy settings (AXES_CLIENT_IP_CALLABLE / AXES_IPWARE_*): X-Forwarded-For is trusted only when
    they say a proxy is in front. Without axes, the socket's address (REMOTE_ADDR) and nothing a client can forge.
    """
    known = getattr(request, "axes_ip_address", None)
    if known:
        return _valid_ip(known)
    if apps.is_installed("axes"):
        from axes.helpers import get_client_ip_address

        return _valid_ip(get_client_ip_address(request))
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX]
