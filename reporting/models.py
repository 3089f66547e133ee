"""Stored scores: per result, per unit and round (scorecard, with a frozen copy), and the jobs that compute them.

Scores are derived data (DOMAIN.md §10): Celery recomputes them whenever results, criteria, weights or the year's
scoring policy change. Every write goes through reporting/services.py.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models import FiscalYear, Framework, OrgUnit, Result, Round

SCORE = {"max_digits": 12, "decimal_places": 4, "null": True, "blank": True}
# Exact (unrounded) values are kept to 16 decimals: far beyond the 4 printed, enough to re-derive any rounding.
EXACT = {"max_digits": 34, "decimal_places": 16, "null": True, "blank": True}


class ResultScore(models.Model):
    """The score of one result as computed by the engine, with the arithmetic in Thai (DOMAIN §4, §6.1 item 8)."""

    class Method(models.TextChoices):
        DIRECT = "direct", _("คิดจากผลการดำเนินงานของหน่วยงาน")
        PROVINCE_AVERAGE = "province_average", _("คะแนนเฉลี่ยของกองจากคะแนนรายจังหวัด (§4.h)")
        NOT_COMPUTABLE = "not_computable", _("คำนวณไม่ได้")

    result = models.OneToOneField(Result, verbose_name=_("ผลการดำเนินงาน"), on_delete=models.CASCADE, related_name="stored_score")
    method = models.CharField(_("วิธีคิด"), max_length=20, choices=Method.choices)
    score = models.DecimalField(_("คะแนน (ก)"), **SCORE)
    score_exact = models.DecimalField(_("คะแนนก่อนปัดเศษ"), **EXACT)
    value = models.DecimalField(_("ค่าที่ใช้คิดคะแนน"), **EXACT)
    value_exact = models.DecimalField(_("ค่าก่อนปัดเศษ"), **EXACT)
    explanation_th = models.TextField(_("วิธีคำนวณ"), blank=True)
    problem_th = models.TextField(_("เหตุที่คำนวณไม่ได้"), blank=True)
    details = models.JSONField(_("รายละเอียด"), default=dict, blank=True, help_text=_("เช่น คะแนนรายจังหวัด"))
    fingerprint = models.CharField(_("รหัสเกณฑ์และนโยบายที่ใช้"), max_length=64, blank=True)
    content_hash = models.CharField(_("รหัสเนื้อหา"), max_length=64, blank=True)
    computed_at = models.DateTimeField(_("คำนวณเมื่อ"))

    class Meta:
        verbose_name = _("คะแนนของผลการดำเนินงาน")
        verbose_name_plural = _("คะแนนของผลการดำเนินงาน")

    def __str__(self) -> str:
        return f"{self.result} = {self.score if self.score is not None else '-'}"


class Scorecard(models.Model):
    """A unit's scorecard for one round: Σ ค = ก × ข by component, the 100-point total and its band (DOMAIN §4.i).

    The live fields follow every recompute; ``frozen_payload`` is the copy taken by scorecard_freeze() and is never
    changed afterwards.
    """

    class Status(models.TextChoices):
        COMPUTED = "computed", _("คำนวณแล้ว")
        NOT_COMPUTABLE = "not_computable", _("คำนวณไม่ได้")
        FAILED = "failed", _("คำนวณล้มเหลว")

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="scorecards")
    round = models.ForeignKey(Round, verbose_name=_("รอบ"), on_delete=models.CASCADE, related_name="scorecards")
    framework = models.ForeignKey(
        Framework, verbose_name=_("กรอบตัวชี้วัด"), null=True, blank=True, on_delete=models.SET_NULL, related_name="scorecards"
    )
    status = models.CharField(_("สถานะ"), max_length=20, choices=Status.choices, default=Status.COMPUTED)
    scale = models.CharField(_("มาตรวัดคะแนน"), max_length=20, blank=True)
    weighted_sum = models.DecimalField(_("ผลรวมคะแนนถ่วงน้ำหนัก (Σ ค)"), **SCORE)
    performance_sum = models.DecimalField(_("Σ ค Performance Base"), **SCORE)
    potential_sum = models.DecimalField(_("Σ ค Potential Base"), **SCORE)
    weight_total = models.DecimalField(_("น้ำหนักรวม"), **SCORE)
    total_100 = models.DecimalField(_("คะแนนรวม (เต็ม 100)"), **SCORE)
    total_100_exact = models.DecimalField(_("คะแนนรวมก่อนปัดเศษ"), **EXACT)
    band_code = models.CharField(_("ระดับผลการประเมิน (รหัส)"), max_length=30, blank=True)
    band_label_th = models.CharField(_("ระดับผลการประเมิน"), max_length=100, blank=True)
    indicator_count = models.PositiveIntegerField(_("จำนวนตัวชี้วัดที่คิดคะแนน"), default=0)
    reported_count = models.PositiveIntegerField(_("รายงานแล้ว"), default=0)
    missing_count = models.PositiveIntegerField(_("ยังไม่รายงาน"), default=0)
    payload = models.JSONField(_("รายการตามที่คำนวณ"), default=dict, blank=True)
    policy = models.JSONField(_("นโยบายการคิดคะแนนที่ใช้"), default=dict, blank=True)
    content_hash = models.CharField(_("รหัสเนื้อหา"), max_length=64, blank=True)
    inputs_hash = models.CharField(
        _("รหัสข้อมูลนำเข้า"), max_length=64, blank=True,
        help_text=_("ลายนิ้วมือของข้อมูลทุกอย่างที่ใช้คำนวณ หากไม่ตรงกับข้อมูลปัจจุบัน แสดงว่ากำลังคำนวณใหม่"),
    )
    error = models.TextField(_("ข้อผิดพลาด/เหตุที่คำนวณไม่ได้"), blank=True)
    computed_at = models.DateTimeField(_("คำนวณเมื่อ"), null=True, blank=True)
    frozen = models.BooleanField(_("ล็อกฉบับรับรองแล้ว"), default=False)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ล็อก"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    frozen_at = models.DateTimeField(_("ล็อกเมื่อ"), null=True, blank=True)
    frozen_payload = models.JSONField(_("ฉบับที่ล็อกไว้"), default=dict, blank=True)

    class Meta:
        ordering = ["-round__fiscal_year__be_year", "round__number", "org_unit__code"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "round"], name="uniq_scorecard_per_unit_round")]
        verbose_name = _("ผลการประเมิน (Scorecard)")
        verbose_name_plural = _("ผลการประเมิน (Scorecard)")

    def __str__(self) -> str:
        return f"{self.org_unit} — {self.round}"


class ScorecardRevision(models.Model):
    """Every change of a stored scorecard's outcome: old → new total, band and status, when and why (append-only)."""

    scorecard = models.ForeignKey(Scorecard, verbose_name=_("ผลการประเมิน"), on_delete=models.CASCADE, related_name="revisions")
    changed_at = models.DateTimeField(_("เปลี่ยนเมื่อ"))
    old_status = models.CharField(_("สถานะเดิม"), max_length=20, blank=True)
    new_status = models.CharField(_("สถานะใหม่"), max_length=20)
    old_total_100 = models.DecimalField(_("คะแนนรวมเดิม"), **SCORE)
    new_total_100 = models.DecimalField(_("คะแนนรวมใหม่"), **SCORE)
    old_band_label_th = models.CharField(_("ระดับเดิม"), max_length=100, blank=True)
    new_band_label_th = models.CharField(_("ระดับใหม่"), max_length=100, blank=True)
    old_reported_count = models.PositiveIntegerField(_("รายงานแล้ว (เดิม)"), null=True, blank=True)
    new_reported_count = models.PositiveIntegerField(_("รายงานแล้ว (ใหม่)"), default=0)
    inputs_hash = models.CharField(_("รหัสข้อมูลนำเข้า"), max_length=64, blank=True)
    reason = models.TextField(_("สาเหตุ"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("ประวัติผลการประเมิน")
        verbose_name_plural = _("ประวัติผลการประเมิน")

    def __str__(self) -> str:
        return f"{self.scorecard} {self.old_total_100} → {self.new_total_100}"


class ScoreJob(models.Model):
    """A request to recompute scores, recorded in the transaction of the change that needs it (the outbox).

    A worker drains the pending requests per fiscal year (``reporting.services.jobs``) right after the commit; a
    periodic sweep drains whatever the broker lost. A unit-round request names its unit and round; a year request
    (criteria, weights, policy …) covers every unit-round of the year; neither year nor unit = every year.
    """

    class Kind(models.TextChoices):
        UNIT_ROUND = "unit_round", _("หน่วยงานและรอบ")
        YEAR = "year", _("ทั้งปีงบประมาณ")

    class Status(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังคำนวณ")
        RETRYING = "retrying", _("รอลองใหม่")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ล้มเหลว")

    kind = models.CharField(_("ชนิด"), max_length=20, choices=Kind.choices)
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("หน่วยงาน"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey(Round, verbose_name=_("รอบ"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(_("พารามิเตอร์"), default=dict, blank=True)
    reason = models.CharField(_("สาเหตุที่คำนวณใหม่"), max_length=200, blank=True)
    batch = models.CharField(_("ชุดธุรกรรม"), max_length=32, blank=True, db_index=True)
    status = models.CharField(_("สถานะ"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(_("จำนวนครั้งที่ทำ"), default=0)
    scorecards = models.PositiveIntegerField(_("จำนวน scorecard ที่คำนวณ"), default=0)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    started_at = models.DateTimeField(_("เริ่มเมื่อ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("งานคำนวณคะแนน")
        verbose_name_plural = _("งานคำนวณคะแนน")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.params} — {self.get_status_display()}"


class BookSection(models.Model):
    """Free text of an annual results book (DOMAIN.md §6.1): the foreword (คำนำ) and narrative annex sections
    such as the FY2564 lessons-learned chapter. Written by the administration development group in the admin."""

    class Position(models.TextChoices):
        FOREWORD = "foreword", _("คำนำ")
        ANNEX = "annex", _("ภาคผนวก/บทวิเคราะห์ท้ายเล่ม")

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.CASCADE, related_name="book_sections"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="book_sections",
        help_text=_("เล่มรายงานของหน่วยงานนี้ (กรม กอง หรือหน่วยงาน)"),
    )
    position = models.CharField(_("ตำแหน่งในเล่ม"), max_length=20, choices=Position.choices)
    order = models.PositiveIntegerField(_("ลำดับ"), default=0)
    title_th = models.CharField(_("หัวข้อ"), max_length=300)
    body_th = models.TextField(_("เนื้อหา"), help_text=_("ย่อหน้าคั่นด้วยบรรทัดว่าง"))
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        ordering = ["fiscal_year", "org_unit", "position", "order", "pk"]
        verbose_name = _("ข้อความในเล่มรายงานประจำปี")
        verbose_name_plural = _("ข้อความในเล่มรายงานประจำปี")

    def __str__(self) -> str:
        return f"{self.fiscal_year} — {self.title_th}"


class PrivateReportStorage(FileSystemStorage):
    """Generated reports under PRIVATE_MEDIA_ROOT, read at every use (so a test or a worker may point it elsewhere).

    There is no URL: the files are served only by the batch views, after their permission check.
    """

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("ไฟล์รายงานไม่มี URL สาธารณะ ดาวน์โหลดได้จากหน้าชุดเอกสารเท่านั้น")


def report_storage() -> PrivateReportStorage:
    """A callable, so migrations record the function and not this machine's path."""
    return PrivateReportStorage()


def _run_file_path(instance: models.Model, filename: str) -> str:
    """Generated files live under reports/runs/<run id>/ in private storage (never under a public URL)."""
    run_id = instance.pk if isinstance(instance, ReportRun) else getattr(instance, "run_id", None)
    return f"reports/runs/{run_id}/{filename}"


class ReportRun(models.Model):
    """A batch of documents (one per unit) rendered by Celery workers into private files and one ZIP.

    The items are split into ``shards``; each shard is one Celery message and holds a lease while a worker renders
    it (ReportRunShard), so two deliveries of the same message never render in parallel while two workers can share
    a batch. An expired lease lets the recovery task hand a shard to another worker.
    """

    class Scope(models.TextChoices):
        DEPARTMENT = "department", _("ทุกหน่วยงานของกรมที่มีกรอบตัวชี้วัดในปีนั้น")
        DIVISIONS = "divisions", _("ทุกกองและเทียบเท่า")
        UNIT = "unit", _("หน่วยงานเดียว")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังสร้างเอกสาร")
        DONE = "done", _("เสร็จแล้ว")
        DONE_WITH_ERRORS = "done_with_errors", _("เสร็จแต่มีบางรายการล้มเหลว")
        FAILED = "failed", _("ล้มเหลว")
        CANCELLED = "cancelled", _("ยกเลิกแล้ว")

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.DONE, Status.DONE_WITH_ERRORS, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(_("ชนิดเอกสาร"), max_length=20)
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="+")
    round_number = models.PositiveSmallIntegerField(_("รอบ"), null=True, blank=True)
    scope = models.CharField(_("ขอบเขต"), max_length=20, choices=Scope.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("หน่วยงาน (เมื่อเลือกหน่วยงานเดียว)"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    format = models.CharField(_("รูปแบบไฟล์"), max_length=10, choices=Format.choices, default=Format.PDF)
    thai_digits = models.BooleanField(_("ใช้เลขไทย"), default=False)
    frozen = models.BooleanField(_("ใช้ฉบับที่ล็อกรับรองแล้ว"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้สั่งสร้าง"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("สถานะ"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total = models.PositiveIntegerField(_("จำนวนเอกสารทั้งหมด"), default=0)
    done_count = models.PositiveIntegerField(_("สร้างแล้ว"), default=0)
    failed_count = models.PositiveIntegerField(_("ล้มเหลว"), default=0)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    shards = models.PositiveSmallIntegerField(_("จำนวนส่วนที่แบ่งให้ worker ทำพร้อมกัน"), default=1)
    attempts = models.PositiveIntegerField(_("จำนวนครั้งที่ worker เริ่มทำ"), default=0)
    created_at = models.DateTimeField(_("สั่งเมื่อ"), auto_now_add=True)
    started_at = models.DateTimeField(_("เริ่มเมื่อ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("ความคืบหน้าล่าสุดเมื่อ"), null=True, blank=True)
    zip_file = models.FileField(
        _("ไฟล์ ZIP"), storage=report_storage, upload_to=_run_file_path, max_length=300, blank=True
    )
    zip_size = models.PositiveBigIntegerField(_("ขนาด ZIP (ไบต์)"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ชุดเอกสารรายงาน")
        verbose_name_plural = _("ชุดเอกสารรายงาน")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.fiscal_year_id} — {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        """Items handled (done or failed) out of the total, 0–100."""
        if not self.total:
            return 100 if self.finished else 0
        return min(100, (self.done_count + self.failed_count) * 100 // self.total)


class ReportRunShard(models.Model):
    """One Celery message of a run: the items with this shard number, and the lease of the worker rendering them."""

    run = models.ForeignKey(ReportRun, verbose_name=_("ชุดเอกสาร"), on_delete=models.CASCADE, related_name="shard_rows")
    number = models.PositiveSmallIntegerField(_("ส่วนที่"))
    lease_owner = models.CharField(_("worker ที่ถือสิทธิ์"), max_length=200, blank=True)
    lease_until = models.DateTimeField(_("สิทธิ์หมดเมื่อ"), null=True, blank=True, db_index=True)
    heartbeat_at = models.DateTimeField(_("ความคืบหน้าล่าสุดเมื่อ"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("ส่งเข้าคิวล่าสุดเมื่อ"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("จำนวนครั้งที่เริ่มทำ"), default=0)

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="uniq_report_shard_per_run")]
        verbose_name = _("ส่วนของชุดเอกสาร")
        verbose_name_plural = _("ส่วนของชุดเอกสาร")

    def __str__(self) -> str:
        return f"#{self.run_id}/{self.number}"


class ReportRunItem(models.Model):
    """One unit's document of a run; its file is written under a temporary name and then renamed into place."""

    class Status(models.TextChoices):
        PENDING = "pending", _("รอสร้าง")
        DONE = "done", _("สร้างแล้ว")
        FAILED = "failed", _("ล้มเหลว")

    run = models.ForeignKey(ReportRun, verbose_name=_("ชุดเอกสาร"), on_delete=models.CASCADE, related_name="items")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("ลำดับ"), default=0)
    shard = models.PositiveSmallIntegerField(_("ส่วนที่"), default=0)
    filename = models.CharField(_("ชื่อไฟล์"), max_length=200)
    status = models.CharField(_("สถานะ"), max_length=20, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("ไฟล์"), storage=report_storage, upload_to=_run_file_path, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"), null=True, blank=True)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    rendered_at = models.DateTimeField(_("สร้างเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ["run", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "org_unit"], name="uniq_report_item_per_run_unit"),
            models.UniqueConstraint(fields=["run", "filename"], name="uniq_report_item_filename_per_run"),
        ]
        verbose_name = _("เอกสารในชุด")
        verbose_name_plural = _("เอกสารในชุด")

    def __str__(self) -> str:
        return self.filename
