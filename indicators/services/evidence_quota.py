"""How much evidence a result and a unit may hold (issue 9: ten 19 MB files on one result were accepted).

Called by services.results.evidence_add inside its transaction, after the result row is locked (SELECT ... FOR
UPDATE, which also locks the result's unit row): two uploads to one result, or to one unit, are counted one after
the other, so neither can slip past a limit the other already used up.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from indicators.models import EvidenceFile, Result

MB = 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / MB:,.1f}"


def evidence_usage(result: Result) -> tuple[int, int, int]:
    """(files on the result, their bytes, bytes of the result's unit in the result's fiscal year)."""
    on_result = EvidenceFile.objects.filter(result_id=result.pk).aggregate(count=Count("pk"), size=Sum("size"))
    on_unit = EvidenceFile.objects.filter(
        result__org_unit_id=result.org_unit_id, result__round__fiscal_year_id=result.round.fiscal_year_id,
    ).aggregate(size=Sum("size"))
    return on_result["count"], on_result["size"] or 0, on_unit["size"] or 0


def check_evidence_quota(result: Result, size: int) -> None:
    """Refuse a file of ``size`` bytes that would take the result or its unit's fiscal year over its limit; the
    Thai message names the limit and what is used already."""
    count, result_bytes, unit_bytes = evidence_usage(result)
    max_files = int(settings.EVIDENCE_RESULT_MAX_FILES)
    if count + 1 > max_files:
        raise ValidationError(
            _("แนบไฟล์ได้ไม่เกิน %(limit)s ไฟล์ต่อผลการดำเนินงานหนึ่งรายการ (แนบแล้ว %(count)s ไฟล์) "
              "กรุณาลบไฟล์ที่ไม่ใช้ก่อน หรือรวมหลายไฟล์เป็น PDF เดียว") % {"limit": f"{max_files:,}", "count": f"{count:,}"},
            code="quota_files")
    result_quota = int(settings.EVIDENCE_RESULT_QUOTA_BYTES)
    if result_bytes + size > result_quota:
        raise ValidationError(
            _("ไฟล์หลักฐานของผลการดำเนินงานนี้รวมกันได้ไม่เกิน %(limit)s MB: ใช้ไปแล้ว %(used)s MB "
              "ไฟล์นี้ %(size)s MB (เหลือ %(left)s MB)") % {
                "limit": _mb(result_quota), "used": _mb(result_bytes), "size": _mb(size),
                "left": _mb(max(result_quota - result_bytes, 0))},
            code="quota_result")
    unit_quota = int(settings.EVIDENCE_UNIT_QUOTA_BYTES)
    if unit_bytes + size > unit_quota:
        raise ValidationError(
            _("ไฟล์หลักฐานของ%(unit)s ในปีงบประมาณ พ.ศ. %(year)s รวมกันได้ไม่เกิน %(limit)s MB: ใช้ไปแล้ว %(used)s MB "
              "ไฟล์นี้ %(size)s MB (เหลือ %(left)s MB) กรุณาติดต่อผู้ดูแลระบบ") % {
                "unit": result.org_unit.name_th, "year": result.round.fiscal_year.be_year, "limit": _mb(unit_quota),
                "used": _mb(unit_bytes), "size": _mb(size), "left": _mb(max(unit_quota - unit_bytes, 0))},
            code="quota_unit")
