"""The client's address for the lockout (and anyone else who needs it), trusting proxies only when configured."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n > 0 the n-th address from the right of X-Forwarded-For.

    Each proxy appends the address it received the request from, so the entries left of the last n were written by
    the client itself and are never trusted. With no proxy configured the header is ignored: anyone could forge it
    to escape the per-address lockout.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
