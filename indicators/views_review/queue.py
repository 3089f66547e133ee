"""The review queue: submitted, returned and approved results of the indicators a user supervises."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from indicators import scoring
from indicators.models import Criteria, FiscalYear, IndicatorDefinition, OrgUnit, Result
from indicators.permissions import is_admin
from indicators.services import results as result_services
from indicators.views_review.access import _supervises_any, may_open_queue, queue_results

PAGE_SIZE = 50
REVIEW_STATUSES = [
    (Result.Status.SUBMITTED.value, "รอพิจารณา"),
    (Result.Status.RETURNED.value, "ส่งกลับแก้ไขแล้ว"),
    (Result.Status.APPROVED.value, "อนุมัติแล้ว"),
]


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
        raise Http404("ไม่พบหน้านี้")  # the same answer as for a page that does not exist
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

