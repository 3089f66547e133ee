"""The scoring errors: every one is a ``ValueError`` carrying a Thai message meant for end users."""

from __future__ import annotations


class ScoringError(ValueError):
    """Base class of the scoring errors; the message is Thai and meant for end users."""


class CriteriaError(ScoringError):
    """The criteria spec (or a policy value) is invalid."""


class MeasurementError(ScoringError):
    """The measured result is missing, malformed or cannot be computed."""
