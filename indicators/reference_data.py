"""The FY2566 reference loader (``manage.py load_reference_data``), re-exported from its package.

The code lives in ``indicators.reference`` (``common`` and ``fy2566.*``); every name this module had stays importable
here, and assigning one here (a test's monkeypatch) reaches the module that uses it.
"""

from __future__ import annotations

from indicators import scoring
from indicators.models import (
    Assignment,
    Baseline,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    IndicatorDefinition,
    OrgUnit,
    Person,
    Province,
    ProvinceTarget,
    Round,
    ScoringPolicy,
    StrategicLink,
    UnitType,
)
from indicators.models.calendar import round_bounds
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
from indicators.reference.fy2566.base import FY, REFERENCE_FILES, reference_dir
from indicators.reference.fy2566.definitions import (
    _NUMBERED,
    DEFINITION_HEADINGS,
    EXTERNAL_SYSTEMS,
    SOURCE_CATEGORY_PREFIXES,
    UNIT_OF_MEASURE,
    _text,
    source_category,
)
from indicators.reference.fy2566.loader import ReferenceLoader
from indicators.reference.fy2566.organisation import EXTERNAL_ORGS, UNIT_TYPE_ALIASES
from indicators.services.frameworks import criteria_validate, framework_problems

__all__ = [
    "BUNDLED_DIR", "DEFINITION_HEADINGS", "EXTERNAL_ORGS", "EXTERNAL_SYSTEMS", "FY", "LINK_KINDS", "REFERENCE_FILES",
    "SOURCE_CATEGORY_PREFIXES", "UNIT_OF_MEASURE", "UNIT_TYPES", "UNIT_TYPE_ALIASES", "_NUMBERED", "LoadSummary",
    "ReferenceLoader", "_dec", "_read", "_text", "reference_dir", "source_category",
    # what the loader's code used from elsewhere, importable here as before
    "Assignment", "Baseline", "Criteria", "CriteriaLevel", "FiscalYear", "Framework", "IndicatorDefinition", "OrgUnit",
    "Person", "Province", "ProvinceTarget", "Round", "ScoringPolicy", "SourceCategory", "StrategicLink", "UnitType",
    "criteria_validate", "framework_problems", "round_bounds", "scoring",
]

forward_assignments(__name__, "indicators.reference.fy2566")
