"""Change control of approved frameworks in the admin: read-only rows, and the reason pages that call the services.

An approved framework, its assignments, their own criteria and levels are read-only (edits, deletes, new rows and
history reverts are refused). It changes through indicators/services/frameworks.py: reopen to draft (no results
yet), amend (results exist; the reporters are e-mailed), approve (closes an amendment), or set its reviewers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from indicators.models import Assignment, Criteria, CriteriaLevel, Framework, Person
from indicators.notifications import address_of
from indicators.permissions import reviewers_of, supervisor_of
from indicators.services.frameworks import (
    REASON_MAX_LENGTH,
    framework_amend,
    framework_approval_problems,
    framework_approve,
    framework_has_results,
    framework_reopen,
    framework_reviewers_set,
    unsupervised_assignments,
)

LOCKED_MESSAGE = _(
    "กรอบตัวชี้วัดนี้อนุมัติแล้วจึงแก้ไขไม่ได้ หากจำเป็นต้องแก้ไข ให้ \"เปิดกลับเป็นร่าง\" (ยังไม่มีผลการดำเนินงาน) "
    "หรือ \"แก้ไขเพิ่มเติม\" (มีผลการดำเนินงานแล้ว) พร้อมระบุเหตุผลที่หน้ากรอบตัวชี้วัด"
)


# --- what is locked ---------------------------------------------------------------------------------------------


def framework_of(obj: Any) -> Framework | None:
    """The framework a framework, assignment, own criteria or level belongs to (None for an indicator's default)."""
    if isinstance(obj, Framework):
        return obj
    if isinstance(obj, Assignment):
        return obj.framework if obj.framework_id else None
    if isinstance(obj, Criteria):
        return obj.assignment.framework if obj.assignment_id else None
    if isinstance(obj, CriteriaLevel):
        return framework_of(obj.criteria) if obj.criteria_id else None
    return None


def is_locked(obj: Any) -> bool:
    framework = framework_of(obj)
    return framework is not None and framework.pk is not None and framework.is_locked


class LockedAdminMixin:
    """A ModelAdmin whose rows of an approved framework are read-only (view only; POSTs answer 403)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and is_locked(obj):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc, no-any-return]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and is_locked(obj):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc, no-any-return]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """simple_history's revert page: no revert of a row of an approved framework (it would bypass the lock)."""
        current = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if current is not None and is_locked(current):
            if request.method == "POST":
                raise PermissionDenied(str(LOCKED_MESSAGE))
            extra_context = {**(extra_context or {}), "revert_disabled": True}
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc, no-any-return]


