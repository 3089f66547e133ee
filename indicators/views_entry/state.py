"""The entry page's state: reads with a fixed number of queries, editability, forms and rendering."""

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from indicators import prefetch, scoring, selectors, year_structure
from indicators.breakdown_totals import breakdown_totals
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
    OrgUnit,
    Person,
    Result,
    Round,
)
from indicators.permissions import can_report_for, can_view_result, reviewers_of
from indicators.services.results import (
    StaleResultError,
    edit_permission,
    policy_for,
    result_score,
)
from indicators.templatetags.thai_dates import thai_date

# ---- reads (fixed number of queries per page) ------------------------------------------------------------------


def _assignment(round_: Round, assignment_id: int) -> Assignment:
    """The assignment, from the year's structure (indicators/year_structure.py: its definition, framework, criteria
    and levels, read once per process while they are unchanged), with the people the page names read in one query:
    the indicator's supervisors and the framework's fallback reviewer. 404 outside the round's year."""
    assignment = year_structure.year_view(round_.fiscal_year_id).assignment(assignment_id)
    if assignment is None:
        raise Http404(_("ไม่พบตัวชี้วัด"))
    definition, framework = assignment.definition, assignment.framework
    wanted = {assignment.supervisor_id, definition.supervisor_id, framework.fallback_reviewer_id} - {None}
    people = Person.objects.in_bulk(wanted) if wanted else {}
    assignment.supervisor = people.get(assignment.supervisor_id)  # type: ignore[arg-type]
    definition.supervisor = people.get(definition.supervisor_id)  # type: ignore[arg-type]
    framework.fallback_reviewer = people.get(framework.fallback_reviewer_id)  # type: ignore[arg-type]
    return assignment


def _results() -> QuerySet[Result]:
    """A result with everything any page built on it may show (the conflict page, the evidence pages)."""
    return Result.objects.select_related(
        "round__fiscal_year", "org_unit", "updated_by__person", "submitted_by__person", "reviewed_by__person"
    ).prefetch_related(
        Prefetch("milestones", queryset=prefetch.milestones()),
        Prefetch("sub_results", queryset=prefetch.sub_results()),
        Prefetch("evidence_files", queryset=prefetch.evidence_files()),
    )


def _result_of(assignment: Assignment, unit: OrgUnit, round_: Round, criteria: Criteria | None) -> Result | None:
    """The unit's result with the rows its shape reads: milestones for milestone criteria (the score counts them),
    the breakdown table for a ratio with modes; its assignment, unit and round are the objects the page already
    holds (the same rows: the query filters by them) rather than joined again."""
    related: list[Any] = []  # Prefetch objects of different relations
    if criteria is not None and criteria.method == Criteria.Method.MILESTONES:
        related.append(Prefetch("milestones", queryset=prefetch.milestones()))
    if entry_shape(assignment, criteria).modes:
        related.append(Prefetch("sub_results", queryset=prefetch.sub_results()))
    result = (
        Result.objects.select_related("updated_by__person").prefetch_related(*related)
        .filter(assignment=assignment, org_unit=unit, round=round_).order_by("pk").first()  # unique
    )
    if result is not None:
        result.assignment, result.org_unit, result.round = assignment, unit, round_
    return result


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


def _editability(
    user: Any, round_: Round, unit: OrgUnit, result: Result | None, can_report: bool | None = None
) -> tuple[bool, bool, str]:
    """(may report for the unit, may edit now, why not): read from the services' one rule, `edit_permission`."""
    if can_report is None:
        can_report = can_report_for(user, unit)
    editable, reason = edit_permission(user, round_, unit, result, can_report=can_report)
    return can_report, editable, reason


