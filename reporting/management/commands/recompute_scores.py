"""python manage.py recompute_scores --year 2566 [--round 2] [--unit div-3] [--sync]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import FiscalYear, OrgUnit
from reporting.models import ScoreJob
from reporting.services import score_job_create, score_job_run


class Command(BaseCommand):
    help = "คำนวณคะแนนและผลการประเมิน (scorecard) ใหม่ทั้งปีงบประมาณ หรือเฉพาะรอบ/หน่วยงาน (ส่งเข้าคิว Celery โดยปริยาย)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="ปีงบประมาณ พ.ศ. เช่น 2566")
        parser.add_argument("--round", type=int, choices=[1, 2], help="เฉพาะรอบที่ 1 หรือ 2")
        parser.add_argument("--unit", help="เฉพาะหน่วยงาน (รหัสหน่วยงาน เช่น div-3)")
        parser.add_argument("--sync", action="store_true", help="คำนวณทันทีในกระบวนการนี้ แทนการส่งเข้าคิว")

    def handle(self, *args: Any, **options: Any) -> None:
        year = FiscalYear.objects.filter(be_year=options["year"]).first()
        if year is None:
            raise CommandError(f"ไม่พบปีงบประมาณ พ.ศ. {options['year']}")
        if options["unit"] and not OrgUnit.objects.filter(code=options["unit"]).exists():
            raise CommandError(f"ไม่พบหน่วยงานรหัส {options['unit']}")
        params = {"fiscal_year_id": year.pk, "round_number": options["round"], "unit_code": options["unit"],
                  "all_units": True}
        job = score_job_create(kind=ScoreJob.Kind.YEAR, params=params, reason="สั่งคำนวณใหม่ด้วยคำสั่ง recompute_scores")
        if not options["sync"]:
            from reporting.tasks import recompute_scores

            recompute_scores.delay(job_id=job.pk)
            self.stdout.write(self.style.SUCCESS(
                f"ส่งงานคำนวณคะแนนปีงบประมาณ พ.ศ. {year.be_year} เข้าคิวแล้ว (งานคำนวณคะแนน #{job.pk})"
            ))
            return
        try:
            scorecards = score_job_run(job=job)
        except Exception as exc:
            job.refresh_from_db()
            raise CommandError(f"คำนวณไม่สำเร็จ (งาน #{job.pk}):\n{job.error or exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"คำนวณผลการประเมินปีงบประมาณ พ.ศ. {year.be_year} แล้ว {len(scorecards)} รายการ (งานคำนวณคะแนน #{job.pk})"
        ))
        for scorecard in scorecards:
            if scorecard.total_100 is not None:
                outcome = f"คะแนนรวม {scorecard.total_100:.4f} {scorecard.band_label_th}"
            else:
                outcome = f"{scorecard.get_status_display()}: {scorecard.error.splitlines()[0] if scorecard.error else ''}"
            self.stdout.write(
                f"  {scorecard.org_unit.code} รอบที่ {scorecard.round.number}: รายงานแล้ว {scorecard.reported_count}"
                f" จาก {scorecard.indicator_count} ตัวชี้วัด, {outcome}"
            )
