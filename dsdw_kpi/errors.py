"""Error pages in Thai on the site's base template (Django's own 400 page is English and plain)."""

from __future__ import annotations

from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def bad_request(request: HttpRequest, exception: Exception | None = None, *, limit: int | None = None) -> HttpResponse:
    """handler400: a request too large (413) or with too many fields/files, or otherwise malformed (400).

    The posted data is gone by now (Django refused to read it); the page says so in Thai and leads back to the form,
    where the browser's copy of the typed text (static/indicators/js/limits.js) is put back. ``limit`` (bytes) is
    given when the request was refused by its declared size before reading, and is then named on the page.
    """
    too_large = isinstance(exception, RequestDataTooBig)
    too_many = isinstance(exception, (TooManyFieldsSent, TooManyFilesSent))
    back = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 for a Host header not in ALLOWED_HOSTS must not become a 500 here
        host = ""
    if not host or not url_has_allowed_host_and_scheme(back, allowed_hosts={host}, require_https=request.is_secure()):
        back = ""
    if not back and request.method == "POST" and request.path != "/":
        back = request.path  # the entry page posts to its own address
    status = 413 if too_large else 400
    return render(request, "400.html", {
        "too_large": too_large, "too_many": too_many, "back": back or reverse("home"),
        "limit_mb": f"{limit / (1024 * 1024):,.0f}" if limit else "",  # the request limit (dsdw_kpi/uploads.py)
    }, status=status)
