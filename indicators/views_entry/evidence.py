"""Evidence files: upload, download (permission-checked, private storage) and delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record_download
from indicators.file_checks import content_type_for
from indicators.forms import (
    EvidenceUploadForm,
)
from indicators.models import (
    EvidenceFile,
    Result,
)
from indicators.permissions import can_report_for, can_view_result
from indicators.services.results import (
    evidence_add,
    evidence_remove,
)
from indicators.views_entry.pages import _messages
from indicators.views_entry.state import (
    _entry,
    _forms,
    _render,
    _results,
)

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
            evidence = evidence_add(
                actor=request.user,
                result=result,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data.get("description") or "",
                milestone_level=form.cleaned_data.get("milestone_level") or "",
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        except PermissionDenied as exc:
            return _render(request, entry, _forms(entry, evidence=form), status=403, error=str(exc))
        else:
            messages.success(request, _("แนบไฟล์ “%(name)s” แล้ว") % {"name": evidence.original_name})
            return HttpResponseRedirect(entry.url + "#evidence")
    forms = _forms(entry, evidence=form)
    return _render(
        request,
        entry,
        forms,
        status=400,
        error=_("แนบไฟล์ไม่สำเร็จ: %(why)s")
        % {"why": " ".join(str(e) for e in form.errors.get("file", [])) or _("กรุณาตรวจสอบไฟล์")},
    )


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
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=content_type_for(evidence.file.name)
    )  # the type of the kind the file was checked as (its stored extension), never what a browser declared
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    record_download(request, kind="evidence", target=evidence, filename=evidence.original_name,
                    result=evidence.result_id, size=evidence.size)
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
