"""Small builders shared by the reporting tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from indicators.models import OrgUnit, Person


def person_user(
    django_user_model: Any, username: str, role: str, units: Sequence[OrgUnit] = (), **flags: Any
) -> Any:
    """A user with a Person of ``role`` reporting for ``units``; ``flags`` go to create_user (e.g. is_staff)."""
    user = django_user_model.objects.create_user(username, password=f"pw-{username}-2566", **flags)
    person = Person.objects.create(user=user, full_name=f"คุณ{username} ทดสอบ", role=role)
    person.reporting_units.set(units)
    return user
