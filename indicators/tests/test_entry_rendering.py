"""What the entry page and its save cost, and that the cheaper rendering shows exactly what Django's would.

The entry forms render their plain widgets without the template engine (indicators/forms/rendering.py): every
widget, and every whole page of every indicator shape, must come out byte for byte as Django's own templates write
it. The page and the save read a fixed number of queries, and a save that redirects reads nothing only shown.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from indicators.forms import EvidenceUploadForm, MilestoneStepForm, ResultForm, Step, SubUnitFormSet
from indicators.forms.rendering import ENTRY_RENDERER, EntryFormRenderer
from indicators.models import Assignment, Baseline, EvidenceFile, OrgUnit, Person, Result
from indicators.tests import test_entry_views as world
from indicators.tests.formdata import form_data
from indicators.tests.test_entry_views import (
    PDF,
    SHELTERS_3_1,
    assignment,
    browser_post,
    entry_url,
    page_text,
    sub_rows,
)

# The world of the entry-view tests: framework 3 of กคส. approved, round 1 of FY2566 open.
kks, div3, private_media = world.kks, world.div3, world.private_media

pytestmark = pytest.mark.django_db

DJANGO = DjangoTemplates()
HOSTILE = "\"quoted\" <b>bold</b> & 'single' ๑,๔๒๔.๕๐\r\nsecond line"


# ---- widget by widget ------------------------------------------------------------------------------------------


def _widgets(form: forms.Form) -> list[str]:
    return [str(bound) for bound in form]


def _both(make: Any) -> tuple[list[str], list[str]]:
    """The widgets of the form ``make(renderer)`` builds, with the entry renderer and with Django's."""
    return _widgets(make(ENTRY_RENDERER)), _widgets(make(DJANGO))


def _result_form(shape_kind: str, has_ratio: bool, data: Any, initial: Any, renderer: Any,
                 disabled: bool = False) -> ResultForm:
    from indicators.forms import EntryShape
    from indicators.models import IndicatorDefinition

    definition = IndicatorDefinition(name_th="ทดสอบ", unit_of_measure=IndicatorDefinition.UnitOfMeasure.PERCENT,
                                     formula_numerator_th="ตัวตั้ง <จริง>", formula_denominator_th="ตัวหาร & อื่น")
    form = ResultForm(data, initial=initial, renderer=renderer, definition=definition, fiscal_year_be=2566,
                      shape=EntryShape(shape_kind, has_ratio, True, level1_text="ขั้นที่ 1", part_names=("ก", "ข")),
                      levels=[("1", "ระดับหนึ่ง"), ("2", "<สอง>")])
    if disabled:
        for field in form.fields.values():
            field.disabled = True
    return form


@pytest.mark.parametrize("kind,has_ratio", [("value", False), ("ratio", True), ("composite", False),
                                            ("mixed", True), ("maturity", False), ("none", True)])
@pytest.mark.parametrize("disabled", [False, True], ids=["editable", "read-only"])
def test_every_result_form_widget_is_written_as_djangos_templates_write_it(kind, has_ratio, disabled):
    initial = {"version": 3, "value": Decimal("1424.5"), "numerator": Decimal("198"), "denominator": Decimal(0),
               "second_value": None, "level1_milestone_done": True, "numerator_above_denominator_confirmed": False,
               "achieved_level": "2", "as_of_date": None, "actions_th": HOSTILE, "evidence_th": mark_safe("<i>ok</i>"),
               "mode": "breakdown"}
    ours, theirs = _both(lambda r: _result_form(kind, has_ratio, None, initial, r, disabled))
    assert ours == theirs and any("<input" in html for html in ours)
    posted = {"version": "3", "value": HOSTILE, "numerator": "๑,๔๒๔", "denominator": "13,90", "as_of_date": "31/3/2566",
              "level1_milestone_done": "on", "actions_th": HOSTILE, "obstacles_th": "", "mode": "ratio"}
    ours, theirs = _both(lambda r: _result_form(kind, has_ratio, posted, None, r, disabled))
    assert ours == theirs


def test_milestone_breakdown_and_evidence_widgets_are_written_as_djangos_templates_write_them():
    step = Step("1", 0, "ส่งรายงาน", True, 1)
    for data in (None, {"ms-1-0-done": "on", "ms-1-0-done_on": "<2566>", "ms-1-0-evidence_th": HOSTILE}):
        ours, theirs = _both(lambda r, data=data: MilestoneStepForm(
            data, prefix="ms-1-0", initial={"done": True, "evidence_th": HOSTILE}, step=step, today=None, renderer=r))
        assert ours == theirs
    rows = sub_rows(SHELTERS_3_1[:3]) | {"sub-0-label_th": HOSTILE}
    for data, initial in ((None, [{"org_unit": 7, "label_th": HOSTILE, "numerator": Decimal("12.50")}]), (rows, None)):
        def table(renderer: Any, data: Any = data, initial: Any = initial) -> list[str]:
            formset = SubUnitFormSet(data, prefix="sub", units=OrgUnit.objects.none(), initial=initial)
            formset.renderer = renderer
            for form in [*formset.forms, formset.empty_form]:
                form.renderer = renderer
            return [str(formset.management_form)] + [str(bound) for form in formset.forms for bound in form] + \
                [str(bound) for bound in formset.empty_form]
        assert table(ENTRY_RENDERER) == table(DJANGO)
    for levels in ([], ["1", "2"]):
        ours, theirs = _both(lambda r, levels=levels: EvidenceUploadForm(levels=levels, renderer=r))
        assert ours == theirs


