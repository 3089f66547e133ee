"""The quick start's demo data: users for every role, demo units with weighted frameworks, demo results."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from indicators.demo_data import DEMO_USERS
from indicators.models import Framework, Person, Result

pytestmark = pytest.mark.django_db


def test_demo_data_creates_every_role_and_prints_the_passwords(fy2566):
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    text = out.getvalue()
    for demo in DEMO_USERS:
        assert demo.password in text
        user = authenticate(username=demo.username, password=demo.password)
        assert user is not None and user.person.role == demo.role
    assert {p.role for p in Person.objects.filter(is_demo=True)} == {"admin", "director", "supervisor", "staff"}
    assert Result.objects.filter(is_demo=True).count() > 0
    assert not Result.objects.filter(is_demo=False).exists()
    demo_frameworks = Framework.objects.filter(is_demo=True)
    assert demo_frameworks.count() == 5
    assert set(demo_frameworks.values_list("status", flat=True)) == {Framework.Status.APPROVED}
    assert "คะแนนรวม" in text


def test_demo_data_and_reference_data_can_both_be_loaded_again(fy2566):
    """scripts/run.sh loads both on every start: the second run changes nothing."""
    call_command("load_demo_data", stdout=StringIO())
    counts = (Result.objects.count(), Framework.objects.count(), Person.objects.count())
    call_command("load_reference_data", stdout=StringIO())
    call_command("load_demo_data", stdout=StringIO())
    assert (Result.objects.count(), Framework.objects.count(), Person.objects.count()) == counts
