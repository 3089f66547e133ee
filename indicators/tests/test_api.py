"""POST /api/score-preview/: what the entry page shows while a person types, scored by indicators/scoring.py with the
criteria of the round — the same engine and numbers as a saved result (DOMAIN.md §3.8, §4, §12.1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.models import OrgUnit, Result
from indicators.services.results import policy_for, result_save, result_score
from indicators.tests import test_entry_views as world
from indicators.tests.test_entry_views import assignment

# The world of the entry-view tests: framework 3 approved, กคส., and the people around it.
kks, div3, other_staff, supervisor, director = world.kks, world.div3, world.other_staff, world.supervisor, world.director

pytestmark = pytest.mark.django_db

URL = "/api/score-preview/"


@pytest.fixture
def api(staff_user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


def ask(api: APIClient, kks: Any, round1: Any, unit: OrgUnit, code: str, **fields: Any) -> Any:
    body = {"assignment_id": assignment(kks, code).pk, "round_id": round1.pk, "org_unit_id": unit.pk, **fields}
    return api.post(URL, body, format="json")


def test_the_url_is_named_score_preview():
    assert reverse("score-preview") == URL


def test_a_ratio_is_turned_into_a_rounded_percentage_and_a_score(api, kks, round1, div3):
    """§12.1: 51,230,450 / 101,872,300 = 50.2888… → 50.29 → budget round-1 band 49.50 – 51.49 → 3."""
    response = ask(api, kks, round1, div3, "BUDGET", numerator="๕๑,๒๓๐,๔๕๐", denominator="101,872,300")
    assert response.status_code == 200
    data = response.json()
    assert data["value"] == "50.29"
    assert data["value_exact"].startswith("50.2888")
    assert data["score"] == "3.0000"
    assert "ร้อยละ = 51,230,450 × 100 / 101,872,300" in data["explanation"]
    assert data["problem"] == ""


def test_the_preview_is_the_score_the_saved_result_gets(api, staff_user, kks, round1, div3):
    """Typed and saved go through the same engine: the preview equals result_score after saving."""
    typed = ask(api, kks, round1, div3, "PMQA_KPI_IMPROVED", numerator="198", denominator="1,424").json()
    saved = result_save(actor=staff_user, assignment=assignment(kks, "PMQA_KPI_IMPROVED"), org_unit=div3,
                        round=round1, values={"numerator": Decimal(198), "denominator": Decimal(1424)})
    assert Decimal(typed["score"]) == result_score(saved, policy_for(round1)).score
    assert typed["value"] == "13.90"


def test_a_zero_denominator_is_refused_as_the_save_refuses_it(api, kks, round1, div3):
    """The save refuses a zero denominator; the preview says the same and shows no score (issue 8)."""
    response = ask(api, kks, round1, div3, "BUDGET", numerator="5", denominator="0")
    assert response.status_code == 400
    data = response.json()
    assert "score" not in data
    assert data["problem"] == "ตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)"


def test_a_value_that_is_not_a_number_is_refused_in_thai(api, kks, round1, div3):
    response = ask(api, kks, round1, div3, "ENERGY", value="เจ็ด")
    assert response.status_code == 400
    assert response.json()["problem"] == "กรุณากรอกเป็นตัวเลข เช่น 13.90 หรือ 1,424"


def test_nothing_typed_yet_is_a_problem_not_an_error(api, kks, round1, div3):
    data = ask(api, kks, round1, div3, "ENERGY").json()
    assert data["score"] is None
    assert data["problem"] == "ยังไม่ได้กรอกผลการดำเนินงาน"
    half = ask(api, kks, round1, div3, "SATISFACTION", value="86.20").json()
    assert half["problem"] == "ยังกรอกผลไม่ครบทั้งสองตัววัด"


def test_an_external_score_is_mapped_to_its_level(api, kks, round1, div3):
    """§4.g: energy e-report 7 points → level 3 (step, OPEN-14)."""
    assert ask(api, kks, round1, div3, "ENERGY", value="7").json()["score"] == "3.0000"


def test_composite_takes_both_measures(api, kks, round1, div3):
    """§4.f: 72.00 / 10.00 → levels 2 and 5 → 2 (OPEN-12: the lower). §4.f's own 82 / 26 adds up to more than
    100 %, which the entry form refuses (issue 8; document 003 pairs the bands 70/30, 75/25, 80/20, 85/15)."""
    data = ask(api, kks, round1, div3, "SATISFACTION", value="72.00", second_value="10.00").json()
    assert data["score"] == "2.0000"
    assert "ส่วนที่ 2" in data["explanation"]


def test_milestones_score_the_completed_steps(api, kks, round1, div3):
    """§4.c: PMQA 4.0 steps 1 and 3 done, 5 not → 3; only step 3 → 0 (cumulative)."""
    done = ask(api, kks, round1, div3, "PMQA40", completed={"1": [True], "3": [True], "5": [False]}).json()
    assert done["score"] == "3.0000"
    out_of_order = ask(api, kks, round1, div3, "PMQA40", completed={"1": [False], "3": [True]}).json()
    assert out_of_order["score"] == "0.0000"


def test_the_mixed_household_round_needs_the_level_one_step(api, kks, round1, div3):
    """§4.c mixed: 35 % with the step done → 3.5; without it → 0."""
    done = ask(api, kks, round1, div3, "HOUSEHOLD", level1_milestone_done=True, value="35").json()
    assert done["score"] == "3.5000"
    assert ask(api, kks, round1, div3, "HOUSEHOLD", level1_milestone_done=False, value="35").json()["score"] == "0.0000"


def test_an_indicator_without_criteria_cannot_be_scored_yet(api, kks_framework, round1, div3):
    data = ask(api, kks_framework, round1, div3, "PMQA_KPI_IMPROVED", numerator="1", denominator="2").json()
    assert data["score"] is None
    assert data["problem"] == "ยังไม่มีเกณฑ์การประเมินของรอบนี้ จึงยังคำนวณคะแนนไม่ได้"


def test_staff_of_another_unit_get_404(kks, round1, div3, other_staff):
    client = APIClient()
    client.force_authenticate(other_staff)
    assert ask(client, kks, round1, div3, "ENERGY", value="7").status_code == 404


@pytest.mark.parametrize("who", ["supervisor", "director", "admin_user"])
def test_people_who_may_see_the_units_results_get_a_preview(request, who, kks, round1, div3):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(who))
    assert ask(client, kks, round1, div3, "ENERGY", value="7").status_code == 200


def test_an_assignment_of_another_year_or_unknown_ids_are_404(api, kks, round1, div3):
    body = {"assignment_id": 999999, "round_id": round1.pk, "org_unit_id": div3.pk, "value": "7"}
    assert api.post(URL, body, format="json").status_code == 404


def test_anonymous_callers_are_refused():
    assert APIClient().post(URL, {}, format="json").status_code == 403


def test_the_session_needs_the_csrf_token(client, staff_user, kks, round1, div3):
    """The page's JavaScript sends X-CSRFToken; a cross-site form post without it is refused."""
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(staff_user)
    body = {"assignment_id": assignment(kks, "ENERGY").pk, "round_id": round1.pk, "org_unit_id": div3.pk, "value": "7"}
    assert strict.post(URL, body, content_type="application/json").status_code == 403
    assert not Result.objects.exists()
