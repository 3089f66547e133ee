"""JSON endpoints of the entry screens (STYLE.md practice 5: one view per operation, nested serializers).

POST /api/score-preview/ scores what a person is typing with indicators/scoring.py — the same engine and the
same criteria as a saved result — so the browser never re-implements a rule. Before scoring, the input is cleaned
by the entry form's own fields and judged by the form's own rules (indicators/forms/rules.py): what the save would
refuse gets the save's Thai message and no score.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators import scoring
from indicators.forms import (
    MODE_BREAKDOWN,
    MODE_RATIO,
    MODE_VALUE,
    ThaiDateField,
    ThaiDecimalField,
    apply_mode,
    check_values,
    entry_fields,
    entry_shape,
    plain_problem,
)
from indicators.models import Assignment, Criteria, OrgUnit, Result, Round
from indicators.permissions import can_view_result
from indicators.services.results import policy_for


class ThaiDecimalInput(serializers.Field):  # type: ignore[type-arg]
    """A number typed the Thai way ("๑๓.๙๐", "1,424"), cleaned by the entry form's own field; blank means not given."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal | None:
        try:
            return ThaiDecimalField().clean(data)  # type: ignore[no-any-return]
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, value: Any) -> str:
        return str(value)


class ThaiDateInput(serializers.Field):  # type: ignore[type-arg]
    """A date typed as on the entry page (31/03/2566), cleaned by the entry form's own field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dt.date | None:
        try:
            return ThaiDateField().clean(data)  # type: ignore[no-any-return]
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, value: Any) -> str:
        return str(value)


def _refusal(errors: dict[str, Any]) -> Response:
    """400 with the messages per field and the first of them as ``problem`` (what the page shows)."""
    problem = next((str(m) for messages in errors.values() for m in (messages if isinstance(messages, list) else [messages])), "")
    return Response({**errors, "problem": problem}, status=400)


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
        numerator_above_denominator_confirmed = serializers.BooleanField(required=False, default=False)
        as_of_date = ThaiDateInput()
        mode = serializers.ChoiceField(choices=[MODE_RATIO, MODE_VALUE, MODE_BREAKDOWN], required=False,
                                       allow_blank=True, default="")
        rows_above = serializers.BooleanField(required=False, default=False)  # a sub-unit row above its denominator
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
            return _refusal(serializer.errors)
        data = dict(serializer.validated_data)
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
        problems = judge(assignment, round_, data)
        if problems:
            return _refusal({name: [message] for name, message in problems.items()})
        output = preview(assignment, round_, data)
        return Response(self.OutputSerializer(output).data)


def judge(assignment: Assignment, round_: Round, data: dict[str, Any]) -> dict[str, str]:
    """The entry form's rules on the typed values (indicators/forms/rules.py); keeps only the chosen mode's numbers.

    Without a ``mode`` (a caller other than the entry page) typed numerator/denominator mean the ratio mode.
    """
    shape = entry_shape(assignment, assignment.criteria_for(round_.number))
    fields = entry_fields(shape.kind, shape.has_ratio)
    for name in ("value", "numerator", "denominator", "second_value"):
        if name not in fields:
            data[name] = None
    mode = data.get("mode") or None
    if mode is None and "mode" in fields:
        typed_ratio = data.get("numerator") is not None or data.get("denominator") is not None
        mode = MODE_RATIO if typed_ratio or data.get("value") is None else MODE_VALUE
    mode = apply_mode(data, fields, mode)
    return check_values(
        data, kind=shape.kind, has_ratio=shape.has_ratio, percent=shape.percent, mode=mode,
        fiscal_year_be=round_.fiscal_year.be_year, today=timezone.localdate(),
        rows_above=bool(data.get("rows_above")), part_names=shape.part_names,
    )


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
