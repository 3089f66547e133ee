"""Content-Security-Policy violation reports (the policy's ``report-uri``): each report becomes one log line.

Browsers POST ``{"csp-report": {...}}`` (``application/csp-report``) without cookies' CSRF token, so the view is
CSRF-exempt and needs no login. It stores nothing: a report only logs a warning on the ``dsdw_kpi.csp`` logger with
a few bounded fields, so an anonymous sender can neither grow the database nor write long lines into the log.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("dsdw_kpi.csp")

#: A real report is well under 2 KB; anything larger is refused unread.
MAX_REPORT_BYTES = 16 * 1024
#: Fields of the report that are logged, each cut to FIELD_MAX characters.
LOGGED_FIELDS = (
    "document-uri", "effective-directive", "violated-directive", "blocked-uri", "source-file", "line-number",
    "column-number", "script-sample",
)  # fmt: skip
FIELD_MAX = 300


def _fields(report: dict[str, Any]) -> dict[str, str]:
    return {name: str(report[name])[:FIELD_MAX] for name in LOGGED_FIELDS if report.get(name) not in (None, "")}


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log one violation report; 204 when logged, 400 when it is not a report, 413 when too large."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    body = request.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return HttpResponse(status=400)
    report = payload.get("csp-report") if isinstance(payload, dict) else None
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    fields = _fields(report)
    logger.warning(
        "Content-Security-Policy violation: %s",
        " ".join(f"{name}={value!r}" for name, value in fields.items()),
        extra={"csp_report": fields},
    )
    return HttpResponse(status=204)
