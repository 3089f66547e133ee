"""python manage.py load_fy2564 — FY2564 (document 000, monitoring only) for the annual results book.

Run after load_reference_data (it needs the provinces); scripts/run.sh runs both. Idempotent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.reference_fy2564 import Fy2564Loader


class Command(BaseCommand):
    help = (
        "โหลดผลการดำเนินงานปีงบประมาณ พ.ศ. 2564 (ติดตามผล, เอกสาร 000) กรอบตัวชี้วัดระดับกรม ตารางผลรายหน่วยงาน "
        "และข้อความของเล่มรายงานผลประจำปี (ทำซ้ำได้โดยไม่เกิดข้อมูลซ้ำ)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shared-dir", type=Path, default=None, help="โฟลเดอร์ shared (ค่าเริ่มต้น: DSDW_SHARED_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        shared = options["shared_dir"] or settings.DSDW_SHARED_DIR
        try:
            summary = Fy2564Loader(Path(shared)).load()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        for key, count in sorted(summary.counts.items()):
            self.stdout.write(f"  {key}: {count}")
        for note in summary.notes:
            self.stdout.write(self.style.WARNING(f"  หมายเหตุ: {note}"))
        self.stdout.write(self.style.SUCCESS("โหลดผลการดำเนินงานปีงบประมาณ พ.ศ. 2564 (ติดตามผล) เรียบร้อย"))
