"""Who may do what: one place for the role checks that services and views share."""

from __future__ import annotations

from typing import Any

from indicators.models.org import Person


def person_of(user: Any) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person  # type: ignore[no-any-return]
    except Person.DoesNotExist:
        return None


def is_admin(user: Any) -> bool:
    """Superusers and people with the admin role (กลุ่มพัฒนาระบบบริหาร)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    person = person_of(user)
    return person is not None and person.role == Person.Role.ADMIN
