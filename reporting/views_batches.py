"""Report batches for directors: start a batch, watch its progress, download the ZIP or one unit's file.

Every page answers 404 to anyone but directors and the administration development group (guessing an id reveals
nothing); files come from private storage through these views only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.services import record_download
from indicators.models import FiscalYear, OrgUnit
from indicators.permissions import is_admin, visible_units
from reporting.batches import can_run_batches, report_run_cancel, report_run_create
from reporting.documents import KINDS, kind_label
from reporting.models import ReportRun, ReportRunItem

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
LIST_LIMIT = 50


class BatchForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("เอกสาร"))
    year = forms.TypedChoiceField(label=gettext_lazy("ปีงบประมาณ"), coerce=int)
    round_number = forms.TypedChoiceField(
        label=gettext_lazy("รอบ"), coerce=int, empty_value=None, required=False,
        choices=[
            ("", gettext_lazy("ทั้งปี / ไม่ระบุรอบ")),
            (1, gettext_lazy("รอบที่ 1 (6 เดือน)")),
            (2, gettext_lazy("รอบที่ 2 (12 เดือน)")),
        ],
    )
    scope = forms.ChoiceField(label=gettext_lazy("ขอบเขต"), choices=ReportRun.Scope.choices, widget=forms.RadioSelect)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("หน่วยงาน (เมื่อเลือกหน่วยงานเดียว)"), queryset=OrgUnit.objects.none(), to_field_name="code",
        required=False,
    )
    fmt = forms.ChoiceField(label=gettext_lazy("รูปแบบไฟล์"), choices=ReportRun.Format.choices)
    thai_digits = forms.BooleanField(label=gettext_lazy("พิมพ์ตัวเลขเป็นเลขไทย (PDF)"), required=False)
    frozen = forms.BooleanField(label=gettext_lazy("ใช้ฉบับที่ล็อกรับรองแล้ว (ถ้ามี)"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, kind_label(kind)) for kind in KINDS]
        years = FiscalYear.objects.filter(rounds__isnull=False).distinct().order_by("-be_year")
        self.fields["year"].choices = [(y.be_year, _("พ.ศ. %(year)s") % {"year": y.be_year}) for y in years]
        self.fields["unit"].queryset = visible_units(user).order_by("kind", "order", "code")
        self.fields["unit"].label_from_instance = lambda unit: unit.name_th

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == ReportRun.Scope.UNIT and not data.get("unit"):
            self.add_error("unit", _("กรุณาเลือกหน่วยงาน"))
        return data


def _runs_for(user: Any) -> QuerySet[ReportRun]:
    """Admins see every batch, directors the ones they started."""
    runs = ReportRun.objects.select_related("fiscal_year", "org_unit", "requested_by")
    return runs if is_admin(user) else runs.filter(requested_by=user)


def _run_or_404(request: HttpRequest, pk: int) -> ReportRun:
    """The run, if it is in this user's batch list (admins: every run; directors: the ones they started); anyone
    else gets the same 404 as for an id that does not exist."""
    if not can_run_batches(request.user):
        raise Http404(_("ไม่พบชุดเอกสาร"))
    return get_object_or_404(_runs_for(request.user), pk=pk)


def _status(run: ReportRun) -> dict[str, Any]:
    return {
        "id": run.pk, "status": run.status, "status_label": str(run.get_status_display()), "total": run.total,
        "done": run.done_count, "failed": run.failed_count, "percent": run.percent, "finished": run.finished,
        "zip_url": reverse("report-batch-download", args=[run.pk]) if run.zip_file else None,
        "error": run.error,
    }


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    """The form to start a batch and the list of batches (POST starts one and redirects to its page)."""
    if not can_run_batches(request.user):
        raise Http404(_("ไม่พบหน้านี้"))
    if request.method == "POST":
        form = BatchForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                run = report_run_create(
                    actor=request.user, kind=data["kind"], fiscal_year=FiscalYear.objects.get(be_year=data["year"]),
                    scope=data["scope"], round_number=data["round_number"], org_unit=data["unit"], fmt=data["fmt"],
                    thai_digits=data["thai_digits"], frozen=data["frozen"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("สั่งสร้างชุดเอกสาร #%(id)s แล้ว (%(n)s หน่วยงาน)") % {"id": run.pk, "n": run.total})
                return HttpResponseRedirect(reverse("report-batch", args=[run.pk]))
    else:
        form = BatchForm(
            user=request.user,
            initial={"scope": ReportRun.Scope.DEPARTMENT, "fmt": ReportRun.Format.PDF, "round_number": 2,
                     "kind": "scorecard"},
        )
    runs = list(_runs_for(request.user)[:LIST_LIMIT])
    return render(request, "reporting/batches.html", {
        "form": form, "runs": [(run, kind_label(run.kind)) for run in runs],
    }, status=400 if form.is_bound else 200)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress (refreshed by batch.js, or by a meta refresh without JavaScript) and the files."""
    run = _run_or_404(request, pk)
    items = list(run.items.select_related("org_unit").order_by("position", "pk"))
    return render(request, "reporting/batches_run.html", {
        "run": run, "kind_label": kind_label(run.kind), "items": items, "status": _status(run),
    })


@login_required
def batch_status(request: HttpRequest, pk: int) -> JsonResponse:
    response = JsonResponse(_status(_run_or_404(request, pk)))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def batch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    if report_run_cancel(actor=request.user, run=run):
        messages.success(request, _("ยกเลิกชุดเอกสาร #%(id)s แล้ว") % {"id": run.pk})
    else:
        messages.info(request, _("ชุดเอกสาร #%(id)s เสร็จสิ้นไปแล้ว ยกเลิกไม่ได้") % {"id": run.pk})
    return HttpResponseRedirect(reverse("report-batch", args=[run.pk]))


def _file_response(field: Any, filename: str, content_type: str) -> FileResponse:
    if not field:
        raise Http404(_("ไม่พบไฟล์"))
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(_("ไม่พบไฟล์")) from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def batch_download(request: HttpRequest, pk: int) -> FileResponse:
    """The ZIP of a finished batch."""
    run = _run_or_404(request, pk)
    filename = run.zip_file.name.rsplit("/", 1)[-1]
    response = _file_response(run.zip_file, filename, CONTENT_TYPES["zip"])
    record_download(request, kind=run.kind, target=run, filename=filename, source="batch-zip", format=run.format)
    return response


@login_required
def batch_item_download(request: HttpRequest, pk: int, item_pk: int) -> FileResponse:
    """One unit's file of a batch (as soon as it is rendered)."""
    run = _run_or_404(request, pk)
    item = get_object_or_404(ReportRunItem, pk=item_pk, run=run, status=ReportRunItem.Status.DONE)
    response = _file_response(item.file, item.filename, CONTENT_TYPES.get(run.format, "application/octet-stream"))
    record_download(request, kind=run.kind, target=item, filename=item.filename, source="batch-item", run=run.pk,
                    unit=item.org_unit_id, format=run.format)
    return response
