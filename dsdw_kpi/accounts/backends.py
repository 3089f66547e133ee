"""The lockout check in front of Django's ModelBackend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
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


class ModelBackendWithPerson(ModelBackend):
    """Django's ModelBackend, reading the signed-in user's person (role, units' owner) in the same query.

    Every page asks who the user is (``indicators.permissions.person_of``: role, reporting units, supervision):
    joined here, that is one query per request instead of two. A user without a person reads as before
    (``user.person`` raises ``DoesNotExist``).
    """

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("person").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
