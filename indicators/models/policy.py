"""The per-fiscal-year scoring policy: every default of DOMAIN.md §12.1 as a switch."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators import scoring
from indicators.models.calendar import FiscalYear


class ScoringPolicy(models.Model):
    """Mirrors `scoring.ScoringPolicy`; field names are the engine's, so `to_engine()` is a plain copy.

    `allow_self_approval` is the one workflow switch here (maker ≠ checker, services.results.result_approve).
    """

    class BelowFloor(models.TextChoices):
        ZERO = "zero", _("ได้ 0 คะแนน (ค่าเริ่มต้น, OPEN-5)")
        ONE = "one", _("ได้ 1 คะแนน")
        EXTRAPOLATE = "extrapolate", _("เทียบบัญญัติไตรยางศ์ต่ำกว่าระดับ 1")

    class Combine(models.TextChoices):
        MIN = "min", _("ระดับที่ต่ำกว่าของสองตัววัด (ค่าเริ่มต้น, OPEN-12)")
        MEAN = "mean", _("ค่าเฉลี่ยของสองตัววัด")
        FIRST = "first", _("ใช้ความพึงพอใจเท่านั้น")

    class DivisionAverage(models.TextChoices):
        MEAN_OF_SCORES = "mean_of_scores", _("ค่าเฉลี่ยคะแนนรายจังหวัด (ค่าเริ่มต้น, OPEN-15)")
        MEAN_OF_PERCENTAGES = "mean_of_percentages", _("ค่าเฉลี่ยร้อยละรายจังหวัด แล้วคิดคะแนน")
        POOLED = "pooled", _("ผลรวมทุกจังหวัดหารเป้าหมายรวม")

    class FiveLevelTotal(models.TextChoices):
        PERCENT_OF_MAX = "percent_of_max", _("Σ(คะแนน × น้ำหนัก) / 5 (ค่าเริ่มต้น, OPEN-17)")
        OPDC_ANCHORED = "opdc_anchored", _("เทียบระดับ 1 = 50, 3 = 75, 5 = 100 แบบ ก.พ.ร.")

    fiscal_year = models.OneToOneField(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.CASCADE, related_name="scoring_policy"
    )
    percent_decimals = models.PositiveSmallIntegerField(_("ทศนิยมของร้อยละ"), default=2)
    round_percent_before_scoring = models.BooleanField(_("ปัดร้อยละก่อนคิดคะแนน"), default=True)
    score_decimals = models.PositiveSmallIntegerField(_("ทศนิยมของคะแนน"), default=4)
    interpolate = models.BooleanField(_("เทียบบัญญัติไตรยางศ์ระหว่างระดับ (OPEN-19)"), default=True)
    below_floor = models.CharField(_("ผลต่ำกว่าระดับ 1"), max_length=20, choices=BelowFloor.choices, default=BelowFloor.ZERO)
    milestone_cumulative = models.BooleanField(_("ขั้นตอนต้องผ่านตามลำดับ (OPEN-8)"), default=True)
    milestone_partial_credit = models.BooleanField(_("ให้คะแนนบางส่วนเมื่อผลผลิตของระดับไม่ครบ (OPEN-9)"), default=False)
    mixed_level1_interpolate = models.BooleanField(
        _("เทียบบัญญัติไตรยางศ์ระหว่างขั้นตอนระดับ 1 และค่าระดับ 2 (OPEN-10)"), default=False
    )
    band_round_value_first = models.BooleanField(_("ปัดผลก่อนเทียบช่วงค่า (OPEN-11)"), default=False)
    composite_combine = models.CharField(_("การรวมความพึงพอใจและความไม่พึงพอใจ"), max_length=10, choices=Combine.choices, default=Combine.MIN)
    external_interpolate = models.BooleanField(_("เทียบบัญญัติไตรยางศ์คะแนนจากระบบภายนอก (OPEN-14)"), default=False)
    division_average_method = models.CharField(
        _("การคิดคะแนนเฉลี่ยของกองจากคะแนนจังหวัด"), max_length=30, choices=DivisionAverage.choices,
        default=DivisionAverage.MEAN_OF_SCORES,
    )
    band_on_rounded_total = models.BooleanField(_("เทียบระดับผลการประเมินด้วยคะแนนที่ปัดแล้ว (OPEN-16)"), default=False)
    five_level_total = models.CharField(
        _("การแปลงคะแนน 1–5 เป็นคะแนนเต็ม 100"), max_length=20, choices=FiveLevelTotal.choices,
        default=FiveLevelTotal.PERCENT_OF_MAX,
    )
    band_quality_min = models.DecimalField(_("ระดับคุณภาพ ตั้งแต่"), max_digits=6, decimal_places=2, default=Decimal(90))
    band_standard_high_min = models.DecimalField(_("ระดับมาตรฐานขั้นสูง ตั้งแต่"), max_digits=6, decimal_places=2, default=Decimal(75))
    band_standard_basic_min = models.DecimalField(_("ระดับมาตรฐานขั้นต้น ตั้งแต่"), max_digits=6, decimal_places=2, default=Decimal(60))
    # A workflow rule, not a scoring rule: kept out of ENGINE_FIELDS, so the pure engine never sees it.
    allow_self_approval = models.BooleanField(
        _("อนุญาตให้ผู้ส่งผลอนุมัติผลที่ตนเองส่ง"), default=False,
        help_text=_("ปกติผู้อนุมัติต้องไม่ใช่ผู้ส่งผลการดำเนินงาน เปิดเฉพาะเมื่อปีนั้นมีผู้กำกับดูแลเพียงคนเดียว"),
    )
    history = HistoricalRecords()

    ENGINE_FIELDS = (
        "percent_decimals", "round_percent_before_scoring", "score_decimals", "interpolate", "below_floor",
        "milestone_cumulative", "milestone_partial_credit", "mixed_level1_interpolate", "band_round_value_first",
        "composite_combine", "external_interpolate", "division_average_method", "band_on_rounded_total",
        "five_level_total", "band_quality_min", "band_standard_high_min", "band_standard_basic_min",
    )

    class Meta:
        verbose_name = _("นโยบายการคิดคะแนน")
        verbose_name_plural = _("นโยบายการคิดคะแนน")

    def __str__(self) -> str:
        return f"นโยบายการคิดคะแนน ปีงบประมาณ พ.ศ. {self.fiscal_year.be_year}"

    def clean(self) -> None:
        if not (0 < self.band_standard_basic_min < self.band_standard_high_min < self.band_quality_min <= 100):
            raise ValidationError(_("เกณฑ์ระดับผลการประเมินต้องเรียงจากน้อยไปมาก และไม่เกิน 100"))
        if self.percent_decimals > 6 or self.score_decimals > 8:
            raise ValidationError(_("จำนวนทศนิยมมากเกินไป"))

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.ENGINE_FIELDS}

    def to_engine(self) -> scoring.ScoringPolicy:
        return scoring.ScoringPolicy.from_dict(self.as_dict())
