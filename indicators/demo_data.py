"""Demo units, users for every role and invented (but plausible) FY2566 round-1 results, all marked as demo.

Requires the FY2566 reference data (indicators.reference_data). Idempotent: existing demo rows are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators import scoring
from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    FiscalYear,
    Framework,
    OrgUnit,
    Person,
    Province,
    Result,
    Round,
    UnitType,
)
from indicators.services.frameworks import criteria_validate, framework_problems
from indicators.services.results import policy_for, result_save, result_score

FY = 2566


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    full_name: str
    role: str
    position: str
    unit_code: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "demo-admin-2566", "นางสาวสมศรี ใจดี (สาธิต)", Person.Role.ADMIN,
             "นักวิเคราะห์นโยบายและแผนชำนาญการ กลุ่มพัฒนาระบบบริหาร", "div-8", is_staff=True, is_superuser=True),
    DemoUser("director", "demo-director-2566", "นายประเสริฐ มั่นคง (สาธิต)", Person.Role.DIRECTOR,
             "ผู้อำนวยการกองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต", "div-3"),
    DemoUser("supervisor", "demo-supervisor-2566", "นางวันเพ็ญ รักงาน (สาธิต)", Person.Role.SUPERVISOR,
             "ผู้กำกับดูแลตัวชี้วัด กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต", "div-3"),
    DemoUser("staff_kks", "demo-staff-2566", "นายธนากร ตั้งใจ (สาธิต)", Person.Role.STAFF,
             "นักพัฒนาสังคมปฏิบัติการ กองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต", "div-3"),
    DemoUser("staff_shelter", "demo-shelter-2566", "นางสาวกมลา พากเพียร (สาธิต)", Person.Role.STAFF,
             "นักสังคมสงเคราะห์ชำนาญการ สถานคุ้มครองคนไร้ที่พึ่งทับทวน", "demo-shelter-thapthuan"),
]

# (code, name, unit type, province, supervising division)
DEMO_UNITS = [
    ("demo-shelter-thapthuan", "สถานคุ้มครองคนไร้ที่พึ่งทับทวน จังหวัดสระบุรี", "shelter", "สระบุรี", "div-3"),
    ("demo-shelter-wangthong", "สถานคุ้มครองคนไร้ที่พึ่งวังทอง จังหวัดพิษณุโลก", "shelter", "พิษณุโลก", "div-3"),
    ("demo-lifeskills-muakleck", "ศูนย์ส่งเสริมและพัฒนาทักษะชีวิตมวกเหล็ก จังหวัดสระบุรี", "life_skills", "สระบุรี", "div-3"),
    ("demo-settlement-phraphutthabat", "นิคมสร้างตนเองพระพุทธบาท จังหวัดสระบุรี", "settlement", "สระบุรี", "div-6"),
    ("demo-highland-chiangmai", "ศูนย์พัฒนาราษฎรบนพื้นที่สูงจังหวัดเชียงใหม่", "highland", "เชียงใหม่", "div-6"),
]

# OPEN-1: the manual gives no unit weights; these invented weights total 70/30 per unit type.
DEMO_UNIT_WEIGHTS: dict[str, dict[str, int]] = {
    "shelter": {"HOUSEHOLD": 30, "PMQA_KPI_IMPROVED": 20, "PMQA_KPI_REINTEGRATION": 20,
                "SATISFACTION": 10, "BUDGET": 10, "ENERGY": 5, "WASTE": 5},
    "life_skills": {"HOUSEHOLD": 30, "PMQA_KPI_IMPROVED": 20, "PMQA_KPI_REINTEGRATION": 20,
                    "SATISFACTION": 10, "BUDGET": 10, "WASTE": 10},
    "settlement": {"HOUSEHOLD": 35, "BCG": 35, "SATISFACTION": 10, "BUDGET": 10, "ENERGY": 5, "WASTE": 5},
    "highland": {"HOUSEHOLD": 70, "SATISFACTION": 10, "BUDGET": 10, "ENERGY": 5, "WASTE": 5},
}

# Invented thresholds for the two indicators whose FY2566 levels the manual leaves as "ร้อยละ..." (demo only).
DEMO_THRESHOLDS = {
    "PMQA_KPI_IMPROVED": {1: ["8.00", "10.00", "12.00", "14.00", "16.07"], 2: ["12.07", "14.07", "16.07", "18.07", "20.07"]},
    "PMQA_KPI_REINTEGRATION": {1: ["1.00", "1.50", "2.00", "2.50", "3.00"], 2: ["2.21", "3.21", "4.21", "5.21", "6.21"]},
}


# Document 003 prints only the blank form of the attachment "หน้าที่ เป้าประสงค์ และตัวชี้วัดของ ..." (appendix 1):
# it has no duties, plan issues or goals of any division. These are invented for กคส. (div-3) and marked (สาธิต);
# they are written only where the field is still empty, so text an admin entered is never overwritten.
DEMO_KKS_DUTIES = [
    "คุ้มครองสวัสดิภาพและพัฒนาคุณภาพชีวิตคนไร้ที่พึ่งและผู้ประสบปัญหาทางสังคม (สาธิต)",
    "พัฒนารูปแบบและมาตรฐานการให้บริการของสถานคุ้มครองคนไร้ที่พึ่งและศูนย์ส่งเสริมและพัฒนาทักษะชีวิต (สาธิต)",
    "ส่งเสริมการฟื้นฟูสมรรถภาพและการคืนสู่สังคมของกลุ่มเป้าหมาย (สาธิต)",
    "กำกับ ติดตาม และสนับสนุนการดำเนินงานของหน่วยงานในสังกัด (สาธิต)",
]
_DEMO_PLAN_VULNERABLE = (
    "แผนปฏิบัติราชการกรม เรื่องการพัฒนาคุณภาพชีวิตกลุ่มเปราะบาง (สาธิต)",
    "กลุ่มเปราะบางได้รับการคุ้มครองและพัฒนาคุณภาพชีวิตอย่างทั่วถึง (สาธิต)",
)
_DEMO_PLAN_REHAB = (
    "ประเด็นยุทธศาสตร์กอง: พัฒนาศักยภาพและการคืนสู่สังคมของกลุ่มเป้าหมาย (สาธิต)",
    "กลุ่มเป้าหมายมีสมรรถภาพดีขึ้นและกลับคืนสู่สังคมได้ (สาธิต)",
)
_DEMO_PLAN_ORG = (
    "แผนปฏิบัติราชการกรม เรื่องการพัฒนาองค์การสู่ระบบราชการ 4.0 (สาธิต)",
    "การบริหารจัดการมีประสิทธิภาพ โปร่งใส และตรวจสอบได้ (สาธิต)",
)
#: (plan issue, goal) by indicator code in the กคส. framework; the rest of its indicators get _DEMO_PLAN_ORG.
DEMO_KKS_PLAN = {
    "CORE": _DEMO_PLAN_VULNERABLE,
    "HOUSEHOLD": _DEMO_PLAN_VULNERABLE,
    "PMQA_KPI_IMPROVED": _DEMO_PLAN_REHAB,
    "PMQA_KPI_REINTEGRATION": _DEMO_PLAN_REHAB,
}


class DemoLoader:
    def __init__(self) -> None:
        self.year = FiscalYear.objects.get(be_year=FY)
        self.round1 = Round.objects.get(fiscal_year=self.year, number=1)
        self.lines: list[str] = []

    @transaction.atomic
    def load(self) -> list[str]:
        # Demo only: the real round-1 deadline passed in 2566, so entry stays open for 30 days from loading.
        self.round1.is_open = True
        self.round1.entry_deadline = timezone.localdate() + dt.timedelta(days=30)
        self.round1.save(update_fields=["is_open", "entry_deadline"])
        self._demo_criteria_for_unit_only_indicators()
        units = self._units()
        users = self._users()
        admin_user = users["admin"]
        self._supervisors(users["supervisor"])
        self._kks_agreement_attachment()
        self._kks_results(admin_user)
        self._shelter_results(admin_user, units["demo-shelter-thapthuan"])
        return self.lines

    def _demo_criteria_for_unit_only_indicators(self) -> None:
        for code, rounds in DEMO_THRESHOLDS.items():
            definition = self.year.indicator_definitions.get(code=code)
            for round_number, thresholds in rounds.items():
                criteria, created = Criteria.objects.get_or_create(
                    definition=definition, assignment=None, round_number=round_number,
                    defaults={"method": Criteria.Method.FIVE_LEVEL, "derivation_note_th":
                              "ค่าสาธิต: คู่มือปี 2566 พิมพ์เป็น \"ร้อยละ...\" ผู้ดูแลระบบต้องกำหนดค่าจริง"},
                )
                if created:
                    for level, value in enumerate(thresholds, start=1):
                        CriteriaLevel.objects.create(criteria=criteria, level=level, threshold=Decimal(value))
                    criteria_validate(criteria)
        for framework in Framework.objects.filter(fiscal_year=self.year, level=Framework.Level.DIVISION):
            if framework.status == Framework.Status.DRAFT and not framework_problems(framework):
                framework.status = Framework.Status.APPROVED
                framework.save(update_fields=["status"])

    def _units(self) -> dict[str, OrgUnit]:
        template = Framework.objects.get(fiscal_year=self.year, level=Framework.Level.FIELD_UNIT, number=None, is_demo=False)
        units = {}
        for code, name_th, type_code, province_name, division_code in DEMO_UNITS:
            unit_type = UnitType.objects.get(code=type_code)
            unit, _ = OrgUnit.objects.update_or_create(
                code=code,
                defaults={"kind": OrgUnit.Kind.FIELD_UNIT, "name_th": name_th, "unit_type": unit_type,
                          "province": Province.objects.get(name_th=province_name), "is_demo": True,
                          "parent": OrgUnit.objects.get(code="dsdw"),
                          "supervising_division": OrgUnit.objects.get(code=division_code)},
            )
            units[code] = unit
            self._unit_framework(unit, template)
        return units

    def _unit_framework(self, unit: OrgUnit, template: Framework) -> None:
        weights = DEMO_UNIT_WEIGHTS[unit.unit_type.code]  # type: ignore[union-attr]
        framework, created = Framework.objects.get_or_create(
            fiscal_year=self.year, level=Framework.Level.FIELD_UNIT, name_th=f"กรอบตัวชี้วัด{unit.name_th} (สาธิต)",
            defaults={"is_demo": True, "copied_from": template, "scale": "five_level",
                      "notes_th": "น้ำหนักสาธิต (คู่มือไม่ได้กำหนดน้ำหนักระดับหน่วยงาน, OPEN-1)"},
        )
        framework.org_units.set([unit])
        if not created:
            return
        sources = template.assignments.select_related("definition").prefetch_related("own_criteria__levels")
        number = 0
        for source in sources.order_by("order"):
            weight = weights.get(source.definition.code)
            if weight is None:
                continue
            number += 1
            assignment = Assignment.objects.create(
                framework=framework, definition=source.definition, number=str(number), order=number,
                component=source.component, weight=Decimal(weight), source_category=source.source_category,
                source_detail_th=source.source_detail_th,
            )
            for criteria in source.own_criteria.all():
                levels = list(criteria.levels.all())
                criteria.pk = None
                criteria._state.adding = True
                criteria.assignment = assignment
                criteria.save()
                for level in levels:
                    level.pk = None
                    level._state.adding = True
                    level.criteria = criteria
                    level.save()
        problems = framework_problems(framework)
        framework.status = Framework.Status.DRAFT if problems else Framework.Status.APPROVED
        framework.save(update_fields=["status"])
        if problems:
            self.lines.append(f"{framework.name_th}: " + "; ".join(problems))

    def _users(self) -> dict[str, Any]:
        user_model = get_user_model()
        users = {}
        for demo in DEMO_USERS:
            user = user_model.objects.filter(username=demo.username).first()
            if user is None:
                user = user_model(username=demo.username, is_staff=demo.is_staff, is_superuser=demo.is_superuser,
                                  email=f"{demo.username}@demo.dsdw.local")
                user.set_password(demo.password)
                user.save()
            unit = OrgUnit.objects.get(code=demo.unit_code)
            person, _ = Person.objects.update_or_create(
                user=user, defaults={"full_name": demo.full_name, "position": demo.position, "org_unit": unit,
                                     "role": demo.role, "phone": "0 2659 6000", "is_demo": True,
                                     "email": user.email},
            )
            if demo.role == Person.Role.STAFF:
                person.reporting_units.set([unit])
            users[demo.username] = user
        return users

    def _supervisors(self, supervisor_user: Any) -> None:
        person = supervisor_user.person
        kks = Framework.objects.get(fiscal_year=self.year, level=Framework.Level.DIVISION, number=3)
        Assignment.objects.filter(framework=kks, definition__code__in=["HOUSEHOLD", "BUDGET", "SATISFACTION"]).update(
            supervisor=person
        )
        Assignment.objects.filter(framework__is_demo=True, framework__fiscal_year=self.year).update(supervisor=person)

    def _kks_agreement_attachment(self) -> None:
        """Demo duties, plan issues and goals of กคส. for the agreement's attachment (empty fields only)."""
        OrgUnit.objects.filter(code="div-3", duties_th="").update(duties_th="\n".join(DEMO_KKS_DUTIES))
        kks = Framework.objects.get(fiscal_year=self.year, level=Framework.Level.DIVISION, number=3)
        for assignment in kks.assignments.filter(parent=None).select_related("definition"):
            plan, goal = DEMO_KKS_PLAN.get(assignment.definition.code, _DEMO_PLAN_ORG)
            changed = []
            if not assignment.plan_issue_th:
                assignment.plan_issue_th, changed = plan, [*changed, "plan_issue_th"]
            if not assignment.goal_th:
                assignment.goal_th, changed = goal, [*changed, "goal_th"]
            if changed:
                assignment.save(update_fields=changed)

    def _save(self, actor: Any, framework: Framework, unit: OrgUnit, code: str, values: dict[str, Any],
              milestones: list[dict[str, Any]] | None = None, submit: bool = False) -> Result | None:
        assignment = framework.assignments.filter(definition__code=code).first()
        if assignment is None:
            return None
        existing = Result.objects.filter(assignment=assignment, org_unit=unit, round=self.round1).first()
        if existing is not None:
            return existing
        values = {"as_of_date": dt.date(2023, 3, 31), **values}
        result = result_save(actor=actor, assignment=assignment, org_unit=unit, round=self.round1, values=values,
                             milestones=milestones, reason="ข้อมูลสาธิต", is_demo=True)
        if submit:  # straight to "submitted" without e-mailing anyone while the demo loads
            Result.objects.filter(pk=result.pk).update(
                status=Result.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=actor
            )
        return result

    def _kks_results(self, actor: Any) -> None:
        unit = OrgUnit.objects.get(code="div-3")
        framework = Framework.objects.get(fiscal_year=self.year, level=Framework.Level.DIVISION, number=3)
        narrative = {
            "actions_th": "1. ชี้แจงแนวทางการดำเนินงานให้หน่วยงานในสังกัด\n2. ติดตามผลการดำเนินงานรายเดือน",
            "supporting_factors_th": "1. ผู้บริหารให้ความสำคัญ\n2. มีระบบ MSO-Logbook สนับสนุนการบันทึกข้อมูล",
            "obstacles_th": "-",
            "evidence_th": "รายงานผลการเบิกจ่ายจากระบบ GFMS ณ วันที่ 31 มีนาคม 2566",
        }
        self._save(actor, framework, unit, "BUDGET", {"numerator": Decimal("51230450.00"),
                   "denominator": Decimal("101872300.00"), **narrative}, submit=True)
        self._save(actor, framework, unit, "HOUSEHOLD", {"level1_milestone_done": True, "value": Decimal("35.00"),
                   **narrative})
        self._save(actor, framework, unit, "SATISFACTION", {"value": Decimal("86.20"), "second_value": Decimal("12.00")},
                   submit=True)
        self._save(actor, framework, unit, "ITA", {}, milestones=[
            {"level": "1", "done": True, "done_on": dt.date(2022, 11, 15), "evidence_th": "คำสั่งแต่งตั้งคณะทำงาน ITA"},
            {"level": "2", "done": True, "done_on": dt.date(2022, 12, 20), "evidence_th": "รายงานการประชุม"},
            {"level": "3", "done": True, "done_on": dt.date(2023, 1, 31), "evidence_th": "แนวทางการขับเคลื่อน ITA"},
        ])
        self._save(actor, framework, unit, "PMQA40", {}, milestones=[
            {"level": "1", "done": True, "done_on": dt.date(2022, 12, 1)},
            {"level": "3", "done": True, "done_on": dt.date(2023, 3, 15)},
        ])
        self._save(actor, framework, unit, "ENERGY", {"value": Decimal("7.00")})
        self._save(actor, framework, unit, "WASTE", {"value": Decimal("9.50")})
        self._save(actor, framework, unit, "PMQA_KPI_IMPROVED", {"numerator": Decimal(120), "denominator": Decimal(800)})
        self._summary(unit, framework)

    def _shelter_results(self, actor: Any, unit: OrgUnit) -> None:
        framework = Framework.objects.get(org_units=unit, fiscal_year=self.year)
        self._save(actor, framework, unit, "PMQA_KPI_IMPROVED", {"numerator": Decimal(25), "denominator": Decimal(180)},
                   submit=True)
        self._save(actor, framework, unit, "PMQA_KPI_REINTEGRATION", {"numerator": Decimal(3), "denominator": Decimal(110)})
        self._save(actor, framework, unit, "BUDGET", {"value": Decimal("48.75")})
        self._save(actor, framework, unit, "HOUSEHOLD", {"level1_milestone_done": True, "numerator": Decimal(140),
                   "denominator": Decimal(420)})
        self._summary(unit, framework)

    def _summary(self, unit: OrgUnit, framework: Framework) -> None:
        policy = policy_for(self.round1)
        results = {
            r.assignment_id: r
            for r in Result.objects.filter(org_unit=unit, round=self.round1).select_related("assignment__definition", "round")
            .prefetch_related("milestones", "assignment__definition__criteria__levels")
        }
        items = []
        for assignment in framework.assignments.filter(parent=None).order_by("order"):
            result = results.get(assignment.pk)
            score = result_score(result, policy).score if result else None
            items.append((assignment.weight or 0, score))
        total = scoring.weighted_total(items, scale=framework.scale, policy=policy)
        self.lines.append(
            f"{unit.name_th} รอบที่ 1: รายงานแล้ว {len(results)} จาก {len(items)} ตัวชี้วัด, "
            f"คะแนนรวม {total.total_100} ({total.band.label_th})"
        )
