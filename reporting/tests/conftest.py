"""Fixtures for the reporting tests: FY2566 reference data once per session, demo data per test."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from indicators.models import FiscalYear, OrgUnit, Round
from indicators.tests.conftest import load_reference


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load FY2566 once (unless the indicators tests' fixture already did)."""
    with django_db_blocker.unblock():
        if not FiscalYear.objects.filter(be_year=2566).exists():
            load_reference()


@pytest.fixture
def demo(db: Any) -> None:
    from reporting.services import jobs

    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The test's transaction never commits: forget the recompute the demo data queued for that commit, so the
    # changes a test makes inside django_capture_on_commit_callbacks get a batch (and an on_commit) of their own.
    jobs._local.__dict__.pop("batch", None)


@pytest.fixture
def kks(demo: None) -> OrgUnit:
    """The demo division: its own copy of the กคส. framework (3) with demo criteria, results, duties and goals."""
    from indicators.demo_data import DEMO_DIVISION

    return OrgUnit.objects.get(code=DEMO_DIVISION)


@pytest.fixture
def round1(demo: None) -> Round:
    return Round.objects.get(fiscal_year__be_year=2566, number=1)


@pytest.fixture
def round2(demo: None) -> Round:
    return Round.objects.get(fiscal_year__be_year=2566, number=2)


@pytest.fixture
def eager_celery(monkeypatch: pytest.MonkeyPatch) -> None:
    from dsdw_kpi.celery import app as celery_app

    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", True)