class LockedInlineMixin:
    """An inline shown read-only (no add, change or delete) when its parent belongs to an approved framework."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and is_locked(obj):
            return False
        return super().has_add_permission(request, obj)  # type: ignore[misc, no-any-return]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and is_locked(obj):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc, no-any-return]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and is_locked(obj):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc, no-any-return]


def refuse_locked_parent(parent: Any) -> None:
    """Form check for a new row (assignment, criteria, level) whose parent belongs to an approved framework."""
    if parent is not None and is_locked(parent):
        raise ValidationError(LOCKED_MESSAGE)


# --- list filters -------------------------------------------------------------------------------------------


class AmendingFilter(admin.SimpleListFilter):
    title = _("การแก้ไขเพิ่มเติม")
    parameter_name = "amending"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("อยู่ระหว่างแก้ไขเพิ่มเติม"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Framework]) -> QuerySet[Framework]:
        if self.value() == "yes":
            return queryset.filter(status=Framework.Status.APPROVED, amendment_started_at__isnull=False)
        return queryset


class SupervisorFilter(admin.SimpleListFilter):
    title = _("ผู้กำกับดูแลตัวชี้วัด")
    parameter_name = "supervised"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("ยังไม่มีผู้กำกับดูแล")), ("yes", _("มีผู้กำกับดูแล"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
        missing = Q(supervisor__isnull=True, definition__supervisor__isnull=True)
        if self.value() == "no":
            return queryset.filter(missing)
        if self.value() == "yes":
            return queryset.exclude(missing)
        return queryset


# --- reviewers on the framework page --------------------------------------------------------------------------


def reviewer_warnings(framework: Framework) -> list[str]:
    """Thai warnings for the framework page: indicators without a supervisor, reviewers without an e-mail address."""
    warnings = []
    missing = unsupervised_assignments(framework)
    if missing:
        reviewers = reviewers_of(missing[0])
        to = reviewers.names or "ผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)"
        who = "ผู้พิจารณาผลแทน" if reviewers.kind == reviewers.FALLBACK else "ผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)"
        numbers = ", ".join(a.number or a.definition.code for a in missing)
        warnings.append(
            f"ตัวชี้วัดที่ {numbers} ยังไม่มีผู้กำกับดูแลตัวชี้วัด: ผลที่ส่งจะไปถึง{who} ({to}) "
            "และอนุมัติกรอบตัวชี้วัดไม่ได้จนกว่าจะกำหนดผู้กำกับดูแลครบ"
        )
    silent: dict[int, tuple[Person, list[str]]] = {}
    assignments = framework.assignments.select_related("supervisor__user", "definition__supervisor__user", "framework")
    for assignment in assignments.order_by("order", "number"):
        for person in reviewers_of(assignment).people:
            if not address_of(person):
                silent.setdefault(person.pk, (person, []))[1].append(assignment.number or assignment.definition.code)
    for person, numbers in silent.values():
        warnings.append(
            f"{person.full_name} (ผู้พิจารณาผลตัวชี้วัดที่ {', '.join(numbers)}) ไม่มีอีเมล "
            "จึงจะไม่ได้รับแจ้งเมื่อมีการส่งผลการดำเนินงาน กรุณาเพิ่มอีเมลที่หน้าบุคลากร"
        )
    return warnings


# --- reopen, amend, approve: one reason page for the buttons and the list actions -------------------------------


@dataclass(frozen=True)
class Operation:
    title: Any  # lazy Thai strings
    intro: Any
    reason_label: Any
    reason_required: bool
    apply: Callable[..., Framework]
    done: Any


OPERATIONS: dict[str, Operation] = {
    "approve": Operation(
        title=_("อนุมัติกรอบตัวชี้วัด"),
        intro=_(
            "กรอบตัวชี้วัดที่อนุมัติแล้วจะถูกล็อก หน่วยงานรายงานผลตามกรอบนี้ได้ และแก้ไขได้อีกเฉพาะโดยเปิดกลับเป็นร่าง"
            "หรือแก้ไขเพิ่มเติมพร้อมเหตุผล การอนุมัติการแก้ไขเพิ่มเติมจะแจ้งผู้รายงานผลทางอีเมลพร้อมรายการที่เปลี่ยน"
        ),
        reason_label=_("หมายเหตุ (ถ้ามี)"),
        reason_required=False,
        apply=framework_approve,
        done=_("อนุมัติกรอบตัวชี้วัด {name} แล้ว"),
    ),
    "reopen": Operation(
        title=_("เปิดกรอบตัวชี้วัดกลับเป็นร่าง"),
        intro=_(
            "ใช้ได้เมื่อยังไม่มีหน่วยงานใดรายงานผลตามกรอบนี้ กรอบจะกลับเป็นร่าง แก้ไขได้ และหน่วยงานจะไม่เห็นกรอบนี้"
            "จนกว่าจะอนุมัติอีกครั้ง เหตุผลจะบันทึกไว้ในประวัติการแก้ไข"
        ),
        reason_label=_("เหตุผลในการเปิดกลับเป็นร่าง"),
        reason_required=True,
        apply=framework_reopen,
        done=_("เปิดกรอบตัวชี้วัด {name} กลับเป็นร่างแล้ว"),
    ),
    "amend": Operation(
        title=_("แก้ไขเพิ่มเติมกรอบตัวชี้วัดที่มีผลการดำเนินงานแล้ว"),
        intro=_(
            "กรอบยังคงอนุมัติอยู่และหน่วยงานยังรายงานผลได้ แต่ผู้ดูแลระบบแก้ไขตัวชี้วัด น้ำหนัก และเกณฑ์ได้จนกว่าจะ"
            "อนุมัติการแก้ไข ผู้รายงานผลของหน่วยงานจะได้รับอีเมลแจ้งเหตุผลทันที และคะแนนจะคำนวณใหม่ตามกรอบที่แก้ไข "
            "ทุกการเปลี่ยนแปลงบันทึกไว้ในประวัติการแก้ไข (ค่าเดิม → ค่าใหม่)"
        ),
        reason_label=_("เหตุผลในการแก้ไขเพิ่มเติม"),
        reason_required=True,
        apply=framework_amend,
        done=_("เริ่มแก้ไขเพิ่มเติมกรอบตัวชี้วัด {name} แล้ว และแจ้งผู้รายงานผลทางอีเมล"),
    ),
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_LENGTH}),
        help_text=f"บันทึกไว้ในประวัติการแก้ไข (ไม่เกิน {REASON_MAX_LENGTH} ตัวอักษร)",
        error_messages={"required": "กรุณาระบุเหตุผล", "max_length": f"เหตุผลยาวได้ไม่เกิน {REASON_MAX_LENGTH} ตัวอักษร"},
    )

    def __init__(self, *args: Any, operation: Operation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = operation.reason_label
        self.fields["reason"].required = operation.reason_required


def available_operations(framework: Framework) -> list[str]:
    """The buttons the framework page shows: approve a draft or an amendment; reopen or amend an approved one."""
    if not framework.is_locked:
        return ["approve"]
    return ["amend"] if framework_has_results(framework) else ["reopen"]


def change_control_page(
    modeladmin: admin.ModelAdmin[Framework],
    request: HttpRequest,
    frameworks: QuerySet[Framework],
    name: str,
    *,
    from_changelist: bool,
) -> TemplateResponse | None:
    """Ask for the reason, then call the service once per framework (each atomic); None when done."""
    operation = OPERATIONS[name]
    form = ReasonForm(request.POST if "apply" in request.POST else None, operation=operation)
    if form.is_bound and form.is_valid():
        for framework in frameworks:
            try:
                operation.apply(actor=request.user, framework=framework, reason=form.cleaned_data["reason"])
            except (PermissionDenied, ValidationError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                modeladmin.message_user(request, f"{framework}: {text}", level=messages.ERROR)
            else:
                modeladmin.message_user(request, operation.done.format(name=framework), level=messages.SUCCESS)
        return None
    opts = modeladmin.model._meta
    rows = []
    for framework in frameworks:
        problems = framework_approval_problems(framework) if name == "approve" else []
        rows.append((framework.pk, str(framework), framework.state_label, problems))
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": operation.title,
        "intro": operation.intro,
        "rows": rows,
        "form": form,
        "opts": opts,
        "from_changelist": from_changelist,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/indicators/framework_control.html", context)


def change_control_view(
    modeladmin: admin.ModelAdmin[Framework], request: HttpRequest, object_id: str, name: str
) -> HttpResponse:
    """The framework page's buttons: the same reason page for one framework, back to its page when done."""
    if name not in OPERATIONS:
        raise PermissionDenied
    framework = modeladmin.get_object(request, object_id)
    if framework is None or not modeladmin.has_view_permission(request, framework):
        raise PermissionDenied
    response = change_control_page(
        modeladmin, request, Framework.objects.filter(pk=framework.pk), name, from_changelist=False
    )
    if response is not None:
        return response
    return HttpResponseRedirect(reverse("admin:indicators_framework_change", args=[framework.pk]))


