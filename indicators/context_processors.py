"""Role flags for the page header (which links a user sees)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from indicators.models import Person
from indicators.permissions import is_admin, is_director, person_of


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    person = person_of(user)
    supervisor = person is not None and person.role == Person.Role.SUPERVISOR
    leader = is_admin(user) or is_director(user)
    return {"nav_can_review": leader or supervisor, "nav_can_report": leader}
