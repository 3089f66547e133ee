"""python manage.py load_reference_data — the FY2566 framework from shared/domain/reference-data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.reference_data import ReferenceLoader


class Command(BaseCommand):
    help = "โหลดกรอบตัวชี้วัดปีงบประมาณ พ.ศ. 2566 จากข้อมูลอ้างอิง (ทำซ้ำได้โดยไม่เกิดข้อมูลซ้ำ)"
    #: The loader (a class taking the shared directory, with ``load()`` returning counts and notes) and the last line.
    loader: Any = ReferenceLoader
    done_th = "โหลดข้อมูลอ้างอิงปีงบประมาณ พ.ศ. 2566 เรียบร้อย"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shared-dir", type=Path, default=None, help="โฟลเดอร์ shared (ค่าเริ่มต้น: DSDW_SHARED_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        shared = options["shared_dir"] or settings.DSDW_SHARED_DIR
        try:
            summary = self.loader(Path(shared)).load()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        for key, count in sorted(summary.counts.items()):
            self.stdout.write(f"  {key}: {count}")
        for note in summary.notes:
            self.stdout.write(self.style.WARNING(f"  หมายเหตุ: {note}"))
        self.stdout.write(self.style.SUCCESS(self.done_th))