def test_radio_buttons_are_written_as_djangos_templates_write_them():
    choices = [("ratio", "ตัวตั้ง <และ> ตัวหาร"), ("value", gettext_lazy("ร้อยละ"))]

    class Modes(forms.Form):
        mode = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, initial="value")

    for renderer_tags in ([(radio.tag(), radio.choice_label) for radio in Modes(renderer=r)["mode"]]
                          for r in (ENTRY_RENDERER,)):
        assert renderer_tags == [(radio.tag(), radio.choice_label) for radio in Modes(renderer=DJANGO)["mode"]]
    assert str(Modes(renderer=ENTRY_RENDERER)["mode"]) == str(Modes(renderer=DJANGO)["mode"])


@pytest.mark.parametrize("template,widget", [
    ("django/forms/widgets/text.html", {"type": "text", "name": "a", "value": None,
                                        "attrs": {"required": True, "disabled": False, "data-n": 5,
                                                  "title": gettext_lazy("ตัวตั้ง"), "x": mark_safe("<b>")}}),
    ("django/forms/widgets/hidden.html", {"type": "hidden", "name": "b\"<", "value": mark_safe("&amp;"), "attrs": {}}),
    ("django/forms/widgets/textarea.html", {"name": "c", "value": "", "attrs": {"rows": 3}}),
    ("django/forms/widgets/textarea.html", {"name": "c", "value": mark_safe("<p>"), "attrs": {}}),
    ("django/forms/widgets/checkbox.html", {"type": "checkbox", "name": "d", "value": None,
                                            "attrs": {"checked": True}}),
    ("django/forms/widgets/radio_option.html", {"type": "radio", "name": "e", "value": 3, "attrs": {"id": "e_0"},
                                                "wrap_label": True, "label": "สาม <3>"}),
    ("django/forms/widgets/text.html", {"type": "text", "name": "g", "value": Decimal("1234.5"), "attrs": {}}),
    ("django/forms/widgets/text.html", {"type": "text", "name": "h", "value": "1", "attrs": {"data-x": [1, 2]}}),
])
def test_unusual_widget_contexts_come_out_as_djangos_or_go_through_djangos_templates(template, widget):
    assert ENTRY_RENDERER.render(template, {"widget": widget}) == DJANGO.render(template, {"widget": widget})


# ---- page by page ----------------------------------------------------------------------------------------------

_PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value=|nonce=)"[^"]*"')


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return _PER_REQUEST.sub(r'\1"-"', page_text(response))


def _with_djangos_templates(monkeypatch: Any) -> None:
    monkeypatch.setattr(EntryFormRenderer, "render", DjangoTemplates.render)


@pytest.mark.parametrize("code,changes", [
    ("ENERGY", {"value": "7", "actions_th": HOSTILE}),
    ("BUDGET", {"numerator": "๑,๔๒๔", "denominator": "2000", "mode": "ratio"}),
    ("PMQA_KPI_IMPROVED", sub_rows(SHELTERS_3_1)),
    ("PMQA40", {"ms-1-0-done": "on", "ms-1-0-done_on": "15/11/2565", "ms-1-0-evidence_th": HOSTILE}),
    ("SATISFACTION", {"value": "72", "second_value": "10"}),
    ("HOUSEHOLD", {"level1_milestone_done": "on", "mode": "value", "value": "35"}),
])
def test_every_entry_page_shows_exactly_what_djangos_templates_show(
        client, staff_user, kks, round1, div3, private_media, monkeypatch, code, changes):
    """Before a result, with a result and evidence, refused input with its messages, and read-only once submitted."""
    url = entry_url(round1, div3, assignment(kks, code))
    client.force_login(staff_user)
    empty = _page(client, url)
    assert browser_post(client, url, changes).status_code == 302
    result = Result.objects.get(assignment__definition__code=code, org_unit=div3)
    upload = SimpleUploadedFile("รายงาน.pdf", PDF, content_type="application/pdf")
    assert client.post(reverse("evidence-upload", args=[result.pk]), {"file": upload, "description": HOSTILE}
                       ).status_code == 302
    client.get(url)  # shows (and so drops) the messages of the save and the upload
    saved = _page(client, url)
    bad = {"value": HOSTILE, "numerator": "13,90", "as_of_date": "31/02/2566", "ms-1-0-done_on": "x",
           "second_value": "-1", "actions_th": HOSTILE * 2000}
    refused = _refused(client, url, bad)
    Result.objects.filter(pk=result.pk).update(status=Result.Status.SUBMITTED)
    read_only = _page(client, url)
    assert EvidenceFile.objects.filter(result=result).exists() and "รายงาน.pdf" in saved
    assert "field-error" in refused and " disabled" in read_only and " disabled" not in saved

    _with_djangos_templates(monkeypatch)
    assert _page(client, url) == read_only
    Result.objects.filter(pk=result.pk).update(status=Result.Status.DRAFT)
    assert _page(client, url) == saved
    assert _refused(client, url, bad) == refused
    result.delete()
    assert _page(client, url) == empty