def _entry(request: HttpRequest, round_id: int, unit_id: int, assignment_id: int) -> Entry:
    round_ = get_object_or_404(Round.objects.select_related("fiscal_year"), pk=round_id)
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    assignment = _assignment(round_, assignment_id)
    result = _result_of(assignment, unit, round_, assignment.criteria_for(round_.number))
    probe = result or Result(assignment=assignment, org_unit=unit, round=round_)
    can_report = can_report_for(request.user, unit)  # asked once: the view check and the editability reuse it
    if not (can_report or can_view_result(request.user, probe)):
        raise Http404(_("ไม่พบผลการดำเนินงาน"))
    if result is None:
        framework = selectors.framework_for_unit(org_unit=unit, fiscal_year_id=round_.fiscal_year_id)
        if framework is None or framework.pk != assignment.framework_id or not selectors.applies_to(assignment, unit):
            raise Http404(_("ตัวชี้วัดนี้ไม่ได้อยู่ในกรอบตัวชี้วัดของหน่วยงาน"))
    if assignment.pk in year_structure.year_structure(round_.fiscal_year_id).parents:
        raise Http404(_("ตัวชี้วัดหลักรายงานผลผ่านตัวชี้วัดย่อย"))
    criteria = assignment.criteria_for(round_.number)
    spec = None
    if criteria is not None:
        try:
            spec = criteria.to_spec()
        except scoring.ScoringError:
            criteria = None
    shape = entry_shape(assignment, criteria)
    can_report, editable, reason = _editability(request.user, round_, unit, result, can_report)
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
    sub_rows = list(result.sub_results.all()) if result and entry.shape.modes else []  # no table without modes
    levels = (
        [(label, text) for _name, cells in printed_levels(entry.criteria) for label, text, defined in cells if defined]
        if entry.criteria and entry.shape.kind == "maturity"
        else []
    )
    form = ResultForm(
        data,
        initial=result_initial(result, initial_mode(result, bool(sub_rows))),
        shape=entry.shape,
        definition=entry.assignment.definition,
        levels=levels,
        fiscal_year_be=entry.round.fiscal_year.be_year,
    )
    steps = milestone_forms(entry.spec, result, data) if entry.shape.kind == "milestones" and entry.spec else []
    subs = None
    if entry.shape.modes:
        # Bound only when the table is what was saved: otherwise it keeps showing the saved rows, without errors.
        bound = data is not None and data.get("mode") == MODE_BREAKDOWN
        subs = SubUnitFormSet(
            data if bound else None,
            prefix="sub",
            units=OrgUnit.objects.filter(pk__in=[u.pk for u in entry.candidates]),
            initial=None if bound else sub_unit_initial(result, entry.candidates),
        )
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
    with contextlib.suppress(ValueError):
        return thai_date(dt.date.fromisoformat(raw))
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


def _render(
    request: HttpRequest,
    entry: Entry,
    forms: EntryForms,
    *,
    status: int = 200,
    conflict: StaleResultError | None = None,
    conflict_changes: list[tuple[str, str, str]] | None = None,
    error: str = "",
) -> HttpResponse:
    definition = entry.assignment.definition
    result = entry.result
    if result is not None:  # not read before: a save that redirects does not need them (kept when already read)
        prefetch_related_objects([result], Prefetch("evidence_files", queryset=prefetch.evidence_files()))
    evidence_by_level: dict[str, list[EvidenceFile]] = {}
    for item in result.evidence_files.all() if result else []:
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
        "reviewers": reviewers_of(entry.assignment),  # who receives the submitted result, by name
        "unit_round_url": reverse("unit-round", args=[entry.round.pk, entry.unit.pk]),
        "sub_totals": _sub_totals(entry),
        "milestone_rows": _milestone_rows(entry, forms.steps, evidence_by_level),
        "max_upload_mb": _max_upload_mb(),
    }
    return render(request, "indicators/entry/result_entry.html", context, status=status)


def _milestone_rows(
    entry: Entry, steps: list[MilestoneStepForm], files: dict[str, list[EvidenceFile]]
) -> list[dict[str, Any]]:
    """Every level as printed, "-" levels included (greyed out), with their deliverable forms and files."""
    if not steps and entry.shape.kind != "milestones":
        return []
    by_level: dict[str, list[MilestoneStepForm]] = {}
    for step in steps:
        by_level.setdefault(step.step.level, []).append(step)
    return [
        {
            "level": level,
            "defined": deliverables is not None,
            "forms": by_level.get(level, []),
            "files": files.get(level, []),
        }
        for level, deliverables in milestone_steps(entry.spec or {})
    ]


def _max_upload_mb() -> int:
    from django.conf import settings

    return int(settings.EVIDENCE_MAX_BYTES) // (1024 * 1024)


def _sub_totals(entry: Entry) -> tuple[Decimal, Decimal] | None:
    """The breakdown table's totals (shown only with the table, i.e. when the shape has modes)."""
    if entry.result is None or not entry.shape.modes:
        return None
    rows = list(entry.result.sub_results.all())
    if not rows:
        return None
    totals = breakdown_totals(rows)
    return totals.numerator, totals.denominator
