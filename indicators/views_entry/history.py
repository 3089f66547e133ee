"""A result's history: who changed what, when (result, milestones, breakdown rows, evidence)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.forms import (
    show_number,
)
from indicators.models import (
    EvidenceFile,
    MilestoneCompletion,
    Result,
    SubUnitResult,
)
from indicators.permissions import can_view_result, person_of
from indicators.services.results import (
    FIELD_LABELS,
)
from indicators.templatetags.thai_dates import thai_date

# ---- history ---------------------------------------------------------------------------------------------------

HIDDEN_HISTORY_FIELDS = {"version", "updated_at", "created_at", "updated_by", "created_by", "is_demo"}
# Foreign keys to users (submitted_by, reviewed_by, …): the diff holds their ids, the page shows their names.
USER_FIELDS = frozenset(f.name for f in Result._meta.fields if f.is_relation and f.related_model is get_user_model())


def _who(user: Any) -> str:
    """A person's name: their Person's full name, else the account's full name, else the username."""
    if user is None:
        return _("ระบบ")
    person = person_of(user)
    return (person.full_name if person else "") or user.get_full_name() or user.get_username()


def _names(user_ids: set[Any]) -> dict[Any, str]:
    """Names of the users a page's diffs mention, in one query."""
    if not user_ids:
        return {}
    users = get_user_model().objects.filter(pk__in=user_ids).select_related("person")
    return {user.pk: _who(user) for user in users}


def _show(value: Any, name: str = "") -> str:
    if value is None or value == "":
        return "—"
    if name == "status":
        return str(Result.Status(value).label)
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if isinstance(value, Decimal):
        return show_number(value)
    if isinstance(value, dt.datetime):
        return thai_date(timezone.localtime(value))
    if isinstance(value, dt.date):
        return thai_date(value)
    return str(value)


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    title: str
    lines: list[tuple[str, str, str]] = field(default_factory=list)  # (what, before, after)
    notes: list[str] = field(default_factory=list)


@login_required
def result_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed what and when: the result's own history plus its milestones, evidence and sub-unit rows."""
    result = get_object_or_404(
        Result.objects.select_related(
            "assignment__definition", "assignment__framework", "org_unit", "round__fiscal_year"
        ),
        pk=pk,
    )
    if not can_view_result(request.user, result):
        raise Http404(_("ไม่พบผลการดำเนินงาน"))
    entries: list[HistoryEntry] = []
    records = list(result.history.select_related("history_user__person").order_by("history_date", "history_id"))
    labels = {f.name: str(f.verbose_name) for f in Result._meta.get_fields() if hasattr(f, "verbose_name")}
    deltas = [
        None if previous is None else record.diff_against(previous, excluded_fields=HIDDEN_HISTORY_FIELDS)
        for previous, record in zip([None, *records[:-1]], records, strict=True)
    ]
    names = _names({
        value for delta in deltas if delta is not None for change in delta.changes if change.field in USER_FIELDS
        for value in (change.old, change.new) if value is not None
    })

    def show(value: Any, name: str) -> str:
        if name in USER_FIELDS and value is not None:
            return names.get(value, _("ผู้ใช้ที่ถูกลบแล้ว"))
        return _show(value, name)

    for record, delta in zip(records, deltas, strict=True):
        title = record.history_change_reason or (_("สร้างผลการดำเนินงาน") if record.history_type == "+" else _("แก้ไข"))
        item = HistoryEntry(record.history_date, _who(record.history_user), title)
        if delta is None:
            for name in FIELD_LABELS:
                value = getattr(record, name)
                if value not in (None, "", False):
                    item.lines.append((labels[name], "—", _show(value, name)))
            item.lines.append((labels["status"], "—", _show(record.status, "status")))
        else:
            for change in delta.changes:
                if change.field in labels:
                    item.lines.append(
                        (labels[change.field], show(change.old, change.field), show(change.new, change.field))
                    )
        item.lines.sort(key=lambda line: line[0] != labels["status"])
        entries.append(item)
    entries += _milestone_history(result) + _evidence_history(result) + _sub_unit_history(result)
    entries.sort(key=lambda e: e.when, reverse=True)  # each history row as recorded, newest first
    return render(
        request,
        "indicators/entry/history.html",
        {
            "result": result,
            "entries": entries,
            "entry_url": reverse("result-entry", args=[result.round_id, result.org_unit_id, result.assignment_id]),
        },
    )


def _milestone_history(result: Result) -> list[HistoryEntry]:
    history = MilestoneCompletion.history.filter(result_id=result.pk).select_related("history_user__person")
    out = []
    last: dict[int, Any] = {}
    for record in history.order_by("history_date", "history_id"):
        what = _("ขั้นตอนระดับ %(level)s") % {"level": record.level}
        if record.deliverable_index:
            what += _(" ผลผลิตที่ %(n)s") % {"n": record.deliverable_index + 1}
        before = last.get(record.id)
        now = (record.done, record.done_on, record.evidence_th)
        last[record.id] = now
        if before == now:
            continue
        item = HistoryEntry(record.history_date, _who(record.history_user), _("บันทึกขั้นตอนการดำเนินงาน"))
        names = (_("ดำเนินการแล้ว"), _("วันที่ดำเนินการ"), _("หลักฐาน"))
        for index, name in enumerate(names):
            old = before[index] if before else None
            if old != now[index] and not (before is None and now[index] in (None, "", False)):
                item.lines.append((f"{what}: {name}", _show(old), _show(now[index])))
        if item.lines:
            out.append(item)
    return out


def _evidence_history(result: Result) -> list[HistoryEntry]:
    history = EvidenceFile.history.filter(result_id=result.pk).select_related("history_user__person")
    out = []
    for record in history.order_by("history_date", "history_id"):
        if record.history_type == "+":
            title = _("แนบไฟล์หลักฐาน")
        elif record.history_type == "-":
            title = _("ลบไฟล์หลักฐาน")
        else:
            continue
        item = HistoryEntry(record.history_date, _who(record.history_user), title)
        note = record.original_name
        if record.milestone_level:
            note += " " + _("(ขั้นตอนระดับ %(level)s)") % {"level": record.milestone_level}
        item.notes.append(note)
        out.append(item)
    return out


def _sub_unit_history(result: Result) -> list[HistoryEntry]:
    """The breakdown table is replaced on each save, written row by row from the first: one entry per table."""
    history = SubUnitResult.history.filter(result_id=result.pk, history_type="+").select_related("history_user__person")
    out: list[HistoryEntry] = []
    last_order: int | None = None
    for record in history.order_by("history_id"):
        if last_order is None or record.order <= last_order:
            out.append(HistoryEntry(record.history_date, _who(record.history_user), _("บันทึกตารางผลรายหน่วยงาน")))
        out[-1].notes.append(
            _("%(unit)s: ตัวตั้ง %(n)s / ตัวหาร %(d)s")
            % {"unit": record.label_th, "n": _show(record.numerator), "d": _show(record.denominator)}
        )
        last_order = record.order
    return out
