"""Benchmark of the entry and review pages: server time and SQL queries, which must not grow with size.

    python benchmarks/bench_pages.py                # throw-away SQLite file
    DATABASE_URL=postgres://... python benchmarks/bench_pages.py   # a scratch PostgreSQL database (it is flushed!)

Builds (1) a unit framework of 5 and of 15 indicators with results for every indicator, and (2) a supervisor
queue of 50 and of 500 submitted results, then requests each page N times through Django's test client (the
whole request/response cycle in-process, no network) and prints the median server time and the query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import setup_django  # noqa: E402

setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from indicators.models import (  # noqa: E402
    Assignment,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Person,
    Result,
    Round,
    UnitType,
)
from indicators.reference_data import ReferenceLoader  # noqa: E402


def definitions(year: FiscalYear, count: int) -> list[IndicatorDefinition]:
    out = []
    for n in range(1, count + 1):
        definition, created = IndicatorDefinition.objects.get_or_create(
            fiscal_year=year, code=f"BENCH{n:02d}",
            defaults={"name_th": f"ร้อยละของผลการดำเนินงานทดสอบที่ {n} ตามแผนปฏิบัติราชการ", "unit_of_measure": "percent"},
        )
        if created:
            criteria = Criteria.objects.create(definition=definition, round_number=1, method="five_level")
            for level, threshold in enumerate((60, 70, 80, 90, 100), start=1):
                CriteriaLevel.objects.create(criteria=criteria, level=level, threshold=Decimal(threshold))
        out.append(definition)
    return out


def unit_with_framework(year: FiscalYear, round1: Round, supervisor: Person, code: str, size: int) -> OrgUnit:
    shelter = UnitType.objects.get(code="shelter")
    unit, _ = OrgUnit.objects.get_or_create(code=code, defaults={"kind": "field_unit", "name_th": f"หน่วยงานทดสอบ {code}",
                                                                 "unit_type": shelter})
    framework = Framework.objects.create(fiscal_year=year, level="field_unit", name_th=f"กรอบทดสอบ {code}",
                                         status="approved", enforce_component_split=False)
    framework.org_units.set([unit])
    weight = Decimal(100) / size
    for order, definition in enumerate(definitions(year, size), start=1):
        assignment = Assignment.objects.create(framework=framework, definition=definition, number=str(order),
                                               order=order, component="performance", weight=weight,
                                               supervisor=supervisor)
        Result.objects.create(assignment=assignment, org_unit=unit, round=round1, status="submitted",
                              numerator=Decimal(70 + order), denominator=Decimal(100))
    return unit


def queue_of(year: FiscalYear, round1: Round, supervisor: Person, prefix: str, results: int) -> None:
    shelter = UnitType.objects.get(code="shelter")
    per_unit = 5
    framework = Framework.objects.create(fiscal_year=year, level="field_unit", name_th=f"กรอบคิว {prefix}",
                                         status="approved", enforce_component_split=False)
    assignments = [
        Assignment.objects.create(framework=framework, definition=d, number=str(i), order=i, component="performance",
                                  weight=Decimal(20), supervisor=supervisor)
        for i, d in enumerate(definitions(year, per_unit), start=1)
    ]
    rows = []
    for n in range(results // per_unit):
        unit = OrgUnit.objects.create(code=f"{prefix}-{n}", kind="field_unit", name_th=f"สถานคุ้มครองทดสอบ {prefix} {n}",
                                      unit_type=shelter)
        framework.org_units.add(unit)
        rows += [Result(assignment=a, org_unit=unit, round=round1, status="submitted", numerator=Decimal(80),
                        denominator=Decimal(100)) for a in assignments]
    Result.objects.bulk_create(rows)


def measure(client: Client, url: str, repeat: int) -> tuple[float, int, int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # read now: the captured list is a lazy slice of the connection's log
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), count, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    ReferenceLoader(None if "DSDW_SHARED_DIR" not in os.environ else Path(os.environ["DSDW_SHARED_DIR"])).load()
    year = FiscalYear.objects.get(be_year=2566)
    round1 = Round.objects.get(fiscal_year=year, number=1)
    round1.is_open = True
    round1.save()
    user_model = get_user_model()
    staff = user_model.objects.create_user("bench-staff", password="x")
    boss = user_model.objects.create_user("bench-supervisor", password="x")
    supervisor = Person.objects.create(user=boss, full_name="ผู้กำกับดูแลทดสอบ", role=Person.Role.SUPERVISOR)
    person = Person.objects.create(user=staff, full_name="เจ้าหน้าที่ทดสอบ", role=Person.Role.STAFF)
    small = unit_with_framework(year, round1, supervisor, "bench-5", 5)
    large = unit_with_framework(year, round1, supervisor, "bench-15", 15)
    person.reporting_units.set([small, large])

    print(f"database: {connection.vendor}; median of {args.repeat} requests after one warm-up")
    print(f"{'page':44} {'ms':>8} {'queries':>8} {'KiB':>7}")
    staff_client = Client()
    staff_client.force_login(staff)
    for unit, label in ((small, "unit round page, 5 indicators"), (large, "unit round page, 15 indicators")):
        ms, queries, size = measure(staff_client, reverse("unit-round", args=[round1.pk, unit.pk]), args.repeat)
        print(f"{label:44} {ms:8.1f} {queries:8d} {size / 1024:7.1f}")
    supervisor_client = Client()
    supervisor_client.force_login(boss)
    queue_of(year, round1, supervisor, "q50", 50)
    ms, queries, size = measure(supervisor_client, reverse("review-queue"), args.repeat)
    count = Result.objects.filter(status="submitted").count()
    print(f"{f'review queue, {count} submitted results':44} {ms:8.1f} {queries:8d} {size / 1024:7.1f}")
    queue_of(year, round1, supervisor, "q500", 450)
    count = Result.objects.filter(status="submitted").count()
    ms, queries, size = measure(supervisor_client, reverse("review-queue"), args.repeat)
    print(f"{f'review queue, {count} submitted results':44} {ms:8.1f} {queries:8d} {size / 1024:7.1f}")


if __name__ == "__main__":
    main()
