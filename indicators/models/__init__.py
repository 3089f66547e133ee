"""Tables of the DSDW KPI domain, split by sub-domain (DOMAIN.md §10)."""

from indicators.models.calendar import FiscalYear, Round, UnitEntryWindow
from indicators.models.catalog import Baseline, IndicatorDefinition, StrategicLink
from indicators.models.framework import Assignment, Criteria, CriteriaLevel, Framework, ProvinceTarget
from indicators.models.org import OrgUnit, Person, Province, UnitType
from indicators.models.policy import ScoringPolicy
from indicators.models.results import (
    EvidenceFile,
    ExternalScore,
    MilestoneCompletion,
    ReminderSent,
    Result,
    SubUnitResult,
)
from indicators.models.structure import StructureVersion

__all__ = [
    "Assignment",
    "Baseline",
    "Criteria",
    "CriteriaLevel",
    "EvidenceFile",
    "ExternalScore",
    "FiscalYear",
    "Framework",
    "IndicatorDefinition",
    "MilestoneCompletion",
    "OrgUnit",
    "Person",
    "Province",
    "ProvinceTarget",
    "ReminderSent",
    "Result",
    "Round",
    "ScoringPolicy",
    "StrategicLink",
    "StructureVersion",
    "SubUnitResult",
    "UnitEntryWindow",
    "UnitType",
]
