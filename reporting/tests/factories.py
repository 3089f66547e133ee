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
def broker_down(app: Any) -> Iterator[None]:
    """This process's Celery broker is unreachable (nothing listens on port 9) while the block runs; the worker's is
    untouched. A pool of its own is made and thrown away, so later tests get the real broker's pool back."""
    # The settings' key (namespace CELERY) is what the app reads; tests may have patched it (eager_celery).
    saved = (app.conf.broker_url, app.conf.get("CELERY_TASK_ALWAYS_EAGER"), app._pool)
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app.conf["CELERY_TASK_ALWAYS_EAGER"] = False
    app._pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf["CELERY_TASK_ALWAYS_EAGER"], app._pool = saved
