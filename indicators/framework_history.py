"""Field-level history of a framework: who changed what in it, its assignments and their own criteria, old → new.

Read from django-simple-history's tables (diff_against between consecutive versions of each row), so deleted
assignments and criteria still appear. Used by the framework's admin history page and the amendment e-mail.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from indicators.forms.fields import show_number
from indicators.models import Assignment, Criteria, CriteriaLevel, Framework
from indicators.templatetags.thai_dates import thai_date

ACTIONS = {"+": "เพิ่ม", "~": "แก้ไข", "-": "ลบ"}
# What a newly added row shows (all fields would bury the weight under empty texts).
CREATED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Framework: ("name_th", "level", "scale", "status"),
    Assignment: ("number", "definition", "component", "weight", "parent", "supervisor"),
    Criteria: ("round_number", "method", "direction"),
    CriteriaLevel: ("part", "level", "defined", "threshold", "band_min", "band_max", "milestone_th"),
}
HIDDEN_FIELDS = {"id", "framework", "assignment", "criteria"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeEntry:
    when: dt.datetime
    who: str
    reason: str
    action: str  # "+", "~" or "-" (simple_history's history_type)
    subject: str
    changes: tuple[FieldChange, ...]

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)


def person_name(user: Any) -> str:
    """A person's name for a history line: their Person's full name, else the account's name; "ระบบ" for none."""
    if user is None:
        return "ระบบ (นำเข้าข้อมูล)"
    person = getattr(user, "person", None)
    if person is not None:
        return str(person.full_name)
    return str(user.get_full_name() or user.username)


def show_value(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A stored value as a person reads it: choice labels, plain numbers, names of people, Thai dates."""
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(value, Decimal):
        return show_number(value)
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{thai_date(local.date())} {local:%H:%M} น."
    if isinstance(value, dt.date):
        return thai_date(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if type(value).__name__ == "DeletedObject":  # simple_history: the related row no longer exists
        return f"(ลบแล้ว #{getattr(value, 'pk', '')})"
    return str(value)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]
    except Exception:  # noqa: BLE001 - a field dropped since the record was written
        return None


def _label(model: type[models.Model], name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None else name


def _assignment_subject(record: Any) -> str:
    name = " ".join(str(record.definition.name_th).split()) if record.definition_id else ""
    number = f"ตัวชี้วัดที่ {record.number} " if record.number else "ตัวชี้วัด "
    return f"{number}{name[:70]}{'…' if len(name) > 70 else ''}".strip()


def _entries(model: type[models.Model], records: Iterable[Any], subject: Any) -> list[ChangeEntry]:
    """One entry per historical record; a change lists the fields that differ from the row's previous version."""
    by_row: dict[int, list[Any]] = defaultdict(list)
    for record in records:
        by_row[record.id].append(record)
    entries = []
    for versions in by_row.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in versions:
            changes: list[FieldChange] = []
            if record.history_type == "+" or previous is None:
                for name in CREATED_FIELDS.get(model, ()):
                    value = getattr(record, name)
                    if value not in (None, "", []):
                        changes.append(FieldChange(_label(model, name), "", show_value(_field(model, name), value)))
            elif record.history_type == "~":
                delta = record.diff_against(previous, foreign_keys_are_objs=True)
                for change in delta.changes:
                    if change.field in HIDDEN_FIELDS:
                        continue
                    field = _field(model, change.field)
                    changes.append(
                        FieldChange(_label(model, change.field), show_value(field, change.old), show_value(field, change.new))
                    )
                if not changes and not record.history_change_reason:
                    previous = record
                    continue  # saved without a change (e.g. a loader re-run)
            entries.append(
                ChangeEntry(
                    when=record.history_date,
                    who=person_name(record.history_user),
                    reason=record.history_change_reason or "",
                    action=record.history_type,
                    subject=subject(record),
                    changes=tuple(changes),
                )
            )
            previous = record
    return entries


def framework_changes(framework: Framework, *, since: dt.datetime | None = None) -> list[ChangeEntry]:
    """Every recorded change of the framework, its assignments and their own criteria and levels, newest first.

    With `since`, only the changes made from then on (versions before it are still read: they are the "old" side).
    """
    users = "history_user__person"
    assignment_rows = Assignment.history.filter(framework_id=framework.pk)
    criteria_rows = Criteria.history.filter(assignment_id__in=assignment_rows.values("id"))
    level_rows = CriteriaLevel.history.filter(criteria_id__in=criteria_rows.values("id"))
    assignments = list(assignment_rows.select_related(users, "definition"))
    criteria = list(criteria_rows.select_related(users))
    numbers = {r.id: r.number for r in sorted(assignments, key=lambda r: r.history_date)}
    rounds = {r.id: (r.round_number, r.assignment_id) for r in sorted(criteria, key=lambda r: r.history_date)}

    def criteria_subject(record: Any) -> str:
        return f"เกณฑ์รอบที่ {record.round_number} ของตัวชี้วัดที่ {numbers.get(record.assignment_id, '?')}"

    def level_subject(record: Any) -> str:
        round_number, assignment_id = rounds.get(record.criteria_id, ("?", None))
        part = f" ตัววัดที่ {record.part}" if record.part and record.part != 1 else ""
        return f"ระดับ {record.level}{part} ของเกณฑ์รอบที่ {round_number} ตัวชี้วัดที่ {numbers.get(assignment_id, '?')}"

    entries = [
        *_entries(Framework, Framework.history.filter(id=framework.pk).select_related(users), lambda r: "กรอบตัวชี้วัด"),
        *_entries(Assignment, assignments, _assignment_subject),
        *_entries(Criteria, criteria, criteria_subject),
        *_entries(CriteriaLevel, level_rows.select_related(users), level_subject),
    ]
    if since is not None:
        entries = [entry for entry in entries if entry.when >= since]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
