"""Supervisor review: the queue of submitted results and one result's review page (DOMAIN.md §10 workflow).

Supervisors (ผู้กำกับดูแลตัวชี้วัด) see the results of the indicators they supervise, across units; admins see all
and may also reopen a result; directors may look at both pages read-only. Staff are refused. Every decision goes
through the services (result_approve, result_return, result_reopen), which check permissions again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from indicators import scoring, selectors
from indicators.criteria_spec import printed_levels
from indicators.models import Assignment, Criteria, FiscalYear, IndicatorDefinition, OrgUnit, Result, SubUnitResult
from indicators.permissions import can_review, is_admin, is_director, person_of, supervised_filter
from indicators.services import results as result_services
from indicators.templatetags.thai_dates import thai_date

PAGE_SIZE = 50
REVIEW_STATUSES = [
    (Result.Status.SUBMITTED.value, "รอพิจารณา"),
    (Result.Status.RETURNED.value, "ส่งกลับแก้ไขแล้ว"),
    (Result.Status.APPROVED.value, "อนุมัติแล้ว"),
]
# simple-history keeps at most 100 characters of a change reason; services prefix the reason ("เปิดรอบการรายงาน: ").
REASON_MAX_LENGTH = 80


# --- who may open the pages ----------------------------------------------------------------------------------


def may_open_queue(user: Any) -> bool:
    """Admins, directors (read-only) and supervisors; staff who supervise nothing are refused."""
    if is_admin(user) or is_director(user):
        return True
    person = person_of(user)
    if person is None:
        return False
    if person.role == person.Role.SUPERVISOR:
        return True
    return Assignment.objects.filter(supervised_filter(person)).exists()


def queue_results(*, user: Any, status: str) -> QuerySet[Result]:
    """selectors.review_queue: supervisors their indicators, admins and directors (read-only) everything."""
    return selectors.review_queue(user=user, status=status)


def _with_scoring_rows(results: QuerySet[Result]) -> QuerySet[Result]:
    """Everything result_score needs, prefetched once for the whole page (no query per row)."""
    return results.select_related("submitted_by__person", "reviewed_by__person").prefetch_related(
        "milestones", Prefetch("assignment__definition__criteria", queryset=Criteria.objects.prefetch_related("levels"))
    )


class _Policies:
    """policy_for() once per fiscal year on a page."""

    def __init__(self) -> None:
        self._by_year: dict[int, scoring.ScoringPolicy] = {}

    def __call__(self, result: Result) -> scoring.ScoringPolicy:
        year = result.round.fiscal_year_id
        if year not in self._by_year:
            self._by_year[year] = result_services.policy_for(result.round)
        return self._by_year[year]


# --- the queue -----------------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label="สถานะ", choices=REVIEW_STATUSES, required=False)
    year = forms.ModelChoiceField(
        label="ปีงบประมาณ", queryset=FiscalYear.objects.order_by("-be_year"), to_field_name="be_year",
        required=False, empty_label="ทุกปี",
    )
    round = forms.TypedChoiceField(
        label="รอบ", choices=[("", "ทุกรอบ"), (1, "รอบที่ 1 (6 เดือน)"), (2, "รอบที่ 2 (12 เดือน)")], coerce=int,
        required=False, empty_value=None,
    )
    unit = forms.ModelChoiceField(label="หน่วยงาน", queryset=OrgUnit.objects.none(), required=False, empty_label="ทุกหน่วยงาน")
    indicator = forms.ModelChoiceField(
        label="ตัวชี้วัด", queryset=IndicatorDefinition.objects.none(), required=False, empty_label="ทุกตัวชี้วัด"
    )

    def __init__(self, *args: Any, scope: QuerySet[Result], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = scope.values("pk")
        self.fields["unit"].queryset = OrgUnit.objects.filter(results__in=ids).distinct().order_by("name_th")
        indicator_field = self.fields["indicator"]
        indicator_field.queryset = (
            IndicatorDefinition.objects.filter(assignments__results__in=ids).distinct()
            .select_related("fiscal_year").order_by("-fiscal_year__be_year", "code")
        )
        indicator_field.label_from_instance = _indicator_label  # type: ignore[attr-defined]


def _indicator_label(definition: IndicatorDefinition) -> str:
    name = definition.name_th if len(definition.name_th) <= 70 else definition.name_th[:68].rstrip() + "…"
    return f"{name} (ปี {definition.fiscal_year.be_year})"


@dataclass(frozen=True)
class QueueRow:
    result: Result
    score: Decimal | None
    value: Decimal | None
    problem: str


def _queue_filters(request: HttpRequest) -> tuple[QueueFilterForm, str, QuerySet[Result]]:
    status = request.GET.get("status") or Result.Status.SUBMITTED.value
    if status not in {value for value, _label in REVIEW_STATUSES}:
        status = Result.Status.SUBMITTED.value
    scope = queue_results(user=request.user, status=status)
    form = QueueFilterForm(request.GET or None, scope=scope, initial={"status": status})
    results = scope
    if form.is_bound:
        form.is_valid()  # invalid fields are shown with their error and ignored; the valid ones still filter
        data = form.cleaned_data
        if data.get("year"):
            results = results.filter(round__fiscal_year=data["year"])
        if data.get("round"):
            results = results.filter(round__number=data["round"])
        if data.get("unit"):
            results = results.filter(org_unit=data["unit"])
        if data.get("indicator"):
            results = results.filter(assignment__definition=data["indicator"])
    return form, status, results


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted results of the indicators this user supervises, oldest submission first, 50 a page."""
    if not may_open_queue(request.user):
        raise PermissionDenied("หน้านี้สำหรับผู้กำกับดูแลตัวชี้วัด ผู้บริหาร และผู้ดูแลระบบ")
    form, status, results = _queue_filters(request)
    page: Page[Result] = Paginator(_with_scoring_rows(results), PAGE_SIZE).get_page(request.GET.get("page"))
    policies = _Policies()
    rows = []
    for result in page.object_list:
        outcome = result_services.result_score(result, policies(result))
        value = outcome.detail.value if outcome.detail else None
        rows.append(QueueRow(result, outcome.score, value, outcome.problem))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(request, "indicators/review/queue.html", {
        "form": form,
        "status": status,
        "status_label": dict(REVIEW_STATUSES)[status],
        "page": page,
        "rows": rows,
        "query": urlencode(query),
        "here": request.get_full_path(),
        "read_only": not (is_admin(request.user) or _supervises_any(request.user)),
    })


