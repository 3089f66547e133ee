"""The Thai admin: every page opens, edits go through the engine's validation, history records who changed what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from dsdw_kpi.celery import app as celery_app
from indicators.models import Criteria, CriteriaLevel, FiscalYear, Framework, IndicatorDefinition
from indicators.tests.formdata import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _change_form(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    form_id = f"{response.context['opts'].model_name}_form"
    return form_data(html, form_id)


def test_admin_index_is_in_thai(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "การจัดการตัวชี้วัดและกรอบการประเมิน" in html
    assert "กรอบตัวชี้วัด" in html and "เกณฑ์การประเมิน" in html and "นโยบายการคิดคะแนน" in html
    assert 'lang="th"' in html


def test_every_admin_list_add_and_search_page_opens(admin_client):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label != "indicators":
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        assert admin_client.get(changelist, {"q": "ร้อยละ"}).status_code == 200, changelist
        add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        # results are created by their unit's entry page only (test_admin_results.py)
        assert add.status_code == (200 if model_admin.has_add_permission(add.wsgi_request) else 403), opts.model_name


def test_definition_page_shows_both_rounds_as_the_manual_prints_them(admin_client, fy2566):
    budget = IndicatorDefinition.objects.get(fiscal_year=fy2566, code="BUDGET")
    html = admin_client.get(reverse("admin:indicators_indicatordefinition_change", args=[budget.pk])).content.decode()
    assert "ร้อยละ 47.50 – 49.49" in html      # round 1, level 2
    assert "ร้อยละ 99.50 - 100" in html         # round 2, level 5
    pmqa = IndicatorDefinition.objects.get(fiscal_year=fy2566, code="PMQA40")
    html = admin_client.get(reverse("admin:indicators_indicatordefinition_change", args=[pmqa.pk])).content.decode()
    assert 'class="undefined-level"' in html    # the "-" levels of round 1 are greyed out


def test_unordered_thresholds_are_refused_in_thai_and_nothing_changes(admin_client, fy2566):
    """Thresholds must be strictly ordered in the indicator's direction (issue 2, §2 validation)."""
    criteria = Criteria.objects.get(definition__fiscal_year=fy2566, definition__code="PMQA40", round_number=2,
                                    assignment=None)
    url = reverse("admin:indicators_criteria_change", args=[criteria.pk])
    data = _change_form(admin_client, url)
    level_two = next(k for k, v in data.items() if k.endswith("-level") and v == ["2"])
    data[level_two.replace("-level", "-threshold")] = ["500"]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "เรียง" in response.content.decode()
    assert CriteriaLevel.objects.get(criteria=criteria, level=2).threshold == Decimal("424.92")


def test_a_valid_criteria_edit_is_saved_and_recorded_with_its_author(admin_client, admin_user, fy2566):
    criteria = Criteria.objects.get(definition__fiscal_year=fy2566, definition__code="PMQA40", round_number=2,
                                    assignment=None)
    url = reverse("admin:indicators_criteria_change", args=[criteria.pk])
    data = _change_form(admin_client, url)
    level_five = next(k for k, v in data.items() if k.endswith("-level") and v == ["5"])
    data[level_five.replace("-level", "-threshold")] = ["460.00"]

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    level = CriteriaLevel.objects.get(criteria=criteria, level=5)
    assert level.threshold == 460
    assert level.history.first().history_user == admin_user
    history = admin_client.get(reverse("admin:indicators_criterialevel_history", args=[level.pk])).content.decode()
    assert admin_user.username in history


def test_approving_a_framework_whose_weights_do_not_total_100_is_refused(admin_client, fy2566):
    # given a draft framework saved with one weight moved from 5 to 6 (a draft may be incomplete)
    framework = Framework.objects.get(fiscal_year=fy2566, level="division", number=2)
    Framework.objects.filter(pk=framework.pk).update(status=Framework.Status.DRAFT)
    url = reverse("admin:indicators_framework_change", args=[framework.pk])
    data = _change_form(admin_client, url)
    weight_key = next(k for k, v in data.items() if k.endswith("-weight") and v == ["5.00"])
    data[weight_key] = ["6"]
    assert admin_client.post(url, data).status_code == 302

    # when the admin presses "อนุมัติกรอบตัวชี้วัด"
    approve = reverse("admin:indicators_framework_control", args=[framework.pk, "approve"])
    response = admin_client.post(approve, {"apply": "1", "reason": ""}, follow=True)

    # then the approval is refused in Thai and the framework stays a draft
    assert "น้ำหนักรวมของตัวชี้วัดต้องเท่ากับ 100 (ขณะนี้ 101)" in response.content.decode()
    framework.refresh_from_db()
    assert framework.status == Framework.Status.DRAFT


def test_a_draft_framework_saves_with_a_thai_warning(admin_client, fy2566):
    framework = Framework.objects.get(fiscal_year=fy2566, level="division", number=2)
    Framework.objects.filter(pk=framework.pk).update(status=Framework.Status.DRAFT)
    url = reverse("admin:indicators_framework_change", args=[framework.pk])
    data = _change_form(admin_client, url)
    weight_key = next(k for k, v in data.items() if k.endswith("-weight") and v == ["5.00"])
    data[weight_key] = ["6"]

    response = admin_client.post(url, data, follow=True)

    assert "กรอบตัวชี้วัดยังไม่ครบถ้วน" in response.content.decode()
    framework.refresh_from_db()
    assert framework.status == Framework.Status.DRAFT


def test_copy_forward_action_copies_the_year(admin_client, fy2566, monkeypatch, django_capture_on_commit_callbacks):
    """The action queues a Celery task after commit; here the task runs in-process (the worker test is separate)."""
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", True)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:indicators_fiscalyear_changelist"),
            {"action": "copy_forward", "_selected_action": [fy2566.pk]},
            follow=True,
        )
    assert "เริ่มคัดลอกตัวชี้วัดและกรอบตัวชี้วัดจากปี 2566 ไปปี 2567" in response.content.decode()
    copied = FiscalYear.objects.get(be_year=2567)
    assert copied.indicator_definitions.count() == fy2566.indicator_definitions.count()


def test_non_admin_users_cannot_open_the_admin(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
