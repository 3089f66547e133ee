"""Deadline reminders: once per person, unit, round and reminder (the ReminderSent row is the guard).

settings.REMINDER_DAYS_BEFORE = (7, 3, 1): a unit with indicators not yet submitted hears 7, 3 and 1 day(s) before
the round's entry deadline. The task runs daily (Celery beat). A reminder missed because the task did not run that
day goes out on the next run (only the most urgent one due); a new deadline (an admin reopened the round) starts a
new series, since the deadline is part of the reminder's kind.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from indicators.models import Assignment, OrgUnit, Person, ReminderSent, Result, Round
from indicators.notifications import address_of, send_reminder
from indicators.selectors import applies_to, framework_for_unit

logger = logging.getLogger(__name__)
DONE = (Result.Status.SUBMITTED, Result.Status.APPROVED)


def reminder_due(days_left: int, days_before: tuple[int, ...] | list[int]) -> int | None:
    """The 'days before' reminder due when `days_left` days remain (0 = deadline day), or None.

    The most urgent reminder whose day has come: with (7, 3, 1), 7..4 days left → 7, 3..2 → 3, 1..0 → 1.
    """
    if days_left < 0:
        return None
    due = [days for days in days_before if days >= days_left]
    return min(due) if due else None


def reminder_kind(days_before: int, deadline: dt.date) -> str:
    return f"deadline-{days_before}-{deadline.isoformat()}"


def units_missing_results(round: Round) -> list[tuple[OrgUnit, list[str]]]:
    """Units with reporters whose framework has indicators without a submitted or approved result this round."""
    units = (
        OrgUnit.objects.filter(reporters__isnull=False).distinct().select_related("unit_type").order_by("order", "pk")
    )
    assignments = Assignment.objects.select_related("definition").prefetch_related(
        "applies_to_unit_types", Prefetch("children", queryset=Assignment.objects.only("pk", "parent_id"))
    ).order_by("order", "number")
    out = []
    for unit in units:
        if not unit.is_valid_in(round.fiscal_year.be_year):
            continue
        framework = framework_for_unit(org_unit=unit, fiscal_year_id=round.fiscal_year_id)
        if framework is None:
            continue
        done = set(
            Result.objects.filter(org_unit=unit, round=round, status__in=DONE).values_list("assignment_id", flat=True)
        )
        missing = [
            f"{a.number}. {a.definition.name_th}" if a.number else a.definition.name_th
            for a in assignments.filter(framework=framework)
            if applies_to(a, unit) and a.pk not in done and a.definition.kind != "placeholder"
            and not a.children.all()
        ]
        if missing:
            out.append((unit, missing))
    return out


def deadline_reminders_send(*, today: dt.date | None = None) -> int:
    """Send the reminders due today; returns how many e-mails went out. Safe to run any number of times."""
    today = today or timezone.localdate()
    sent = 0
    days_before = tuple(settings.REMINDER_DAYS_BEFORE)
    rounds = Round.objects.filter(is_open=True, entry_deadline__gte=today).select_related("fiscal_year")
    for round in rounds:
        assert round.entry_deadline is not None
        days_left = (round.entry_deadline - today).days
        due = reminder_due(days_left, days_before)
        if due is None:
            continue
        kind = reminder_kind(due, round.entry_deadline)
        for unit, missing in units_missing_results(round):
            people = Person.objects.filter(reporting_units=unit).select_related("user").order_by("pk")
            for person in people:
                if not address_of(person):
                    continue  # no e-mail: nothing recorded, so they hear once an address is added (if still due)
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(person=person, org_unit=unit, round=round, kind=kind)
                        sent += send_reminder(person, round, unit.name_th, missing, days_left, round.entry_deadline,
                                              unit.pk)
                except IntegrityError:
                    continue  # already reminded: nobody gets the same reminder twice
                except OSError:
                    # the mail server refused: the row was rolled back, so the next run tries again
                    logger.exception("reminder %s to person %s for unit %s not sent", kind, person.pk, unit.pk)
    return sent
