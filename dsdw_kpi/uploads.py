"""A request body that is too large is refused before anything reads it (issue 9: a 300 MB body was spooled first).

Django's own limits act while its multipart parser reads the body: DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields only
and a file is written to a temporary file until the view refuses it. This middleware looks at the declared length
(CONTENT_LENGTH) first and answers the Thai 413 page without touching wsgi.input; a body sent in chunks without a
length is refused the same way (Django would read it as empty). It sits above every middleware that reads the body
(CSRF reads request.POST in process_view), so nothing is parsed, spooled or written to the temporary directory.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from dsdw_kpi.errors import bad_request


def declared_length(request: HttpRequest) -> int | None:
    """The body length the client declared; None when it sent a body without one (chunked), 0 when there is none."""
    raw = request.META.get("CONTENT_LENGTH") or ""
    if raw.strip():
        try:
            return max(int(raw), 0)
        except ValueError:
            return None
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    return 0


def request_limit() -> int:
    return int(settings.UPLOAD_MAX_REQUEST_BYTES)


class RequestSizeLimitMiddleware:
    """413 (Thai page, on the base template) for a body over UPLOAD_MAX_REQUEST_BYTES or of unknown length."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        limit = request_limit()
        if length is None or length > limit:
            # The unread body is the server's to discard (WSGI forbids the application a Connection header); the web
            # server in front refuses such a body before it reaches the application (docs/deployment.md).
            return bad_request(request, RequestDataTooBig("request body over UPLOAD_MAX_REQUEST_BYTES"), limit=limit)
        return self.get_response(request)
