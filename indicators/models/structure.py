"""The version token of the year structure (frameworks, indicators, criteria, targets, policy), kept by the database.

One row. Triggers on every table of the structure (migration 0011) give it a new random token in the same
transaction as any write to them — through the ORM, the admin, the loaders, ``QuerySet.update()``, bulk writes,
raw SQL or ``TRUNCATE`` — so a process that cached the structure under the old token reads it again
(indicators/year_structure.py). Nothing in Python writes this row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The tables whose rows make up the year structure; a write to any of them renews the token.
STRUCTURE_TABLES = (
    "indicators_framework",
    "indicators_framework_org_units",
    "indicators_framework_unit_types",
    "indicators_assignment",
    "indicators_assignment_applies_to_unit_types",
    "indicators_indicatordefinition",
    "indicators_criteria",
    "indicators_criterialevel",
    "indicators_provincetarget",
    "indicators_scoringpolicy",
)


class StructureVersion(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("รุ่นของโครงสร้างตัวชี้วัด")
        verbose_name_plural = _("รุ่นของโครงสร้างตัวชี้วัด")
        default_permissions = ()

    def __str__(self) -> str:
        return self.token
