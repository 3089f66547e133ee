"""Writes of the reporting app: stored scores (``scores``) and the recompute requests that keep them fresh (``jobs``).

Report batches have their own module (``reporting.batches``).
"""

from reporting.errors import ScorecardError
from reporting.services.jobs import (
    dispatch_drain,
    score_job_request,
    score_jobs_drain,
    score_jobs_pending,
    score_jobs_sweep,
)
from reporting.services.scores import (
    scorecard_freeze,
    scorecard_recompute,
    scorecard_values,
    scorecards_store,
    snapshot,
)

__all__ = [
    "ScorecardError", "dispatch_drain", "score_job_request", "score_jobs_drain", "score_jobs_pending",
    "score_jobs_sweep", "scorecard_freeze", "scorecard_recompute", "scorecard_values", "scorecards_store", "snapshot",
]
