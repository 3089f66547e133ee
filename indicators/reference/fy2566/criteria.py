"""FY2566 criteria: the round blocks of the JSON templates as Criteria rows with their levels (DOMAIN.md §4)."""

from __future__ import annotations

from typing import Any

from indicators import scoring
from indicators.models import Assignment, Criteria, CriteriaLevel, IndicatorDefinition
from indicators.reference.common import _dec
from indicators.reference.fy2566.base import ReferenceStage
from indicators.services.frameworks import criteria_validate


class CriteriaStage(ReferenceStage):
    """Milestone, threshold, banded, external and composite criteria of a definition or an assignment, per round."""

    @staticmethod
    def _round_block(template: dict[str, Any], round_number: int) -> dict[str, Any] | None:
        if template.get("scheme") == "composite_banded":
            return {"scheme": "composite_banded", "measures": template["measures"]}
        block = template.get(f"round{round_number}")
        if not isinstance(block, dict) or not isinstance(block.get("levels"), list):
            return None  # "ร้อยละ..." placeholders: the manual publishes no thresholds
        return block

    def _criteria(self, definition: IndicatorDefinition, assignment: Assignment | None, round_number: int,
                  block: dict[str, Any]) -> Criteria:
        scheme = block["scheme"]
        fields: dict[str, Any] = {
            "scale": "five_level", "direction": "higher", "external": False, "level1_milestone_th": "",
            "part_names_th": [], "measure_th": str(block.get("measure", ""))[:300], "combine": "",
        }
        levels: list[dict[str, Any]] = []
        if scheme == "milestone":
            fields["method"] = Criteria.Method.MILESTONES
            for row in block["levels"]:
                text = row.get("milestone_th", "")
                deliverables = [p.strip() for p in text.lstrip("- ").split(" - ")] if text.startswith("- ") else [text]
                levels.append({"level": row["level"], "defined": row.get("defined", True),
                               "milestone_th": "\n".join(deliverables) if row.get("defined", True) else "",
                               "printed_text_th": text})
        elif scheme in ("threshold", "mixed_milestone_then_threshold"):
            fields["method"] = Criteria.Method.FIVE_LEVEL
            fields["direction"] = "lower" if block.get("direction") == "lower_is_better" else "higher"
            for row in block["levels"]:
                milestone = row.get("milestone_th")
                if milestone and row["level"] == 1:
                    fields["level1_milestone_th"] = milestone
                threshold = _dec(row.get("threshold"))
                levels.append({"level": row["level"], "defined": threshold is not None or bool(milestone),
                               "threshold": threshold, "printed_text_th": row.get("text_th") or milestone or ""})
        elif scheme == "banded":
            fields["method"] = Criteria.Method.BANDS
            levels = [self._band_row(row, 1) for row in block["levels"]]
        elif scheme == "external_threshold":
            fields["method"] = Criteria.Method.BANDS
            fields["external"] = True
            spec_bands = {b["level"]: b for b in scoring.EREPORT_LEVEL_SPEC["bands"]}
            for row in block["levels"]:
                band = spec_bands[row["level"]]
                levels.append({"level": row["level"], "defined": True, "band_min": _dec(band.get("min")),
                               "band_min_inclusive": band.get("min_inclusive", True), "band_max": _dec(band.get("max")),
                               "band_max_inclusive": band.get("max_inclusive", True), "printed_text_th": row.get("text_th", "")})
        elif scheme == "composite_banded":
            fields["method"] = Criteria.Method.COMPOSITE
            names = {"satisfaction": "ร้อยละของระดับความพึงพอใจ", "dissatisfaction": "ร้อยละของระดับความไม่พึงพอใจ"}
            for part, key in enumerate(("satisfaction", "dissatisfaction"), start=1):
                fields["part_names_th"].append(names[key])
                levels += [self._band_row(row, part) for row in block["measures"][key]["levels"]]
        else:
            raise scoring.CriteriaError(f"ไม่รู้จักรูปแบบเกณฑ์ {scheme!r} ในข้อมูลอ้างอิง")
        criteria, _ = Criteria.objects.update_or_create(
            definition=definition, assignment=assignment, round_number=round_number, defaults=fields
        )
        criteria.levels.all().delete()
        for row in levels:
            CriteriaLevel.objects.create(criteria=criteria, part=row.pop("part", 1), **row)
        criteria_validate(criteria)
        self.summary.add("criteria")
        return criteria

    @staticmethod
    def _band_row(row: dict[str, Any], part: int) -> dict[str, Any]:
        return {
            "part": part, "level": row["level"], "defined": True,
            "band_min": _dec(row.get("min")), "band_min_inclusive": row.get("min_inclusive") is not False,
            "band_max": _dec(row.get("max")), "band_max_inclusive": row.get("max_inclusive") is not False,
            "printed_text_th": row.get("text_th", ""),
        }
