"""JSON endpoints of the entry screens (STYLE.md practice 5: one view per operation, nested serializers).

POST /api/score-preview/ scores what a person is typing with indicators/scoring.py — the same engine and the
same criteria as a saved result — so the browser never re-implements a rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators import scoring
from indicators.forms import NumberFormatError, normalise_number, plain_problem
from indicators.models import Assignment, Criteria, OrgUnit, Result, Round
from indicators.permissions import can_view_result
from indicators.services.results import policy_for


class ThaiDecimalInput(serializers.Field):  # type: ignore[type-arg]
    """A number typed the Thai way ("๑๓.๙๐", "1,424"); blank means not given."""

    default_error_messages = {
        "invalid": "กรุณากรอกเป็นตัวเลข เช่น 13.90 หรือ 1,424",
        "grouping": "เครื่องหมายจุลภาค (,) ไม่ถูกตำแหน่ง: ใช้จุลภาคคั่นหลักพัน และใช้จุด (.) เป็นจุดทศนิยม",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal | None:
        if data is None or (isinstance(data, str) and not data.strip()):
            return None
        if isinstance(data, bool):
            self.fail("invalid")
        try:
            return Decimal(normalise_number(data))
        except NumberFormatError as exc:
            self.fail(exc.code)
        raise AssertionError("unreachable")

    def to_representation(self, value: Any) -> str:
        return str(value)


class ScorePreviewApi(APIView):
    """Score a result that is being typed: percentage, score, the arithmetic in Thai, or why it cannot be scored."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        assignment_id = serializers.IntegerField()
        round_id = serializers.IntegerField()
        org_unit_id = serializers.IntegerField()
        value = ThaiDecimalInput()
        numerator = ThaiDecimalInput()
        denominator = ThaiDecimalInput()
        second_value = ThaiDecimalInput()
        level1_milestone_done = serializers.BooleanField(required=False, allow_null=True, default=None)
        completed = serializers.DictField(child=serializers.ListField(child=serializers.BooleanField()), required=False)
        achieved_level = serializers.CharField(required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        score = serializers.CharField(allow_null=True)
        value = serializers.CharField(allow_null=True)
        value_exact = serializers.CharField(allow_null=True)
        explanation = serializers.CharField(allow_blank=True)
        problem = serializers.CharField(allow_blank=True)

    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        if not serializer.is_valid():
            errors = serializer.errors
            problem = next((str(m) for messages in errors.values() for m in (messages if isinstance(messages, list) else [messages])), "")
            return Response({**errors, "problem": problem}, status=400)
        data = serializer.validated_data
        round_ = get_object_or_404(Round.objects.select_related("fiscal_year"), pk=data["round_id"])
        criteria_qs = Criteria.objects.prefetch_related("levels")
        assignment = get_object_or_404(
            Assignment.objects.select_related("definition", "framework")
            .prefetch_related(Prefetch("definition__criteria", queryset=criteria_qs)),
            pk=data["assignment_id"], framework__fiscal_year_id=round_.fiscal_year_id,
        )
        unit = get_object_or_404(OrgUnit, pk=data["org_unit_id"])
        if not can_view_result(request.user, Result(assignment=assignment, org_unit=unit, round=round_)):
            raise NotFound(_("ไม่พบผลการดำเนินงาน"))
        output = preview(assignment, round_, data)
        return Response(self.OutputSerializer(output).data)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def measurement(criteria: Criteria, data: dict[str, Any]) -> dict[str, Any]:
    """The engine measurement from typed input, shaped like criteria_spec.measurement_for shapes a saved result."""
    if criteria.method == Criteria.Method.MILESTONES:
        if data.get("achieved_level"):
            return {"achieved_level": data["achieved_level"]}
        return {"completed": {str(level): list(flags) for level, flags in (data.get("completed") or {}).items()}}
    if criteria.method == Criteria.Method.COMPOSITE:
        return {"parts": [{"value": _num(data.get("value"))}, {"value": _num(data.get("second_value"))}]}
    numerator, denominator = data.get("numerator"), data.get("denominator")
    base: dict[str, Any]
    if numerator is not None or denominator is not None:
        base = {"numerator": _num(numerator), "denominator": _num(denominator)}
    else:
        base = {"value": _num(data.get("value"))}
    if criteria.level1_milestone_th:
        base["level1_milestone_done"] = bool(data.get("level1_milestone_done"))
    return base


def preview(assignment: Assignment, round_: Round, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"score": None, "value": None, "value_exact": None, "explanation": "", "problem": ""}
    criteria = assignment.criteria_for(round_.number)
    if criteria is None:
        out["problem"] = _("ยังไม่มีเกณฑ์การประเมินของรอบนี้ จึงยังคำนวณคะแนนไม่ได้")
        return out
    policy = policy_for(round_)
    try:
        spec = criteria.to_spec()
        measured = measurement(criteria, data)
        detail = scoring.evaluate(spec, measured, policy)
        explanation = scoring.explain(spec, measured, policy)
    except scoring.ScoringError as exc:
        out["problem"] = plain_problem(str(exc))
        return out
    out["score"] = str(detail.score)
    if detail.value_exact is not None:
        out["value"] = str(scoring.round_half_up(detail.value_exact, policy.percent_decimals))
        out["value_exact"] = _num(scoring.round_half_up(detail.value_exact, 10))
    out["explanation"] = explanation
    return out
