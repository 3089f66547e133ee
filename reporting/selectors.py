"""Reads of stored scorecards for pages and documents, with their joins done once (STYLE.md practice 4). No writes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from indicators import scoring
from indicators.models import Framework, OrgUnit, Round
from indicators.score_inputs import UnitRoundInput, unit_round_inputs
from indicators.scoring import scorecard as unit_scorecard
from indicators.selectors import framework_for_unit
from reporting.models import Scorecard, ScoreJob

PENDING_JOBS = (ScoreJob.Status.QUEUED, ScoreJob.Status.RETRYING)


def scorecard_framework(*, org_unit: OrgUnit, fiscal_year_id: int) -> tuple[Framework | None, bool]:
    """(framework, approved): the approved framework of the unit (DOMAIN §1.8), else a draft one attached to it.

    The department framework stays a draft while its targets are unpublished; it is still scored so the scorecard
    can say which criteria are missing.
    """
    framework = framework_for_unit(org_unit=org_unit, fiscal_year_id=fiscal_year_id)
    if framework is not None:
        return framework, True
    draft = Framework.objects.filter(fiscal_year_id=fiscal_year_id, org_units=org_unit).order_by("-is_demo", "pk").first()
    return draft, False


@dataclass(frozen=True)
class ScorecardState:
    """What a page or document shows for a unit-round: the stored scorecard and whether it is still current.

    ``card`` is the stored computation (read back losslessly) or, when nothing is stored yet, the same computation
    done in memory — a read never writes. ``fresh`` is True only when the stored scorecard was computed from
    exactly the current inputs (its fingerprint) and no recompute is waiting; otherwise pages say
    "กำลังคำนวณใหม่" and documents are drafts.
    """

    org_unit: OrgUnit
    round: Round
    inputs: UnitRoundInput
    policy: scoring.ScoringPolicy
    scorecard: Scorecard | None
    card: unit_scorecard.ScorecardScore
    data: dict[str, Any]  # the snapshot shape of reporting.services.snapshot()
    fresh: bool

    @property
    def stored(self) -> bool:
        return self.scorecard is not None

    @property
    def signable(self) -> bool:
        """Every scored row approved, and the numbers stored from the current inputs."""
        return self.fresh and self.card.all_approved and self.card.computed


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _data_of(card: unit_scorecard.ScorecardScore, framework_id: int, policy: scoring.ScoringPolicy) -> dict[str, Any]:
    return {
        "framework_id": framework_id, "status": card.status, "scale": card.scale,
        "weighted_sum": _text(card.weighted_sum), "performance_sum": _text(card.performance_sum),
        "potential_sum": _text(card.potential_sum), "weight_total": _text(card.weight_total),
        "total_100": _text(card.total_100), "total_100_exact": _text(card.total_100_exact),
        "band_code": card.band_code, "band_label_th": card.band_label_th, "indicator_count": card.indicator_count,
        "reported_count": card.reported_count, "missing_count": card.missing_count,
        "payload": unit_scorecard.to_json(card), "policy": policy.to_dict(), "computed_at": None,
    }


def stored_data(stored: Scorecard) -> dict[str, Any]:
    """A stored scorecard as the snapshot-shaped dict documents read (the frozen copy has the same shape)."""
    return {
        "framework_id": stored.framework_id, "status": stored.status, "scale": stored.scale,
        "weighted_sum": _text(stored.weighted_sum), "performance_sum": _text(stored.performance_sum),
        "potential_sum": _text(stored.potential_sum), "weight_total": _text(stored.weight_total),
        "total_100": _text(stored.total_100), "total_100_exact": _text(stored.total_100_exact),
        "band_code": stored.band_code, "band_label_th": stored.band_label_th,
        "indicator_count": stored.indicator_count, "reported_count": stored.reported_count,
        "missing_count": stored.missing_count, "payload": stored.payload, "policy": stored.policy,
        "inputs_hash": stored.inputs_hash,
        "computed_at": stored.computed_at.isoformat() if stored.computed_at else None,
    }


def scorecard_state(*, org_unit: OrgUnit, round: Round) -> ScorecardState | None:  # noqa: A002
    """The unit-round's scorecard as stored, checked against its current inputs; None when it has no framework.

    A fixed number of queries; writes nothing.
    """
    inputs, policy = unit_round_inputs(org_unit=org_unit, round=round)
    if inputs is None:
        return None
    stored = (
        Scorecard.objects.filter(org_unit=org_unit, round=round)
        .order_by("pk")  # one row per unit-round: the default ordering's joins would buy nothing
        .first()
    )
    if stored is not None:  # the caller's rows, not joined again (framework and frozen_by: read only if asked for)
        stored.org_unit = org_unit
        stored.round = round
    current = unit_scorecard.fingerprint(inputs.data, policy)
    if stored is not None and stored.status != Scorecard.Status.FAILED and "status_counts" in (stored.payload or {}):
        card = unit_scorecard.from_json(stored.payload)
        data = stored_data(stored)
        pending = ScoreJob.objects.filter(
            Q(kind=ScoreJob.Kind.YEAR) | Q(org_unit=org_unit), status__in=PENDING_JOBS,
            fiscal_year_id=round.fiscal_year_id,
        ).exists()
        fresh = stored.inputs_hash == current and not pending
    else:
        card = unit_scorecard.compute(inputs.data, policy)
        data = _data_of(card, inputs.framework.pk, policy)
        fresh = False
    return ScorecardState(org_unit, round, inputs, policy, stored, card, data, fresh)


def scorecard_list(*, fiscal_year_id: int | None = None, round_number: int | None = None) -> QuerySet[Scorecard]:
    scorecards = Scorecard.objects.select_related("org_unit", "round__fiscal_year", "framework", "frozen_by")
    if fiscal_year_id is not None:
        scorecards = scorecards.filter(round__fiscal_year_id=fiscal_year_id)
    if round_number is not None:
        scorecards = scorecards.filter(round__number=round_number)
    return scorecards


def score_job_failures() -> QuerySet[ScoreJob]:
    return ScoreJob.objects.filter(status=ScoreJob.Status.FAILED)
