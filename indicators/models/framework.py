"""Frameworks, assignments, criteria per round and provincial targets (DOMAIN.md §1.8, §3.1, §4, §5.3, §9.4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models.calendar import FiscalYear
from indicators.models.catalog import IndicatorDefinition, SourceCategory
from indicators.models.org import OrgUnit, Person, Province, UnitType


class Component(models.TextChoices):
    PERFORMANCE = "performance", _("การประเมินประสิทธิผลการดำเนินงาน (Performance Base)")
    POTENTIAL = "potential", _("การประเมินศักยภาพในการดำเนินงาน (Potential Base)")


class Scale(models.TextChoices):
    FIVE_LEVEL = "five_level", _("คะแนนตามระดับค่าเป้าหมาย 1–5")
    THREE_LEVEL = "three_level", _("เป้าหมาย 50 / 75 / 100")


class Framework(models.Model):
    """The set of indicators, weights and criteria that applies to some org units (or unit types) in a year."""

    class Level(models.TextChoices):
        DEPARTMENT = "department", _("ระดับกรม")
        DIVISION = "division", _("ระดับกองและเทียบเท่า")
        GROUP = "group", _("ระดับกลุ่ม/ฝ่าย")
        FIELD_UNIT = "field_unit", _("ระดับหน่วยงาน")

    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        APPROVED = "approved", _("อนุมัติแล้ว")

    fiscal_year = models.ForeignKey(FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="frameworks")
    number = models.PositiveIntegerField(_("กรอบที่"), null=True, blank=True)
    name_th = models.CharField(_("ชื่อกรอบตัวชี้วัด"), max_length=400)
    level = models.CharField(_("ระดับ"), max_length=20, choices=Level.choices)
    scale = models.CharField(_("มาตรวัดคะแนน"), max_length=20, choices=Scale.choices, default=Scale.FIVE_LEVEL)
    org_units = models.ManyToManyField(OrgUnit, verbose_name=_("หน่วยงานที่ใช้กรอบนี้"), blank=True, related_name="frameworks")
    unit_types = models.ManyToManyField(
        UnitType, verbose_name=_("ประเภทหน่วยงานที่ใช้กรอบนี้"), blank=True, related_name="frameworks"
    )
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # An approved framework changes only through indicators/services/frameworks.py: reopened to draft while the
    # year has no results for it, else amended (status stays approved, the amendment is open until re-approval).
    # The services set these two; they are in no admin form.
    amendment_started_at = models.DateTimeField(_("เริ่มแก้ไขเพิ่มเติมเมื่อ"), null=True, blank=True)
    amendment_reason_th = models.TextField(_("เหตุผลของการแก้ไขเพิ่มเติม"), blank=True)
    fallback_reviewer = models.ForeignKey(
        Person, verbose_name=_("ผู้พิจารณาผลแทน"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="fallback_frameworks",
        limit_choices_to={"role__in": [Person.Role.SUPERVISOR, Person.Role.ADMIN]},
        help_text=_(
            "รับผลของตัวชี้วัดที่ยังไม่มีผู้กำกับดูแลตัวชี้วัด (พิจารณาอนุมัติหรือส่งกลับแก้ไข และได้รับอีเมลแจ้ง) "
            "เว้นว่าง = ผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)"
        ),
    )
    enforce_component_split = models.BooleanField(
        _("ตรวจสัดส่วน Performance 70 / Potential 30"), default=True
    )
    performance_weight = models.DecimalField(_("น้ำหนัก Performance Base"), max_digits=6, decimal_places=2, default=Decimal(70))
    potential_weight = models.DecimalField(_("น้ำหนัก Potential Base"), max_digits=6, decimal_places=2, default=Decimal(30))
    notes_th = models.TextField(_("หมายเหตุ"), blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("คัดลอกจาก"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    is_demo = models.BooleanField(_("ข้อมูลสาธิต"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year__be_year", "level", "number", "name_th"]
        verbose_name = _("กรอบตัวชี้วัด")
        verbose_name_plural = _("กรอบตัวชี้วัด")

    def __str__(self) -> str:
        prefix = f"{self.number}) " if self.number else ""
        return f"{prefix}{self.name_th} ({self.fiscal_year.be_year})"

    def clean(self) -> None:
        # Approval is checked by services.frameworks.framework_approve(), the only way to approve a framework.
        if self.performance_weight + self.potential_weight != 100:
            raise ValidationError(_("น้ำหนัก Performance Base และ Potential Base ต้องรวมกันได้ 100"))

    @property
    def is_amending(self) -> bool:
        """Approved, with an amendment open: editable until it is approved again."""
        return self.status == self.Status.APPROVED and self.amendment_started_at is not None

    @property
    def is_locked(self) -> bool:
        """Approved and not being amended: nothing of it may change (admin read-only)."""
        return self.status == self.Status.APPROVED and self.amendment_started_at is None

    @property
    def state_label(self) -> str:
        if self.is_amending:
            return str(_("อนุมัติแล้ว — อยู่ระหว่างแก้ไขเพิ่มเติม"))
        return str(self.get_status_display())


class Assignment(models.Model):
    """An indicator placed in a framework, with its number, component, weight and (optional) own criteria."""

    framework = models.ForeignKey(Framework, verbose_name=_("กรอบตัวชี้วัด"), on_delete=models.CASCADE, related_name="assignments")
    definition = models.ForeignKey(
        IndicatorDefinition, verbose_name=_("ตัวชี้วัด"), on_delete=models.PROTECT, related_name="assignments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ตัวชี้วัดหลัก"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text=_("ตัวชี้วัดย่อย: น้ำหนักของตัวชี้วัดย่อยรวมกันต้องเท่ากับน้ำหนักของตัวชี้วัดหลัก"),
    )
    number = models.CharField(_("ตัวชี้วัดที่"), max_length=20, blank=True, help_text=_("เช่น 3 หรือ 3.1"))
    order = models.PositiveIntegerField(_("ลำดับ"), default=0)
    component = models.CharField(_("องค์ประกอบ"), max_length=20, choices=Component.choices)
    weight = models.DecimalField(
        _("น้ำหนัก (ร้อยละ)"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("เว้นว่างได้เฉพาะกรอบที่ยังเป็นร่าง (เช่น กรอบระดับหน่วยงานที่คู่มือไม่ได้กำหนดน้ำหนัก)"),
    )
    source_category = models.CharField(_("ที่มาของตัวชี้วัด"), max_length=30, choices=SourceCategory.choices, blank=True)
    source_detail_th = models.CharField(_("รายละเอียดที่มา"), max_length=300, blank=True)
    responsible_units = models.ManyToManyField(OrgUnit, verbose_name=_("ผู้รับผิดชอบ"), blank=True, related_name="responsible_for")
    responsible_text_th = models.CharField(_("ผู้รับผิดชอบ (ตามที่พิมพ์)"), max_length=300, blank=True)
    applies_to_unit_types = models.ManyToManyField(
        UnitType, verbose_name=_("ใช้กับประเภทหน่วยงาน"), blank=True, related_name="assignments",
        help_text=_("เว้นว่าง = ใช้กับทุกหน่วยงานในกรอบ"),
    )
    supervisor = models.ForeignKey(
        Person, verbose_name=_("ผู้กำกับดูแลตัวชี้วัด"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supervised_assignments",
    )
    collectors = models.ManyToManyField(Person, verbose_name=_("ผู้จัดเก็บข้อมูล"), blank=True, related_name="collected_assignments")
    plan_issue_th = models.TextField(
        _("แผนปฏิบัติราชการกรม เรื่อง/ประเด็นยุทธศาสตร์กอง"), blank=True,
        help_text=_("คอลัมน์แรกของตารางสรุปตัวชี้วัดและเอกสารแนบท้ายการประเมินฯ (ภาคผนวก 1)"),
    )
    goal_th = models.TextField(_("เป้าประสงค์"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order", "number"]
        verbose_name = _("ตัวชี้วัดในกรอบ")
        verbose_name_plural = _("ตัวชี้วัดในกรอบ")

    def __str__(self) -> str:
        number = f"{self.number} " if self.number else ""
        return f"{number}{self.definition.name_th[:80]}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.weight is not None and self.weight < 0:
            errors["weight"] = str(_("น้ำหนักต้องไม่ติดลบ"))
        if self.weight is not None and self.weight > 100:
            errors["weight"] = str(_("น้ำหนักต้องไม่เกิน 100"))
        if self.framework_id and self.definition_id and self.definition.fiscal_year_id != self.framework.fiscal_year_id:
            errors["definition"] = str(_("ตัวชี้วัดต้องอยู่ในปีงบประมาณเดียวกับกรอบตัวชี้วัด"))
        if self.parent_id:
            if self.parent_id == self.pk:
                errors["parent"] = str(_("ตัวชี้วัดเป็นตัวชี้วัดย่อยของตัวเองไม่ได้"))
            elif self.parent.framework_id != self.framework_id:
                errors["parent"] = str(_("ตัวชี้วัดหลักต้องอยู่ในกรอบเดียวกัน"))
            elif self.parent.component != self.component:
                errors["component"] = str(_("ตัวชี้วัดย่อยต้องอยู่ในองค์ประกอบเดียวกับตัวชี้วัดหลัก"))
        if errors:
            raise ValidationError(errors)

    def criteria_for(self, round_number: int) -> Criteria | None:
        """This assignment's own criteria for the round, else the definition's default criteria."""
        own = None
        default = None
        for criteria in self.definition.criteria.all():
            if criteria.round_number != round_number:
                continue
            if criteria.assignment_id == self.pk:
                own = criteria
            elif criteria.assignment_id is None:
                default = criteria
        if own is not None:
            return own
        # A default criteria of another scale (five-level) cannot score a three-level framework (department level).
        if default is not None and default.scale != self.framework.scale:
            return None
        return default


class Criteria(models.Model):
    """Scoring criteria of one round (เกณฑ์การประเมิน รอบที่ 1/2): the method plus its levels (CriteriaLevel)."""

    class Method(models.TextChoices):
        THREE_LEVEL = "three_level", _("เป้าหมาย 50 / 75 / 100")
        FIVE_LEVEL = "five_level", _("ค่าเป้าหมายระดับ 1–5")
        BANDS = "bands", _("ช่วงค่าในแต่ละระดับ")
        MILESTONES = "milestones", _("ขั้นตอน (Milestone)")
        COMPOSITE = "composite", _("ประกอบสองตัววัด (ความพึงพอใจ/ความไม่พึงพอใจ)")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("ค่ามากดี")
        LOWER = "lower", _("ค่าน้อยดี")

    class Combine(models.TextChoices):
        POLICY = "", _("ตามนโยบายการคิดคะแนน")
        MIN = "min", _("ระดับที่ต่ำกว่า")
        MEAN = "mean", _("ค่าเฉลี่ย")
        FIRST = "first", _("ใช้ตัววัดแรกเท่านั้น")

    definition = models.ForeignKey(IndicatorDefinition, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="criteria")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("เฉพาะตัวชี้วัดในกรอบ"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="own_criteria", help_text=_("เว้นว่าง = เกณฑ์มาตรฐานของตัวชี้วัด ใช้กับทุกกรอบ"),
    )
    round_number = models.PositiveSmallIntegerField(_("รอบ"), choices=[(1, _("รอบที่ 1 (6 เดือน)")), (2, _("รอบที่ 2 (12 เดือน)"))])
    method = models.CharField(_("วิธีคิดคะแนน"), max_length=20, choices=Method.choices)
    scale = models.CharField(_("มาตรวัด"), max_length=20, choices=Scale.choices, default=Scale.FIVE_LEVEL)
    direction = models.CharField(_("ทิศทาง"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    interpolate = models.BooleanField(
        _("เทียบบัญญัติไตรยางศ์ระหว่างระดับ"), null=True, blank=True,
        help_text=_("เว้นว่าง = ตามนโยบายการคิดคะแนนของปี; ไม่ = ให้คะแนนตามระดับที่ผ่าน (ขั้นบันได)"),
    )
    combine = models.CharField(_("การรวมสองตัววัด"), max_length=10, choices=Combine.choices, blank=True, default="")
    external = models.BooleanField(_("คะแนนจากระบบภายนอก"), default=False)
    level1_milestone_th = models.TextField(
        _("ระดับ 1 เป็นขั้นตอน"), blank=True, help_text=_("เช่น ทบทวน และยืนยันกลุ่มเป้าหมายครัวเรือนเปราะบาง")
    )
    part_names_th = models.JSONField(
        _("ชื่อตัววัด (ตัวชี้วัดประกอบ)"), default=list, blank=True,
        help_text=_('เช่น ["ร้อยละของระดับความพึงพอใจ", "ร้อยละของระดับความไม่พึงพอใจ"]'),
    )
    measure_th = models.CharField(_("สิ่งที่วัด"), max_length=300, blank=True)
    derivation_note_th = models.TextField(_("ที่มาของค่าเป้าหมาย"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["definition", "assignment", "round_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "round_number"], condition=models.Q(assignment__isnull=True),
                name="uniq_default_criteria_per_round",
            ),
            models.UniqueConstraint(
                fields=["assignment", "round_number"], condition=models.Q(assignment__isnull=False),
                name="uniq_assignment_criteria_per_round",
            ),
        ]
        verbose_name = _("เกณฑ์การประเมิน")
        verbose_name_plural = _("เกณฑ์การประเมิน")

    def __str__(self) -> str:
        scope = f" — {self.assignment.framework.name_th}" if self.assignment_id else ""
        return f"{self.get_round_number_display()} — {self.get_method_display()}{scope}"

    def clean(self) -> None:
        if self.assignment_id and self.definition_id and self.assignment.definition_id != self.definition_id:
            raise ValidationError({"assignment": _("ตัวชี้วัดในกรอบต้องเป็นตัวชี้วัดเดียวกัน")})
        if self.method == self.Method.THREE_LEVEL:
            self.scale = Scale.THREE_LEVEL
        elif self.method != self.Method.MILESTONES:
            self.scale = Scale.FIVE_LEVEL

    def to_spec(self) -> dict[str, Any]:
        """The scoring-engine spec built from the saved levels (see indicators/scoring.py)."""
        from indicators.criteria_spec import build_spec

        return build_spec(self, [level.as_row() for level in self.levels.all()])


class CriteriaLevel(models.Model):
    """One level cell of the criteria table: a threshold, a band, or milestone deliverables; or "-" (undefined)."""

    criteria = models.ForeignKey(Criteria, verbose_name=_("เกณฑ์"), on_delete=models.CASCADE, related_name="levels")
    part = models.PositiveSmallIntegerField(_("ตัววัดที่"), default=1, help_text=_("ตัวชี้วัดประกอบมีตัววัด 1 และ 2"))
    level = models.PositiveSmallIntegerField(_("ระดับ"), help_text=_("1–5 หรือ 50 / 75 / 100"))
    defined = models.BooleanField(_("กำหนดไว้"), default=True, help_text=_('ไม่ = พิมพ์เป็น "-" หรือ "..."'))
    threshold = models.DecimalField(_("ค่าเป้าหมาย"), max_digits=16, decimal_places=4, null=True, blank=True)
    band_min = models.DecimalField(_("ตั้งแต่"), max_digits=16, decimal_places=4, null=True, blank=True)
    band_min_inclusive = models.BooleanField(_("รวมค่าต่ำสุด"), default=True)
    band_max = models.DecimalField(_("ถึง"), max_digits=16, decimal_places=4, null=True, blank=True)
    band_max_inclusive = models.BooleanField(_("รวมค่าสูงสุด"), default=True)
    milestone_th = models.TextField(_("ขั้นตอน/ผลผลิต"), blank=True, help_text=_("ผลผลิตหลายรายการ: บรรทัดละหนึ่งรายการ"))
    printed_text_th = models.TextField(_("ข้อความตามที่พิมพ์"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criteria", "part", "level"]
        constraints = [models.UniqueConstraint(fields=["criteria", "part", "level"], name="uniq_criteria_level")]
        verbose_name = _("ระดับของเกณฑ์")
        verbose_name_plural = _("ระดับของเกณฑ์")

    def __str__(self) -> str:
        return f"ระดับ {self.level}"

    def as_row(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "level": self.level,
            "defined": self.defined,
            "threshold": self.threshold,
            "band_min": self.band_min,
            "band_min_inclusive": self.band_min_inclusive,
            "band_max": self.band_max,
            "band_max_inclusive": self.band_max_inclusive,
            "milestone_th": self.milestone_th,
        }


class ProvinceTarget(models.Model):
    """A province's household target for the year and the counts at each percentage level (§5.3)."""

    definition = models.ForeignKey(
        IndicatorDefinition, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="province_targets"
    )
    province = models.ForeignKey(Province, verbose_name=_("จังหวัด"), on_delete=models.PROTECT, related_name="targets")
    base_value = models.PositiveIntegerField(_("ผลการดำเนินการปีก่อน"))
    increase = models.PositiveIntegerField(_("เพิ่มขึ้น"))
    target = models.PositiveIntegerField(_("เป้าหมาย"))
    level_counts = models.JSONField(_("จำนวนตามร้อยละของเป้าหมาย"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["definition", "province__order"]
        constraints = [models.UniqueConstraint(fields=["definition", "province"], name="uniq_province_target")]
        verbose_name = _("เป้าหมายรายจังหวัด")
        verbose_name_plural = _("เป้าหมายรายจังหวัด")

    def __str__(self) -> str:
        return f"{self.province} {self.target:,}"

    def clean(self) -> None:
        if self.base_value is not None and self.increase is not None and self.target is not None:
            if self.base_value + self.increase != self.target:
                raise ValidationError({"target": _("เป้าหมายต้องเท่ากับผลการดำเนินการปีก่อนบวกส่วนที่เพิ่มขึ้น")})
        for key, count in (self.level_counts or {}).items():
            if not str(key).isdigit() or not isinstance(count, int) or count < 0:
                raise ValidationError({"level_counts": _("จำนวนตามร้อยละต้องอยู่ในรูป {\"20\": 2192, ...}")})
