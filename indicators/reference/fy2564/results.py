"""FY2564 round-2 results as printed: values, milestones reached, the per-unit tables and the PMQA 4.0 points."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from indicators import reference_fy2564_texts as texts
from indicators.models import ExternalScore, MilestoneCompletion, Province, Result, SubUnitResult
from indicators.reference.common import _dec
from indicators.reference.fy2564.base import FY, Fy2564Stage, thai_date_parse
from indicators.reference.fy2564.tables import ABOVE_DENOMINATOR_NOTE, PMQA_TABLE_TITLE, PROVINCE_ALIASES, UNIT_TABLES


class ResultsStage(Fy2564Stage):
    """The department's approved result per indicator, its milestone completions and sub-unit rows, the PMQA score."""

    def _result(self, number: str, row: dict[str, Any], table: dict[str, Any] | None) -> None:
        text = texts.INDICATOR_TEXTS.get(number, {})
        values: dict[str, Any] = {
            "status": Result.Status.APPROVED, "value": None, "numerator": None, "denominator": None,
            "achieved_level": "", "as_of_date": None, "actions_th": text.get("actions", ""),
            "supporting_factors_th": text.get("factors", ""), "obstacles_th": text.get("obstacles", ""),
            "evidence_th": text.get("evidence") or row.get("evidence", ""), "is_demo": False,
        }
        history = (row.get("history") or {}).get(str(FY))
        if table is not None:
            total = table.get("total_computed") or {}
            spec = UNIT_TABLES[number]
            values["numerator"] = Decimal(total.get("numerator", total.get(spec["numerator"], 0)))
            values["denominator"] = Decimal(total["denominator"])
        elif isinstance(history, dict):
            values["numerator"], values["denominator"] = _dec(history["numerator"]), _dec(history["denominator"])
        elif isinstance(row.get("reported_result"), (int, float)):
            values["value"] = _dec(row["reported_result"])
        as_of = row.get("data_as_of") or (table or {}).get("data_as_of")
        if as_of:
            values["as_of_date"] = thai_date_parse(as_of)
        if row.get("type", "").startswith("milestone_three_level (maturity"):
            values["achieved_level"] = "100"
        result, _ = Result.objects.update_or_create(
            assignment=self.assignments[number], org_unit=self.department, round=self.round2, defaults=values,
        )
        result.full_clean()
        self.summary.add("results")
        if isinstance(row.get("reported_result"), list):
            self._milestones(result, row)
        if table is not None:
            self._sub_results(result, number, table)

    def _milestones(self, result: Result, row: dict[str, Any]) -> None:
        """The deliverables printed in the result cell; each is matched to its criteria level (done or partly done)."""
        reported: list[str] = list(row["reported_result"])
        criteria = row["criteria"]
        matches = self._match_deliverables(criteria, reported)
        kept = set()
        for (level, index), text, done in matches:
            MilestoneCompletion.objects.update_or_create(
                result=result, level=level, deliverable_index=index,
                defaults={"done": done, "evidence_th": text, "done_on": None},
            )
            kept.add((level, index))
            self.summary.add("milestones")
        # A deliverable the document reports nothing on was not done; it still gets its row, so the engine sees
        # every deliverable of every level (done or not) rather than a short list.
        for level, deliverables in criteria.items():
            for index, deliverable in enumerate(deliverables):
                if (level, index) not in kept:
                    implied = self._implied_by(deliverable, reported)
                    MilestoneCompletion.objects.update_or_create(
                        result=result, level=level, deliverable_index=index,
                        defaults={"done": implied is not None, "evidence_th": implied or "", "done_on": None},
                    )
                    kept.add((level, index))
                    self.summary.add("milestones")
        for completion in result.milestones.all():
            if (completion.level, completion.deliverable_index) not in kept:
                completion.delete()

    @staticmethod
    def _implied_by(deliverable: str, reported: list[str]) -> str | None:
        """The printed line that implies a deliverable asking for a lower percentage of the same thing.

        Indicator 1's 50-level asks "ร้อยละ 80 ของกลุ่มเป้าหมายเข้าถึงบริการทางสังคม"; the document reports only the
        75-level "ร้อยละ 100 ของกลุ่มเป้าหมายเข้าถึงบริการทางสังคม (8,520 คน)", which reaches 80 as well.
        """
        asked = re.match(r"ร้อยละ (\d+(?:\.\d+)?) (.+)", deliverable)
        if asked is None:
            return None
        for line in reported:
            done = re.match(r"ร้อยละ (\d+(?:\.\d+)?) (.+)", line)
            if done and done.group(2).startswith(asked.group(2)) and Decimal(done.group(1)) >= Decimal(asked.group(1)):
                return line
        return None

    @staticmethod
    def _match_deliverables(criteria: dict[str, list[str]], reported: list[str]) -> list[tuple[tuple[str, int], str, bool]]:
        """Pair each printed result with the deliverable it reports on (word overlap), in level order.

        The printed result list has one line per deliverable reported. A line reports the deliverable fully unless
        the JSON row notes otherwise: indicator 2 reached 60% of the plan (75-level asks 100%), and indicator 1's and
        2's last 100-level deliverables were not done (COVID-19), so they get no line.
        """
        slots = [(level, index, text) for level in ("50", "75", "100") for index, text in enumerate(criteria.get(level, []))]
        out: list[tuple[tuple[str, int], str, bool]] = []
        used: set[tuple[str, int]] = set()
        for line in reported:
            words = set(line.split())
            level, index, target = max(
                ((lv, ix, tx) for lv, ix, tx in slots if (lv, ix) not in used),
                key=lambda slot: len(words & set(slot[2].split())),
            )
            used.add((level, index))
            partial = "ร้อยละ 60" in line and "ร้อยละ 100" in target
            out.append(((level, index), line, not partial))
        return sorted(out, key=lambda item: (int(item[0][0]), item[0][1]))

    def _sub_results(self, result: Result, number: str, table: dict[str, Any]) -> None:
        spec = UNIT_TABLES[number]
        provinces = {p.name_th: p for p in Province.objects.all()}
        extra_keys = [c["key"] for c in spec["columns"] if c["key"] not in ("numerator", "denominator", "percent")]
        for order, row in enumerate(table["rows"]):
            numerator, denominator = Decimal(row[spec["numerator"]]), Decimal(row[spec["denominator"]])
            breakdown: dict[str, Any] = {key: row[key] for key in extra_keys}
            if "reported_percent" in row:
                breakdown["printed_percent"] = str(Decimal(str(row["reported_percent"])).quantize(Decimal("0.01")))
            if numerator > denominator:
                breakdown["note_th"] = ABOVE_DENOMINATOR_NOTE.format(numerator=numerator, denominator=denominator)
            if "province" in row:
                label = row["province"]
                target = {"province": provinces.get(label) or provinces[PROVINCE_ALIASES[label]], "org_unit": None}
            else:
                label = row["unit"]
                target = {"org_unit": self.field_units[row["no"]], "province": None}
            item, _ = SubUnitResult.objects.update_or_create(
                result=result, order=order,
                defaults={"label_th": label, "numerator": numerator, "denominator": denominator,
                          "breakdown": breakdown, **target},
            )
            item.full_clean()
            self.summary.add("sub_results")
        result.sub_results.filter(order__gte=len(table["rows"])).delete()

    def _pmqa_scores(self, row: dict[str, Any]) -> None:
        """PMQA 4.0 stage-1 points by category (the table under indicator 5.2) as the external score of the year."""
        table = row["pmqa_category_scores"]
        ExternalScore.objects.update_or_create(
            system=ExternalScore.System.PMQA, org_unit=self.department, fiscal_year=self.year, round_number=2,
            defaults={"score": Decimal(str(row["reported_result"])),
                      "components": {"title_th": PMQA_TABLE_TITLE, "columns": table["columns"], "rows": table["rows"],
                                     "total_row": ["คะแนนรวม (500) คะแนน", *table["total_500"]],
                                     "scale_row": ["กรมพัฒนาสังคมและสวัสดิการ เป็นระบบราชการ", *table["as_4_0_scale"]]},
                      "note_th": "คะแนนผลการประเมินสถานะการเป็นระบบราชการ 4.0 ขั้นตอนที่ 1 (เอกสาร 000)"},
        )
        self.summary.add("external_scores")
