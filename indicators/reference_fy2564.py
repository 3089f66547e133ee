"""The FY2564 loader of document 000 (``Fy2564Loader``, extended by reporting.reference_books), re-exported.

The code lives in ``indicators.reference`` (``common`` and ``fy2564.*``); every name this module had stays importable
here, and assigning one here (a test's monkeypatch) reaches the module that uses it.
"""

from __future__ import annotations

from indicators import reference_fy2564_texts as texts
from indicators.models import (
    Assignment,
    Baseline,
    Criteria,
    CriteriaLevel,
    ExternalScore,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    MilestoneCompletion,
    OrgUnit,
    Person,
    Province,
    Result,
    Round,
    ScoringPolicy,
    StrategicLink,
    SubUnitResult,
    UnitType,
)
from indicators.models.calendar import BE_OFFSET, round_bounds
from indicators.models.catalog import SourceCategory
from indicators.reference.common import (
    BUNDLED_DIR,
    LINK_KINDS,
    UNIT_TYPES,
    LoadSummary,
    _dec,
    _read,
    forward_assignments,
)
from indicators.reference.fy2564.base import (
    FILE,
    FY,
    ROUND_2_PRINTED,
    STATUS_NOTE_TH,
    _split_suffix,
    fy2564_file,
    thai_date_parse,
)
from indicators.reference.fy2564.loader import Fy2564Loader
from indicators.reference.fy2564.tables import (
    ABOVE_DENOMINATOR_NOTE,
    DEFINITIONS,
    PMQA_TABLE_TITLE,
    PROVINCE_ALIASES,
    UNIT_TABLES,
    FieldUnitSpec,
)
from indicators.services.frameworks import criteria_validate, framework_problems
from indicators.templatetags.thai_dates import THAI_MONTHS

__all__ = [
    "ABOVE_DENOMINATOR_NOTE", "DEFINITIONS", "FILE", "FY", "PMQA_TABLE_TITLE", "PROVINCE_ALIASES", "ROUND_2_PRINTED",
    "STATUS_NOTE_TH", "UNIT_TABLES", "FieldUnitSpec", "Fy2564Loader", "_split_suffix", "fy2564_file",
    "thai_date_parse",
    # what the loader's code used from elsewhere, importable here as before
    "BE_OFFSET", "BUNDLED_DIR", "LINK_KINDS", "THAI_MONTHS", "UNIT_TYPES", "LoadSummary", "_dec", "_read", "texts",
    "Assignment", "Baseline", "Criteria", "CriteriaLevel", "ExternalScore", "FiscalYear", "Framework",
    "IndicatorDefinition", "MilestoneCompletion", "OrgUnit", "Person", "Province", "Result", "Round", "ScoringPolicy",
    "SourceCategory", "StrategicLink", "SubUnitResult", "UnitType", "criteria_validate", "framework_problems",
    "round_bounds",
]

forward_assignments(__name__, "indicators.reference.fy2564")
