"""Who may do what: one place for the role checks that services, selectors and views share.

- admin (superuser or Person.role admin, กลุ่มพัฒนาระบบบริหาร): everything;
- staff: read and write results of their own reporting units only;
- supervisor (ผู้กำกับดูแลตัวชี้วัด): read and review results of the assignments they supervise
  (Assignment.supervisor, or the definition's supervisor when the assignment names none);
- director: read every result and score, change nothing.
"""

from __future__ import annotations

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
    """Q for rows whose assignment is supervised by the person (prefix points at the assignment)."""
    return Q(**{f"{prefix}supervisor": person}) | Q(
        **{f"{prefix}supervisor__isnull": True, f"{prefix}definition__supervisor": person}
    )


def can_report_for(user: Any, org_unit: OrgUnit) -> bool:
    """Admins report for everyone; staff only for the units they are assigned to."""
    if is_admin(user):
        return True
    person = person_of(user)
    return person is not None and person.reporting_units.filter(pk=org_unit.pk).exists()


def supervises(user: Any, assignment: Any) -> bool:
    person = person_of(user)
    if person is None:
        return False
    if assignment.supervisor_id is not None:
        return bool(assignment.supervisor_id == person.pk)
    return bool(assignment.definition.supervisor_id == person.pk)


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
