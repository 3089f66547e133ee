"""Celery tasks against a real worker and Redis (started by scripts/test.sh)."""

from __future__ import annotations

import pytest

from indicators.models import FiscalYear, Framework
from indicators.tasks import copy_framework_forward
from indicators.tests.conftest import load_reference


@pytest.mark.django_db(transaction=True)
def test_copy_forward_runs_on_a_real_worker_and_a_second_run_changes_nothing(celery_worker_process, admin_user):
    load_reference()
    params = {"user_id": admin_user.pk, "source_year": 2566, "target_year": 2567}

    first = copy_framework_forward.delay(**params).get(timeout=120)

    assert first["fiscal_year"] == 2567
    assert first["frameworks"] == Framework.objects.filter(fiscal_year__be_year=2566).count()
    copied = FiscalYear.objects.get(be_year=2567)
    definitions = copied.indicator_definitions.count()
    assert definitions == first["definitions"] > 0

    second = copy_framework_forward.delay(**params)
    second.get(timeout=120, propagate=False)

    assert second.failed()
    assert "มีตัวชี้วัดหรือกรอบตัวชี้วัดอยู่แล้ว" in str(second.result)
    assert copied.indicator_definitions.count() == definitions
