"""What the FY2566 and FY2564 loaders share: the bundled JSON copies, reading them, the load summary, unit types."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from indicators.models import StrategicLink

UNIT_TYPES = [
    ("shelter", "สถานคุ้มครองคนไร้ที่พึ่ง", "Protection centre (shelter) for destitute persons"),
    ("life_skills", "ศูนย์ส่งเสริมและพัฒนาทักษะชีวิต", "Life-skills promotion and development centre"),
    ("provincial_protection", "ศูนย์คุ้มครองคนไร้ที่พึ่ง", "Provincial protection centre for destitute persons"),
    ("settlement", "นิคมสร้างตนเอง", "Self-help settlement"),
    ("highland", "ศูนย์พัฒนาราษฎรบนพื้นที่สูง", "Highland people development centre"),
    ("coop_village", "ศูนย์ประสานงานโครงการหมู่บ้านสหกรณ์", "Cooperative-village project coordination centre"),
]

LINK_KINDS = [
    ("ยุทธศาสตร์ชาติ", StrategicLink.Kind.NATIONAL_STRATEGY),
    ("แผนแม่บท", StrategicLink.Kind.MASTER_PLAN),
    ("แผนพัฒนาเศรษฐกิจ", StrategicLink.Kind.NESDP),
    ("แผนการปฏิรูป", StrategicLink.Kind.REFORM_PLAN),
    ("นโยบายรัฐบาล", StrategicLink.Kind.GOVERNMENT_POLICY),
    ("Proxy", StrategicLink.Kind.MINISTRY_KPI),
    ("Strategic", StrategicLink.Kind.MINISTRY_KPI),
    ("แผนปฏิบัติการกระทรวง", StrategicLink.Kind.MINISTRY_PLAN),
    ("มติคณะรัฐมนตรี", StrategicLink.Kind.CABINET_RESOLUTION),
]


@dataclass
class LoadSummary:
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


# A copy of the reference files ships in fixtures/ so a clone without ../shared still starts; tests keep them equal.
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "reference-data"


def _read(directory: Path, name: str) -> Any:
    with (directory / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


_MISSING = object()


class _ForwardingModule(types.ModuleType):
    """A module of re-exports whose attribute assignments also reach the package modules that now use the names."""

    _home_package = ""

    def __setattr__(self, name: str, value: Any) -> None:
        current = self.__dict__.get(name, _MISSING)
        if current is not _MISSING:
            prefix = self._home_package + "."
            for home in [m for key, m in list(sys.modules.items()) if key.startswith(prefix)]:
                if home.__dict__.get(name, _MISSING) is current:
                    setattr(home, name, value)
        super().__setattr__(name, value)


def forward_assignments(module_name: str, home_package: str) -> None:
    """Let ``monkeypatch.setattr(old_module, name, value)`` keep working after a module became re-exports.

    Assigning a name on ``module_name`` also assigns it in each module of ``home_package`` that binds the same object,
    so the code that moved there sees the patch (and its undo) as it did when it lived in the old module.
    """
    module = sys.modules[module_name]
    module.__class__ = _ForwardingModule
    assert isinstance(module, _ForwardingModule)
    module._home_package = home_package
