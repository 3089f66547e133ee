"""Change control of approved frameworks (issue 8, item 5): read-only in the admin, reopen or amend with a reason.

An approved framework cannot change silently: its admin page, its assignments, own criteria and levels are
read-only; it is reopened to draft (no results yet) or amended (results exist: reporters are e-mailed), and its
history shows every field's old → new value with the editor's name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dsdw_kpi.celery import app as celery_app
from indicators.framework_history import framework_changes
from indicators.models import Assignment, Criteria, CriteriaLevel, Framework, OrgUnit, Person, Result, Round
from indicators.services.frameworks import (
    framework_amend,
    framework_approve,
    framework_reopen,
    supervisor_problems,
)
from indicators.services.results import result_save
from indicators.tests.formdata import form_data

pytestmark = pytest.mark.django_db

BUDGET_VALUES = {"numerator": Decimal("51230450"), "denominator": Decimal("101872300"), "as_of_date": dt.date(2023, 3, 31)}


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", True)


@pytest.fixture
def editor(django_user_model: Any) -> Any:
    """An administrator of กลุ่มพัฒนาระบบบริหาร, named in the history by their Person."""
    user = django_user_model.objects.create_user("editor", email="editor@example.com", password="pw-editor-2566",
                                                 is_staff=True, is_superuser=True)
    Person.objects.create(user=user, full_name="นางสาวผู้แก้ไข กรอบทดสอบ", role=Person.Role.ADMIN)
    return user


@pytest.fixture
def editor_client(client: Any, editor: Any) -> Any:
    client.force_login(editor)
    return client


@pytest.fixture
def slk(fy2566: Any) -> Framework:
    """Framework 2 (สำนักงานเลขานุการกรม, สลก.): approved by the reference loader, no results yet."""
    framework = Framework.objects.get(fiscal_year=fy2566, level="division", number=2)
    assert framework.is_locked
    return framework


@pytest.fixture
def reporters(django_user_model: Any) -> list[Person]:
    """Two people who report for สลก.: one with an e-mail address, one without."""
    people = []
    for username, email in (("reporter", "reporter@example.com"), ("quiet", "")):
        user = django_user_model.objects.create_user(username, email=email, password=f"pw-{username}-2566")
        person = Person.objects.create(user=user, full_name=f"คุณ{username} สลก.", role=Person.Role.STAFF, email=email)
        person.reporting_units.set([OrgUnit.objects.get(code="div-2")])
        people.append(person)
    return people


@pytest.fixture
def with_results(slk: Framework, editor: Any, round1: Round) -> Result:
    """สลก. has reported (and had approved) its round-1 budget result."""
    result = result_save(actor=editor, assignment=slk.assignments.get(definition__code="BUDGET"),
                         org_unit=OrgUnit.objects.get(code="div-2"), round=round1, values=dict(BUDGET_VALUES))
    Result.objects.filter(pk=result.pk).update(status=Result.Status.APPROVED)
    return result


def supervise_all(framework: Framework) -> Person:
    person = Person.objects.create(full_name="ผู้กำกับดูแล ทุกตัวชี้วัด", role=Person.Role.SUPERVISOR,
                                   email="all@example.com")
    framework.assignments.update(supervisor=person)
    return person


def weights(framework: Framework) -> dict[str, Decimal]:
    return {a.definition.code: a.weight for a in framework.assignments.select_related("definition")}


def control_url(framework: Framework, name: str) -> str:
    return reverse("admin:indicators_framework_control", args=[framework.pk, name])


# --- read-only while approved ---------------------------------------------------------------------------------


def test_an_approved_framework_page_is_read_only_and_an_edit_is_refused_with_nothing_changed(editor_client, slk):
    # given the approved framework's page
    url = reverse("admin:indicators_framework_change", args=[slk.pk])
    before = weights(slk)
    html = editor_client.get(url).content.decode()
    assert "อนุมัติแล้ว — ดูได้อย่างเดียว" in html
    assert 'name="assignments-0-weight"' not in html  # the inline is shown, not editable
    assert "เปิดกลับเป็นร่าง" in html  # no results yet: the button offered is "reopen"

    # when an edit is posted anyway (an indicator's weight moved, the name changed)
    response = editor_client.post(url, {"name_th": "แก้ไขโดยไม่มีเหตุผล", "assignments-TOTAL_FORMS": "1",
                                        "assignments-INITIAL_FORMS": "1", "assignments-0-weight": "20"})

    # then it is refused and nothing changed
    assert response.status_code == 403
    slk.refresh_from_db()
    assert slk.name_th != "แก้ไขโดยไม่มีเหตุผล" and slk.status == Framework.Status.APPROVED
    assert weights(slk) == before


def test_the_assignment_criteria_and_level_pages_of_an_approved_framework_refuse_edits(editor_client, slk):
    # given an approved framework's assignment with criteria of its own
    assignment = slk.assignments.get(definition__code="BUDGET")
    criteria = Criteria.objects.create(definition=assignment.definition, assignment=assignment, round_number=1,
                                       method=Criteria.Method.FIVE_LEVEL)
    level = CriteriaLevel.objects.create(criteria=criteria, level=1, threshold=Decimal("40"))
    pages = [
        ("admin:indicators_assignment_change", assignment.pk, {"weight": "20"}),
        ("admin:indicators_criteria_change", criteria.pk, {"method": "bands"}),
        ("admin:indicators_criterialevel_change", level.pk, {"threshold": "10"}),
    ]
    for name, pk, data in pages:
        # when each page is opened and an edit is posted, or the row deleted
        assert editor_client.get(reverse(name, args=[pk])).status_code == 200
        assert editor_client.post(reverse(name, args=[pk]), data).status_code == 403, name
        assert editor_client.post(reverse(name.replace("_change", "_delete"), args=[pk]), {"post": "yes"}).status_code == 403

    # then nothing changed
    assignment.refresh_from_db()
    level.refresh_from_db()
    assert assignment.weight == Decimal("5.00") and level.threshold == Decimal("40")
    assert Criteria.objects.get(pk=criteria.pk).method == Criteria.Method.FIVE_LEVEL


def test_a_new_assignment_cannot_be_added_to_an_approved_framework_nor_an_old_version_restored(editor_client, slk, fy2566):
    # when an assignment is added to the approved framework on the assignment page
    definition = fy2566.indicator_definitions.get(code="HOUSEHOLD")
    response = editor_client.post(reverse("admin:indicators_assignment_add"), {
        "framework": slk.pk, "definition": definition.pk, "number": "9", "order": "9", "component": "performance",
        "weight": "10", "own_criteria-TOTAL_FORMS": "0", "own_criteria-INITIAL_FORMS": "0",
    })
    # then the form refuses it in Thai
    assert response.status_code == 200
    assert "กรอบตัวชี้วัดนี้อนุมัติแล้วจึงแก้ไขไม่ได้" in response.content.decode()
    assert slk.assignments.count() == 8

    # and an old version cannot be restored through the history's revert page
    record = slk.history.earliest()
    revert = reverse("admin:indicators_framework_simple_history", args=[slk.pk, record.history_id])
    assert editor_client.post(revert, {"name_th": "ย้อนกลับ"}).status_code == 403


# --- reopen to draft (no results yet) ---------------------------------------------------------------------------


def test_reopening_with_a_reason_returns_the_framework_to_draft_and_records_the_reason(editor_client, editor, slk):
    # when the admin presses "เปิดกลับเป็นร่าง" and gives a reason
    page = editor_client.get(control_url(slk, "reopen"))
    assert "เหตุผลในการเปิดกลับเป็นร่าง" in page.content.decode()
    response = editor_client.post(control_url(slk, "reopen"), {"apply": "1", "reason": "เพิ่มตัวชี้วัดตามมติที่ประชุม"},
                                  follow=True)

    # then the framework is a draft again, editable, and its history keeps who and why
    assert "กลับเป็นร่างแล้ว" in response.content.decode()
    slk.refresh_from_db()
    assert slk.status == Framework.Status.DRAFT
    latest = slk.history.first()
    assert latest.history_change_reason == "เปิดกลับเป็นร่าง: เพิ่มตัวชี้วัดตามมติที่ประชุม"
    assert latest.history_user == editor
    html = editor_client.get(reverse("admin:indicators_framework_change", args=[slk.pk])).content.decode()
    assert 'name="assignments-0-weight"' in html


def test_reopening_needs_a_reason_and_is_refused_once_results_exist(editor, slk, with_results):
    with pytest.raises(ValidationError, match="กรุณาระบุเหตุผล"):
        framework_reopen(actor=editor, framework=slk, reason="  ")
    with pytest.raises(ValidationError, match="แก้ไขเพิ่มเติม"):
        framework_reopen(actor=editor, framework=slk, reason="เพิ่มตัวชี้วัด")
    slk.refresh_from_db()
    assert slk.is_locked


def test_only_admins_change_an_approved_framework(staff_user, slk):
    for service in (framework_reopen, framework_amend, framework_approve):
        with pytest.raises(PermissionDenied):
            service(actor=staff_user, framework=slk, reason="ลองแก้ไข")


# --- amendment once results exist -------------------------------------------------------------------------------


def test_an_amendment_needs_a_reason_and_changes_nothing_without_one(editor_client, slk, with_results):
    response = editor_client.post(control_url(slk, "amend"), {"apply": "1", "reason": ""})
    assert response.status_code == 200
    assert "กรุณาระบุเหตุผล" in response.content.decode()
    slk.refresh_from_db()
    assert slk.is_locked


def test_an_amendment_emails_the_reporters_shows_old_and_new_values_and_closes_on_reapproval(
    editor_client, editor, slk, with_results, reporters, mailoutbox, django_capture_on_commit_callbacks
):
    # given an approved framework with approved round-1 results: the page offers "แก้ไขเพิ่มเติม", not "reopen"
    change_url = reverse("admin:indicators_framework_change", args=[slk.pk])
    assert control_url(slk, "amend") in editor_client.get(change_url).content.decode()

    # when the admin opens an amendment with a reason
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(control_url(slk, "amend"), {"apply": "1", "reason": "ปรับน้ำหนักตามมติ อ.ก.พ.ร."})

    # then the framework is being amended (still approved) and the unit's reporters with an address are e-mailed
    slk.refresh_from_db()
    assert slk.is_amending and slk.status == Framework.Status.APPROVED
    assert slk.state_label == "อนุมัติแล้ว — อยู่ระหว่างแก้ไขเพิ่มเติม"
    assert [mail.to for mail in mailoutbox] == [["reporter@example.com"]]
    mail = mailoutbox[0]
    assert mail.subject.startswith("[DSDW KPI] แก้ไขเพิ่มเติมกรอบตัวชี้วัด")
    assert "ปรับน้ำหนักตามมติ อ.ก.พ.ร." in mail.body and "นางสาวผู้แก้ไข กรอบทดสอบ" in mail.body
    assert slk.history.first().history_change_reason == "แก้ไขเพิ่มเติม: ปรับน้ำหนักตามมติ อ.ก.พ.ร."

    # when the admin moves weight 55 → 45 (ภารกิจหลัก) and 15 → 25 on the now editable page
    data = form_data(editor_client.get(change_url).content.decode(), "framework_form")
    keys = {data[k][0]: k for k in data if k.endswith("-weight")}
    data[keys["55.00"]] = ["45"]
    data[keys["15.00"]] = ["25"]
    assert editor_client.post(change_url, data).status_code == 302

    # then re-approval is refused while indicators lack a supervisor, and accepted once they have one
    response = editor_client.post(control_url(slk, "approve"), {"apply": "1"}, follow=True)
    assert "ยังไม่มีผู้กำกับดูแลตัวชี้วัด" in response.content.decode()
    slk.refresh_from_db()
    assert slk.is_amending
    supervise_all(slk)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(control_url(slk, "approve"), {"apply": "1"})
    slk.refresh_from_db()
    assert slk.is_locked and slk.amendment_reason_th == ""
    assert slk.history.first().history_change_reason == "อนุมัติการแก้ไขเพิ่มเติม"

    # and the reporters hear that it was approved, with what changed
    approved = mailoutbox[-1]
    assert approved.subject.startswith("[DSDW KPI] อนุมัติการแก้ไขกรอบตัวชี้วัด")
    assert "น้ำหนัก (ร้อยละ) 55 → 45" in approved.body

    # and the history page shows the field-level changes with the editor's name
    html = editor_client.get(reverse("admin:indicators_framework_history", args=[slk.pk])).content.decode()
    assert "น้ำหนัก (ร้อยละ):</strong> 55 &rarr; 45" in html
    assert "น้ำหนัก (ร้อยละ):</strong> 15 &rarr; 25" in html
    assert "นางสาวผู้แก้ไข กรอบทดสอบ" in html
    assert "แก้ไขเพิ่มเติม: ปรับน้ำหนักตามมติ อ.ก.พ.ร." in html


def test_the_history_lists_added_and_deleted_assignments_and_status_changes(editor, slk, with_results, fy2566):
    framework_amend(actor=editor, framework=slk, reason="เพิ่มและลบตัวชี้วัด")
    added = Assignment(framework=slk, definition=fy2566.indicator_definitions.get(code="ALERT"), number="9", order=9,
                       component="performance", weight=Decimal("10"))
    added._history_user = editor
    added.save()
    gone = slk.assignments.get(definition__code="WASTE")
    gone._history_user = editor
    gone.delete()

    changes = framework_changes(slk)

    summary = [(c.action_label, c.subject.split(" ")[0:2], c.who) for c in changes[:3]]
    assert ("ลบ", ["ตัวชี้วัดที่", "8"], "นางสาวผู้แก้ไข กรอบทดสอบ") in summary
    assert ("เพิ่ม", ["ตัวชี้วัดที่", "9"], "นางสาวผู้แก้ไข กรอบทดสอบ") in summary
    status = next(c for c in changes if c.subject == "กรอบตัวชี้วัด" and c.reason.startswith("แก้ไขเพิ่มเติม"))
    assert any(change.field == "เริ่มแก้ไขเพิ่มเติมเมื่อ" and change.old == "—" for change in status.changes), status


# --- every submission reaches a reviewer: approval rule ---------------------------------------------------------


def test_a_framework_cannot_be_approved_while_an_indicator_lacks_a_supervisor(editor, slk):
    # given the draft framework, complete but for its supervisors (the reference data names few)
    Framework.objects.filter(pk=slk.pk).update(status=Framework.Status.DRAFT)

    # when it is approved, then the refusal names the indicators in Thai
    with pytest.raises(ValidationError) as error:
        framework_approve(actor=editor, framework=slk)
    text = " ".join(error.value.messages)
    assert "อนุมัติกรอบตัวชี้วัดไม่ได้" in text and "ยังไม่มีผู้กำกับดูแลตัวชี้วัด" in text
    assert "6. ร้อยละของการเบิกจ่ายงบประมาณ" in text
    slk.refresh_from_db()
    assert slk.status == Framework.Status.DRAFT

    # when every indicator has a supervisor (its own or its indicator's), it is approved
    supervise_all(slk)
    assert supervisor_problems(slk) == []
    framework_approve(actor=editor, framework=slk, reason="ครบถ้วน")
    slk.refresh_from_db()
    assert slk.is_locked
    assert slk.history.first().history_change_reason == "อนุมัติกรอบตัวชี้วัด: ครบถ้วน"
