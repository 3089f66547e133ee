"""Every scoring rule of DSDW KPI, as a pure library (no Django, standard library only).

Sources: ``shared/domain/DOMAIN.md`` §3.3, §3.8, §4.a–4.j, §5.2, §5.3, §11 and §12.1, which
quote documents 000 (FY2564 results), 001 (FY2563 OPDC targets) and 003 (FY2566 manual).
``docs/scoring.md`` explains each method with a worked example.

Conventions (DOMAIN §4.0, §12.1):

* Every number is a :class:`~decimal.Decimal`. Inputs may be ``int``, ``str``, ``Decimal`` or
  ``float``; a float is converted through ``str()`` so ``0.1`` means ``Decimal("0.1")``.
* Arithmetic runs at 50 significant digits; only results are rounded, half-up: scores to
  ``policy.score_decimals`` (4), percentages computed from numerator/denominator to
  ``policy.percent_decimals`` (2) *before* scoring when ``policy.round_percent_before_scoring``.
* A lower-is-better indicator is scored as the higher-is-better rule applied to ``-x`` and the
  negated thresholds (DOMAIN §4.0, §4.d).
* Every error is a ``ValueError`` subclass carrying a Thai message: :class:`CriteriaError` for a
  bad criteria spec or policy, :class:`MeasurementError` for a bad or missing result.

Callers use the package as one module (``from indicators import scoring``; ``scoring.score(...)``).
The modules, each depending only on those listed before it:

* ``errors`` — the error classes; ``numbers`` — Decimal context, parsing, half-up rounding, printing;
* ``policy`` — :class:`ScoringPolicy` and :data:`DEFAULT_POLICY`;
* ``criteria`` — the criteria dataclasses, scales and levels; ``spec`` — spec dict <-> criteria;
* ``measurement`` — percentages and reading a result; ``texts`` — printed criteria texts;
* ``methods`` — the rule of each method; ``evaluation`` — ``evaluate``, ``score``, ``explain``;
* ``external`` — e-report and PMQA; ``targets`` — growth and provincial targets;
* ``totals`` — division score, weighted total and rating bands.
"""

from __future__ import annotations

from . import scorecard  # noqa: E402  (the unit-round scorecard: ``scoring.scorecard.compute``)
from .criteria import FIVE_LEVEL as FIVE_LEVEL
from .criteria import FIVE_LEVEL_LABELS as FIVE_LEVEL_LABELS
from .criteria import HIGHER as HIGHER
from .criteria import LOWER as LOWER
from .criteria import THREE_LEVEL as THREE_LEVEL
from .criteria import THREE_LEVEL_LABELS as THREE_LEVEL_LABELS
from .criteria import (
    BandsCriteria,
    CompositeCriteria,
    Criteria,
    FiveLevelCriteria,
    LevelBand,
    MilestoneCriteria,
    ThreeLevelCriteria,
    level_labels,
    scale_of,
)
from .errors import CriteriaError, MeasurementError, ScoringError
from .evaluation import ScoreResult, evaluate, evaluate_explained, explain, score
from .external import EREPORT_LEVEL_SPEC, ereport_energy_score, ereport_waste_score, pmqa_total
from .measurement import Measurement as Measurement
from .measurement import PercentResult, percentage
from .numbers import Number as Number
from .numbers import as_decimal, round_half_up
from .policy import DEFAULT_POLICY, ScoringPolicy
from .spec import criteria_from_dict, criteria_to_dict
from .targets import ProvinceTargets, growth_targets, province_targets
from .texts import describe
from .totals import BANDS, Band, WeightedTotal, band_for, division_average, division_score, weighted_total

__all__ = [
    "BANDS",
    "DEFAULT_POLICY",
    "EREPORT_LEVEL_SPEC",
    "Band",
    "BandsCriteria",
    "CompositeCriteria",
    "Criteria",
    "CriteriaError",
    "FiveLevelCriteria",
    "LevelBand",
    "MeasurementError",
    "MilestoneCriteria",
    "PercentResult",
    "ProvinceTargets",
    "ScoreResult",
    "ScoringError",
    "ScoringPolicy",
    "ThreeLevelCriteria",
    "WeightedTotal",
    "as_decimal",
    "band_for",
    "criteria_from_dict",
    "criteria_to_dict",
    "describe",
    "division_average",
    "division_score",
    "ereport_energy_score",
    "ereport_waste_score",
    "evaluate",
    "evaluate_explained",
    "explain",
    "growth_targets",
    "level_labels",
    "percentage",
    "pmqa_total",
    "province_targets",
    "round_half_up",
    "scale_of",
    "scorecard",
    "score",
    "weighted_total",
]
