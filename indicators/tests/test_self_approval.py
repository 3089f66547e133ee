"""Maker ≠ checker: the person who submitted a result does not approve it, unless the year's policy allows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from indicators import scoring
from indicators.models import FiscalYear, Person, Result, Round, ScoringPolicy
from indicators.services.results import SELF_APPROVAL_REFUSED, result_approve, result_return
from indicators.tests.test_review_views import make_user, submitted, supervise

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporting_supervisor(django_user_model: Any, fy2566: FiscalYear) -> Any:
    """Supervises the budget indicator and also reports กคส.'s results (a one-person division)."""
    user = make_user(django_user_model, "boss", Person.Role.SUPERVISOR, units=("div-3",))
    supervise(user, "BUDGET")
    return user


@pytest.fixture
def own_submission(reporting_supervisor: Any, round1: Round) -> Result:
    return submitted(reporting_supervisor, "div-3", "BUDGET", round1)


def allow_self_approval(fiscal_year: FiscalYear, allowed: bool = True) -> None:
    ScoringPolicy.objects.update_or_create(fiscal_year=fiscal_year, defaults={"allow_self_approval": allowed})


def test_the_submitter_cannot_approve_their_own_result(reporting_supervisor, own_submission):
    history = own_submission.history.count()

    with pytest.raises(PermissionDenied) as refused:
        result_approve(actor=reporting_supervisor, result=own_submission)

    assert str(refused.value) == SELF_APPROVAL_REFUSED
    assert "อนุมัติผลที่ตนเองส่งไม่ได้" in SELF_APPROVAL_REFUSED
    own_submission.refresh_from_db()
    assert own_submission.status == Result.Status.SUBMITTED and own_submission.reviewed_by is None
    assert own_submission.history.count() == history


def test_an_admin_cannot_approve_what_they_submitted_either(admin_user, round1):
    result = submitted(admin_user, "div-3", "BUDGET", round1)

    with pytest.raises(PermissionDenied, match="อนุมัติผลที่ตนเองส่งไม่ได้"):
        result_approve(actor=admin_user, result=result)


def test_another_reviewer_approves_it(admin_user, own_submission):
    approved = result_approve(actor=admin_user, result=own_submission)

    assert approved.status == Result.Status.APPROVED and approved.reviewed_by == admin_user


def test_the_years_policy_may_allow_self_approval(reporting_supervisor, own_submission, fy2566):
    allow_self_approval(fy2566)

    approved = result_approve(actor=reporting_supervisor, result=own_submission)

    assert approved.status == Result.Status.APPROVED and approved.reviewed_by == reporting_supervisor


def test_the_switch_is_per_fiscal_year(reporting_supervisor, own_submission, fy2566):
    other_year = FiscalYear.objects.exclude(pk=fy2566.pk).first() or FiscalYear.objects.create(be_year=2599)
    allow_self_approval(other_year)
    allow_self_approval(fy2566, allowed=False)

    with pytest.raises(PermissionDenied):
        result_approve(actor=reporting_supervisor, result=own_submission)


def test_the_submitter_may_return_their_own_result(reporting_supervisor, own_submission):
    """Returning certifies nothing: it only takes the result back to an editable state, so the rule does not apply."""
    returned = result_return(actor=reporting_supervisor, result=own_submission, comment="ขอแก้ตัวหาร")

    assert returned.status == Result.Status.RETURNED


def test_the_self_approval_switch_is_not_a_scoring_rule():
    policy = ScoringPolicy(allow_self_approval=True)

    assert "allow_self_approval" not in ScoringPolicy.ENGINE_FIELDS
    assert "allow_self_approval" not in policy.as_dict()
    assert not hasattr(scoring.DEFAULT_POLICY, "allow_self_approval")
    assert policy.to_engine() == ScoringPolicy(allow_self_approval=False).to_engine()


# --- the review page ---------------------------------------------------------------------------------------------


def test_the_review_page_offers_the_submitter_no_approve_button(client, reporting_supervisor, own_submission):
    client.force_login(reporting_supervisor)

    html = client.get(reverse("review-result", args=[own_submission.pk])).content.decode()

    assert 'value="approve"' not in html
    assert 'value="return"' in html
    assert "ท่านเป็นผู้ส่งผลการดำเนินงานนี้ จึงอนุมัติเองไม่ได้" in html


def test_a_forged_approval_from_the_submitter_is_refused_in_thai(client, reporting_supervisor, own_submission):
    client.force_login(reporting_supervisor)

    response = client.post(reverse("review-result", args=[own_submission.pk]), {"action": "approve"})

    assert response.status_code == 403
    assert "อนุมัติผลที่ตนเองส่งไม่ได้" in response.content.decode()
    own_submission.refresh_from_db()
    assert own_submission.status == Result.Status.SUBMITTED


def test_the_review_page_offers_approval_when_the_policy_allows_it(client, reporting_supervisor, own_submission, fy2566):
    allow_self_approval(fy2566)
    client.force_login(reporting_supervisor)

    html = client.get(reverse("review-result", args=[own_submission.pk])).content.decode()

    assert 'value="approve"' in html
