"""Who may open the review pages: supervisors, admins and directors (read-only); staff are refused."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from indicators import selectors
from indicators.models import Assignment, Result
from indicators.permissions import is_admin, is_director, person_of, supervised_filter


def may_open_queue(user: Any) -> bool:
    """Admins, directors (read-only) and supervisors; staff who supervise nothing are refused."""
    if is_admin(user) or is_director(user):
        return True
    person = person_of(user)
    if person is None:
        return False
    if person.role == person.Role.SUPERVISOR:
        return True
    return Assignment.objects.filter(supervised_filter(person)).exists()


def queue_results(*, user: Any, status: str) -> QuerySet[Result]:
    """selectors.review_queue: supervisors their indicators, admins and directors (read-only) everything."""
    return selectors.review_queue(user=user, status=status)



def _supervises_any(user: Any) -> bool:
    person = person_of(user)
    return person is not None and (
        person.role == person.Role.SUPERVISOR or Assignment.objects.filter(supervised_filter(person)).exists()
    )

