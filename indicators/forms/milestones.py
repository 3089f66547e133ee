"""Milestone rows of the result-entry screen: one form per deliverable (DOMAIN.md §4.c)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.forms.fields import ThaiDateField, narrative_field
from indicators.forms.rendering import ENTRY_RENDERER
from indicators.models import MilestoneCompletion, Result


@dataclass(frozen=True)
class Step:
    """One deliverable of one milestone level (levels printed "-" have no steps)."""

    level: str
    index: int
    text: str
    first_of_level: bool
    deliverables: int


def milestone_steps(spec: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    """[(level label, deliverables or None for "-")] from an engine spec of method milestones."""
    labels = ("50", "75", "100") if spec.get("scale") == "three_level" else ("1", "2", "3", "4", "5")
    return list(zip(labels, spec.get("steps") or [], strict=False))


class MilestoneStepForm(forms.Form):
    """Done or not, when, and with what evidence — one row per deliverable (DOMAIN.md §4.c)."""

    default_renderer = ENTRY_RENDERER

    done = forms.BooleanField(label=_("ดำเนินการแล้ว"), required=False)
    done_on = ThaiDateField(label=_("วันที่ดำเนินการ"))
    evidence_th = narrative_field(MilestoneCompletion, "evidence_th", rows=2)

    def __init__(self, *args: Any, step: Step, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("done") and not data.get("done_on") and not self.has_error("done_on"):
            self.add_error("done_on", _("กรุณาระบุวันที่ดำเนินการของขั้นตอนที่ทำแล้ว"))
        if data.get("done_on") and data["done_on"] > self.today:
            self.add_error("done_on", _("วันที่ดำเนินการต้องไม่เป็นวันในอนาคต"))
        return data

    def service_row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"level": self.step.level, "deliverable_index": self.step.index, "done": bool(data.get("done")),
                "done_on": data.get("done_on"), "evidence_th": data.get("evidence_th") or ""}


def milestone_forms(spec: dict[str, Any], result: Result | None, data: Any = None,
                    today: dt.date | None = None) -> list[MilestoneStepForm]:
    """One form per deliverable of every defined level, filled from the saved completions."""
    today = today or timezone.localdate()
    saved = {(m.level, m.deliverable_index): m for m in (result.milestones.all() if result else [])}
    out = []
    for level, deliverables in milestone_steps(spec):
        if deliverables is None:
            continue
        for index, text in enumerate(deliverables):
            step = Step(level, index, text, index == 0, len(deliverables))
            item = saved.get((level, index))
            initial = {"done": item.done, "done_on": item.done_on, "evidence_th": item.evidence_th} if item else {}
            out.append(MilestoneStepForm(data, prefix=f"ms-{level}-{index}", initial=initial, step=step, today=today))
    return out


