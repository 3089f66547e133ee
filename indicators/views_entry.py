"""Staff result-entry screens: a unit's round, one indicator's entry form, its history and its evidence files.

Views check who may see the unit or result (404 otherwise) and leave every write to the services, which check
again (DOMAIN.md §3.1, §4, §6.1; STYLE.md practices 3–5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import scoring, selectors
from indicators.criteria_spec import printed_levels
from indicators.forms import (
    MODE_BREAKDOWN,
    EntryShape,
    EvidenceUploadForm,
    MilestoneStepForm,
    ResultForm,
    SubUnitFormSet,
    entry_shape,
    initial_mode,
    milestone_forms,
    milestone_steps,
    plain_problem,
    result_initial,
    show_number,
    sub_unit_initial,
)
from indicators.models import (
    Assignment,
    Criteria,
    EvidenceFile,
    MilestoneCompletion,
    OrgUnit,
    Result,
    Round,
    SubUnitResult,
)
from indicators.models.framework import Component
from indicators.permissions import can_report_for, can_view_result, is_admin, person_of, visible_units
from indicators.services.results import (
    FIELD_LABELS,
    StaleResultError,
    entry_is_open,
    evidence_add,
    evidence_remove,
    policy_for,
    result_save,
    result_score,
    result_submit,
    sub_results_clear,
    sub_results_save,
)
from indicators.templatetags.thai_dates import thai_date

# ---- reads (fixed number of queries per page) ------------------------------------------------------------------


def _assignments() -> QuerySet[Assignment]:
    criteria = Criteria.objects.prefetch_related("levels")
    return Assignment.objects.select_related(
        "definition__supervisor__org_unit", "supervisor__org_unit", "framework", "parent"
    ).prefetch_related(
        Prefetch("definition__criteria", queryset=criteria), "definition__baselines", "applies_to_unit_types",
        "collectors", "definition__data_collectors", "children",
    )


def _results() -> QuerySet[Result]:
    return Result.objects.select_related(
        "round__fiscal_year", "org_unit", "updated_by__person", "submitted_by__person", "reviewed_by__person"
    ).prefetch_related("milestones", "sub_results", "evidence_files")


def sub_unit_candidates(unit: OrgUnit, be_year: int) -> list[OrgUnit]:
    """Field units this unit supervises or contains: the default rows of its breakdown table (§6.1 7a)."""
    units = OrgUnit.objects.filter(Q(supervising_division=unit) | Q(parent=unit), kind=OrgUnit.Kind.FIELD_UNIT)
    return [u for u in units.order_by("order", "name_th") if u.is_valid_in(be_year)]


# ---- the entry page's state ------------------------------------------------------------------------------------


@dataclass
class Entry:
    round: Round
    unit: OrgUnit
    assignment: Assignment
    result: Result | None
    criteria: Criteria | None
    spec: dict[str, Any] | None
    shape: EntryShape
    can_report: bool
    editable: bool
    readonly_reason: str
    candidates: list[OrgUnit] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.result.status if self.result else Result.Status.NOT_REPORTED

    @property
    def url(self) -> str:
        return reverse("result-entry", args=[self.round.pk, self.unit.pk, self.assignment.pk])

    @property
    def milestone_levels(self) -> list[str]:
        if self.shape.kind != "milestones" or not self.spec:
            return []
        return [level for level, steps in milestone_steps(self.spec) if steps is not None]


def closed_reason(round_: Round) -> str:
    if not round_.is_open:
        return _("รอบนี้ไม่ได้เปิดรับรายงานผล จึงแก้ไขหรือส่งผลไม่ได้ หากจำเป็นต้องแก้ไขกรุณาติดต่อผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)")
    return _(
        "หมดเวลารายงานผลของรอบนี้แล้ว (กำหนดส่ง %(date)s) หน่วยงานที่ยังไม่ส่งผลจะแก้ไขหรือส่งผลไม่ได้ "
        "หากจำเป็นต้องแก้ไขกรุณาติดต่อผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร) เพื่อขอเปิดให้แก้ไข"
    ) % {"date": thai_date(round_.entry_deadline)}


def _editability(user: Any, round_: Round, unit: OrgUnit, result: Result | None) -> tuple[bool, bool, str]:
    """(may report for the unit, may edit now, why not) — the same rules the services apply."""
    can_report = can_report_for(user, unit)
    admin = is_admin(user)
    status = result.status if result else Result.Status.NOT_REPORTED
    if not can_report:
        return False, False, _("คุณดูผลการดำเนินงานนี้ได้อย่างเดียว เพราะไม่ได้เป็นผู้รายงานผลของหน่วยงานนี้")
    if status == Result.Status.APPROVED:
        return True, False, _("ผลการดำเนินงานนี้อนุมัติแล้วจึงถูกล็อก แก้ไขไม่ได้ หากจำเป็นต้องแก้ไขกรุณาติดต่อผู้ดูแลระบบ")
    if status == Result.Status.SUBMITTED and not admin:
        return True, False, _("ส่งผลการดำเนินงานแล้ว รอผู้กำกับดูแลพิจารณา แก้ไขได้อีกครั้งเมื่อถูกส่งกลับแก้ไข")
    if not admin and not entry_is_open(round_, result):
        return True, False, closed_reason(round_)
    return True, True, ""


def _entry(request: HttpRequest, round_id: int, unit_id: int, assignment_id: int) -> Entry:
    round_ = get_object_or_404(Round.objects.select_related("fiscal_year"), pk=round_id)
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    assignment = get_object_or_404(_assignments(), pk=assignment_id, framework__fiscal_year_id=round_.fiscal_year_id)
    result = _results().filter(assignment=assignment, org_unit=unit, round=round_).first()
    probe = result or Result(assignment=assignment, org_unit=unit, round=round_)
    if not can_view_result(request.user, probe):
        raise Http404(_("ไม่พบผลการดำเนินงาน"))
    if result is None:
        framework = selectors.framework_for_unit(org_unit=unit, fiscal_year_id=round_.fiscal_year_id)
        if framework is None or framework.pk != assignment.framework_id or not selectors.applies_to(assignment, unit):
            raise Http404(_("ตัวชี้วัดนี้ไม่ได้อยู่ในกรอบตัวชี้วัดของหน่วยงาน"))
    if assignment.children.all():
        raise Http404(_("ตัวชี้วัดหลักรายงานผลผ่านตัวชี้วัดย่อย"))
    criteria = assignment.criteria_for(round_.number)
    spec = None
    if criteria is not None:
        try:
            spec = criteria.to_spec()
        except scoring.ScoringError:
            criteria = None
    shape = entry_shape(assignment, criteria)
    can_report, editable, reason = _editability(request.user, round_, unit, result)
    candidates = sub_unit_candidates(unit, round_.fiscal_year.be_year) if shape.modes else []
    return Entry(round_, unit, assignment, result, criteria, spec, shape, can_report, editable, reason, candidates)


@dataclass
class EntryForms:
    form: ResultForm
    steps: list[MilestoneStepForm]
    subs: Any  # SubUnitFormSet or None
    evidence: EvidenceUploadForm | None

    def all_valid(self, breakdown: bool) -> bool:
        ok = self.form.is_valid()
        ok = all([step.is_valid() for step in self.steps]) and ok
        if breakdown and self.subs is not None:
            ok = self.subs.is_valid() and ok
        return ok


def _forms(entry: Entry, data: Any = None, files: Any = None, evidence: EvidenceUploadForm | None = None) -> EntryForms:
    result = entry.result
    sub_rows = list(result.sub_results.all()) if result else []
    levels = [(label, text) for _name, cells in printed_levels(entry.criteria) for label, text, defined in cells
              if defined] if entry.criteria and entry.shape.kind == "maturity" else []
    form = ResultForm(data, initial=result_initial(result, initial_mode(result, bool(sub_rows))), shape=entry.shape,
                      definition=entry.assignment.definition, levels=levels)
    steps = milestone_forms(entry.spec, result, data) if entry.shape.kind == "milestones" and entry.spec else []
    subs = None
    if entry.shape.modes:
        # Bound only when the table is what was saved: otherwise it keeps showing the saved rows, without errors.
        bound = data is not None and data.get("mode") == MODE_BREAKDOWN
        subs = SubUnitFormSet(data if bound else None, prefix="sub",
                              units=OrgUnit.objects.filter(pk__in=[u.pk for u in entry.candidates]),
                              initial=None if bound else sub_unit_initial(result, entry.candidates))
    if evidence is None and entry.editable and result is not None:
        evidence = EvidenceUploadForm(levels=entry.milestone_levels)
    if not entry.editable:
        for item in [form, *steps, *(subs.forms if subs is not None else [])]:
            for bound in item.fields.values():
                bound.disabled = True
    return EntryForms(form, steps, subs, evidence)


def _pretty(label: str, raw: str) -> str:
    """A value from StaleResultError.changes as a person reads it."""
    if raw in ("", "None"):
        return "—"
    if raw in ("True", "False"):
        return _("ใช่") if raw == "True" else _("ไม่ใช่")
    try:
        return thai_date(dt.date.fromisoformat(raw))
    except ValueError:
        pass
    try:
        return show_number(Decimal(raw))
    except InvalidOperation:
        return raw


def _score_box(entry: Entry) -> dict[str, Any]:
    if entry.result is None:
        return {"score": None, "problem": _("ยังไม่ได้บันทึกผล"), "value": None, "explanation": ""}
    entry.result.assignment = entry.assignment
    policy = policy_for(entry.round)
    scored = result_score(entry.result, policy)
    explanation = ""
    if scored.score is not None and entry.criteria is not None and entry.spec is not None:
        explanation = scoring.explain(entry.spec, entry.result.measurement(), policy)
    value = scored.detail.value if scored.detail else None
    return {"score": scored.score, "problem": plain_problem(scored.problem), "value": value, "explanation": explanation}


def _render(request: HttpRequest, entry: Entry, forms: EntryForms, *, status: int = 200,
            conflict: StaleResultError | None = None, conflict_changes: list[tuple[str, str, str]] | None = None,
            error: str = "") -> HttpResponse:
    definition = entry.assignment.definition
    result = entry.result
    evidence_by_level: dict[str, list[EvidenceFile]] = {}
    for item in (result.evidence_files.all() if result else []):
        evidence_by_level.setdefault(item.milestone_level, []).append(item)
    context = {
        "entry": entry,
        "round": entry.round,
        "unit": entry.unit,
        "assignment": entry.assignment,
        "definition": definition,
        "result": result,
        "criteria_parts": printed_levels(entry.criteria) if entry.criteria else [],
        "form": forms.form,
        "steps": forms.steps,
        "subs": forms.subs,
        "evidence_form": forms.evidence,
        "evidence_files": list(result.evidence_files.all()) if result else [],
        "evidence_by_level": evidence_by_level,
        "score": _score_box(entry),
        "conflict": conflict,
        "conflict_changes": conflict_changes or [],
        "error": error,
        "status_label": Result.Status(entry.status).label,
        "baselines": list(definition.baselines.all()),
        "collectors": list(entry.assignment.collectors.all()) or list(definition.data_collectors.all()),
        "supervisor": entry.assignment.supervisor or definition.supervisor,
        "unit_round_url": reverse("unit-round", args=[entry.round.pk, entry.unit.pk]),
        "sub_totals": _sub_totals(entry),
        "milestone_rows": _milestone_rows(entry, forms.steps, evidence_by_level),
        "max_upload_mb": _max_upload_mb(),
    }
    return render(request, "indicators/entry/result_entry.html", context, status=status)


def _milestone_rows(entry: Entry, steps: list[MilestoneStepForm],
                    files: dict[str, list[EvidenceFile]]) -> list[dict[str, Any]]:
    """Every level as printed, "-" levels included (greyed out), with their deliverable forms and files."""
    if not steps and entry.shape.kind != "milestones":
        return []
    by_level: dict[str, list[MilestoneStepForm]] = {}
    for step in steps:
        by_level.setdefault(step.step.level, []).append(step)
    return [{"level": level, "defined": deliverables is not None, "forms": by_level.get(level, []),
             "files": files.get(level, [])} for level, deliverables in milestone_steps(entry.spec or {})]


def _max_upload_mb() -> int:
    from django.conf import settings

    return int(settings.EVIDENCE_MAX_BYTES) // (1024 * 1024)


def _sub_totals(entry: Entry) -> tuple[Decimal, Decimal] | None:
    if entry.result is None:
        return None
    rows = list(entry.result.sub_results.all())
    if not rows:
        return None
    return (sum((r.numerator or Decimal(0) for r in rows), Decimal(0)),
            sum((r.denominator or Decimal(0) for r in rows), Decimal(0)))


# ---- pages -----------------------------------------------------------------------------------------------------


@login_required
def unit_round(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    """Every assigned indicator of the unit in the round: weight, status, live score, weighted total and band."""
    round_ = get_object_or_404(Round.objects.select_related("fiscal_year"), pk=round_id)
    unit = get_object_or_404(visible_units(request.user), pk=unit_id)
    policy = policy_for(round_)
    data = selectors.unit_round(org_unit=unit, round=round_, policy=policy)
    groups = []
    for component in Component:
        rows = [row for row in data.rows if row.assignment.component == component.value]
        if rows:
            weight = sum((row.assignment.weight or Decimal(0) for row in rows if row.scored), Decimal(0))
            items = [{"row": row, "weighted": row.score * row.assignment.weight
                      if row.scored and row.score is not None and row.assignment.weight is not None else None}
                     for row in rows]
            groups.append({"component": component, "items": items, "weight": weight})
    can_report = can_report_for(request.user, unit)
    open_now = entry_is_open(round_, None)
    counts: dict[str, int] = {}
    for row in data.rows:
        if row.scored:
            counts[row.status] = counts.get(row.status, 0) + 1
    return render(request, "indicators/entry/unit_round.html", {
        "round": round_, "unit": unit, "data": data, "groups": groups,
        "can_report": can_report, "open_now": open_now, "closed_reason": "" if open_now else closed_reason(round_),
        "counts": [(Result.Status(s).label, s, counts.get(s, 0)) for s in Result.Status.values],
        "monitoring_only": round_.fiscal_year.is_monitoring_only,
        "five_level": data.framework is not None and data.framework.scale == "five_level",
        "days_left": (round_.entry_deadline - timezone.localdate()).days if round_.entry_deadline and open_now else None,
    })


@login_required
def result_entry(request: HttpRequest, round_id: int, unit_id: int, assignment_id: int) -> HttpResponse:
    """The manual's view of one indicator and the form that fits it; POST action=save|submit."""
    entry = _entry(request, round_id, unit_id, assignment_id)
    if request.method != "POST":
        return _render(request, entry, _forms(entry))
    if not entry.can_report:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์รายงานผลของหน่วยงานนี้"))
    forms = _forms(entry, request.POST)
    if not entry.editable:
        return _render(request, entry, forms, status=403, error=entry.readonly_reason)
    breakdown = forms.subs is not None and request.POST.get("mode") == MODE_BREAKDOWN
    if not forms.all_valid(breakdown):
        return _render(request, entry, forms, error=_("ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่มีข้อความสีแดง"))
    form = forms.form
    totals = None
    if breakdown:
        totals = forms.subs.totals()
        above = totals[0] > totals[1] or any(f.above for f in forms.subs.forms if not f.is_blank)
        if above and not form.cleaned_data.get("numerator_above_denominator_confirmed"):
            form.add_error("numerator_above_denominator_confirmed", _(
                "มีหน่วยงานที่ตัวตั้งมากกว่าตัวหาร กรุณาตรวจสอบ หากถูกต้องให้เลือก “ยืนยันตัวตั้งมากกว่าตัวหาร”"))
            return _render(request, entry, forms, error=_("ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่มีข้อความสีแดง"))
    version = form.cleaned_data.get("version")
    expected = version if version is not None else 0  # opened as a new result: anyone else's save is a conflict
    try:
        with transaction.atomic():
            result = result_save(
                actor=request.user, assignment=entry.assignment, org_unit=entry.unit, round=entry.round,
                values=form.service_values(totals), expected_version=expected,
                milestones=[step.service_row() for step in forms.steps] or None,
            )
            if breakdown:
                result = sub_results_save(actor=request.user, result=result, rows=forms.subs.rows())
            elif forms.subs is not None and result.sub_results.exists():
                sub_results_clear(actor=request.user, result=result)  # typed totals replace the old table
    except StaleResultError as exc:
        return _conflict(request, entry, exc, version)
    except PermissionDenied as exc:
        return _render(request, entry, forms, status=403, error=str(exc))
    except ValidationError as exc:
        _errors_to_form(form, exc)
        return _render(request, entry, forms, error=_("ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่มีข้อความสีแดง"))
    if request.POST.get("action") != "submit":
        messages.success(request, _("บันทึกร่างเรียบร้อยแล้ว"))
        return HttpResponseRedirect(entry.url)
    try:
        result_submit(actor=request.user, result=result, expected_version=result.version)
    except (ValidationError, PermissionDenied) as exc:
        why = " ".join(plain_problem(m.removeprefix("ยังส่งไม่ได้: ")) for m in _messages(exc))
        messages.warning(request, _("บันทึกร่างแล้ว แต่ยังส่งไม่ได้: %(why)s") % {"why": why})
        return HttpResponseRedirect(entry.url)
    messages.success(request, _("ส่งผลการดำเนินงานให้ผู้กำกับดูแลพิจารณาแล้ว"))
    return HttpResponseRedirect(reverse("unit-round", args=[entry.round.pk, entry.unit.pk]))


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def _errors_to_form(form: ResultForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _conflict(request: HttpRequest, entry: Entry, exc: StaleResultError, version: int | None) -> HttpResponse:
    """Nothing was saved: show who changed what, keep what the user typed, and let them save again knowingly."""
    current = _results().get(pk=entry.result.pk) if entry.result else _results().get(
        assignment=entry.assignment, org_unit=entry.unit, round=entry.round)
    changes = list(exc.changes)
    if version is None:  # the page was opened before the result existed
        for name, label in sorted(FIELD_LABELS.items()):
            now = getattr(current, name)
            if now not in (None, "", False):
                changes.append((label, "", str(now)))
    pretty = [(label, _pretty(label, before), _pretty(label, now)) for label, before, now in changes]
    entry.result = current
    entry.can_report, entry.editable, entry.readonly_reason = _editability(request.user, entry.round, entry.unit, current)
    data = request.POST.copy()
    data["version"] = str(current.version)
    forms = _forms(entry, data)
    for item in [forms.form, *forms.steps, *([forms.subs] if forms.subs is not None else [])]:
        item.is_valid()
    message = exc.messages[0] if exc.messages else str(exc)
    if version is None:
        message = _("ระหว่างที่คุณกรอกข้อมูล มีผู้อื่นบันทึกผลของตัวชี้วัดนี้แล้ว ระบบไม่ได้บันทึกข้อมูลของคุณทับ "
                    "กรุณาตรวจสอบการเปลี่ยนแปลงแล้วบันทึกอีกครั้ง")
    return _render(request, entry, forms, status=409, conflict=exc, conflict_changes=pretty, error=message)


# ---- history ---------------------------------------------------------------------------------------------------

HIDDEN_HISTORY_FIELDS = {"version", "updated_at", "created_at", "updated_by", "created_by", "is_demo"}


def _who(user: Any) -> str:
    if user is None:
        return _("ระบบ")
    person = person_of(user)
    return person.full_name if person else user.get_username()


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
        Result.objects.select_related("assignment__definition", "assignment__framework", "org_unit", "round__fiscal_year"),
        pk=pk,
    )
    if not can_view_result(request.user, result):
        raise Http404(_("ไม่พบผลการดำเนินงาน"))
    entries: list[HistoryEntry] = []
    records = list(result.history.select_related("history_user__person").order_by("history_date", "history_id"))
    labels = {f.name: str(f.verbose_name) for f in Result._meta.get_fields() if hasattr(f, "verbose_name")}
    previous = None
    for record in records:
        title = record.history_change_reason or (_("สร้างผลการดำเนินงาน") if record.history_type == "+" else _("แก้ไข"))
        item = HistoryEntry(record.history_date, _who(record.history_user), title)
        if previous is None:
            for name in FIELD_LABELS:
                value = getattr(record, name)
                if value not in (None, "", False):
                    item.lines.append((labels[name], "—", _show(value, name)))
            item.lines.append((labels["status"], "—", _show(record.status, "status")))
        else:
            delta = record.diff_against(previous, excluded_fields=HIDDEN_HISTORY_FIELDS)
            for change in delta.changes:
                if change.field in labels:
                    item.lines.append((labels[change.field], _show(change.old, change.field), _show(change.new, change.field)))
        item.lines.sort(key=lambda line: line[0] != labels["status"])
        entries.append(item)
        previous = record
    entries += _milestone_history(result) + _evidence_history(result) + _sub_unit_history(result)
    entries = _merge_saves(sorted(entries, key=lambda e: e.when))
    entries.reverse()
    return render(request, "indicators/entry/history.html", {
        "result": result, "entries": entries,
        "entry_url": reverse("result-entry", args=[result.round_id, result.org_unit_id, result.assignment_id]),
    })


