"""Thai e-mails about results: to the supervisor on submission, to the reporter on return, deadline reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from indicators.models import Person, Result, Round
from indicators.templatetags.thai_dates import thai_date


def _address(person: Person | None) -> str:
    if person is None:
        return ""
    return person.email or (person.user.email if person.user_id and person.user else "")


def _link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def supervisor_of(result: Result) -> Person | None:
    return result.assignment.supervisor or result.assignment.definition.supervisor


def reporters_of(result: Result) -> list[Person]:
    people = list(Person.objects.filter(reporting_units=result.org_unit).select_related("user"))
    if result.submitted_by_id:
        submitter = Person.objects.filter(user_id=result.submitted_by_id).select_related("user").first()
        if submitter and submitter not in people:
            people.append(submitter)
    return people


def send_submitted(result: Result) -> int:
    supervisor = supervisor_of(result)
    to = _address(supervisor)
    if not to:
        return 0
    definition = result.assignment.definition
    body = (
        f"เรียน {supervisor.full_name if supervisor else ''}\n\n"
        f"{result.org_unit.name_th} ส่งผลการดำเนินงานตัวชี้วัด\n"
        f"  {result.assignment.number}. {definition.name_th}\n"
        f"  {result.round}\n"
        f"เพื่อให้ท่านพิจารณาอนุมัติหรือส่งกลับแก้ไข\n\n"
        f"เปิดรายการที่รอพิจารณา: {_link(reverse('review-result', args=[result.pk]))}\n"
    )
    return send_mail(f"[DSDW KPI] ผลการดำเนินงานรอพิจารณา: {definition.name_th[:60]}", body,
                     settings.DEFAULT_FROM_EMAIL, [to])


def send_returned(result: Result) -> int:
    to = [address for address in (_address(p) for p in reporters_of(result)) if address]
    if not to:
        return 0
    definition = result.assignment.definition
    body = (
        f"ผลการดำเนินงานตัวชี้วัด {result.assignment.number}. {definition.name_th}\n"
        f"ของ {result.org_unit.name_th} ({result.round}) ถูกส่งกลับให้แก้ไข\n\n"
        f"ความเห็นของผู้กำกับดูแล:\n{result.review_comment_th}\n\n"
        f"แก้ไขและส่งใหม่ได้ที่: {_link(reverse('result-entry', args=[result.round_id, result.org_unit_id, result.assignment_id]))}\n"
    )
    return send_mail(f"[DSDW KPI] ส่งกลับแก้ไข: {definition.name_th[:60]}", body, settings.DEFAULT_FROM_EMAIL, to)


def send_reminder(person: Person, round: Round, unit_name: str, missing: Iterable[str], days_left: int,
                  deadline: dt.date, unit_id: int) -> int:
    to = _address(person)
    if not to:
        return 0
    lines = "\n".join(f"  - {name}" for name in missing)
    body = (
        f"เรียน {person.full_name}\n\n"
        f"อีก {days_left} วันจะถึงกำหนดส่งผลการดำเนินงาน {round} (ภายในวันที่ {thai_date(deadline)})\n"
        f"{unit_name} ยังไม่ได้ส่งผลของตัวชี้วัดต่อไปนี้\n{lines}\n\n"
        f"รายงานผลได้ที่: {_link(reverse('unit-round', args=[round.pk, unit_id]))}\n"
    )
    return send_mail(f"[DSDW KPI] ใกล้ถึงกำหนดส่งผลการดำเนินงาน {round}", body, settings.DEFAULT_FROM_EMAIL, [to])
