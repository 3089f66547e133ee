"""python manage.py remove_demo_data — delete everything load_demo_data created; the reference data stays as loaded.

Lives in the reporting app because the demo units also have stored scores and report batches here (reporting
depends on indicators, never the reverse): those go first, then ``indicators.demo_data.remove_demo_records``
deletes the demo units, frameworks, people, accounts, windows and results with their history. Safe to run twice.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, Q

from indicators.demo_data import demo_results, demo_units, remove_demo_records
from reporting.models import ReportRun, ResultScore, Scorecard, report_storage

LABELS = {
    "history": "ประวัติการแก้ไขของข้อมูลสาธิต",
    "files": "ไฟล์ชุดเอกสารรายงาน (โฟลเดอร์)",
    "legacy.framework_status": "กรอบตัวชี้วัดจริงที่ข้อมูลสาธิตรุ่นเก่าอนุมัติไว้ กลับเป็นร่าง",
    "legacy.duties": "หน้าที่ของกองจริงที่ข้อมูลสาธิตรุ่นเก่าเขียนไว้ ลบออก",
    "legacy.plans": "ประเด็นแผน/เป้าประสงค์ของตัวชี้วัดจริงที่ข้อมูลสาธิตรุ่นเก่าเขียนไว้ ลบออก",
}


def _label(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    try:
        model = apps.get_model(key)
    except (LookupError, ValueError):
        return key
    if model._meta.auto_created:  # a many-to-many table
        return f"ความเชื่อมโยงระหว่างตาราง ({key})"
    return f"{model._meta.verbose_name_plural} ({key})"


class Command(BaseCommand):
    help = (
        "ลบข้อมูลสาธิตทั้งหมด (หน่วยงานสาธิต กรอบตัวชี้วัด ผู้ใช้ บุคลากร ผลการดำเนินงาน คะแนนที่เก็บไว้ "
        "และชุดเอกสารของหน่วยงานสาธิต) โดยไม่แตะข้อมูลอ้างอิง รันซ้ำได้"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts, folders = self._remove()
        except ProtectedError as exc:
            blocking = sorted({f"{obj._meta.verbose_name}: {obj}" for obj in exc.protected_objects})[:10]
            raise CommandError(
                "ลบข้อมูลสาธิตไม่ได้ เพราะข้อมูลจริงต่อไปนี้อ้างถึงข้อมูลสาธิต (ยังไม่ได้ลบสิ่งใด):\n  "
                + "\n  ".join(blocking)
            ) from exc
        for folder in folders:  # after the commit: a rolled-back removal keeps its files
            shutil.rmtree(folder, ignore_errors=True)
        counts = Counter({key: n for key, n in counts.items() if n})
        if not counts:
            self.stdout.write(self.style.SUCCESS("ไม่มีข้อมูลสาธิตให้ลบ"))
            return
        self.stdout.write(self.style.SUCCESS("ลบข้อมูลสาธิตแล้ว:"))
        for key, n in sorted(counts.items(), key=lambda item: _label(item[0])):
            self.stdout.write(f"  {_label(key)}: {n:,}")

    @transaction.atomic
    def _remove(self) -> tuple[Counter[str], list[Path]]:
        counts: Counter[str] = Counter()
        units = list(demo_units().values_list("pk", flat=True))
        # A batch that printed a demo unit is a demo batch: its ZIP holds demo documents.
        runs = ReportRun.objects.filter(Q(org_unit__in=units) | Q(items__org_unit__in=units)).distinct()
        folders = [Path(report_storage().path(f"reports/runs/{pk}")) for pk in runs.values_list("pk", flat=True)]
        counts["files"] += sum(1 for folder in folders if folder.is_dir())
        for queryset in (
            ReportRun.objects.filter(pk__in=list(runs.values_list("pk", flat=True))),
            ResultScore.objects.filter(result__in=demo_results()),
            Scorecard.objects.filter(org_unit__in=units),
        ):
            _total, by_label = queryset.delete()
            counts.update(by_label)
        counts.update(remove_demo_records())
        return counts, folders
