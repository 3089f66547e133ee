"""Fixtures for the indicators tests: the FY2566 reference data is loaded once per test session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from indicators.models import FiscalYear, Framework, OrgUnit, Person, Round
from indicators.reference_data import ReferenceLoader


def load_reference() -> None:
    ReferenceLoader(Path(settings.DSDW_SHARED_DIR)).load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load FY2566 once; tests run in transactions on top of it (transactional tests load their own)."""
    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture
def fy2566(db: Any) -> FiscalYear:
    return FiscalYear.objects.get(be_year=2566)


@pytest.fixture
def kks_framework(fy2566: FiscalYear) -> Framework:
    """Framework 3: กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต (กคส.)."""
    return Framework.objects.get(fiscal_year=fy2566, level=Framework.Level.DIVISION, number=3)


@pytest.fixture
def admin_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-2566")


@pytest.fixture
def staff_user(django_user_model: Any) -> Any:
    """A staff member who reports for กคส. only."""
    user = django_user_model.objects.create_user("staff", password="pw-staff-2566")
    person = Person.objects.create(user=user, full_name="เจ้าหน้าที่ทดสอบ", role=Person.Role.STAFF)
    person.reporting_units.set([OrgUnit.objects.get(code="div-3")])
    return user


@pytest.fixture
def round1(fy2566: FiscalYear) -> Round:
    """Round 1 of FY2566, open for entry with no deadline (the real one passed in 2566)."""
    round_ = Round.objects.get(fiscal_year=fy2566, number=1)
    round_.is_open = True
    round_.entry_deadline = None
    round_.save()
    return round_
