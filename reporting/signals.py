"""Listen to the domain's "a score input changed" and record a recompute request in the same transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from indicators.events import score_input_changed
from reporting.services.jobs import score_job_request


@receiver(score_input_changed, dispatch_uid="reporting_score_input_changed")
def score_input_changed_received(
    sender: Any, *, fiscal_year_id: int | None, org_unit_id: int | None, round_id: int | None, reason: str,
    **kwargs: Any,
) -> None:
    score_job_request(fiscal_year_id=fiscal_year_id, org_unit_id=org_unit_id, round_id=round_id, reason=reason)
