"""One result's review page: values, percentage, score arithmetic, criteria, narrative and the decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from indicators import prefetch, scoring
from indicators.breakdown_totals import breakdown_totals
from indicators.breakdown_totals import percent as breakdown_percent
from indicators.criteria_spec import printed_levels
from indicators.models import Criteria, Result
from indicators.permissions import can_review, is_admin, is_director
from indicators.services import results as result_services
from indicators.templatetags.thai_dates import thai_date
from indicators.views_review.reopen import ReopenForm


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
                Prefetch("milestones", queryset=prefetch.milestones()),
                Prefetch("evidence_files", queryset=prefetch.evidence_files()),
                Prefetch("sub_results", queryset=prefetch.sub_results().select_related("org_unit", "province")),
                Prefetch("assignment__definition__criteria", queryset=prefetch.criteria_with_levels()),
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
                   breakdown_percent(row.numerator, row.denominator, policy))
        for row in result.sub_results.all()
    ]
    sub_total = None
    if sub_units:
        totals = breakdown_totals(sub_units)
        sub_total = SubUnitRow("รวม", totals.numerator, totals.denominator, totals.percent(policy))
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
        comment = request.POST.get("comment", "")
        Result._meta.get_field("review_comment_th").run_validators(comment)  # its length limit (issue 8)
        result_services.result_return(actor=request.user, result=result, comment=comment)
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
        raise Http404("ไม่พบผลการดำเนินงาน")  # a result this user may not see is one that does not exist
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
        # maker ≠ checker: the submitter may still return the result, but is not offered the approval
        "can_approve": may_review and submitted and not result_services.self_approval_refused(request.user, result),
        "can_reopen": admin,
        "read_only": not may_review,
        "locked": result.status == Result.Status.APPROVED,
        "entry_open": result_services.entry_is_open(result.round, result),
        "error": error,
        "comment": comment,
        "reopen_form": reopen_form,
        "next": _next_url(request),
    }, status=status)