# --- who reviews the results (allowed while approved: routing, not scoring) -------------------------------------


class ReviewersForm(forms.Form):
    fallback_reviewer = forms.ModelChoiceField(
        label=_("ผู้พิจารณาผลแทน"),
        queryset=Person.objects.filter(role__in=[Person.Role.SUPERVISOR, Person.Role.ADMIN]).order_by("full_name"),
        required=False,
        empty_label=_("ผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)"),
        help_text=_("รับผลของตัวชี้วัดที่ยังไม่มีผู้กำกับดูแลตัวชี้วัด (ต้องมีบทบาทผู้กำกับดูแลตัวชี้วัดหรือผู้ดูแลระบบ)"),
    )
    reason = forms.CharField(
        label=_("หมายเหตุ (ถ้ามี)"), required=False, max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"size": 60, "maxlength": REASON_MAX_LENGTH}),
    )

    def __init__(self, *args: Any, assignments: list[Assignment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.order_by("full_name")
        self.rows = []
        for assignment in assignments:
            name = f"supervisor_{assignment.pk}"
            default = assignment.definition.supervisor
            self.fields[name] = forms.ModelChoiceField(
                label=f"{assignment.number}. {assignment.definition.name_th[:80]}",
                queryset=people,
                required=False,
                initial=assignment.supervisor_id,
                empty_label=f"ตามตัวชี้วัด: {default.full_name}" if default else "— ยังไม่มีผู้กำกับดูแล —",
            )
            self.rows.append((assignment, name))

    def supervisors(self) -> dict[int, Person | None]:
        return {assignment.pk: self.cleaned_data.get(name) for assignment, name in self.rows}


def reviewers_view(modeladmin: admin.ModelAdmin[Framework], request: HttpRequest, object_id: str) -> HttpResponse:
    """Set the supervisor of each indicator and the framework's fallback reviewer (framework_reviewers_set)."""
    framework = modeladmin.get_object(request, object_id)
    if framework is None or not modeladmin.has_view_permission(request, framework):
        raise PermissionDenied
    assignments = list(
        framework.assignments.filter(children__isnull=True)
        .select_related("definition__supervisor__user", "supervisor__user")
        .order_by("order", "number")
    )
    form = ReviewersForm(
        request.POST if request.method == "POST" else None,
        assignments=assignments,
        initial={"fallback_reviewer": framework.fallback_reviewer_id},
    )
    if form.is_bound and form.is_valid():
        try:
            framework_reviewers_set(
                actor=request.user, framework=framework, fallback_reviewer=form.cleaned_data["fallback_reviewer"],
                supervisors=form.supervisors(), reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            modeladmin.message_user(request, str(exc), level=messages.ERROR)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            modeladmin.message_user(request, f"บันทึกผู้พิจารณาผลของ {framework} แล้ว", level=messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:indicators_framework_change", args=[framework.pk]))
    rows = [
        {
            "assignment": assignment,
            "field": form[name],
            "effective": supervisor_of(assignment),
            "no_address": (person := supervisor_of(assignment)) is not None and not address_of(person),
        }
        for assignment, name in form.rows
    ]
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"ผู้พิจารณาผลของ {framework}",
        "framework": framework,
        "form": form,
        "rows": rows,
        "opts": opts,
        "original": framework,
        "change_url": reverse("admin:indicators_framework_change", args=[framework.pk]),
        "changelist_url": reverse("admin:indicators_framework_changelist"),
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/indicators/framework_reviewers.html", context)