def _supervises_any(user: Any) -> bool:
    person = person_of(user)
    return person is not None and (
        person.role == person.Role.SUPERVISOR or Assignment.objects.filter(supervised_filter(person)).exists()
    )


# --- one result ----------------------------------------------------------------------------------------------


class ThaiDateInput(forms.TextInput):
    """A date shown and typed the Thai way, day/month/Buddhist-Era year (a browser date picker shows CE years)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"placeholder": "เช่น 31/3/2567", "inputmode": "numeric", "size": 14, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return f"{value.day}/{value.month}/{value.year + 543}"
        return super().format_value(value)  # type: ignore[no-any-return]


class ThaiDateField(forms.DateField):
    """A date typed the Thai way: 31/3/2567 (Buddhist Era; 31/3/2024 also works) or ISO 2024-03-31."""

    widget = ThaiDateInput
    default_error_messages = {"invalid": "กรุณาระบุวันที่เป็นวัน/เดือน/ปี พ.ศ. เช่น 31/3/2567"}

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and value.count("/") == 2:
            day, month, year = (part.strip() for part in value.split("/"))
            if day.isdigit() and month.isdigit() and year.isdigit():
                be_or_ce = int(year)
                try:
                    return dt.date(be_or_ce - 543 if be_or_ce > 2400 else be_or_ce, int(month), int(day))
                except ValueError as exc:
                    raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return super().to_python(value)  # type: ignore[no-any-return]


class ReopenForm(forms.Form):
    """Reason and date for reopening a result or a round (the review page and the admin's intermediate pages)."""

    reason = forms.CharField(
        label="เหตุผลในการเปิดให้แก้ไข", max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_LENGTH}),
        help_text=f"บันทึกไว้ในประวัติการแก้ไข (ไม่เกิน {REASON_MAX_LENGTH} ตัวอักษร)",
        error_messages={"required": "กรุณาระบุเหตุผลในการเปิดให้แก้ไข",
                        "max_length": f"เหตุผลยาวได้ไม่เกิน {REASON_MAX_LENGTH} ตัวอักษร"},
    )
    until = ThaiDateField(
        label="เปิดให้แก้ไขถึงวันที่", help_text="วัน/เดือน/ปี พ.ศ. (รวมวันนั้นด้วย)",
        error_messages={"required": "กรุณาระบุวันที่สิ้นสุดการเปิดให้แก้ไข"},
    )

    def clean_until(self) -> dt.date:
        until: dt.date = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise ValidationError("วันที่ที่ระบุผ่านมาแล้ว กรุณาระบุวันนี้หรือวันถัดไป")
        return until


