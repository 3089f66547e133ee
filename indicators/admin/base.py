"""Shared admin pieces: the Thai site titles, the history-keeping base class, the reopen action."""

from __future__ import annotations

import datetime as dt
from typing import Any

import nested_admin
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.permissions import is_admin
from indicators.templatetags.thai_dates import thai_date

admin.site.site_header = _("DSDW KPI — ระบบตัวชี้วัดกรมพัฒนาสังคมและสวัสดิการ")
admin.site.site_title = _("DSDW KPI")
admin.site.index_title = _("การจัดการตัวชี้วัดและกรอบการประเมิน")


class HistoryAdmin(SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    """Base admin: nested inlines plus the history view."""


# --- reopening after the deadline (an action with an intermediate page asking for the reason and the date) ----


def form_action(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    form: Any,
    title: str,
    intro: str,
    apply: Any,
    done_message: str,
    describe: Any = str,
    message_values: Any = None,
) -> TemplateResponse | None:
    """An admin action with an intermediate page: ask what ``form`` asks, then call ``apply`` (a service) once per
    selected row with the cleaned data, each atomic; each refusal is shown and the others go on.

    The first POST comes from the changelist; the page posts back with "apply" and the same selection.
    """
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        done = 0
        for obj in queryset:
            try:
                apply(actor=request.user, obj=obj, **data)
            except (PermissionDenied, ValidationError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                modeladmin.message_user(request, f"{obj}: {text}", level=messages.ERROR)
            else:
                done += 1
        if done:
            values = message_values(data) if message_values else data
            modeladmin.message_user(request, done_message.format(count=done, **values), level=messages.SUCCESS)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "objects": [(obj.pk, describe(obj)) for obj in queryset],
        "form": form,
        "opts": opts,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/indicators/reopen.html", context)


def reopen_action(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    title: str,
    intro: str,
    date_label: str,
    apply: Any,
    done_message: str,
    describe: Any = str,
) -> TemplateResponse | None:
    """Ask for the reason and the date, then call the reopening service once per selected row."""
    from indicators.views_review import ReopenForm

    form = ReopenForm(
        request.POST if "apply" in request.POST else None,
        initial={"until": timezone.localdate() + dt.timedelta(days=7)},
    )
    form.fields["until"].label = date_label
    return form_action(
        modeladmin, request, queryset, form=form, title=title, intro=intro, apply=apply, done_message=done_message,
        describe=describe, message_values=lambda data: {"until": thai_date(data["until"]), "reason": data["reason"]},
    )


class ReopenPermissionMixin:
    """Only admins (superusers and the admin role, กลุ่มพัฒนาระบบบริหาร) see and may run the reopen actions."""

    def has_reopen_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)
