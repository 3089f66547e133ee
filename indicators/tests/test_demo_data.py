"""The quick start's demo data: users for every role, demo units with their own frameworks and results, apart from
the reference data (STYLE.md practice 19) and removable with one command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from indicators.demo_data import DEMO_DIVISION, DEMO_SHELTER, DEMO_UNITS, DEMO_USERS
from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    Framework,
    OrgUnit,
    Person,
    Result,
    Round,
    UnitEntryWindow,
)
from indicators.services.results import entry_is_open

pytestmark = pytest.mark.django_db

Rows = dict[str, dict[Any, dict[str, Any]]]


def reference_models() -> list[Any]:
    """Every table the reference loaders (load_reference_data, load_fy2564) write, with its many-to-many and history
    tables: all of the indicators app, and the annual book texts of the reporting app.

    Left out: the reporting app's derived tables (stored result scores, scorecards and their revisions, recompute
    jobs), which any change of any input rewrites, and its report batches, which are requests, not reference data;
    the structure token (indicators.StructureVersion), which every write to a framework table renews by design.
    The history tables stay in: loading the demo must not write history for a reference row, and removing it must
    leave no history of its own rows behind.
    """
    models = [model for model in apps.get_app_config("indicators").get_models(include_auto_created=True)
              if model._meta.label != "indicators.StructureVersion"]
    return [*models, apps.get_model("reporting", "BookSection")]


def dump() -> Rows:
    """Every row of every reference table, every field (foreign keys as ids, m2m as rows of their tables), by pk."""
    rows: Rows = {}
    for model in reference_models():
        pk = model._meta.pk.attname
        rows[model._meta.label] = {row[pk]: row for row in model._base_manager.values()}
    return rows


def changed(before: Rows, after: Rows, *, allow_new: bool) -> dict[str, list[Any]]:
    """Per table, the pks of rows that changed or disappeared (and, unless allow_new, that appeared)."""
    found: dict[str, list[Any]] = {}
    for table, rows in before.items():
        now = after[table]
        pks = [pk for pk, row in rows.items() if now.get(pk) != row]
        if not allow_new:
            pks += [pk for pk in now if pk not in rows]
        if pks:
            found[table] = sorted(pks)[:10]
    return found


def test_demo_data_creates_every_role_and_prints_the_passwords(fy2566):
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    text = out.getvalue()
    for demo in DEMO_USERS:
        assert demo.password in text
        user = authenticate(username=demo.username, password=demo.password)
        assert user is not None and user.person.role == demo.role and user.person.is_demo
    assert {p.role for p in Person.objects.filter(is_demo=True)} == {"admin", "director", "supervisor", "staff"}
    assert Result.objects.filter(is_demo=True).count() > 0
    assert not Result.objects.filter(is_demo=False).exists()
    assert set(Result.objects.values_list("org_unit__code", flat=True)) == {DEMO_DIVISION, DEMO_SHELTER}
    demo_frameworks = Framework.objects.filter(is_demo=True)
    assert demo_frameworks.count() == 1 + len(DEMO_UNITS)  # the demo division's and one per demo field unit
    assert set(demo_frameworks.values_list("status", flat=True)) == {Framework.Status.APPROVED}
    assert "คะแนนรวม" in text


def test_demo_units_have_names_no_real_unit_has_and_hang_under_the_demo_division(fy2566):
    call_command("load_fy2564", stdout=StringIO())  # the 11 real shelters and 3 life-skills centres of 000
    real_names = set(OrgUnit.objects.values_list("name_th", flat=True))
    for unit in OrgUnit.objects.filter(is_demo=False):
        real_names.update(unit.name_variants)

    call_command("load_demo_data", stdout=StringIO())

    demo = list(OrgUnit.objects.filter(is_demo=True))
    assert sorted(u.code for u in demo) == sorted([DEMO_DIVISION, *(code for code, *_ in DEMO_UNITS)])
    for unit in demo:
        assert "สาธิต" in unit.name_th and unit.name_th not in real_names
        assert not any(place in unit.name_th for place in ("ทับทวน", "วังทอง", "มวกเหล็ก", "พระพุทธบาท"))
    names = list(OrgUnit.objects.values_list("name_th", flat=True))
    assert len(names) == len(set(names))
    division = OrgUnit.objects.get(code=DEMO_DIVISION)
    field_units = [u for u in demo if u.kind == OrgUnit.Kind.FIELD_UNIT]
    assert {(u.parent_id, u.supervising_division_id) for u in field_units} == {(division.pk, division.pk)}
    # every demo assignment has the demo supervisor, so every demo submission reaches a reviewer
    supervisor = Person.objects.get(user__username="supervisor")
    assert set(Assignment.objects.filter(framework__is_demo=True).values_list("supervisor", flat=True)) == {
        supervisor.pk
    }


def test_demo_units_report_through_their_own_window_while_the_real_round_stays_closed(fy2566):
    round1 = Round.objects.get(fiscal_year=fy2566, number=1)

    call_command("load_demo_data", stdout=StringIO())

    round1.refresh_from_db()
    assert not round1.is_open and round1.entry_deadline is None
    windows = UnitEntryWindow.objects.filter(round=round1)
    assert set(windows.values_list("org_unit__code", flat=True)) == {DEMO_DIVISION, *(c for c, *_ in DEMO_UNITS)}
    assert all(window.is_demo for window in windows)
    assert entry_is_open(round1, None, org_unit=OrgUnit.objects.get(code=DEMO_SHELTER))
    assert not entry_is_open(round1, None, org_unit=OrgUnit.objects.get(code="div-3"))


def test_loading_demo_data_changes_no_reference_row_and_removing_it_leaves_the_reference_data_as_loaded(fy2566):
    # given the reference data of both loaders
    call_command("load_fy2564", stdout=StringIO())
    before = dump()
    assert before["indicators.Framework"] and before["indicators.Result"] and before["reporting.BookSection"]

    # when the demo is loaded (twice, as scripts/run.sh does on every start)
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_data", stdout=StringIO())

    # then every reference row is still there, unchanged; what is new is demo data
    loaded = dump()
    assert changed(before, loaded, allow_new=True) == {}
    new = {table: set(rows) - set(before[table]) for table, rows in loaded.items()}
    assert all(unit.is_demo for unit in OrgUnit.objects.filter(pk__in=new["indicators.OrgUnit"]))
    assert all(person.is_demo for person in Person.objects.filter(pk__in=new["indicators.Person"]))
    assert all(framework.is_demo for framework in Framework.objects.filter(pk__in=new["indicators.Framework"]))
    assert not Assignment.objects.filter(pk__in=new["indicators.Assignment"], framework__is_demo=False).exists()
    assert not Criteria.objects.filter(pk__in=new["indicators.Criteria"]).exclude(assignment__framework__is_demo=True)
    assert not CriteriaLevel.objects.filter(pk__in=new["indicators.CriteriaLevel"]).exclude(
        criteria__assignment__framework__is_demo=True
    )
    assert not Result.objects.filter(pk__in=new["indicators.Result"]).exclude(org_unit__is_demo=True)
    assert new["indicators.Result"] and new["indicators.HistoricalResult"]

    # when it is removed (and removed again)
    out = StringIO()
    call_command("remove_demo_data", stdout=out)
    again = StringIO()
    call_command("remove_demo_data", stdout=again)

    # then the reference tables are exactly as loaded: no demo row, no history of one, nothing else changed
    assert changed(before, dump(), allow_new=False) == {}
    assert "ลบข้อมูลสาธิตแล้ว" in out.getvalue() and "หน่วยงาน" in out.getvalue()
    assert "ไม่มีข้อมูลสาธิตให้ลบ" in again.getvalue()
    assert not get_user_model().objects.filter(username__in=[d.username for d in DEMO_USERS]).exists()


def test_demo_data_and_reference_data_can_both_be_loaded_again(fy2566):
    """scripts/run.sh loads both on every start: the second run changes nothing."""
    call_command("load_demo_data", stdout=StringIO())
    counts = (Result.objects.count(), Framework.objects.count(), Person.objects.count(), OrgUnit.objects.count())
    call_command("load_reference_data", stdout=StringIO())
    call_command("load_demo_data", stdout=StringIO())
    assert (Result.objects.count(), Framework.objects.count(), Person.objects.count(), OrgUnit.objects.count()) == counts


def test_a_real_account_with_a_demo_username_is_neither_taken_over_nor_removed(fy2566, django_user_model):
    # given a real account named like a demo one
    real = django_user_model.objects.create_user("director", email="director@dsdw.go.th", password="real-pw")

    out = StringIO()
    call_command("load_demo_data", stdout=out)
    call_command("remove_demo_data", stdout=StringIO())

    # then it keeps its password, gets no demo person and survives the removal
    real.refresh_from_db()
    assert real.check_password("real-pw") and not Person.objects.filter(user=real).exists()
    assert "ข้ามผู้ใช้สาธิต director" in out.getvalue()


def test_removal_undoes_what_the_first_demo_loader_wrote_into_the_reference_data(fy2566, kks_framework):
    """Databases loaded before the demo had records of its own: thresholds on the real definitions, the real กคส.
    framework approved, duties, plan issues and goals on the real div-3."""
    from indicators.demo_data import DEMO_CRITERIA_NOTE, DEMO_DIVISION_DUTIES, DEMO_DIVISION_PLAN, DEMO_THRESHOLDS

    # given the old layout, written the way the old loader wrote it
    for code, rounds in DEMO_THRESHOLDS.items():
        definition = fy2566.indicator_definitions.get(code=code)
        for round_number, thresholds in rounds.items():
            criteria = Criteria.objects.create(definition=definition, round_number=round_number,
                                               method=Criteria.Method.FIVE_LEVEL, derivation_note_th=DEMO_CRITERIA_NOTE)
            for level, value in enumerate(thresholds, start=1):
                CriteriaLevel.objects.create(criteria=criteria, level=level, threshold=value)
    kks_framework.status = Framework.Status.APPROVED
    kks_framework.save()
    OrgUnit.objects.filter(code="div-3").update(duties_th="\n".join(DEMO_DIVISION_DUTIES))
    household = kks_framework.assignments.get(definition__code="HOUSEHOLD")
    household.plan_issue_th, household.goal_th = DEMO_DIVISION_PLAN["HOUSEHOLD"]
    household.save()

    call_command("remove_demo_data", stdout=StringIO())

    assert not Criteria.objects.filter(derivation_note_th=DEMO_CRITERIA_NOTE).exists()
    kks_framework.refresh_from_db()
    household.refresh_from_db()
    assert kks_framework.status == Framework.Status.DRAFT
    assert OrgUnit.objects.get(code="div-3").duties_th == ""
    assert (household.plan_issue_th, household.goal_th) == ("", "")
