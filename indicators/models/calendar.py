"""Fiscal years in the Buddhist Era and the two evaluation rounds (DOMAIN.md §2)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

BE_OFFSET = 543


def fiscal_year_bounds(be_year: int) -> tuple[dt.date, dt.date]:
    """FY N (BE) runs 1 October N-1 to 30 September N (§2.1); returned as CE dates."""
    ce = be_year - BE_OFFSET
    return dt.date(ce - 1, 10, 1), dt.date(ce, 9, 30)


def round_bounds(be_year: int, number: int) -> tuple[dt.date, dt.date]:
    """Round 1 = 1 Oct - 31 Mar; round 2 is cumulative for the whole year (§2.2)."""
    start, end = fiscal_year_bounds(be_year)
    if number == 1:
        return start, dt.date(end.year, 3, 31)
    return start, end


class FiscalYear(models.Model):
    class Status(models.TextChoices):
        EVALUATED = "evaluated", _("ประเมินผล")
        MONITORING_ONLY = "monitoring_only", _("ติดตามผลเท่านั้น (Monitoring)")

    be_year = models.PositiveIntegerField(_("ปีงบประมาณ (พ.ศ.)"), unique=True)
    start_date = models.DateField(_("วันเริ่มต้น"), editable=False)
    end_date = models.DateField(_("วันสิ้นสุด"), editable=False)
    evaluation_status = models.CharField(
        _("สถานะการประเมิน"), max_length=20, choices=Status.choices, default=Status.EVALUATED
    )
    note_th = models.TextField(_("หมายเหตุ"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-be_year"]
        verbose_name = _("ปีงบประมาณ")
        verbose_name_plural = _("ปีงบประมาณ")

    def __str__(self) -> str:
        return f"ปีงบประมาณ พ.ศ. {self.be_year}"

    def clean(self) -> None:
        if self.be_year is not None and not 2500 <= self.be_year <= 2700:
            raise ValidationError({"be_year": _("ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2566")})

    def save(self, *args: object, **kwargs: object) -> None:
        self.start_date, self.end_date = fiscal_year_bounds(self.be_year)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_monitoring_only(self) -> bool:
        return self.evaluation_status == self.Status.MONITORING_ONLY


class Round(models.Model):
    class Number(models.IntegerChoices):
        SIX_MONTHS = 1, _("รอบที่ 1 (6 เดือน)")
        TWELVE_MONTHS = 2, _("รอบที่ 2 (12 เดือน)")

    fiscal_year = models.ForeignKey(FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("รอบ"), choices=Number.choices)
    start_date = models.DateField(_("วันเริ่มต้น"))
    end_date = models.DateField(_("วันสิ้นสุด"))
    printed_period_th = models.CharField(
        _("ช่วงเวลาตามที่พิมพ์ในเกณฑ์"), max_length=100, blank=True, help_text=_("เช่น 1 เม.ย. - 30 ก.ย.")
    )
    entry_deadline = models.DateField(_("กำหนดส่งผลการดำเนินงาน"), null=True, blank=True)
    is_open = models.BooleanField(_("เปิดรับรายงานผล"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year__be_year", "number"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "number"], name="uniq_round_per_year")]
        verbose_name = _("รอบการประเมิน")
        verbose_name_plural = _("รอบการประเมิน")

    def __str__(self) -> str:
        return f"{self.get_number_display()} ปีงบประมาณ พ.ศ. {self.fiscal_year.be_year}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = str(_("วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"))
        if self.fiscal_year_id and self.start_date and self.end_date:
            fy_start, fy_end = fiscal_year_bounds(self.fiscal_year.be_year)
            if self.start_date < fy_start or self.end_date > fy_end:
                errors["end_date"] = str(_("ช่วงเวลาของรอบต้องอยู่ในปีงบประมาณ"))
        if self.entry_deadline and self.start_date and self.entry_deadline < self.start_date:
            errors["entry_deadline"] = str(_("กำหนดส่งต้องไม่ก่อนวันเริ่มต้นของรอบ"))
        if errors:
            raise ValidationError(errors)


class UnitEntryWindow(models.Model):
    """Entry of one round opened for one unit until a date, whether or not the round itself is open.

    An extension for a single unit without reopening the round for everyone; the demo units get one so that the
    quick start can be tried without changing the real round (STYLE.md practice 19).
    """

    round = models.ForeignKey(Round, verbose_name=_("รอบ"), on_delete=models.CASCADE, related_name="unit_windows")
    org_unit = models.ForeignKey(
        "indicators.OrgUnit", verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="entry_windows"
    )
    until = models.DateField(_("เปิดรับรายงานผลถึงวันที่"))
    reason_th = models.CharField(_("เหตุผล"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("ข้อมูลสาธิต"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "org_unit"]
        constraints = [models.UniqueConstraint(fields=["round", "org_unit"], name="uniq_entry_window_per_unit_round")]
        verbose_name = _("การเปิดรับรายงานผลเฉพาะหน่วยงาน")
        verbose_name_plural = _("การเปิดรับรายงานผลเฉพาะหน่วยงาน")

    def __str__(self) -> str:
        return f"{self.round} — {self.org_unit} ถึง {self.until.day}/{self.until.month}/{self.until.year + BE_OFFSET}"
