"""GET /healthz/ for load balancers, systemd and monitoring: no login, no session, no template."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops.health import health_report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker and a recent worker heartbeat are all there, else 503."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
