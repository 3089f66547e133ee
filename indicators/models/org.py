"""Organisations and people (DOMAIN.md §1)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Province(models.Model):
    """The 76 provinces and Bangkok (DOMAIN.md §1.5); the key of provincial targets and results."""

    code = models.CharField(_("รหัส"), max_length=10, unique=True)
    name_th = models.CharField(_("ชื่อจังหวัด"), max_length=100, unique=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100, blank=True)
    is_bangkok = models.BooleanField(_("กรุงเทพมหานคร"), default=False)
    order = models.PositiveIntegerField(_("ลำดับ"), default=0)

    class Meta:
        ordering = ["order", "name_th"]
        verbose_name = _("จังหวัด")
        verbose_name_plural = _("จังหวัด")

    def __str__(self) -> str:
        return self.name_th


class UnitType(models.Model):
    """A type of field unit (shelter, settlement, ...) that decides which unit-level indicators apply (§1.4)."""

    code = models.SlugField(_("รหัส"), max_length=40, unique=True)
    name_th = models.CharField(_("ประเภทหน่วยงาน"), max_length=200, unique=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)
    description_th = models.TextField(_("คำอธิบาย"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("ประเภทหน่วยงาน")
        verbose_name_plural = _("ประเภทหน่วยงาน")

    def __str__(self) -> str:
        return self.name_th


class OrgUnit(models.Model):
    """One node of the organisation tree: the department, a division, a group, a field unit or a province."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("กระทรวง")
        DEPARTMENT = "department", _("กรม")
        DIVISION = "division", _("กองและเทียบเท่า")
        GROUP = "group", _("กลุ่ม/ฝ่าย")
        FIELD_UNIT = "field_unit", _("หน่วยงาน")
        PROVINCE = "province", _("จังหวัด (หน่วยรายงาน)")
        EXTERNAL = "external", _("หน่วยงานภายนอก (อ้างอิง)")

    code = models.SlugField(_("รหัส"), max_length=60, unique=True)
    kind = models.CharField(_("ระดับ"), max_length=20, choices=Kind.choices, db_index=True)
    name_th = models.CharField(_("ชื่อหน่วยงาน"), max_length=300)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=300, blank=True)
    abbreviation = models.CharField(_("ชื่อย่อ"), max_length=40, blank=True)
    name_variants = models.JSONField(_("ชื่ออื่นที่พบในเอกสาร"), default=list, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("สังกัด"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    supervising_division = models.ForeignKey(
        "self",
        verbose_name=_("กองที่กำกับดูแล"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_units",
        limit_choices_to={"kind": "division"},
    )
    unit_type = models.ForeignKey(
        UnitType, verbose_name=_("ประเภทหน่วยงาน"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    province = models.ForeignKey(
        Province, verbose_name=_("จังหวัด"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    valid_from_fy = models.PositiveIntegerField(_("ใช้ตั้งแต่ปีงบประมาณ (พ.ศ.)"), null=True, blank=True)
    valid_to_fy = models.PositiveIntegerField(_("ใช้ถึงปีงบประมาณ (พ.ศ.)"), null=True, blank=True)
    duties_th = models.TextField(
        _("หน้าที่"), blank=True, help_text=_("หน้าที่ของหน่วยงาน บรรทัดละหนึ่งข้อ (เอกสารแนบท้ายการประเมินฯ ภาคผนวก 1)")
    )
    is_demo = models.BooleanField(_("ข้อมูลสาธิต"), default=False)
    order = models.PositiveIntegerField(_("ลำดับ"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order", "name_th"]
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")

    def __str__(self) -> str:
        return f"{self.name_th} ({self.abbreviation})" if self.abbreviation else self.name_th

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.FIELD_UNIT and self.unit_type_id is None:
            errors["unit_type"] = str(_("หน่วยงานภาคสนามต้องระบุประเภทหน่วยงาน"))
        if self.kind == self.Kind.PROVINCE and self.province_id is None:
            errors["province"] = str(_("หน่วยรายงานระดับจังหวัดต้องระบุจังหวัด"))
        if self.valid_from_fy and self.valid_to_fy and self.valid_to_fy < self.valid_from_fy:
            errors["valid_to_fy"] = str(_("ปีงบประมาณสิ้นสุดต้องไม่ก่อนปีงบประมาณเริ่มต้น"))
        if self.pk and self.parent_id == self.pk:
            errors["parent"] = str(_("หน่วยงานสังกัดตัวเองไม่ได้"))
        if errors:
            raise ValidationError(errors)

    def is_valid_in(self, fiscal_year_be: int) -> bool:
        """True if the unit exists in that fiscal year (units are re-organised over time, §1.4)."""
        if self.valid_from_fy and fiscal_year_be < self.valid_from_fy:
            return False
        return not (self.valid_to_fy and fiscal_year_be > self.valid_to_fy)


class Person(models.Model):
    """A person named in the documents or a user of the system, with role and contact."""

    class Role(models.TextChoices):
        STAFF = "staff", _("เจ้าหน้าที่ผู้รายงานผล")
        SUPERVISOR = "supervisor", _("ผู้กำกับดูแลตัวชี้วัด")
        ADMIN = "admin", _("ผู้ดูแลระบบ (กลุ่มพัฒนาระบบบริหาร)")
        DIRECTOR = "director", _("ผู้บริหาร")
        CONTACT = "contact", _("ผู้ติดต่อ (ไม่มีบัญชีผู้ใช้)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("บัญชีผู้ใช้"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    full_name = models.CharField(_("ชื่อ-สกุล"), max_length=200)
    position = models.CharField(_("ตำแหน่ง"), max_length=300, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("สังกัด"), null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    reporting_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("หน่วยงานที่รายงานผล"), blank=True, related_name="reporters"
    )
    phone = models.CharField(_("โทรศัพท์"), max_length=100, blank=True, help_text=_("เช่น 0 2659 6135"))
    email = models.EmailField(_("อีเมล"), blank=True)
    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices, default=Role.CONTACT)
    is_demo = models.BooleanField(_("ข้อมูลสาธิต"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("บุคลากร")
        verbose_name_plural = _("บุคลากร")

    def __str__(self) -> str:
        return self.full_name
