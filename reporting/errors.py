"""Errors of the reporting app that reads and writes both raise (so readers need not import the writers)."""


class ScorecardError(Exception):
    """A scorecard cannot be computed at all (e.g. the unit has no framework); the message is Thai."""
