"""What document 000 prints for FY2564: its indicators, the column heads of its per-unit tables, printed anomalies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indicators.models.catalog import SourceCategory

# (indicator id, stable definition code, kind, unit of measure, label suffix, source category)
DEFINITIONS = [
    ("1", "DB_SOCIAL_ACCESS", "milestone", "success_level", "(1 กรม 1 ปฏิรูป)", SourceCategory.REFORM),
    ("2", "OPM_VOLUNTEER", "milestone", "success_level", "(Agenda KPI)", SourceCategory.AGENDA),
    ("3", "PMQA_KPI", "quantitative", "percent", "(Function KPI)", SourceCategory.FUNCTION),
    ("3.1", "PMQA_KPI_IMPROVED", "quantitative", "percent", "", SourceCategory.FUNCTION),
    ("3.2", "PMQA_KPI_REINTEGRATION", "quantitative", "percent", "", SourceCategory.FUNCTION),
    ("4", "SHELTER_RETURN", "quantitative", "percent", "(Function KPI)", SourceCategory.FUNCTION),
    ("5", "GOV40", "milestone", "success_level", "", SourceCategory.PMQA),
    ("5.1", "EFORM_GRANT", "maturity", "success_level", "", SourceCategory.OTHER),
    ("5.2", "PMQA40", "external", "points", "", SourceCategory.PMQA),
]

# The per-unit tables as printed (column heads of 000; `group_th` spans the heads above the breakdown columns, `unit_th`
# is the counting unit the book prints after numerator/denominator pairs, e.g. "ร้อยละ 72.84 (295/405 คน)").
UNIT_TABLES: dict[str, dict[str, Any]] = {
    "3.1": {
        "numerator": "numerator_improved", "denominator": "denominator_assessed_2plus_irp",
        "columns": [
            {"key": "denominator", "label_th": "กลุ่มเป้าหมายที่ได้รับการพัฒนาศักยภาพตามแผนการฟื้นฟูและพัฒนาศักยภาพรายบุคคล และมีผลการประเมิน 2 ครั้งขึ้นไป (คน)",
             "unit_th": "คน"},
            {"key": "numerator", "label_th": "กลุ่มเป้าหมายที่มีสมรรถภาพดีขึ้น (คน)"},
            {"key": "improved_b_to_a", "label_th": "ยกระดับจาก B ไปเป็น A (คน)", "group_th": "สมรรถภาพดีขึ้นจำแนกเป็น"},
            {"key": "maintained_a", "label_th": "คงระดับสมรรถภาพ A (คน)", "group_th": "สมรรถภาพดีขึ้นจำแนกเป็น"},
        ],
    },
    "3.2": {
        "numerator": "numerator_reintegrated", "denominator": "denominator_group_a",
        "columns": [
            {"key": "denominator", "label_th": "กลุ่มเป้าหมายที่ได้รับการประเมินศักยภาพและมีคะแนนอยู่ในกลุ่ม A (คน)",
             "unit_th": "คน"},
            {"key": "numerator", "label_th": "กลุ่มเป้าหมายที่สามารถกลับคืนสู่สังคม (คน)"},
            {"key": "returned_to_family", "label_th": "กลับคืนสู่ครอบครัว (คน)", "group_th": "กลับคืนสู่สังคมจำแนกเป็น"},
            {"key": "employed_in_establishment", "label_th": "ทำงานในสถานประกอบการแบบประจำ (คน)",
             "group_th": "กลับคืนสู่สังคมจำแนกเป็น"},
        ],
    },
    "4": {
        "numerator": "numerator_total", "denominator": "denominator_service_users",
        "columns": [
            {"key": "denominator", "label_th": "กลุ่มเป้าหมายที่เข้ารับบริการภายใน", "unit_th": "คน"},
            {"key": "returned_family_community", "label_th": "ส่งกลับครอบครัว/ชุมชน", "group_th": "การส่งกลับคืนสู่สังคม"},
            {"key": "employed_in_establishment", "label_th": "ทำงานในสถานประกอบการ", "group_th": "การส่งกลับคืนสู่สังคม"},
            {"key": "numerator", "label_th": "รวม", "group_th": "การส่งกลับคืนสู่สังคม"},
            {"key": "percent", "label_th": "%"},
        ],
    },
}
# Province names printed differently from the province table: row 75 of table 4 prints "อุดรดิตถ์" (= อุตรดิตถ์);
# the FY2566 province table spells it the same way today, the alias covers a corrected province table.
PROVINCE_ALIASES = {"อุดรดิตถ์": "อุตรดิตถ์"}
ABOVE_DENOMINATOR_NOTE = "ตัวตั้ง ({numerator}) มากกว่าตัวหาร ({denominator}) ตามที่พิมพ์ในเอกสารต้นฉบับ"
PMQA_TABLE_TITLE = "คะแนน PMQA 4.0 (*100)"


@dataclass(frozen=True)
class FieldUnitSpec:
    code: str
    name_th: str
    variants: tuple[str, ...]
    unit_type_code: str
