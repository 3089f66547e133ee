"""The lockout check in front of Django's ModelBackend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' check, first in AUTHENTICATION_BACKENDS: a locked login is refused before any password is hashed.

    Every sign-in over the web passes its request (Django's login and admin login views do). A call without one
    (a management command, the shell, a test checking the demo passwords) has no client address to count, so it is
    left to the next backend instead of failing as django-axes does by default.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)  # type: ignore[no-any-return]
