"""Load FY2564 (document 000, monitoring only) from fy2564_unit_results.json: the department framework, criteria,
baselines, the round-2 results with their per-unit tables, and the texts of the annual results book (DOMAIN.md §9.2).

Idempotent: every row is keyed by a stable code or natural key, so running it twice changes nothing. Needs the
provinces of the FY2566 reference data: ``manage.py load_fy2564`` runs after ``load_reference_data``
(scripts/run.sh). Printed anomalies are kept as printed (DOMAIN.md §11 item 1: row 3 of table 3.2 has numerator 7 >
denominator 1); the row carries a note.
"""

from __future__ import annotations

from django.db import transaction

from indicators.models import Province
from indicators.reference.common import LoadSummary, _read
from indicators.reference.fy2564.base import FILE
from indicators.reference.fy2564.framework import FrameworkStage
from indicators.reference.fy2564.results import ResultsStage
from indicators.reference.fy2564.tables import DEFINITIONS


class Fy2564Loader(FrameworkStage, ResultsStage):
    """FY2564: year, rounds, department framework 70/30, criteria 50/75/100, baselines, round-2 results, book texts."""

    @transaction.atomic
    def load(self) -> LoadSummary:
        data = self.data = _read(self.dir, FILE)
        if not Province.objects.exists():
            raise FileNotFoundError("ยังไม่มีข้อมูลจังหวัด: โหลดข้อมูลอ้างอิงปีงบประมาณ พ.ศ. 2566 ก่อน (load_reference_data)")
        self.year, self.round2 = self._calendar(data)
        self.department = self._department()
        self.field_units = self._field_units(data)
        indicators = {row["id"]: row for row in data["indicators"]}
        for number, code, kind, unit, suffix, _source in DEFINITIONS:
            self._definition(indicators[number], number, code, kind, unit, suffix)
        self._framework(data, indicators)
        for number, row in indicators.items():
            if not row.get("is_parent"):
                self._result(number, row, data["unit_tables"].get(number))
        self._pmqa_scores(indicators["5.2"])
        self._book_sections()
        return self.summary

    # --- book texts -----------------------------------------------------------------------------------------
    def _book_sections(self) -> None:
        """The foreword and annex of the annual results book are the reporting app's: see reporting.reference_books."""
