"""python manage.py render_report --kind scorecard --year 2566 --round 1 --unit div-3 --output file.pdf"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import FiscalYear, OrgUnit, Round
from reporting.documents import KINDS
from reporting.services import ScorecardError


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
        module = KINDS.get(options["kind"])
        if module is None:
            raise CommandError(f"ไม่รู้จักเอกสารชนิด \"{options['kind']}\" (มี: {', '.join(KINDS)})")
        year = FiscalYear.objects.filter(be_year=options["year"]).first()
        if year is None:
            raise CommandError(f"ไม่พบปีงบประมาณ พ.ศ. {options['year']}")
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"ไม่พบหน่วยงานรหัส {options['unit']}")
        output = Path(options["output"])
        fmt = "xlsx" if output.suffix.lower() == ".xlsx" else "pdf"
        renderer = getattr(module, f"to_{fmt}", None)
        if renderer is None:
            raise CommandError(f"เอกสารชนิด \"{options['kind']}\" สร้างเป็นไฟล์ {fmt.upper()} ไม่ได้")
        accepted = inspect.signature(module.build).parameters
        kwargs: dict[str, Any] = {"org_unit": unit}
        if "fiscal_year" in accepted:
            kwargs["fiscal_year"] = year
        if "round" in accepted:
            round_ = Round.objects.filter(fiscal_year=year, number=options["round"] or 1).first()
            if round_ is None:
                raise CommandError(f"ไม่พบรอบที่ {options['round'] or 1} ของปีงบประมาณ พ.ศ. {year.be_year}")
            kwargs["round"] = round_
        if options["frozen"] and "use_frozen" in accepted:
            kwargs["use_frozen"] = True
        try:
            doc = module.build(**kwargs)
        except (ScorecardError, ObjectDoesNotExist, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        extra = {"thai_digits": True} if options["thai_digits"] and "thai_digits" in inspect.signature(renderer).parameters else {}
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(renderer(doc, **extra))
        self.stdout.write(self.style.SUCCESS(f"สร้างไฟล์ {output} แล้ว"))
