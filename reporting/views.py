"""Report pages: the director's scorecard on screen, as PDF and as XLSX (the same document, DOMAIN.md §6.6)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from audit.services import record_download
from indicators import numbers
from indicators.models import FiscalYear, OrgUnit, Round
from indicators.permissions import is_admin, is_director, visible_units
from reporting.documents import scorecard as scorecard_doc
from reporting.documents import scorecard_detail
from reporting.errors import ScorecardError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _scorecard_units(request: HttpRequest) -> QuerySet[OrgUnit]:
    """Units whose scorecards the user may open: admin and director all, staff their own, anyone else 404."""
    units = visible_units(request.user).order_by("kind", "code")
    if not (is_admin(request.user) or is_director(request.user)) and not units.exists():
        raise Http404
    return units


@login_required
def scorecard(request: HttpRequest) -> HttpResponse:
    """Choose year, round and unit (among the user's visible units); show the scorecard or download it."""
    units = _scorecard_units(request)
    years = list(FiscalYear.objects.filter(rounds__isnull=False).distinct().order_by("-be_year"))
    year_be = _int(request.GET.get("year")) or (years[0].be_year if years else None)
    round_number = _int(request.GET.get("round")) or 1
    code = request.GET.get("unit") or ""
    unit: OrgUnit | None = None
    if code:
        unit = units.filter(code=code).first()
        if unit is None:
            raise Http404
    elif not (is_admin(request.user) or is_director(request.user)):
        unit = units.first()
    round_ = Round.objects.select_related("fiscal_year").filter(fiscal_year__be_year=year_be, number=round_number).first()
    context: dict[str, Any] = {
        "units": units, "years": years, "year": year_be, "round_number": round_number, "unit": unit,
        "round": round_, "error": "",
    }
    if unit is not None and round_ is not None:
        try:
            doc = scorecard_doc.build(org_unit=unit, round=round_, use_frozen=request.GET.get("frozen") == "1")
        except ScorecardError as exc:
            context["error"] = str(exc)
        else:
            name = f"scorecard-{unit.code}-{year_be}-r{round_number}"
            output = request.GET.get("format")
            if output in ("pdf", "xlsx"):
                record_download(request, kind="scorecard", target=unit, filename=f"{name}.{output}", year=year_be,
                                round=round_number, frozen=request.GET.get("frozen") == "1")
            if output == "pdf":
                response = HttpResponse(
                    scorecard_doc.to_pdf_stored(doc, thai_digits=request.GET.get("thai_digits") == "1"),
                    content_type="application/pdf",
                )
                response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
                return response
            if output == "xlsx":
                response = HttpResponse(scorecard_doc.to_xlsx(doc), content_type=XLSX)
                response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
                return response
            shown = scorecard_doc.display(doc)  # its year/round are display strings; the form compares numbers
            context.update({key: value for key, value in shown.items() if key not in ("year", "round_number")})
            context["query"] = f"year={year_be}&round={round_number}&unit={unit.code}"
    elif unit is not None:
        context["error"] = f"ไม่พบรอบที่ {round_number} ของปีงบประมาณ พ.ศ. {year_be}"
    return render(request, "reporting/scorecard.html", context)


@login_required
def scorecard_indicator(request: HttpRequest, unit: str, year: int, round_number: int, assignment_id: int) -> HttpResponse:
    """One row of a scorecard in detail: criteria, result, the Thai arithmetic, provinces; same access as the page."""
    org_unit = get_object_or_404(_scorecard_units(request), code=unit)
    round_ = get_object_or_404(Round.objects.select_related("fiscal_year"), fiscal_year__be_year=year, number=round_number)
    try:
        detail = scorecard_detail.build_indicator(org_unit=org_unit, round=round_, assignment_id=assignment_id)
    except ScorecardError as exc:
        raise Http404(str(exc)) from exc
    if detail is None:
        raise Http404("ไม่พบตัวชี้วัดนี้ในผลการประเมินของหน่วยงาน")
    context = {
        "detail": detail, "year": year, "round_number": round_number, "unit": org_unit,
        "back": f"?year={year}&round={round_number}&unit={org_unit.code}",
        "score": numbers.score(detail.score),
        "weight": numbers.weight(detail.weight),
        "weighted": numbers.score(detail.weighted),
        "province_score": numbers.score(detail.provinces.score) if detail.provinces else "",
        "not_computable": scorecard_doc.NOT_COMPUTABLE,
        "province_source": scorecard_detail.SOURCE_NOTE,
    }
    return render(request, "reporting/scorecard_indicator.html", context)