def _merge_saves(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """One card per save: the result's record, its milestone rows and its sub-unit table are written together."""
    merged: list[HistoryEntry] = []
    for item in entries:
        last = merged[-1] if merged else None
        if last is not None and last.who == item.who and (item.when - last.when) <= dt.timedelta(seconds=2):
            titles = [t for t in [*last.title.split(" · "), item.title] if t]
            if len(set(titles)) > 1:
                titles = [t for t in titles if t != _("แก้ไข")]  # a named action says more than "edited"
            last.title = " · ".join(dict.fromkeys(titles))
            last.lines += item.lines
            last.notes += item.notes
            continue
        merged.append(item)
    generic = {_("แก้ไข"), _("บันทึกตารางผลรายหน่วยงาน")}
    return [e for e in merged if e.lines or e.notes or e.title not in generic]


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
    """The breakdown table is replaced on each save: one entry per save listing the rows saved."""
    history = SubUnitResult.history.filter(result_id=result.pk, history_type="+").select_related("history_user__person")
    out: list[HistoryEntry] = []
    for record in history.order_by("history_date", "history_id"):
        stamp = record.history_date.replace(microsecond=0)
        if not out or out[-1].when.replace(microsecond=0) != stamp or out[-1].who != _who(record.history_user):
            out.append(HistoryEntry(record.history_date, _who(record.history_user), _("บันทึกตารางผลรายหน่วยงาน")))
        out[-1].notes.append(_("%(unit)s: ตัวตั้ง %(n)s / ตัวหาร %(d)s") % {
            "unit": record.label_th, "n": _show(record.numerator), "d": _show(record.denominator)})
    return out


# ---- evidence --------------------------------------------------------------------------------------------------


def _result_for_evidence(request: HttpRequest, pk: int) -> Result:
    result = get_object_or_404(_results().select_related("assignment"), pk=pk)
    if not can_view_result(request.user, result):
        raise Http404(_("ไม่พบผลการดำเนินงาน"))
    return result


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to a result (optionally to one milestone level); the service checks type, size and content."""
    result = _result_for_evidence(request, pk)
    entry = _entry(request, result.round_id, result.org_unit_id, result.assignment_id)
    if not entry.can_report:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แนบไฟล์ของหน่วยงานนี้"))
    form = EvidenceUploadForm(request.POST, request.FILES, levels=entry.milestone_levels)
    if not entry.editable:
        return _render(request, entry, _forms(entry, evidence=form), status=403, error=entry.readonly_reason)
    if form.is_valid():
        try:
            evidence = evidence_add(actor=request.user, result=result, upload=form.cleaned_data["file"],
                                    description=form.cleaned_data.get("description") or "",
                                    milestone_level=form.cleaned_data.get("milestone_level") or "")
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        except PermissionDenied as exc:
            return _render(request, entry, _forms(entry, evidence=form), status=403, error=str(exc))
        else:
            messages.success(request, _("แนบไฟล์ “%(name)s” แล้ว") % {"name": evidence.original_name})
            return HttpResponseRedirect(entry.url + "#evidence")
    forms = _forms(entry, evidence=form)
    return _render(request, entry, forms, status=400, error=_("แนบไฟล์ไม่สำเร็จ: %(why)s") % {
        "why": " ".join(str(e) for e in form.errors.get("file", [])) or _("กรุณาตรวจสอบไฟล์")})


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, only to people who may see its result, as an attachment under its original (Thai) name."""
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("result__assignment__definition", "result__org_unit"), pk=pk
    )
    if not can_view_result(request.user, evidence.result):
        raise Http404(_("ไม่พบไฟล์"))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("ไม่พบไฟล์")) from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(EvidenceFile.objects.select_related("result__org_unit", "result__round"), pk=pk)
    result = evidence.result
    if not can_view_result(request.user, result):
        raise Http404(_("ไม่พบไฟล์"))
    url = reverse("result-entry", args=[result.round_id, result.org_unit_id, result.assignment_id])
    if not can_report_for(request.user, result.org_unit):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ลบไฟล์ของหน่วยงานนี้"))
    try:
        evidence_remove(actor=request.user, evidence=evidence)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _("ลบไฟล์ไม่ได้: %(why)s") % {"why": " ".join(_messages(exc))})
    else:
        messages.success(request, _("ลบไฟล์ “%(name)s” แล้ว") % {"name": evidence.original_name})
    return HttpResponseRedirect(url + "#evidence")


