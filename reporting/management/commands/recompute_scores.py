"""python manage.py recompute_scores --year 2566 [--round 2] [--unit div-3] [--sync]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import FiscalYear, OrgUnit, Round
from reporting.models import Scorecard, ScoreJob
from reporting.services import score_job_request, score_jobs_drain


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
        unit = None
        if options["unit"]:
            unit = OrgUnit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"ไม่พบหน่วยงานรหัส {options['unit']}")
        params = {"round_number": options["round"], "unit_code": options["unit"]}
        params = {key: value for key, value in params.items() if value} or None
        reason = "สั่งคำนวณใหม่ด้วยคำสั่ง recompute_scores"
        if not options["sync"]:
            queued = score_job_request(fiscal_year_id=year.pk, reason=reason, params=params)
            numbers = ", ".join(f"#{job.pk}" for job in queued)
            self.stdout.write(self.style.SUCCESS(
                f"ส่งงานคำนวณคะแนนปีงบประมาณ พ.ศ. {year.be_year} เข้าคิวแล้ว (งานคำนวณคะแนน {numbers})"
            ))
            return
        score_job_request(fiscal_year_id=year.pk, reason=reason, params=params, dispatch=False)
        score_jobs_drain(fiscal_year_id=year.pk)
        failed = ScoreJob.objects.filter(fiscal_year=year, status__in=[ScoreJob.Status.RETRYING, ScoreJob.Status.FAILED])
        if failed.exists():
            raise CommandError(f"คำนวณไม่สำเร็จ:\n{failed.first().error}")  # type: ignore[union-attr]
        scorecards = Scorecard.objects.filter(round__fiscal_year=year).select_related("org_unit", "round")
        if options["round"]:
            scorecards = scorecards.filter(round__in=Round.objects.filter(fiscal_year=year, number=options["round"]))
        if unit is not None:
            scorecards = scorecards.filter(org_unit=unit)
        scorecards = scorecards.order_by("org_unit__code", "round__number")
        self.stdout.write(self.style.SUCCESS(
            f"คำนวณผลการประเมินปีงบประมาณ พ.ศ. {year.be_year} แล้ว {len(scorecards)} รายการ"
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
