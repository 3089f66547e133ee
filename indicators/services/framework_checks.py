"""What makes a framework complete: top-level and sub-indicator weights, and the criteria of both rounds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from indicators import scoring
from indicators.criteria_spec import build_spec
from indicators.models import Criteria, Framework, IndicatorDefinition
from indicators.models.framework import Component

ZERO = Decimal(0)


@dataclass(frozen=True)
class WeightSummary:
    total: Decimal
    performance: Decimal
    potential: Decimal
    missing: int


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def weight_summary(rows: list[dict[str, Any]]) -> WeightSummary:
    """Sum the top-level weights of assignment rows ({"weight", "component", "parent"})."""
    total = performance = potential = ZERO
    missing = 0
    for row in rows:
        if row.get("parent"):
            continue
        weight = row.get("weight")
        if weight is None:
            missing += 1
            continue
        total += weight
        if row.get("component") == Component.PERFORMANCE:
            performance += weight
        elif row.get("component") == Component.POTENTIAL:
            potential += weight
    return WeightSummary(total, performance, potential, missing)


def weight_problems(framework: Framework, rows: list[dict[str, Any]]) -> list[str]:
    """Thai messages for every weight rule the rows break (DOMAIN.md §3.5, §3.7, §9.4)."""
    problems: list[str] = []
    summary = weight_summary(rows)
    if summary.missing:
        problems.append(f"ยังไม่ได้กำหนดน้ำหนักของตัวชี้วัด {summary.missing} ตัว")
    if summary.total != 100:
        problems.append(f"น้ำหนักรวมของตัวชี้วัดต้องเท่ากับ 100 (ขณะนี้ {_fmt(summary.total)})")
    if framework.enforce_component_split:
        if summary.performance != framework.performance_weight:
            problems.append(
                f"น้ำหนัก Performance Base ต้องรวมได้ {_fmt(framework.performance_weight)} (ขณะนี้ {_fmt(summary.performance)})"
            )
        if summary.potential != framework.potential_weight:
            problems.append(
                f"น้ำหนัก Potential Base ต้องรวมได้ {_fmt(framework.potential_weight)} (ขณะนี้ {_fmt(summary.potential)})"
            )
    children: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if row.get("parent") and row.get("weight") is not None:
            children[row["parent"]] += row["weight"]
    by_key = {row.get("key"): row for row in rows}
    for parent_key, child_total in children.items():
        parent = by_key.get(parent_key)
        if parent is None:
            continue
        if parent.get("weight") != child_total:
            label = parent.get("number") or parent.get("label") or ""
            problems.append(
                f"น้ำหนักของตัวชี้วัดย่อยของตัวชี้วัดที่ {label} รวมได้ {_fmt(child_total)} "
                f"แต่ตัวชี้วัดหลักมีน้ำหนัก {_fmt(parent.get('weight') or ZERO)}"
            )
    return problems


def assignment_rows(framework: Framework) -> list[dict[str, Any]]:
    return [
        {"key": a.pk, "parent": a.parent_id, "weight": a.weight, "component": a.component, "number": a.number}
        for a in framework.assignments.all()
    ]


def framework_problems(framework: Framework) -> list[str]:
    """Everything that keeps a saved framework from being approved (weights and criteria of both rounds)."""
    problems = weight_problems(framework, assignment_rows(framework))
    assignments = (
        framework.assignments.select_related("definition")
        .prefetch_related("definition__criteria__levels", "children")
        .order_by("order")
    )
    for assignment in assignments:
        if assignment.definition.kind == IndicatorDefinition.Kind.PLACEHOLDER or assignment.children.all():
            continue
        for round_number in (1, 2):
            criteria = assignment.criteria_for(round_number)
            label = assignment.number or assignment.definition.code
            if criteria is None:
                if framework.scale == "three_level":
                    problems.append(f"ตัวชี้วัดที่ {label} ยังไม่มีค่าเป้าหมาย 50/75/100 ของรอบที่ {round_number}")
                else:
                    problems.append(f"ตัวชี้วัดที่ {label} ยังไม่มีเกณฑ์การประเมินรอบที่ {round_number}")
                continue
            try:
                criteria.to_spec()
            except scoring.CriteriaError as exc:
                problems.append(f"ตัวชี้วัดที่ {label} รอบที่ {round_number}: {exc}")
    return problems


def criteria_validate(criteria: Criteria) -> dict[str, Any]:
    """Check saved criteria against the engine; raises ValidationError with the engine's Thai message."""
    try:
        return build_spec(criteria, [level.as_row() for level in criteria.levels.all()])
    except scoring.CriteriaError as exc:
        raise ValidationError(str(exc)) from exc