# ---- home: my work -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyWork:
    round: Round
    unit: OrgUnit
    counts: dict[str, int]

    @property
    def url(self) -> str:
        return reverse("unit-round", args=[self.round.pk, self.unit.pk])


def my_work(user: Any) -> list[MyWork]:
    """Open rounds × the units this person reports for (admins: every unit with an approved framework)."""
    from indicators.models import Framework

    rounds = list(selectors.open_rounds())
    if not rounds:
        return []
    if is_admin(user):
        years = {r.fiscal_year_id for r in rounds}
        units = list(OrgUnit.objects.filter(
            frameworks__fiscal_year_id__in=years, frameworks__status=Framework.Status.APPROVED
        ).distinct().order_by("kind", "order", "name_th"))
    else:
        person = person_of(user)
        if person is None or person.role not in ("staff", "admin"):
            return []
        units = list(person.reporting_units.order_by("kind", "order", "name_th"))
    if not units:
        return []
    counts: dict[tuple[int, int], dict[str, int]] = {}
    rows = Result.objects.filter(round__in=rounds, org_unit__in=units).values_list("round_id", "org_unit_id", "status")
    for round_id, unit_id, status in rows:
        bucket = counts.setdefault((round_id, unit_id), {})
        bucket[status] = bucket.get(status, 0) + 1
    return [MyWork(r, u, counts.get((r.pk, u.pk), {})) for r in rounds for u in units]