@dataclass
class MilestoneRow:
    level: str
    deliverable: str
    done: bool | None
    done_on: dt.date | None
    evidence_th: str
    first_of_level: bool = True
    level_span: int = 1


@dataclass
class SubUnitRow:
    label: str
    numerator: Decimal | None
    denominator: Decimal | None
    percent: Decimal | None


@dataclass
class ReviewPage:
    result: Result
    criteria: Criteria | None
    score: Decimal | None
    value: Decimal | None
    problem: str
    explanation: str
    printed: list[tuple[str, list[tuple[str, str, bool]]]]
    part_names: list[str]
    milestones: list[MilestoneRow]
    sub_units: list[SubUnitRow]
    sub_total: SubUnitRow | None
    narrative: list[tuple[str, str]]
    evidence: list[Any]
    history: list[Any]
    method: str = ""


def _load(pk: int) -> Result:
    try:
        return (
            Result.objects.select_related(
                "org_unit", "round__fiscal_year", "assignment__definition__supervisor", "assignment__supervisor",
                "assignment__framework", "submitted_by__person", "reviewed_by__person",
            )
            .prefetch_related(
                "milestones", "evidence_files",
                Prefetch("sub_results", queryset=SubUnitResult.objects.select_related("org_unit", "province")),
                Prefetch("assignment__definition__criteria", queryset=Criteria.objects.prefetch_related("levels")),
            )
            .get(pk=pk)
        )
    except Result.DoesNotExist as exc:
        raise Http404("ไม่พบผลการดำเนินงาน") from exc


def _milestone_rows(result: Result, criteria: Criteria | None) -> list[MilestoneRow]:
    """Each deliverable of each level from the criteria, with what the unit reported for it."""
    reported = {(m.level, m.deliverable_index): m for m in result.milestones.all()}
    rows: list[MilestoneRow] = []
    seen: set[tuple[str, int]] = set()
    if criteria is not None and criteria.method == Criteria.Method.MILESTONES:
        for level in sorted(criteria.levels.all(), key=lambda level: level.level):
            if not level.defined:
                continue
            lines = [line.strip(" \t-•") for line in (level.milestone_th or "").splitlines()]
            deliverables = [line for line in lines if line] or [""]
            level_rows = []
            for index, text in enumerate(deliverables):
                item = reported.get((str(level.level), index))
                seen.add((str(level.level), index))
                level_rows.append(MilestoneRow(
                    str(level.level), text, item.done if item else None, item.done_on if item else None,
                    item.evidence_th if item else "", first_of_level=index == 0,
                ))
            level_rows[0].level_span = len(level_rows)
            rows.extend(level_rows)
    for key, item in sorted(reported.items()):
        if key not in seen:  # reported against a step the criteria no longer has: still shown
            rows.append(MilestoneRow(item.level, "", item.done, item.done_on, item.evidence_th))
    return rows


def _percent(numerator: Decimal | None, denominator: Decimal | None, policy: scoring.ScoringPolicy) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    try:
        return scoring.percentage(numerator, denominator, policy).value_rounded
    except scoring.ScoringError:
        return None


def review_page(result: Result) -> ReviewPage:
    """Everything the review page shows for one result: values, steps, breakdown, narrative, score and criteria."""
    policy = result_services.policy_for(result.round)
    criteria = result.assignment.criteria_for(result.round.number)
    outcome = result_services.result_score(result, policy)
    explanation = ""
    if criteria is not None and outcome.detail is not None:
        try:
            explanation = scoring.explain(criteria.to_spec(), result.measurement(), policy)
        except scoring.ScoringError:
            explanation = ""
    sub_units = [
        SubUnitRow(row.label_th or str(row.org_unit or row.province or ""), row.numerator, row.denominator,
                   _percent(row.numerator, row.denominator, policy))
        for row in result.sub_results.all()
    ]
    sub_total = None
    if sub_units:
        numerator = sum((row.numerator or Decimal(0) for row in sub_units), Decimal(0))
        denominator = sum((row.denominator or Decimal(0) for row in sub_units), Decimal(0))
        sub_total = SubUnitRow("รวม", numerator, denominator, _percent(numerator, denominator, policy))
    narrative = [
        (str(Result._meta.get_field(name).verbose_name), getattr(result, name))
        for name in ("actions_th", "supporting_factors_th", "obstacles_th", "suggestions_th", "evidence_th")
    ]
    history = list(
        result.history.select_related("history_user__person").order_by("-history_date", "-history_id")[:30]
    )
    return ReviewPage(
        result=result,
        criteria=criteria,
        score=outcome.score,
        value=outcome.detail.value if outcome.detail else None,
        problem=outcome.problem,
        explanation=explanation,
        printed=printed_levels(criteria) if criteria is not None else [],
        part_names=list(criteria.part_names_th or []) if criteria is not None else [],
        milestones=_milestone_rows(result, criteria),
        sub_units=sub_units,
        sub_total=sub_total,
        narrative=narrative,
        evidence=list(result.evidence_files.all()),
        history=history,
        method=criteria.method if criteria is not None else "",
    )


