"""python manage.py load_demo_data — demo units, users for each role and demo results, apart from the real data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.demo_data import DEMO_USERS, DemoDataError, DemoLoader
from indicators.models import FiscalYear, Person


class Command(BaseCommand):
    help = (
        "สร้างข้อมูลสาธิต: หน่วยงานสาธิต กรอบตัวชี้วัดของหน่วยงานสาธิต ผู้ใช้ทุกบทบาท และผลการดำเนินงานรอบที่ 1 "
        "ปี 2566 (ทำเครื่องหมายว่าเป็นข้อมูลสาธิต ไม่แก้ไขข้อมูลอ้างอิง ลบได้ด้วย remove_demo_data)"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not FiscalYear.objects.filter(be_year=2566).exists():
            raise CommandError("ยังไม่มีข้อมูลปีงบประมาณ พ.ศ. 2566 — รัน python manage.py load_reference_data ก่อน")
        try:
            lines = DemoLoader().load()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("ข้อมูลสาธิตพร้อมใช้งาน (ลบได้ด้วย python manage.py remove_demo_data)"))
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("\nผู้ใช้สาธิต (ชื่อผู้ใช้ / รหัสผ่าน / บทบาท):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<15} {demo.password:<22} {demo.full_name} — {Person.Role(demo.role).label}")
