"""Results reported per assignment, unit and round, with their details (DOMAIN.md §3.1, §4.c, §4.g, §6.1)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models.calendar import FiscalYear, Round
from indicators.models.catalog import ExternalSystem
from indicators.models.framework import Assignment
from indicators.models.org import OrgUnit, Province
from indicators.storage import private_storage
from indicators.validators import TextLimit

NUMBER = {"max_digits": 18, "decimal_places": 4, "null": True, "blank": True}

# Narrative limits in characters (issue 8). The only real narratives are those of document 000 (FY2564 results
# book, indicators/reference_fy2564_texts.py); longest per heading: คำชี้แจงการปฏิบัติงาน 5,256 (indicator 2, อพม.;
# 5,391 in the raw seed with its markup stripped), อุปสรรค 1,489 (3.2; 1,622 raw), หลักฐานอ้างอิง 292 (1; 442 raw),
# ปัจจัยสนับสนุน 197 (3.2; 201 raw); 000 has no per-indicator ข้อเสนอแนะ (its annex's department-wide suggestions run
# to 5,659). Each limit is about 1.5 times the longest real text or more; tests/test_limits.py checks they fit.
ACTIONS_MAX_CHARS = 8_000
DISCUSSION_MAX_CHARS = 4_000  # supporting factors, obstacles, suggestions
NOTE_MAX_CHARS = 2_000  # evidence lists, a milestone's evidence, a reviewer's comment, notes


def narrative(label: Any, limit: int, **kwargs: Any) -> models.TextField:  # type: ignore[type-arg]
    """A free text typed by a person, at most ``limit`` characters (checked by full_clean and the forms)."""
    return models.TextField(label, blank=True, max_length=limit, validators=[TextLimit(limit)], **kwargs)


class Result(models.Model):
    """What a unit reported for one indicator in one round; every change is kept in its history."""

    class Status(models.TextChoices):
        NOT_REPORTED = "not_reported", _("ยังไม่รายงาน")
        DRAFT = "draft", _("ร่าง")
        SUBMITTED = "submitted", _("ส่งแล้ว รอพิจารณา")
        RETURNED = "returned", _("ส่งกลับแก้ไข")
        APPROVED = "approved", _("อนุมัติแล้ว")

    assignment = models.ForeignKey(Assignment, verbose_name=_("ตัวชี้วัด"), on_delete=models.PROTECT, related_name="results")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="results")
    round = models.ForeignKey(Round, verbose_name=_("รอบ"), on_delete=models.PROTECT, related_name="results")
    status = models.CharField(_("สถานะ"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    value = models.DecimalField(_("ผลการดำเนินงาน"), **NUMBER)
    numerator = models.DecimalField(_("ตัวตั้ง"), **NUMBER)
    denominator = models.DecimalField(_("ตัวหาร"), **NUMBER)
    achieved_level = models.CharField(_("ระดับที่บรรลุ (ระดับสถานะ)"), max_length=5, blank=True)
    level1_milestone_done = models.BooleanField(_("ดำเนินการขั้นตอนระดับ 1 แล้ว"), null=True, blank=True)
    second_value = models.DecimalField(_("ผลของตัววัดที่ 2"), help_text=_("เช่น ร้อยละความไม่พึงพอใจ"), **NUMBER)
    numerator_above_denominator_confirmed = models.BooleanField(_("ยืนยันตัวตั้งมากกว่าตัวหาร"), default=False)
    as_of_date = models.DateField(_("ข้อมูล ณ วันที่"), null=True, blank=True)
    actions_th = narrative(_("คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ"), ACTIONS_MAX_CHARS)
    supporting_factors_th = narrative(_("ปัจจัยสนับสนุนต่อการดำเนินงาน"), DISCUSSION_MAX_CHARS)
    obstacles_th = narrative(_("อุปสรรคต่อการดำเนินงาน"), DISCUSSION_MAX_CHARS)
    suggestions_th = narrative(_("ข้อเสนอแนะ"), DISCUSSION_MAX_CHARS)
    evidence_th = narrative(_("หลักฐานอ้างอิง"), NOTE_MAX_CHARS)
    review_comment_th = narrative(_("ความเห็นของผู้กำกับดูแล"), NOTE_MAX_CHARS)
    version = models.PositiveIntegerField(_("ฉบับที่"), default=1)
    submitted_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ส่ง"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้พิจารณา"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_until = models.DateField(
        _("เปิดให้แก้ไขถึงวันที่"), null=True, blank=True, help_text=_("ผู้ดูแลระบบเปิดให้แก้ไขเฉพาะผลนี้หลังกำหนดส่ง")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้บันทึก"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้แก้ไขล่าสุด"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุดเมื่อ"), auto_now=True)
    is_demo = models.BooleanField(_("ข้อมูลสาธิต"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "org_unit", "assignment__order"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "org_unit", "round"], name="uniq_result_per_round"),
            models.CheckConstraint(condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0), name="result_denominator_positive"),
            models.CheckConstraint(condition=models.Q(numerator__isnull=True) | models.Q(numerator__gte=0), name="result_numerator_not_negative"),
        ]
        verbose_name = _("ผลการดำเนินงาน")
        verbose_name_plural = _("ผลการดำเนินงาน")

    def __str__(self) -> str:
        return f"{self.org_unit} — {self.assignment} — {self.round}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (self.numerator is None) != (self.denominator is None):
            errors["denominator"] = str(_("ต้องระบุทั้งตัวตั้งและตัวหาร"))
        if self.denominator is not None and self.denominator <= 0:
            errors["denominator"] = str(_("ตัวหารต้องมากกว่าศูนย์ (ตัวหารเป็นศูนย์คำนวณร้อยละไม่ได้)"))
        if self.numerator is not None and self.numerator < 0:
            errors["numerator"] = str(_("ตัวตั้งต้องไม่ติดลบ"))
        if (
            self.numerator is not None and self.denominator is not None and self.denominator > 0
            and self.numerator > self.denominator and not self.numerator_above_denominator_confirmed
        ):
            errors["numerator"] = str(_("ตัวตั้งมากกว่าตัวหาร กรุณาตรวจสอบและยืนยันหากถูกต้อง"))
        if self.round_id and self.assignment_id and self.round.fiscal_year_id != self.assignment.framework.fiscal_year_id:
            errors["round"] = str(_("รอบการประเมินต้องอยู่ในปีงบประมาณเดียวกับกรอบตัวชี้วัด"))
        if errors:
            raise ValidationError(errors)

    def measurement(self) -> dict[str, Any]:
        """The measurement dict the scoring engine expects for this result (see indicators/scoring.py)."""
        from indicators.criteria_spec import measurement_for

        return measurement_for(self)


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """Private storage path: by result, with a random name (the original name is kept on the row)."""
    import uuid
    from pathlib import Path

    return f"evidence/{instance.result_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class EvidenceFile(models.Model):
    """An evidence document attached to a result (or one milestone deliverable); served only to allowed users."""

    result = models.ForeignKey(Result, verbose_name=_("ผลการดำเนินงาน"), on_delete=models.CASCADE, related_name="evidence_files")
    milestone_level = models.CharField(_("ระดับขั้นตอน"), max_length=5, blank=True)
    file = models.FileField(_("ไฟล์"), upload_to=evidence_path, storage=private_storage)
    original_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=100)
    size = models.PositiveIntegerField(_("ขนาด (ไบต์)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description_th = models.CharField(_("คำอธิบาย"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้แนบ"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("แนบเมื่อ"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "uploaded_at"]
        verbose_name = _("ไฟล์หลักฐาน")
        verbose_name_plural = _("ไฟล์หลักฐาน")

    def __str__(self) -> str:
        return self.original_name


class ReminderSent(models.Model):
    """One reminder e-mail to one person for one round and kind: the unique key keeps it from being sent twice."""

    person = models.ForeignKey("indicators.Person", verbose_name=_("ผู้รับ"), on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, verbose_name=_("รอบ"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("ชนิดการแจ้งเตือน"), max_length=40)
    sent_at = models.DateTimeField(_("ส่งเมื่อ"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "org_unit", "round", "kind"], name="uniq_reminder")
        ]
        verbose_name = _("การแจ้งเตือนที่ส่งแล้ว")
        verbose_name_plural = _("การแจ้งเตือนที่ส่งแล้ว")

    def __str__(self) -> str:
        return f"{self.kind} → {self.person}"


class MilestoneCompletion(models.Model):
    """One deliverable of one milestone level: done or not, when, with what evidence (§4.c)."""

    result = models.ForeignKey(Result, verbose_name=_("ผลการดำเนินงาน"), on_delete=models.CASCADE, related_name="milestones")
    level = models.CharField(_("ระดับ"), max_length=5)
    deliverable_index = models.PositiveSmallIntegerField(_("ผลผลิตที่"), default=0)
    done = models.BooleanField(_("ดำเนินการแล้ว"), default=False)
    done_on = models.DateField(_("วันที่ดำเนินการ"), null=True, blank=True)
    evidence_th = narrative(_("หลักฐาน"), NOTE_MAX_CHARS)
    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "level", "deliverable_index"]
        constraints = [
            models.UniqueConstraint(fields=["result", "level", "deliverable_index"], name="uniq_milestone_deliverable")
        ]
        verbose_name = _("ผลการดำเนินงานตามขั้นตอน")
        verbose_name_plural = _("ผลการดำเนินงานตามขั้นตอน")

    def __str__(self) -> str:
        return f"ระดับ {self.level} ({'✓' if self.done else '–'})"


class SubUnitResult(models.Model):
    """A row of the per-unit breakdown table whose totals become the unit's numerator and denominator (§6.1 7a)."""

    result = models.ForeignKey(Result, verbose_name=_("ผลการดำเนินงาน"), on_delete=models.CASCADE, related_name="sub_results")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("หน่วยงานย่อย"), null=True, blank=True, on_delete=models.PROTECT)
    province = models.ForeignKey(Province, verbose_name=_("จังหวัด"), null=True, blank=True, on_delete=models.PROTECT)
    label_th = models.CharField(_("ชื่อตามที่พิมพ์"), max_length=300, blank=True)
    numerator = models.DecimalField(_("ตัวตั้ง"), **NUMBER)
    denominator = models.DecimalField(_("ตัวหาร"), **NUMBER)
    breakdown = models.JSONField(_("รายละเอียดเพิ่มเติม"), default=dict, blank=True)
    order = models.PositiveIntegerField(_("ลำดับ"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "order"]
        verbose_name = _("ผลการดำเนินงานรายหน่วยงานย่อย")
        verbose_name_plural = _("ผลการดำเนินงานรายหน่วยงานย่อย")

    def __str__(self) -> str:
        return self.label_th or str(self.org_unit or self.province or "")

    def clean(self) -> None:
        if self.numerator is not None and self.numerator < 0:
            raise ValidationError({"numerator": _("ตัวตั้งต้องไม่ติดลบ")})
        if self.denominator is not None and self.denominator < 0:
            raise ValidationError({"denominator": _("ตัวหารต้องไม่ติดลบ")})


class ExternalScore(models.Model):
    """A score produced by another government system, stored once per system, organisation and period (§4.g)."""

    System = ExternalSystem

    system = models.CharField(_("ระบบ"), max_length=20, choices=System.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="external_scores")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="external_scores")
    round_number = models.PositiveSmallIntegerField(_("รอบ"), null=True, blank=True)
    score = models.DecimalField(_("คะแนน"), max_digits=10, decimal_places=4)
    components = models.JSONField(_("คะแนนย่อย"), default=dict, blank=True)
    note_th = narrative(_("หมายเหตุ"), NOTE_MAX_CHARS)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "org_unit", "fiscal_year", "round_number"], name="uniq_external_score")
        ]
        verbose_name = _("คะแนนจากระบบภายนอก")
        verbose_name_plural = _("คะแนนจากระบบภายนอก")

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.org_unit} {self.score}"

    def clean(self) -> None:
        if self.score is not None and self.score < 0:
            raise ValidationError({"score": _("คะแนนต้องไม่ติดลบ")})
