"""Thai e-mails about results: to the supervisor on submission, to the reporters on return, deadline reminders.

Each function sends one message and returns how many went out (0 when nobody has an address); callers are the
Celery tasks in indicators/tasks.py. Links are absolute, built from settings.SITE_URL.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from indicators.models import Person, Result, Round
from indicators.permissions import person_of
from indicators.templatetags.thai_dates import thai_date

logger = logging.getLogger(__name__)
SUBJECT_PREFIX = "[DSDW KPI]"


def address_of(person: Person | None) -> str:
    """The person's e-mail, else their account's; nobody whose account was switched off."""
    if person is None:
        return ""
    user = person.user if person.user_id else None
    if user is not None and not user.is_active:
        return ""
    return person.email or (user.email if user is not None else "")


def _addresses(people: Iterable[Person]) -> list[str]:
    seen: dict[str, None] = {}
    for person in people:
        address = address_of(person)
        if address and address.lower() not in {a.lower() for a in seen}:
            seen[address] = None
    return list(seen)


def _link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _one_line(text: str, limit: int = 80) -> str:
    """Subjects must be one line (a newline in a header is refused); long Thai names are cut at a space if possible."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def _indicator(result: Result) -> str:
    number = f"{result.assignment.number}. " if result.assignment.number else ""
    return f"{number}{' '.join(result.assignment.definition.name_th.split())}"


def _name(user: Any) -> str:
    if user is None:
        return ""
    person = person_of(user)
    return person.full_name if person is not None else str(user.username)


def supervisor_of(result: Result) -> Person | None:
    """The assignment's supervisor, else the indicator definition's (same rule as permissions.supervises)."""
    return result.assignment.supervisor or result.assignment.definition.supervisor


def reporters_of(result: Result) -> list[Person]:
    """Everyone who reports for the result's unit, and whoever submitted it."""
    people = list(Person.objects.filter(reporting_units=result.org_unit).select_related("user"))
    if result.submitted_by_id:
        submitter = Person.objects.filter(user_id=result.submitted_by_id).select_related("user").first()
        if submitter and submitter not in people:
            people.append(submitter)
    return people


def send_submitted(result: Result) -> int:
    """To the supervisor: a unit submitted a result for review."""
    supervisor = supervisor_of(result)
    to = address_of(supervisor)
    if not to:
        logger.warning("result %s submitted but its supervisor has no e-mail address", result.pk)
        return 0
    assert supervisor is not None
    submitter = _name(result.submitted_by)
    body = (
        f"เรียน {supervisor.full_name}\n\n"
        f"{result.org_unit.name_th} ส่งผลการดำเนินงานตัวชี้วัด\n"
        f"  {_indicator(result)}\n"
        f"  {result.round}\n"
        + (f"  ส่งโดย {submitter}\n" if submitter else "")
        + "เพื่อให้ท่านพิจารณาอนุมัติหรือส่งกลับแก้ไข\n\n"
        f"เปิดผลการดำเนินงานนี้: {_link(reverse('review-result', args=[result.pk]))}\n"
        f"รายการทั้งหมดที่รอพิจารณา: {_link(reverse('review-queue'))}\n"
    )
    subject = f"{SUBJECT_PREFIX} รอพิจารณา: {_one_line(_indicator(result), 60)} — {_one_line(result.org_unit.name_th, 50)}"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def send_returned(result: Result) -> int:
    """To the unit's reporters: the supervisor returned a result, with the comment and a link to fix it."""
    to = _addresses(reporters_of(result))
    if not to:
        logger.warning("result %s returned but nobody who reports for unit %s has an e-mail address",
                       result.pk, result.org_unit_id)
        return 0
    reviewer = _name(result.reviewed_by)
    entry = reverse("result-entry", args=[result.round_id, result.org_unit_id, result.assignment_id])
    body = (
        f"เรียน ผู้รายงานผลของ{result.org_unit.name_th}\n\n"
        f"ผลการดำเนินงานตัวชี้วัด\n"
        f"  {_indicator(result)}\n"
        f"  {result.round}\n"
        f"ถูกส่งกลับให้แก้ไข{f'โดย {reviewer}' if reviewer else ''}\n\n"
        f"ความเห็นของผู้กำกับดูแล:\n{result.review_comment_th}\n\n"
        f"แก้ไขและส่งใหม่ได้ที่: {_link(entry)}\n"
    )
    subject = f"{SUBJECT_PREFIX} ส่งกลับแก้ไข: {_one_line(_indicator(result), 60)} — {_one_line(result.org_unit.name_th, 50)}"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def send_reminder(person: Person, round: Round, unit_name: str, missing: Iterable[str], days_left: int,
                  deadline: dt.date, unit_id: int) -> int:
    """To one reporter: the round's deadline is near and these indicators of their unit are not submitted yet."""
    to = address_of(person)
    if not to:
        return 0
    lines = "\n".join(f"  - {name}" for name in missing)
    if days_left <= 0:
        when = f"วันนี้ ({thai_date(deadline)}) เป็นวันสุดท้ายของการส่งผลการดำเนินงาน {round}"
    else:
        when = f"อีก {days_left} วันจะถึงกำหนดส่งผลการดำเนินงาน {round} (ภายในวันที่ {thai_date(deadline)})"
    body = (
        f"เรียน {person.full_name}\n\n"
        f"{when}\n"
        f"{unit_name} ยังไม่ได้ส่งผลของตัวชี้วัดต่อไปนี้\n{lines}\n\n"
        f"รายงานผลได้ที่: {_link(reverse('unit-round', args=[round.pk, unit_id]))}\n"
    )
    if days_left <= 0:
        subject = f"{SUBJECT_PREFIX} วันนี้วันสุดท้าย: ส่งผลการดำเนินงาน {round}"
    else:
        subject = f"{SUBJECT_PREFIX} อีก {days_left} วันถึงกำหนดส่งผลการดำเนินงาน {round}"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
