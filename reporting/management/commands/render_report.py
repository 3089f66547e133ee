"""python manage.py render_report --kind scorecard --year 2566 --round 1 --unit div-3 --output file.pdf"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import FiscalYear, OrgUnit
from reporting.documents import KINDS, DocumentError, render_document


class Command(BaseCommand):
    help = "สร้างเอกสารรายงาน (เช่น scorecard) เป็นไฟล์ PDF หรือ XLSX (ตามนามสกุลของไฟล์ผลลัพธ์)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, help=f"ชนิดเอกสาร: {', '.join(KINDS)}")
        parser.add_argument("--year", type=int, required=True, help="ปีงบประมาณ พ.ศ. เช่น 2566")
        parser.add_argument("--round", type=int, choices=[1, 2], help="รอบที่ 1 หรือ 2")
        parser.add_argument("--unit", required=True, help="รหัสหน่วยงาน เช่น div-3")
        parser.add_argument("--output", required=True, help="ไฟล์ผลลัพธ์ (.pdf หรือ .xlsx)")
        parser.add_argument("--frozen", action="store_true", help="ใช้ฉบับที่ล็อกรับรองแล้ว (ถ้ามี)")
        parser.add_argument("--thai-digits", action="store_true", help="พิมพ์ตัวเลขเป็นเลขไทย (PDF)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] not in KINDS:
            raise CommandError(f"ไม่รู้จักเอกสารชนิด \"{options['kind']}\" (มี: {', '.join(KINDS)})")
        year = FiscalYear.objects.filter(be_year=options["year"]).first()
        if year is None:
            raise CommandError(f"ไม่พบปีงบประมาณ พ.ศ. {options['year']}")
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"ไม่พบหน่วยงานรหัส {options['unit']}")
        output = Path(options["output"])
        fmt = "xlsx" if output.suffix.lower() == ".xlsx" else "pdf"
        try:
            data = render_document(
                options["kind"], org_unit=unit, fiscal_year=year, round_number=options["round"], fmt=fmt,
                thai_digits=options["thai_digits"], frozen=options["frozen"],
            )
        except DocumentError as exc:
            raise CommandError(str(exc)) from exc
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"สร้างไฟล์ {output} แล้ว"))
