"""Who may do what: one place for the role checks that services, selectors and views share.

- admin (superuser or Person.role admin, กลุ่มพัฒนาระบบบริหาร): everything;
- staff: read and write results of their own reporting units only;
- supervisor (ผู้กำกับดูแลตัวชี้วัด): read and review results of the assignments they supervise
  (Assignment.supervisor, or the definition's supervisor when the assignment names none);
- fallback reviewer: an indicator with no supervisor at all is reviewed by its framework's fallback reviewer
  (Framework.fallback_reviewer), else by the administration group (admins); see reviewers_of();
- director: read every result and score, change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from indicators.models.org import OrgUnit, Person


def person_of(user: Any) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person  # type: ignore[no-any-return]
    except Person.DoesNotExist:
        return None


def is_admin(user: Any) -> bool:
    """Superusers and people with the admin role (กลุ่มพัฒนาระบบบริหาร)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    person = person_of(user)
    return person is not None and person.role == Person.Role.ADMIN


def is_director(user: Any) -> bool:
    person = person_of(user)
    return person is not None and person.role == Person.Role.DIRECTOR


def reporting_unit_ids(user: Any) -> set[int]:
    """Units whose results this user may enter (empty for everyone but staff and admins)."""
    if is_admin(user):
        return set(OrgUnit.objects.values_list("pk", flat=True))
    person = person_of(user)
    if person is None:
        return set()
    return set(person.reporting_units.values_list("pk", flat=True))


def supervised_filter(person: Person, prefix: str = "") -> Q:
    """Q for rows whose assignment's results the person reviews (prefix points at the assignment).

    Its supervisor, else its definition's supervisor, else — an indicator with no supervisor — its framework's
    fallback reviewer: the same order as reviewers_of().
    """
    return (
        Q(**{f"{prefix}supervisor": person})
        | Q(**{f"{prefix}supervisor__isnull": True, f"{prefix}definition__supervisor": person})
        | Q(**{
            f"{prefix}supervisor__isnull": True,
            f"{prefix}definition__supervisor__isnull": True,
            f"{prefix}framework__fallback_reviewer": person,
        })
    )


def supervisor_of(assignment: Any) -> Person | None:
    """The assignment's supervisor (ผู้กำกับดูแลตัวชี้วัด), else its indicator definition's; None is a gap."""
    return assignment.supervisor or assignment.definition.supervisor  # type: ignore[no-any-return]


def admin_people() -> list[Person]:
    """The administration group (กลุ่มพัฒนาระบบบริหาร): people with the admin role or a superuser account."""
    people = Person.objects.filter(Q(role=Person.Role.ADMIN) | Q(user__is_superuser=True)).select_related("user")
    return [p for p in people.order_by("full_name", "pk") if p.user is None or p.user.is_active]


@dataclass(frozen=True)
class Reviewers:
    """Who receives an indicator's submitted results: its supervisor, the fallback reviewer or the admins."""

    SUPERVISOR = "supervisor"
    FALLBACK = "fallback"
    ADMINS = "admins"

    kind: str
    people: tuple[Person, ...]

    @property
    def names(self) -> str:
        return ", ".join(person.full_name for person in self.people)

    @property
    def is_fallback(self) -> bool:
        return self.kind != self.SUPERVISOR


def reviewers_of(assignment: Any) -> Reviewers:
    """The supervisor; for an indicator without one, the framework's fallback reviewer, else the admins."""
    supervisor = supervisor_of(assignment)
    if supervisor is not None:
        return Reviewers(Reviewers.SUPERVISOR, (supervisor,))
    fallback = assignment.framework.fallback_reviewer
    if fallback is not None:
        return Reviewers(Reviewers.FALLBACK, (fallback,))
    return Reviewers(Reviewers.ADMINS, tuple(admin_people()))


def can_report_for(user: Any, org_unit: OrgUnit) -> bool:
    """Admins report for everyone; staff only for the units they are assigned to."""
    if is_admin(user):
        return True
    person = person_of(user)
    return person is not None and person.reporting_units.filter(pk=org_unit.pk).exists()


def supervises(user: Any, assignment: Any) -> bool:
    """The user reviews this assignment's results as its supervisor or as its framework's fallback reviewer."""
    person = person_of(user)
    if person is None:
        return False
    if assignment.supervisor_id is not None:
        return bool(assignment.supervisor_id == person.pk)
    if assignment.definition.supervisor_id is not None:
        return bool(assignment.definition.supervisor_id == person.pk)
    return bool(assignment.framework.fallback_reviewer_id == person.pk)


def can_review(user: Any, result: Any) -> bool:
    return is_admin(user) or supervises(user, result.assignment)


def can_view_result(user: Any, result: Any) -> bool:
    if is_admin(user) or is_director(user):
        return True
    return can_report_for(user, result.org_unit) or supervises(user, result.assignment)


def visible_results_filter(user: Any) -> Q:
    """Q over Result rows this user may see (used by selectors so lists never leak other units' rows)."""
    if is_admin(user) or is_director(user):
        return Q()
    person = person_of(user)
    if person is None:
        return Q(pk__in=[])
    return Q(org_unit__in=person.reporting_units.all()) | supervised_filter(person, "assignment__")


def visible_units(user: Any) -> QuerySet[OrgUnit]:
    """Units whose round pages this user may open."""
    if is_admin(user) or is_director(user):
        return OrgUnit.objects.exclude(kind__in=[OrgUnit.Kind.EXTERNAL, OrgUnit.Kind.MINISTRY])
    person = person_of(user)
    if person is None:
        return OrgUnit.objects.none()
    return person.reporting_units.all()
