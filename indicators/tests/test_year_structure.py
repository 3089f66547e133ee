"""The year structure cache: kept while the database's token is unchanged, read again after any write by any path."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction

from indicators import year_structure
from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Province,
    ProvinceTarget,
    Result,
    Round,
    ScoringPolicy,
    UnitType,
)
from indicators.models.framework import Scale
from indicators.models.structure import STRUCTURE_TABLES
from indicators.score_inputs import unit_round_inputs

pytestmark = pytest.mark.django_db


def _first(framework: Framework) -> Assignment:
    return Assignment.objects.filter(framework=framework).order_by("order", "number", "pk").first()  # type: ignore[return-value]


def _weight(fiscal_year_id: int, assignment_id: int) -> Decimal | None:
    for members in year_structure.year_structure(fiscal_year_id).assignments.values():
        for member in members:
            if member.pk == assignment_id:
                return member.weight
    raise AssertionError(f"assignment {assignment_id} is not in the structure")


def test_the_structure_is_read_once_while_nothing_changes(kks_framework, django_assert_num_queries):
    year_structure.year_structure(kks_framework.fiscal_year_id)
    with django_assert_num_queries(1):  # the token alone
        again = year_structure.year_structure(kks_framework.fiscal_year_id)
    assert kks_framework.pk in again.frameworks


def _orm_save(framework: Framework) -> None:
    item = _first(framework)
    item.weight = Decimal("7.77")
    item.save()


def _queryset_update(framework: Framework) -> None:  # no signal is sent: only the trigger sees it
    Assignment.objects.filter(pk=_first(framework).pk).update(weight=Decimal("7.77"))


def _bulk_update(framework: Framework) -> None:
    item = _first(framework)
    item.weight = Decimal("7.77")
    Assignment.objects.bulk_update([item], ["weight"])


def _raw_sql(framework: Framework) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE indicators_assignment SET weight = %s WHERE id = %s", [Decimal("7.77"), _first(framework).pk])


@pytest.mark.parametrize("write", [_orm_save, _queryset_update, _bulk_update, _raw_sql],
                         ids=["orm_save", "queryset_update", "bulk_update", "raw_sql"])
def test_a_weight_changed_by_any_path_is_seen_at_the_next_read(kks_framework, write):
    item = _first(kks_framework)
    assert _weight(kks_framework.fiscal_year_id, item.pk) != Decimal("7.77")

    write(kks_framework)

    assert _weight(kks_framework.fiscal_year_id, item.pk) == Decimal("7.77")


def _criteria_level(framework: Framework) -> None:
    level = CriteriaLevel.objects.filter(criteria__definition__fiscal_year=framework.fiscal_year).first()
    assert level is not None
    CriteriaLevel.objects.filter(pk=level.pk).update(threshold=(level.threshold or 0) + 1)


def _criteria(framework: Framework) -> None:
    criteria = Criteria.objects.filter(definition__fiscal_year=framework.fiscal_year).first()
    assert criteria is not None
    Criteria.objects.filter(pk=criteria.pk).update(interpolate=not criteria.interpolate)


def _definition(framework: Framework) -> None:
    IndicatorDefinition.objects.filter(pk=_first(framework).definition_id).update(name_th="ชื่อใหม่ของตัวชี้วัด")


def _framework(framework: Framework) -> None:
    Framework.objects.filter(pk=framework.pk).update(scale=Scale.THREE_LEVEL)


def _framework_units(framework: Framework) -> None:
    framework.org_units.add(OrgUnit.objects.exclude(frameworks=framework).first())


def _framework_types(framework: Framework) -> None:
    framework.unit_types.add(UnitType.objects.first())


def _applicability(framework: Framework) -> None:
    _first(framework).applies_to_unit_types.add(UnitType.objects.first())


def _province_target(framework: Framework) -> None:
    definition = IndicatorDefinition.objects.create(fiscal_year=framework.fiscal_year, code="HOUSEHOLD-T",
                                                    name_th="ครัวเรือนทดสอบ")
    ProvinceTarget.objects.create(definition=definition, province=Province.objects.first(), base_value=1, increase=1,
                                  target=2)


def _policy(framework: Framework) -> None:
    ScoringPolicy.objects.update_or_create(fiscal_year=framework.fiscal_year, defaults={"score_decimals": 2})


def _deletion(framework: Framework) -> None:
    Assignment.objects.filter(pk=_first(framework).pk).delete()


STRUCTURE_WRITES = {
    "criteria_level": _criteria_level, "criteria": _criteria, "definition": _definition, "framework": _framework,
    "framework_units": _framework_units, "framework_types": _framework_types, "applicability": _applicability,
    "province_target": _province_target, "policy": _policy, "deletion": _deletion,
}


@pytest.mark.parametrize("kind", sorted(STRUCTURE_WRITES))
def test_every_structure_table_renews_the_token(kks_framework, kind):
    before = year_structure.current_token()
    assert before is not None

    STRUCTURE_WRITES[kind](kks_framework)

    assert year_structure.current_token() not in (None, before)


def test_every_structure_table_has_the_triggers():
    """A table added to the structure without its triggers would be cached without ever being read again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE %s",
                           ["%structure_%"])
        else:
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", ["%structure_%"])
        watched = {row[0] for row in cursor.fetchall()}
    assert watched == set(STRUCTURE_TABLES)


