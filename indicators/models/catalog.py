"""Indicator definitions, versioned per fiscal year (DOMAIN.md §3.1-3.10, §6.5)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models.calendar import FiscalYear
from indicators.models.org import Person


class SourceCategory(models.TextChoices):
    """Controlled vocabulary of ที่มาของตัวชี้วัด (§3.6); the detail (e.g. resolution date) is free text."""

    DEPARTMENT = "department", _("ตัวชี้วัดกรม")
    MINISTRY_AND_DEPARTMENT = "ministry_department", _("ตัวชี้วัดกระทรวง พม. และตัวชี้วัดกรม")
    PMQA = "pmqa", _("ตัวชี้วัด PMQA และ PMQA 4.0")
    CABINET_RESOLUTION = "cabinet", _("มติคณะรัฐมนตรี")
    CORE_MISSION = "core_mission", _("ภารกิจหลักของกองและเทียบเท่า หรือนโยบายผู้บริหาร")
    JOINT = "joint", _("ภารกิจร่วมกันระหว่างกองและเทียบเท่า")
    FLAGSHIP = "flagship", _("Flagship Project / ข้อสั่งการ")
    FUNCTION = "function", _("Function KPI")
    AGENDA = "agenda", _("Agenda KPI")
    STRATEGIC = "strategic", _("Strategic KPI")
    REFORM = "reform", _("1 กรม 1 ปฏิรูป")
    OTHER = "other", _("อื่น ๆ")


class ExternalSystem(models.TextChoices):
    """Government systems whose scores DSDW enters rather than computes (DOMAIN.md §4.g)."""

    ENERGY = "energy_ereport", _("ระบบ e-report พลังงาน (สนพ.)")
    WASTE = "waste_ereport", _("ระบบ E-Report ขยะมูลฝอย (กรมควบคุมมลพิษ)")
    ITA = "ita", _("ระบบ ITAS (สำนักงาน ป.ป.ช.)")
    PMQA = "pmqa", _("ระบบสมัครรางวัลเลิศรัฐ (สำนักงาน ก.พ.ร.)")
    GFMS = "gfms", _("ระบบ GFMS")


class IndicatorDefinition(models.Model):
    """What an indicator measures in one fiscal year; never edited across years (copy forward instead)."""

    class UnitOfMeasure(models.TextChoices):
        PERCENT = "percent", _("ร้อยละ")
        COUNT = "count", _("จำนวน")
        SUCCESS_LEVEL = "success_level", _("ระดับความสำเร็จ")
        LEVEL = "level", _("ระดับ")
        SCORE_LEVEL = "score_level", _("ระดับคะแนน")
        POINTS = "points", _("คะแนน")

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("เชิงปริมาณ (จำนวน, ร้อยละ)")
        MILESTONE = "milestone", _("ขั้นตอนการทำงาน (Milestone)")
        BANDED = "banded", _("ช่วงค่า")
        COMPOSITE = "composite", _("ประกอบ (ความพึงพอใจและความไม่พึงพอใจ)")
        EXTERNAL = "external", _("คะแนนจากระบบภายนอก")
        MIXED = "mixed", _("ผสม (ขั้นตอนและเชิงปริมาณ)")
        MATURITY = "maturity", _("ระดับสถานะ")
        PLACEHOLDER = "placeholder", _("กลุ่มตัวชี้วัดที่หน่วยงานกำหนดเอง")

    ExternalSystem = ExternalSystem

    class Status(models.TextChoices):
        NEW = "new", _("ตัวชี้วัดใหม่")
        EXISTING = "existing", _("ตัวชี้วัดเดิม")

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="indicator_definitions"
    )
    code = models.SlugField(_("รหัสตัวชี้วัด"), max_length=60, help_text=_("รหัสคงที่ข้ามปี เช่น BUDGET, ITA"))
    name_th = models.TextField(_("ชื่อตัวชี้วัด"))
    name_variants = models.JSONField(_("ชื่ออื่นที่พบในเอกสาร"), default=list, blank=True)
    label_suffix = models.CharField(
        _("ป้ายกำกับท้ายชื่อ"), max_length=100, blank=True, help_text=_("เช่น (Agenda KPI), (1 กรม 1 ปฏิรูป)")
    )
    unit_of_measure = models.CharField(_("หน่วยวัด"), max_length=20, choices=UnitOfMeasure.choices)
    kind = models.CharField(_("ประเภทตัวชี้วัด"), max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE)
    status = models.CharField(_("สถานะตัวชี้วัด"), max_length=10, choices=Status.choices, blank=True)
    mandatory = models.BooleanField(_("ตัวชี้วัดบังคับ"), default=False)
    source_category = models.CharField(
        _("ที่มาของตัวชี้วัด"), max_length=30, choices=SourceCategory.choices, blank=True
    )
    source_detail_th = models.CharField(_("รายละเอียดที่มา"), max_length=300, blank=True)
    description_th = models.TextField(_("คำอธิบาย"), blank=True)
    breakdown_columns = models.JSONField(
        _("คอลัมน์รายละเอียดของตารางรายหน่วยงาน"), default=list, blank=True,
        help_text=_('หัวคอลัมน์เพิ่มเติมของตารางสถิติรายหน่วยงาน เช่น [{"key": "returned_to_family", "label_th": "กลับคืนสู่ครอบครัว"}]'),
    )
    unit_table_title_th = models.CharField(
        _("หัวข้อตารางสถิติรายหน่วยงาน"), max_length=300, blank=True,
        help_text=_("เช่น สถิติกลุ่มเป้าหมายที่ได้รับการพัฒนาศักยภาพและมีสมรรถภาพที่ดีขึ้น (เล่มรายงานผลประจำปี)"),
    )
    scope_th = models.TextField(_("ขอบเขตการประเมิน"), blank=True)
    formula_numerator_th = models.TextField(_("ตัวตั้ง (สูตรการคำนวณ)"), blank=True)
    formula_denominator_th = models.TextField(_("ตัวหาร (สูตรการคำนวณ)"), blank=True)
    formula_multiplier = models.DecimalField(_("ตัวคูณ"), max_digits=8, decimal_places=2, default=100)
    conditions_th = models.TextField(_("เงื่อนไข"), blank=True)
    data_source_th = models.TextField(_("แหล่งข้อมูล"), blank=True)
    collection_method_th = models.TextField(_("วิธีการจัดเก็บข้อมูล"), blank=True)
    benefit_th = models.TextField(_("ประโยชน์ที่ประชาชนจะได้รับ"), blank=True)
    external_system = models.CharField(
        _("ระบบภายนอกที่ให้คะแนน"), max_length=20, choices=ExternalSystem.choices, blank=True, default=""
    )
    supervisor = models.ForeignKey(
        Person,
        verbose_name=_("ผู้กำกับดูแลตัวชี้วัด"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_definitions",
    )
    data_collectors = models.ManyToManyField(
        Person, verbose_name=_("ผู้จัดเก็บข้อมูล"), blank=True, related_name="collected_definitions"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ตัวชี้วัดหลัก"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sub_indicators",
        help_text=_("สำหรับตัวชี้วัดย่อย เช่น 3.1 ภายใต้ตัวชี้วัดที่ 3"),
    )
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("ฉบับปีก่อน"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
    )
    history = HistoricalRecords(excluded_fields=["description_th"])

    class Meta:
        ordering = ["-fiscal_year__be_year", "code"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "code"], name="uniq_definition_code_per_year")]
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")

    def __str__(self) -> str:
        name = self.name_th if len(self.name_th) <= 90 else self.name_th[:88] + "…"
        return f"{name} ({self.fiscal_year.be_year})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = str(_("ตัวชี้วัดเป็นตัวชี้วัดย่อยของตัวเองไม่ได้"))
        if self.parent_id and self.fiscal_year_id and self.parent.fiscal_year_id != self.fiscal_year_id:
            errors["parent"] = str(_("ตัวชี้วัดหลักต้องอยู่ในปีงบประมาณเดียวกัน"))
        if bool(self.formula_numerator_th) != bool(self.formula_denominator_th):
            errors["formula_denominator_th"] = str(_("สูตรการคำนวณต้องระบุทั้งตัวตั้งและตัวหาร"))
        if self.formula_multiplier is not None and self.formula_multiplier <= 0:
            errors["formula_multiplier"] = str(_("ตัวคูณต้องมากกว่าศูนย์"))
        if errors:
            raise ValidationError(errors)

    @property
    def has_formula(self) -> bool:
        return bool(self.formula_numerator_th and self.formula_denominator_th)


class StrategicLink(models.Model):
    """A typed link from an indicator to the national strategy, master plan, policy ... (§3.10)."""

    class Kind(models.TextChoices):
        NATIONAL_STRATEGY = "national_strategy", _("ยุทธศาสตร์ชาติ")
        MASTER_PLAN = "master_plan", _("แผนแม่บทภายใต้ยุทธศาสตร์ชาติ")
        NESDP = "nesdp", _("แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ")
        REFORM_PLAN = "reform_plan", _("แผนการปฏิรูปประเทศ")
        GOVERNMENT_POLICY = "government_policy", _("นโยบายรัฐบาล")
        MINISTRY_KPI = "ministry_kpi", _("Strategic/Proxy KPI ของกระทรวง")
        MINISTRY_PLAN = "ministry_plan", _("แผนปฏิบัติการกระทรวง พม.")
        CABINET_RESOLUTION = "cabinet_resolution", _("มติคณะรัฐมนตรี")
        OTHER = "other", _("อื่น ๆ")

    definition = models.ForeignKey(
        IndicatorDefinition, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="strategic_links"
    )
    kind = models.CharField(_("ประเภท"), max_length=30, choices=Kind.choices)
    text_th = models.TextField(_("ข้อความ"))
    order = models.PositiveIntegerField(_("ลำดับ"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("ความเชื่อมโยงกับยุทธศาสตร์")
        verbose_name_plural = _("ความเชื่อมโยงกับยุทธศาสตร์")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text_th[:60]}"


class Baseline(models.Model):
    """One year of baseline data: a value, optionally with numerator/denominator, or text such as "n/a" (§3.9)."""

    definition = models.ForeignKey(
        IndicatorDefinition, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="baselines"
    )
    year_be = models.PositiveIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    value = models.DecimalField(_("ค่า"), max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("ตัวตั้ง"), max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("ตัวหาร"), max_digits=16, decimal_places=4, null=True, blank=True)
    text_th = models.CharField(_("ข้อความ"), max_length=500, blank=True, help_text=_("เช่น n/a, ไม่มีการประเมินผล"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["year_be"]
        constraints = [models.UniqueConstraint(fields=["definition", "year_be"], name="uniq_baseline_year")]
        verbose_name = _("ข้อมูลพื้นฐาน")
        verbose_name_plural = _("ข้อมูลพื้นฐาน")

    def __str__(self) -> str:
        shown = self.text_th or (f"{self.value}" if self.value is not None else "-")
        return f"{self.year_be}: {shown}"

    def clean(self) -> None:
        if self.value is None and not self.text_th and self.numerator is None:
            raise ValidationError(_("ข้อมูลพื้นฐานต้องมีค่า ตัวตั้ง/ตัวหาร หรือข้อความอย่างใดอย่างหนึ่ง"))
        if self.denominator is not None and self.denominator <= 0:
            raise ValidationError({"denominator": _("ตัวหารต้องมากกว่าศูนย์")})
        if (self.numerator is None) != (self.denominator is None):
            raise ValidationError({"denominator": _("ต้องระบุทั้งตัวตั้งและตัวหาร")})
