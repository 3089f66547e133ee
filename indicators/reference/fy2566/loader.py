"""Load the FY2566 framework of document 003 from shared/domain/reference-data/*.json (DOMAIN.md §14).

Idempotent: every row is keyed by a stable code, so running it twice changes nothing. The JSON files are the
structured copy of the source documents; where they record a data-quality issue (DOMAIN.md §11) the note is
kept on the row it concerns.
"""

from __future__ import annotations

from django.db import transaction

from indicators.reference.common import LoadSummary, _read
from indicators.reference.fy2566.frameworks import FrameworksStage
from indicators.reference.fy2566.organisation import OrganisationStage


class ReferenceLoader(OrganisationStage, FrameworksStage):
    """Loads FY2566: provinces, org units, unit types, definitions with criteria, frameworks, provincial targets."""

    @transaction.atomic
    def load(self) -> LoadSummary:
        self.year = self._fiscal_year()
        self._unit_types()
        self._provinces()
        self._org_units()
        standard = _read(self.dir, "fy2566_standard_criteria.json")
        frameworks = _read(self.dir, "fy2566_division_frameworks.json")
        department = _read(self.dir, "fy2566_department_indicators.json")
        self._definitions(standard, frameworks, department)
        self._department_framework(department)
        self._division_frameworks(frameworks)
        self._unit_framework(frameworks, standard)
        self._province_targets()
        return self.summary