def _refused(client: Any, url: str, changes: dict[str, str]) -> str:
    data = form_data(page_text(client.get(url)), "entry-form") | changes | {"action": "save"}
    response = client.post(url, data)
    assert response.status_code == 200
    return _PER_REQUEST.sub(r'\1"-"', page_text(response))


# ---- what a request costs --------------------------------------------------------------------------------------

#: The entry page of a typed value with a saved result: session, user, round, unit, assignment with its criteria and
#: levels, result, person and reporter check; then what it shows: evidence, baselines, collectors (the assignment's,
#: else the definition's), the scoring policy. The save: the page's reads without the shown-only ones, then the
#: service's lock, checks, update, history row and score job.
ENTRY_PAGE_QUERIES = 16
SAVE_QUERIES = 37


def _entry_reads(code: str, client: Any, staff_user: Any, kks: Any, round1: Any, div3: OrgUnit) -> tuple[str, str]:
    url = entry_url(round1, div3, assignment(kks, code))
    client.force_login(staff_user)
    browser_post(client, url, {"value": "5", "as_of_date": "31/03/2566"})
    return url, page_text(client.get(url))  # the message of that save is shown (and dropped) here


def test_the_entry_page_and_a_draft_save_cost_a_fixed_number_of_queries(
        client, staff_user, kks, round1, div3, django_assert_max_num_queries):
    url, _ = _entry_reads("ENERGY", client, staff_user, kks, round1, div3)
    with django_assert_max_num_queries(ENTRY_PAGE_QUERIES):
        page = client.get(url)
    data = form_data(page_text(page), "entry-form") | {"value": "7", "action": "save"}
    with django_assert_max_num_queries(SAVE_QUERIES):
        assert client.post(url, data).status_code == 302
    assert Result.objects.get(assignment__definition__code="ENERGY").value == Decimal(7)


def test_a_save_that_redirects_reads_nothing_only_the_page_shows(client, staff_user, kks, round1, div3):
    url, html = _entry_reads("ENERGY", client, staff_user, kks, round1, div3)
    data = form_data(html, "entry-form") | {"value": "8", "action": "save"}
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, data).status_code == 302
    shown_only = ("indicators_baseline", "indicators_evidencefile", "_collectors", "indicators_milestonecompletion",
                  "indicators_subunitresult", "applies_to_unit_types")
    assert [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in shown_only)] == []


def test_the_page_shows_the_assignments_collectors_else_the_definitions_baselines_and_evidence(
        client, staff_user, kks, round1, div3, private_media):
    item = assignment(kks, "ENERGY")
    by_definition = Person.objects.create(full_name="คุณนิยาม ผู้จัดเก็บ", phone="0 2659 6000")
    item.definition.data_collectors.set([by_definition])
    Baseline.objects.create(definition=item.definition, year_be=2550, value=Decimal("12.5"))
    url, html = _entry_reads("ENERGY", client, staff_user, kks, round1, div3)
    assert "คุณนิยาม ผู้จัดเก็บ" in html and "พ.ศ. 2550" in html and "12.5" in html
    item.collectors.set([Person.objects.create(full_name="คุณกรอบ ผู้จัดเก็บ")])
    result = Result.objects.get(assignment=item)
    upload = SimpleUploadedFile("หลักฐาน.pdf", PDF, content_type="application/pdf")
    client.post(reverse("evidence-upload", args=[result.pk]), {"file": upload, "description": "บันทึก"})
    client.get(url)
    html = page_text(client.get(url))
    assert "คุณกรอบ ผู้จัดเก็บ" in html and "คุณนิยาม ผู้จัดเก็บ" not in html and "หลักฐาน.pdf" in html


def test_an_indicator_with_sub_indicators_is_reported_through_them(client, staff_user, kks, round1, div3):
    item = assignment(kks, "ENERGY")
    url = entry_url(round1, div3, item)
    client.force_login(staff_user)
    assert client.get(url).status_code == 200
    Assignment.objects.create(framework=item.framework, definition=assignment(kks, "WASTE").definition, parent=item,
                              number="9.1", component=item.component)
    response = client.get(url)
    assert response.status_code == 404


def test_an_indicator_of_another_unit_type_is_not_found_before_any_result(client, staff_user, kks, round1, div3):
    from indicators.models import UnitType

    item = assignment(kks, "ENERGY")
    url = entry_url(round1, div3, item)
    client.force_login(staff_user)
    other = UnitType.objects.create(code="elsewhere", name_th="หน่วยงานอื่น")
    item.applies_to_unit_types.set([other])
    assert client.get(url).status_code == 404
