"""Criteria specs of the worked examples, numbers exactly as printed in the documents (DOMAIN.md §4).

Shared by the scoring tests and benchmarks/bench_scoring.py; plain dicts, no Django.
"""

from __future__ import annotations

CAPABILITY_FY2564 = {"method": "three_level", "direction": "higher", "targets": ["13.16", "17.55", "21.94"]}
REINTEGRATION_FY2564 = {"method": "three_level", "direction": "higher", "targets": ["72.84", "74.97", "77.10"]}
RETURN_HOME_FY2564 = {"method": "three_level", "direction": "higher", "targets": ["73.77", "74.54", "75.31"]}
PMQA_FY2564 = {"method": "three_level", "direction": "higher", "targets": ["370", "407.02", "415.16"]}
CAPABILITY_FY2563 = {"method": "three_level", "direction": "higher", "targets": ["10.72", "12.05", "13.38"]}
MSDHS_2_1 = {"method": "three_level", "direction": "higher", "targets": [70, 80, 90]}
DISSATISFACTION_THREE = {"method": "three_level", "direction": "lower", "targets": [20, 15, 10]}

BCG = {"method": "five_level", "direction": "higher", "thresholds": ["43.19", "48.19", "53.19", "58.19", "63.19"]}
PMQA_R2 = {"method": "five_level", "direction": "higher", "thresholds": ["400", "424.92", "449.83", "454.33", "458.83"]}
PBO = {"method": "five_level", "direction": "higher", "thresholds": [10, 15, 20, 25, 30]}
ALERT = {"method": "five_level", "direction": "higher", "thresholds": [80, 85, 90, 95, 100]}
HOUSEHOLD_R2 = {"method": "five_level", "direction": "higher", "thresholds": [60, 70, 80, 90, 100]}
APHM_R2 = {"method": "five_level", "direction": "higher", "thresholds": [None, None, "73.04", None, "100"]}
HOUSEHOLD_R1 = {
    "method": "five_level",
    "direction": "higher",
    "thresholds": [None, 20, 30, 40, 50],
    "level1_milestone": "ทบทวน และยืนยันกลุ่มเป้าหมายครัวเรือนเปราะบาง",
}

PMQA_R1 = {
    "method": "milestones",
    "scale": "five_level",
    "steps": [
        ["คณะทำงานอำนวยการฯ พิจารณาหลักเกณฑ์ และกำหนดแนวทางการขับเคลื่อน PMQA 4.0"],
        None,
        ["มีรายงานผลการประเมินตนเอง PMQA 4.0 หมวด 1 - 7"],
        None,
        ["ส่งผลงานขอรับรางวัลภายในเวลาที่กำหนด"],
    ],
}
FY2564_INDICATOR_1 = {
    "method": "milestones",
    "scale": "three_level",
    "steps": [
        ["รายงานการวิเคราะห์กลุ่มเป้าหมาย และกำหนดแผนให้ความช่วยเหลือ", "ร้อยละ 80 ของกลุ่มเป้าหมายเข้าถึงบริการทางสังคม"],
        ["ร้อยละ 100 ของกลุ่มเป้าหมายเข้าถึงบริการทางสังคม"],
        ["ร้อยละ 100 ของกลุ่มเป้าหมายเข้าสู่กระบวนการจัดการรายกรณี", "การถอดบทเรียน และแผนการขับเคลื่อนระยะต่อไป"],
    ],
}
E_FORM_FY2564 = {
    "method": "milestones",
    "scale": "three_level",
    "steps": [["ยื่นคำขอเป็นกระดาษ ไม่ต้องเดินทาง"], ["ยื่นทางออนไลน์ ไม่มีเอกสารแนบ"], ["ยื่นออนไลน์ ปลอดภัย แนบเอกสารได้"]],
}

BUDGET_R1 = {
    "method": "bands",
    "bands": [
        {"level": 1, "min": "0", "max": "47.49"},
        {"level": 2, "min": "47.50", "max": "49.49"},
        {"level": 3, "min": "49.50", "max": "51.49"},
        {"level": 4, "min": "51.50", "max": "53.49"},
        {"level": 5, "min": "53.50", "max": None},
    ],
}
BUDGET_R2 = {
    "method": "bands",
    "bands": [
        {"level": 1, "min": "0", "max": "93.49"},
        {"level": 2, "min": "93.50", "max": "95.49"},
        {"level": 3, "min": "95.50", "max": "97.49"},
        {"level": 4, "min": "97.50", "max": "99.49"},
        {"level": 5, "min": "99.50", "max": "100"},
    ],
}
ITA_R2 = {
    "method": "bands",
    "bands": [
        {"level": 1, "min": None, "max": "55.00", "max_inclusive": False},
        {"level": 2, "min": "55.00", "max": "64.99"},
        {"level": 3, "min": "65.00", "max": "74.99"},
        {"level": 4, "min": "75.00", "max": "84.99"},
        {"level": 5, "min": "85.00", "max": "100"},
    ],
}
SATISFACTION = {
    "method": "bands",
    "bands": [
        {"level": 1, "min": None, "max": "70.00", "max_inclusive": False},
        {"level": 2, "min": "70.00", "max": "74.99"},
        {"level": 3, "min": "75.00", "max": "79.99"},
        {"level": 4, "min": "80.00", "max": "84.99"},
        {"level": 5, "min": "85.00", "max": None},
    ],
}
DISSATISFACTION = {
    "method": "bands",
    "bands": [
        {"level": 1, "min": "30.00", "min_inclusive": False, "max": None},
        {"level": 2, "min": "25.00", "max": "30.00"},
        {"level": 3, "min": "20.00", "max": "24.99"},
        {"level": 4, "min": "15.00", "max": "19.99"},
        {"level": 5, "min": None, "max": "15.00", "max_inclusive": False},
    ],
}
SATISFACTION_COMPOSITE = {"method": "composite", "parts": [SATISFACTION, DISSATISFACTION]}
