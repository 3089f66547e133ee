"""python manage.py load_fy2564 — FY2564 (document 000, monitoring only) for the annual results book.

Run after load_reference_data (it needs the provinces); scripts/run.sh runs both. Idempotent.
"""

from __future__ import annotations

from typing import Any

from indicators.management.commands.load_reference_data import Command as LoadReferenceData
from reporting.reference_books import Fy2564BookLoader


class Command(LoadReferenceData):
    help = (
        "โหลดผลการดำเนินงานปีงบประมาณ พ.ศ. 2564 (ติดตามผล, เอกสาร 000) กรอบตัวชี้วัดระดับกรม ตารางผลรายหน่วยงาน "
        "และข้อความของเล่มรายงานผลประจำปี (ทำซ้ำได้โดยไม่เกิดข้อมูลซ้ำ)"
    )
    loader: Any = Fy2564BookLoader
    done_th = "โหลดผลการดำเนินงานปีงบประมาณ พ.ศ. 2564 (ติดตามผล) เรียบร้อย"
