"""The texts of the FY2564 annual results book (document 000): its foreword and the lessons-learned annex.

The FY2564 reference data (indicators.reference_fy2564) knows nothing of the reporting app; this loader extends it
with the book sections, which are reporting's records (dependencies point one way).
"""

from __future__ import annotations

from indicators import reference_fy2564_texts as texts
from indicators.reference_fy2564 import Fy2564Loader
from reporting.models import BookSection


class Fy2564BookLoader(Fy2564Loader):
    """FY2564 as Fy2564Loader loads it, plus the foreword and annex sections of its annual results book."""

    def _book_sections(self) -> None:
        sections = [(BookSection.Position.FOREWORD, 0, texts.FOREWORD_TITLE, "\n\n".join(texts.FOREWORD))]
        sections += [(BookSection.Position.ANNEX, order, title, body)
                     for order, (title, body) in enumerate(texts.ANNEX, start=1)]
        for position, order, title, body in sections:
            BookSection.objects.update_or_create(
                fiscal_year=self.year, org_unit=self.department, position=position, order=order,
                defaults={"title_th": title, "body_th": body},
            )
            self.summary.add("book_sections")