def _next_url(request: HttpRequest) -> str:
    """Back to the queue the reviewer came from (with its filters), never to another site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    queue = reverse("review-queue")
    if candidate.startswith(queue) and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return queue


def _refusal(exc: PermissionDenied | ValidationError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "คุณไม่มีสิทธิ์ทำรายการนี้"


def _decide(request: HttpRequest, result: Result, reopen_form: ReopenForm) -> str:
    """Run the requested decision through its service; returns the Thai success message or raises the refusal."""
    action = request.POST.get("action", "")
    who = f"{result.assignment.number}. {result.assignment.definition.name_th[:60]} ของ{result.org_unit.name_th}"
    if action == "approve":
        result_services.result_approve(actor=request.user, result=result)
        return f"อนุมัติผลการดำเนินงานตัวชี้วัด {who} แล้ว"
    if action == "return":
        result_services.result_return(actor=request.user, result=result, comment=request.POST.get("comment", ""))
        return f"ส่งกลับผลการดำเนินงานตัวชี้วัด {who} ให้แก้ไขแล้ว ระบบแจ้งผู้รายงานทางอีเมล"
    if action == "reopen":
        if not is_admin(request.user):
            raise PermissionDenied("เฉพาะผู้ดูแลระบบเท่านั้นที่เปิดให้แก้ไขผลการดำเนินงานได้")
        if not reopen_form.is_valid():
            raise ValidationError("ยังเปิดให้แก้ไขไม่ได้ กรุณาตรวจสอบเหตุผลและวันที่")
        until = reopen_form.cleaned_data["until"]
        result_services.result_reopen(actor=request.user, result=result, reason=reopen_form.cleaned_data["reason"],
                                      until=until)
        return f"เปิดให้แก้ไขผลการดำเนินงานตัวชี้วัด {who} ถึงวันที่ {thai_date(until)} แล้ว"
    raise ValidationError("ไม่รู้จักคำสั่งนี้")


@login_required
def review_result(request: HttpRequest, pk: int) -> HttpResponse:
    """One result for review: GET shows it; POST approves, returns (with a comment) or, for admins, reopens it."""
    result = _load(pk)
    may_review = can_review(request.user, result)
    if not (may_review or is_director(request.user)):
        raise PermissionDenied("คุณไม่ได้เป็นผู้กำกับดูแลตัวชี้วัดนี้")
    admin = is_admin(request.user)
    error = ""
    status = 200
    comment = ""
    reopen_form = ReopenForm(
        request.POST if request.POST.get("action") == "reopen" else None,
        initial={"until": timezone.localdate() + dt.timedelta(days=7)},
    )
    if request.method == "POST":
        comment = request.POST.get("comment", "")
        try:
            done = _decide(request, result, reopen_form)
        except PermissionDenied as exc:
            error, status = _refusal(exc), 403
        except ValidationError as exc:
            error = _refusal(exc)
        else:
            messages.success(request, done)
            return redirect(_next_url(request))
        result = _load(pk)  # what is really stored now: a refusal changed nothing
    page = review_page(result)
    submitted = result.status == Result.Status.SUBMITTED
    return render(request, "indicators/review/result.html", {
        "page": page,
        "result": result,
        "can_decide": may_review and submitted,
        "can_reopen": admin,
        "read_only": not may_review,
        "locked": result.status == Result.Status.APPROVED,
        "entry_open": result_services.entry_is_open(result.round, result),
        "error": error,
        "comment": comment,
        "reopen_form": reopen_form,
        "next": _next_url(request),
    }, status=status)
