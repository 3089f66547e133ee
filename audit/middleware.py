"""Keeps the current request available to the audit signal handlers (actor, address, user agent)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import request_context


class AuditRequestMiddleware:
    """Place after AuthenticationMiddleware; the actor is read from ``request.user`` only when an event is written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request):
            return self.get_response(request)
