"""The unit round page and the indicator entry page (save a draft, submit)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.forms import (
    MODE_BREAKDOWN,
    ResultForm,
    plain_problem,
)
from indicators.models import (
    Result,
    Round,
)
from indicators.models.framework import Component
from indicators.permissions import can_report_for, visible_units
from indicators.services.results import (
    FIELD_LABELS,
    StaleResultError,
    closed_reason,
    entry_is_open,
    result_save,
    result_submit,
    sub_results_clear,
)
from indicators.views_entry.state import (
    Entry,
    _editability,
    _entry,
    _forms,
    _pretty,
    _render,
    _results,
)

# ---- pages -----------------------------------------------------------------------------------------------------


@login_required
def unit_round(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    """Every assigned indicator of the unit in the round: weight, status, live score, weighted total and band."""
    round_ = get_object_or_404(Round.objects.select_related("fiscal_year"), pk=round_id)
    unit = get_object_or_404(visible_units(request.user), pk=unit_id)
    data = selectors.unit_round(org_unit=unit, round=round_)
    groups = []
    for component in Component:
        rows = [row for row in data.rows if row.assignment.component == component.value]
        if rows:
            weight = sum((row.assignment.weight or Decimal(0) for row in rows if row.scored), Decimal(0))
            items = [{"row": row, "weighted": row.weighted} for row in rows]
            groups.append({"component": component, "items": items, "weight": weight})
    can_report = can_report_for(request.user, unit)
    open_now = entry_is_open(round_, None, org_unit=unit)
    counts = dict(data.card.status_counts) if data.card else {}
    return render(
        request,
        "indicators/entry/unit_round.html",
        {
            "round": round_,
            "unit": unit,
            "data": data,
            "groups": groups,
            "can_report": can_report,
            "open_now": open_now,
            "closed_reason": "" if open_now else closed_reason(round_),
            "counts": [(Result.Status(s).label, s, counts.get(s, 0)) for s in Result.Status.values],
            "monitoring_only": round_.fiscal_year.is_monitoring_only,
            "five_level": data.framework is not None and data.framework.scale == "five_level",
            "days_left": (round_.entry_deadline - timezone.localdate()).days
            if round_.entry_deadline and open_now and round_.entry_deadline >= timezone.localdate()
            else None,
        },
    )


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
            form.add_error(
                "numerator_above_denominator_confirmed",
                _("มีหน่วยงานที่ตัวตั้งมากกว่าตัวหาร กรุณาตรวจสอบ หากถูกต้องให้เลือก “ยืนยันตัวตั้งมากกว่าตัวหาร”"),
            )
            return _render(request, entry, forms, error=_("ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่มีข้อความสีแดง"))
    version = form.cleaned_data.get("version")
    expected = version if version is not None else 0  # opened as a new result: anyone else's save is a conflict
    try:
        with transaction.atomic():
            result = result_save(
                actor=request.user,
                assignment=entry.assignment,
                org_unit=entry.unit,
                round=entry.round,
                values=form.service_values(totals),
                expected_version=expected,
                milestones=[step.service_row() for step in forms.steps] or None,
                sub_units=forms.subs.rows() if breakdown else None,  # one save: the table and its totals
            )
            if not breakdown and forms.subs is not None and result.sub_results.exists():
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
    current = (
        _results().get(pk=entry.result.pk)
        if entry.result
        else _results().get(assignment=entry.assignment, org_unit=entry.unit, round=entry.round)
    )
    changes = list(exc.changes)
    if version is None:  # the page was opened before the result existed
        for name, label in sorted(FIELD_LABELS.items()):
            now = getattr(current, name)
            if now not in (None, "", False):
                changes.append((label, "", str(now)))
    pretty = [(label, _pretty(label, before), _pretty(label, now)) for label, before, now in changes]
    entry.result = current
    entry.can_report, entry.editable, entry.readonly_reason = _editability(
        request.user, entry.round, entry.unit, current
    )
    data = request.POST.copy()
    data["version"] = str(current.version)
    forms = _forms(entry, data)
    for item in [forms.form, *forms.steps, *([forms.subs] if forms.subs is not None else [])]:
        item.is_valid()
    message = exc.messages[0] if exc.messages else str(exc)
    if version is None:
        message = _(
            "ระหว่างที่คุณกรอกข้อมูล มีผู้อื่นบันทึกผลของตัวชี้วัดนี้แล้ว ระบบไม่ได้บันทึกข้อมูลของคุณทับ กรุณาตรวจสอบการเปลี่ยนแปลงแล้วบันทึกอีกครั้ง"
        )
    return _render(request, entry, forms, status=409, conflict=exc, conflict_changes=pretty, error=message)
