"""Deadline reminders: once per person, unit, round and 'days before' (the ReminderSent row is the guard)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from indicators.models import OrgUnit, Person, ReminderSent, Result, Round
from indicators.notifications import send_reminder
from indicators.selectors import applies_to, framework_for_unit

DONE = (Result.Status.SUBMITTED, Result.Status.APPROVED)


def units_missing_results(round: Round) -> list[tuple[OrgUnit, list[str]]]:
    """Units with reporters whose framework has indicators without a submitted or approved result this round."""
    units = OrgUnit.objects.filter(reporters__isnull=False).distinct().select_related("unit_type")
    out = []
    for unit in units:
        framework = framework_for_unit(org_unit=unit, fiscal_year_id=round.fiscal_year_id)
        if framework is None:
            continue
        done = set(
            Result.objects.filter(org_unit=unit, round=round, status__in=DONE).values_list("assignment_id", flat=True)
        )
        assignments = framework.assignments.select_related("definition").prefetch_related("applies_to_unit_types")
        missing = [
            f"{a.number}. {a.definition.name_th}" for a in assignments
            if applies_to(a, unit) and a.pk not in done and a.definition.kind != "placeholder" and not a.children.exists()
        ]
        if missing:
            out.append((unit, missing))
    return out


def deadline_reminders_send(*, today: dt.date | None = None) -> int:
    """Send the reminders due today; returns how many e-mails went out."""
    today = today or timezone.localdate()
    sent = 0
    days_before = set(settings.REMINDER_DAYS_BEFORE)
    for round in Round.objects.filter(is_open=True, entry_deadline__isnull=False).select_related("fiscal_year"):
        days_left = (round.entry_deadline - today).days
        if days_left not in days_before:
            continue
        kind = f"deadline-{days_left}"
        for unit, missing in units_missing_results(round):
            for person in Person.objects.filter(reporting_units=unit).select_related("user"):
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(person=person, org_unit=unit, round=round, kind=kind)
                        sent += send_reminder(person, round, unit.name_th, missing, days_left, round.entry_deadline,
                                              unit.pk)
                except IntegrityError:
                    continue  # already reminded: nobody gets the same reminder twice
    return sent
