"""Pages for signed-in users: the year's frameworks and each framework's criteria table (appendix 1 of 003)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from indicators import selectors
from indicators.criteria_spec import printed_levels
from indicators.models import Framework
from indicators.models.framework import Component
from indicators.services.frameworks import assignment_rows, weight_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from indicators.views_entry import my_work

    year = selectors.fiscal_year_current()
    frameworks = list(selectors.framework_list(fiscal_year=year)) if year else []
    return render(request, "indicators/home.html", {"year": year, "frameworks": frameworks, "my_work": my_work(request.user)})


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        framework = selectors.framework_detail(pk=pk)
    except Framework.DoesNotExist as exc:
        raise Http404("ไม่พบกรอบตัวชี้วัด") from exc
    groups = []
    for component in Component:
        rows = []
        for assignment in framework.assignments.all():
            if assignment.component != component.value:
                continue
            rounds = []
            for number in (1, 2):
                criteria = assignment.criteria_for(number)
                rounds.append(printed_levels(criteria) if criteria else [])
            rows.append({"assignment": assignment, "rounds": rounds})
        groups.append({"component": component, "rows": rows})
    summary = weight_summary(assignment_rows(framework))
    return render(
        request, "indicators/framework_detail.html", {"framework": framework, "groups": groups, "summary": summary}
    )
