"""Thai e-mails: to the reviewer on submission, to the reporters on return, deadline reminders, framework amendments.

Each function sends one message and returns how many went out (0 when nobody has an address); callers are the
Celery tasks in indicators/tasks.py. Links are absolute, built from settings.SITE_URL.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db.models import Q
from django.urls import reverse

from indicators.models import Person, Result, Round
from indicators.permissions import Reviewers, person_of, reviewers_of
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


def without_address() -> Q:
    """Q over Person rows address_of() finds no address for (flagged in the admin when they review results)."""
    return Q(email="") & (Q(user__isnull=True) | Q(user__email="") | Q(user__is_active=False))


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


def reporters_of(result: Result) -> list[Person]:
    """Everyone who reports for the result's unit, and whoever submitted it."""
    people = list(Person.objects.filter(reporting_units=result.org_unit).select_related("user"))
    if result.submitted_by_id:
        submitter = Person.objects.filter(user_id=result.submitted_by_id).select_related("user").first()
        if submitter and submitter not in people:
            people.append(submitter)
    return people


_WHY_YOU = {
    Reviewers.FALLBACK: "ตัวชี้วัดนี้ยังไม่มีผู้กำกับดูแลตัวชี้วัด ท่านได้รับในฐานะผู้พิจารณาผลแทนที่กำหนดไว้ในกรอบตัวชี้วัด\n",
    Reviewers.ADMINS: "ตัวชี้วัดนี้ยังไม่มีผู้กำกับดูแลตัวชี้วัดและกรอบตัวชี้วัดไม่ได้กำหนดผู้พิจารณาผลแทน "
    "ท่านได้รับในฐานะผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)\n",
}


def send_submitted(result: Result) -> int:
    """To whoever reviews the result (permissions.reviewers_of): a unit submitted a result for review."""
    reviewers = reviewers_of(result.assignment)
    submitter = _name(result.submitted_by)
    subject = f"{SUBJECT_PREFIX} รอพิจารณา: {_one_line(_indicator(result), 60)} — {_one_line(result.org_unit.name_th, 50)}"
    messages = []
    for reviewer in reviewers.people:
        to = address_of(reviewer)
        if not to:
            continue
        body = (
            f"เรียน {reviewer.full_name}\n\n"
            f"{result.org_unit.name_th} ส่งผลการดำเนินงานตัวชี้วัด\n"
            f"  {_indicator(result)}\n"
            f"  {result.round}\n"
            + (f"  ส่งโดย {submitter}\n" if submitter else "")
            + "เพื่อให้ท่านพิจารณาอนุมัติหรือส่งกลับแก้ไข\n"
            + _WHY_YOU.get(reviewers.kind, "")
            + "\n"
            f"เปิดผลการดำเนินงานนี้: {_link(reverse('review-result', args=[result.pk]))}\n"
            f"รายการทั้งหมดที่รอพิจารณา: {_link(reverse('review-queue'))}\n"
        )
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))
    if not messages:
        logger.warning("result %s submitted but its reviewer (%s) has no e-mail address", result.pk, reviewers.kind)
        return 0
    return get_connection().send_messages(messages) or 0


def send_returned(result: Result, comment: str | None = None) -> int:
    """To the unit's reporters: the supervisor returned a result, with the comment and a link to fix it.

    ``comment`` is the comment given when it was returned; without it the result's current one is used."""
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
        f"ความเห็นของผู้กำกับดูแล:\n{result.review_comment_th if comment is None else comment}\n\n"
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


def framework_reporters(framework: Any) -> list[Person]:
    """Everyone who reports for a unit on the framework: its own units, and units of its unit types that have no
    approved framework of their own in the year (selectors.framework_for_unit's rule)."""
    from indicators.models import Framework, OrgUnit

    others = Framework.objects.filter(fiscal_year_id=framework.fiscal_year_id, status=Framework.Status.APPROVED).exclude(
        pk=framework.pk
    )
    units = OrgUnit.objects.filter(
        Q(frameworks=framework)
        | (Q(unit_type__in=framework.unit_types.all()) & ~Q(pk__in=others.filter(org_units__isnull=False).values("org_units")))
    )
    return list(Person.objects.filter(reporting_units__in=units).select_related("user").distinct().order_by("full_name"))


def send_framework_amendment(framework: Any, *, event: str, actor: Any, reason: str, since: dt.datetime | None) -> int:
    """To each reporter of the framework's units: an amendment was opened ("opened"), or approved ("approved")."""
    from indicators.framework_history import framework_changes

    name = " ".join(framework.name_th.split())
    year = framework.fiscal_year.be_year
    who = _name(actor) or "ผู้ดูแลระบบ"
    link = _link(reverse("framework-detail", args=[framework.pk]))
    if event == "opened":
        subject = f"{SUBJECT_PREFIX} แก้ไขเพิ่มเติมกรอบตัวชี้วัด: {_one_line(name, 80)}"
        text = (
            f"กรอบตัวชี้วัด {name} ปีงบประมาณ พ.ศ. {year} ซึ่งอนุมัติแล้วและมีผลการดำเนินงานรายงานแล้ว "
            f"กำลังถูกแก้ไขเพิ่มเติมโดย {who}\n"
            f"เหตุผล: {reason}\n\n"
            "ตัวชี้วัด น้ำหนัก หรือเกณฑ์การประเมินอาจเปลี่ยน และคะแนนของหน่วยงานจะคำนวณใหม่ตามกรอบที่แก้ไข "
            "ผลการดำเนินงานที่รายงานไว้แล้วยังอยู่ครบ ระบบจะแจ้งอีกครั้งเมื่ออนุมัติการแก้ไขเพิ่มเติม\n"
        )
    else:
        changes = framework_changes(framework, since=since) if since else []
        lines = [
            f"  - {entry.action_label} {entry.subject}"
            + (": " + "; ".join(f"{c.field} {c.old} → {c.new}" if c.old else f"{c.field} {c.new}" for c in entry.changes)
               if entry.changes and entry.action != "-" else "")
            for entry in reversed(changes)
            if entry.subject != "กรอบตัวชี้วัด"
        ]
        more = f"  … และอีก {len(lines) - 30} รายการ\n" if len(lines) > 30 else ""
        subject = f"{SUBJECT_PREFIX} อนุมัติการแก้ไขกรอบตัวชี้วัด: {_one_line(name, 80)}"
        text = (
            f"การแก้ไขเพิ่มเติมกรอบตัวชี้วัด {name} ปีงบประมาณ พ.ศ. {year} ได้รับอนุมัติแล้วโดย {who}\n"
            + (f"เหตุผล: {reason}\n" if reason else "")
            + ("\nสิ่งที่เปลี่ยน:\n" + "\n".join(lines[:30]) + "\n" + more if lines else "")
            + "\nคะแนนของหน่วยงานจะคำนวณใหม่ตามกรอบที่อนุมัติ\n"
        )
    messages = [
        EmailMessage(subject, f"เรียน {person.full_name}\n\n{text}\nดูกรอบตัวชี้วัด: {link}\n",
                     settings.DEFAULT_FROM_EMAIL, [address])
        for person in framework_reporters(framework)
        if (address := address_of(person))
    ]
    if not messages:
        logger.warning("framework %s amendment %s but none of its reporters has an e-mail address", framework.pk, event)
        return 0
    return get_connection().send_messages(messages) or 0