def test_results_do_not_renew_the_token(kks_framework, round1, django_user_model):
    """Results change all day: they are read on every request, never cached, and must not empty the cache."""
    before = year_structure.current_token()
    Result.objects.create(assignment=_first(kks_framework), org_unit=kks_framework.org_units.first(), round=round1,
                          value=Decimal(50))
    assert year_structure.current_token() == before


def test_a_rolled_back_write_leaves_the_old_structure(kks_framework):
    item = _first(kks_framework)
    old = _weight(kks_framework.fiscal_year_id, item.pk)

    with pytest.raises(RuntimeError), transaction.atomic():
        Assignment.objects.filter(pk=item.pk).update(weight=Decimal("7.77"))
        assert _weight(kks_framework.fiscal_year_id, item.pk) == Decimal("7.77")  # its own transaction sees it
        raise RuntimeError("rolled back")

    assert _weight(kks_framework.fiscal_year_id, item.pk) == old


def test_each_caller_gets_its_own_rows(kks_framework):
    """Something set on, or a relation loaded on, the rows of one request never reaches the next request."""
    unit = kks_framework.org_units.first()
    first = year_structure.year_view(kks_framework.fiscal_year_id)
    framework, _ = first.for_unit(unit, approved_only=False)
    assert framework is not None
    mine = first.assignments(framework.pk)[0]
    mine.weight = Decimal("99")
    mine.definition.name_th = "แก้ในคำขอหนึ่ง"
    framework.name_th = "แก้ในคำขอหนึ่ง"
    mine.definition.supervisor  # noqa: B018  (a relation loaded on this request's copy)

    second = year_structure.year_view(kks_framework.fiscal_year_id)
    theirs = second.assignments(framework.pk)[0]
    assert theirs.pk == mine.pk and theirs is not mine
    assert theirs.weight != Decimal("99")
    assert theirs.definition.name_th != "แก้ในคำขอหนึ่ง"
    assert second.framework(framework.pk).name_th != "แก้ในคำขอหนึ่ง"
    assert not IndicatorDefinition.supervisor.is_cached(theirs.definition)
    assert theirs.framework is second.framework(framework.pk)  # criteria_for() reads this view's scale


def test_the_scorecard_inputs_follow_a_weight_change_without_signals(kks_framework, round1):
    unit = kks_framework.org_units.first()
    approved = Framework.Status.APPROVED
    Framework.objects.filter(pk=kks_framework.pk).update(status=approved)
    inputs, _ = unit_round_inputs(org_unit=unit, round=round1)
    assert inputs is not None
    item = _first(kks_framework)
    Assignment.objects.filter(pk=item.pk).update(weight=Decimal("7.77"))

    inputs, _ = unit_round_inputs(org_unit=unit, round=round1)

    assert inputs is not None
    assert {line.assignment_id: line.weight for line in inputs.data.lines}[item.pk] == Decimal("7.77")


def test_without_a_token_row_the_structure_is_read_every_time(kks_framework, django_assert_max_num_queries):
    """After a flush (tests, a restore in progress) the row is missing until the next structure write."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM indicators_structureversion")
    year_structure.year_structure(kks_framework.fiscal_year_id)
    with django_assert_max_num_queries(20) as queries:
        year_structure.year_structure(kks_framework.fiscal_year_id)
    assert len(queries.captured_queries) > 1
    Assignment.objects.filter(pk=_first(kks_framework).pk).update(weight=Decimal(5))
    assert year_structure.current_token() is not None


def test_the_cache_can_be_switched_off(kks_framework, settings, django_assert_max_num_queries):
    year_structure.year_structure(kks_framework.fiscal_year_id)
    settings.STRUCTURE_CACHE = False
    with django_assert_max_num_queries(20) as queries:
        year_structure.year_structure(kks_framework.fiscal_year_id)
    assert len(queries.captured_queries) > 1


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_connection_is_seen():
    """Another process (a second web node, the admin, psql) commits a change: this process reads it at once."""
    import psycopg2

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    year = FiscalYear.objects.create(be_year=2597, start_date="2053-10-01", end_date="2054-09-30")
    Round.objects.create(fiscal_year=year, number=1, start_date="2053-10-01", end_date="2054-03-31")
    framework = Framework.objects.create(fiscal_year=year, level=Framework.Level.DIVISION, name_th="กรอบทดสอบ")
    definition = IndicatorDefinition.objects.create(fiscal_year=year, code="CROSS", name_th="ตัวชี้วัดทดสอบ")
    item = Assignment.objects.create(framework=framework, definition=definition, number="1", order=1,
                                     weight=Decimal(10))
    assert _weight(year.pk, item.pk) == Decimal(10)
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        with other, other.cursor() as cursor:
            cursor.execute("UPDATE indicators_assignment SET weight = 20 WHERE id = %s", [item.pk])
        assert _weight(year.pk, item.pk) == Decimal(20)
        with other, other.cursor() as cursor:
            cursor.execute("TRUNCATE indicators_provincetarget")
        token = year_structure.current_token()
        with other, other.cursor() as cursor:
            cursor.execute("TRUNCATE indicators_provincetarget")
        assert year_structure.current_token() != token
    finally:
        other.close()
