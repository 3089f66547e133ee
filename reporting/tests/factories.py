"""Small builders shared by the reporting tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


@contextmanager
def broker_down(app: Any) -> Iterator[None]:  # noqa: ARG001 - callers name the app they mean: the project's
    """This process's Celery broker is unreachable (nothing listens on port 9) while the block runs; the worker's is
    untouched. outbox.testing.use_broker swaps what the app really reads (the settings' key and both pools)."""
    from outbox.testing import use_broker

    with use_broker("redis://127.0.0.1:9/0"):
        yield
