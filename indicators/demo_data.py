"""Demo data: demo units, users for every role, their own frameworks and invented FY2566 round-1 results.

The reference data (``load_reference_data``, ``load_fy2564``) is only read, never changed (STYLE.md practice 19):
every demo row is its own record, marked ``is_demo`` (units, people, frameworks, results, entry windows) or owned
by one (the assignments and criteria of a demo framework, the results of a demo unit). The demo units have names
no real unit has ("… (หน่วยงานสาธิต)"), hang under their own demo division, and report round 1 through an entry
window of their own while the real round stays as the reference data left it. ``remove_demo_data`` deletes it all
(``remove_demo_records`` below, plus the stored scores and report batches of the demo units).

Requires the FY2566 reference data. Idempotent: existing demo rows are kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, router, transaction
from django.db.models import Q, QuerySet
from django.db.models.deletion import Collector
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model, update_change_reason

from indicators import selectors
from indicators.models import (
    Assignment,
    Criteria,
    CriteriaLevel,
    EvidenceFile,
    ExternalScore,
    FiscalYear,
    Framework,
    OrgUnit,
    Person,
    Province,
    Result,
    Round,
    UnitEntryWindow,
    UnitType,
)
from indicators.services.frameworks import criteria_validate, framework_problems
from indicators.services.results import policy_for, result_save

FY = 2566
#: Demo accounts get an address under this domain; an account without it is never taken over or deleted.
DEMO_EMAIL_DOMAIN = "demo.dsdw.local"
#: Demo units list after every real unit of their kind (batches, pick lists).
DEMO_ORDER = 1000
DEMO_SUFFIX = "(หน่วยงานสาธิต)"

DEMO_DIVISION = "demo-division"
DEMO_DIVISION_NAME = f"กองสาธิตคุ้มครองสวัสดิภาพ {DEMO_SUFFIX}"
#: The real division framework the demo division's framework copies: 3) กองคุ้มครองสวัสดิภาพฯ (กคส.).
DEMO_DIVISION_SOURCE = 3
DEMO_SHELTER = "demo-shelter-1"

# (code, name, unit type, province); every demo field unit hangs under the demo division, which supervises it.
DEMO_UNITS = [
    (DEMO_SHELTER, f"สถานคุ้มครองคนไร้ที่พึ่งสาธิต 1 {DEMO_SUFFIX}", "shelter", "สระบุรี"),
    ("demo-shelter-2", f"สถานคุ้มครองคนไร้ที่พึ่งสาธิต 2 {DEMO_SUFFIX}", "shelter", "พิษณุโลก"),
    ("demo-life-skills", f"ศูนย์ส่งเสริมและพัฒนาทักษะชีวิตสาธิต {DEMO_SUFFIX}", "life_skills", "สระบุรี"),
    ("demo-settlement", f"นิคมสร้างตนเองสาธิต {DEMO_SUFFIX}", "settlement", "สระบุรี"),
    ("demo-highland", f"ศูนย์พัฒนาราษฎรบนพื้นที่สูงสาธิต {DEMO_SUFFIX}", "highland", "เชียงใหม่"),
]
DEMO_UNIT_CODES = [DEMO_DIVISION, *(code for code, *_rest in DEMO_UNITS)]


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
             "นักวิเคราะห์นโยบายและแผนชำนาญการ (ผู้ดูแลระบบสาธิต)", DEMO_DIVISION, is_staff=True, is_superuser=True),
    DemoUser("director", "demo-director-2566", "นายประเสริฐ มั่นคง (สาธิต)", Person.Role.DIRECTOR,
             f"ผู้อำนวยการ{DEMO_DIVISION_NAME}", DEMO_DIVISION),
    DemoUser("supervisor", "demo-supervisor-2566", "นางวันเพ็ญ รักงาน (สาธิต)", Person.Role.SUPERVISOR,
             f"ผู้กำกับดูแลตัวชี้วัด {DEMO_DIVISION_NAME}", DEMO_DIVISION),
    DemoUser("staff_kks", "demo-staff-2566", "นายธนากร ตั้งใจ (สาธิต)", Person.Role.STAFF,
             f"นักพัฒนาสังคมปฏิบัติการ {DEMO_DIVISION_NAME}", DEMO_DIVISION),
    DemoUser("staff_shelter", "demo-shelter-2566", "นางสาวกมลา พากเพียร (สาธิต)", Person.Role.STAFF,
             f"นักสังคมสงเคราะห์ชำนาญการ {DEMO_UNITS[0][1]}", DEMO_SHELTER),
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

# Invented thresholds for the two indicators whose FY2566 levels the manual leaves as "ร้อยละ..." (demo only): they
# become criteria of the demo frameworks' own assignments, never default criteria of the real definitions.
DEMO_THRESHOLDS = {
    "PMQA_KPI_IMPROVED": {1: ["8.00", "10.00", "12.00", "14.00", "16.07"], 2: ["12.07", "14.07", "16.07", "18.07", "20.07"]},
    "PMQA_KPI_REINTEGRATION": {1: ["1.00", "1.50", "2.00", "2.50", "3.00"], 2: ["2.21", "3.21", "4.21", "5.21", "6.21"]},
}
DEMO_CRITERIA_NOTE = "ค่าสาธิต: คู่มือปี 2566 พิมพ์เป็น \"ร้อยละ...\" ผู้ดูแลระบบต้องกำหนดค่าจริง"

# Document 003 prints only the blank form of the attachment "หน้าที่ เป้าประสงค์ และตัวชี้วัดของ ..." (appendix 1):
# it has no duties, plan issues or goals of any division. These are invented for the demo division and marked (สาธิต).
DEMO_DIVISION_DUTIES = [
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
DEMO_PLAN_ORG = (
    "แผนปฏิบัติราชการกรม เรื่องการพัฒนาองค์การสู่ระบบราชการ 4.0 (สาธิต)",
    "การบริหารจัดการมีประสิทธิภาพ โปร่งใส และตรวจสอบได้ (สาธิต)",
)
#: (plan issue, goal) by indicator code in the demo division's framework; the other indicators get DEMO_PLAN_ORG.
DEMO_DIVISION_PLAN = {
    "CORE": _DEMO_PLAN_VULNERABLE,
    "HOUSEHOLD": _DEMO_PLAN_VULNERABLE,
    "PMQA_KPI_IMPROVED": _DEMO_PLAN_REHAB,
    "PMQA_KPI_REINTEGRATION": _DEMO_PLAN_REHAB,
}
DEMO_WINDOW_DAYS = 30
DEMO_WINDOW_REASON = "ข้อมูลสาธิต: เปิดรับรายงานผลรอบที่ 1 ให้หน่วยงานสาธิต (รอบจริงไม่เปลี่ยน)"


class DemoDataError(Exception):
    """A demo row would take the place of a real one (its code or username already belongs to real data)."""


def is_demo_account(user: Any) -> bool:
    return bool(user.email) and user.email.endswith(f"@{DEMO_EMAIL_DOMAIN}")


class DemoLoader:
    def __init__(self) -> None:
        self.year = FiscalYear.objects.get(be_year=FY)
        self.round1 = Round.objects.get(fiscal_year=self.year, number=1)
        self.lines: list[str] = []

    @transaction.atomic
    def load(self) -> list[str]:
        legacy = OrgUnit.objects.filter(is_demo=True).exclude(code__in=DEMO_UNIT_CODES)
        if legacy.exists():
            self.lines.append(
                "พบข้อมูลสาธิตรุ่นเก่า (" + ", ".join(legacy.values_list("code", flat=True)) + ") — รัน "
                "python manage.py remove_demo_data เพื่อลบ แล้วรัน load_demo_data อีกครั้ง"
            )
        division, units = self._units()
        users = self._users()
        supervisor = Person.objects.filter(user=users.get("supervisor"), is_demo=True).first()
        self._frameworks(division, units, supervisor)
        self._windows([division, *units])
        if "staff_kks" in users:
            self._division_results(users["staff_kks"], division)
        if "staff_shelter" in users:
            self._shelter_results(users["staff_shelter"], units[0])
        return self.lines

    # ---- units, people, frameworks -----------------------------------------------------------------------------

    @staticmethod
    def _demo_unit(code: str, defaults: dict[str, Any]) -> OrgUnit:
        existing = OrgUnit.objects.filter(code=code).first()
        if existing is not None and not existing.is_demo:
            raise DemoDataError(f"รหัสหน่วยงาน {code} เป็นของหน่วยงานจริงอยู่แล้ว จึงสร้างหน่วยงานสาธิตไม่ได้")
        unit, _ = OrgUnit.objects.update_or_create(code=code, defaults={**defaults, "is_demo": True})
        return unit

    def _units(self) -> tuple[OrgUnit, list[OrgUnit]]:
        division = self._demo_unit(DEMO_DIVISION, {
            "kind": OrgUnit.Kind.DIVISION, "name_th": DEMO_DIVISION_NAME, "parent": OrgUnit.objects.get(code="dsdw"),
            "order": DEMO_ORDER,
        })
        if not division.duties_th:  # text an admin typed into the demo division is kept
            division.duties_th = "\n".join(DEMO_DIVISION_DUTIES)
            division.save(update_fields=["duties_th"])
        units = []
        for order, (code, name_th, type_code, province_name) in enumerate(DEMO_UNITS, start=DEMO_ORDER + 1):
            units.append(self._demo_unit(code, {
                "kind": OrgUnit.Kind.FIELD_UNIT, "name_th": name_th, "unit_type": UnitType.objects.get(code=type_code),
                "province": Province.objects.get(name_th=province_name), "parent": division,
                "supervising_division": division, "order": order,
            }))
        return division, units

    def _users(self) -> dict[str, Any]:
        user_model = get_user_model()
        users = {}
        for demo in DEMO_USERS:
            user = user_model.objects.filter(username=demo.username).first()
            if user is None:
                user = user_model(username=demo.username, is_staff=demo.is_staff, is_superuser=demo.is_superuser,
                                  email=f"{demo.username}@{DEMO_EMAIL_DOMAIN}")
                user.set_password(demo.password)
                user.save()
            elif not is_demo_account(user):
                self.lines.append(f"ข้ามผู้ใช้สาธิต {demo.username}: มีผู้ใช้ชื่อนี้ที่ไม่ใช่ข้อมูลสาธิตอยู่แล้ว")
                continue
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

    def _frameworks(self, division: OrgUnit, units: list[OrgUnit], supervisor: Person | None) -> None:
        source = Framework.objects.get(
            fiscal_year=self.year, level=Framework.Level.DIVISION, number=DEMO_DIVISION_SOURCE, is_demo=False
        )
        self._framework(source, division, supervisor, notes_th=f"กรอบสาธิต คัดลอกจาก \"{source.name_th}\"",
                        plans=True)
        template = Framework.objects.get(
            fiscal_year=self.year, level=Framework.Level.FIELD_UNIT, number=None, is_demo=False
        )
        for unit in units:
            assert unit.unit_type is not None
            self._framework(template, unit, supervisor, weights=DEMO_UNIT_WEIGHTS[unit.unit_type.code],
                            notes_th="น้ำหนักสาธิต (คู่มือไม่ได้กำหนดน้ำหนักระดับหน่วยงาน, OPEN-1)")

    def _framework(self, source: Framework, unit: OrgUnit, supervisor: Person | None, *, notes_th: str,
                   weights: dict[str, int] | None = None, plans: bool = False) -> Framework:
        """A demo copy of a real framework for one demo unit: its own assignments, criteria and supervisor."""
        name_th = f"กรอบตัวชี้วัด{unit.name_th}"
        framework = Framework.objects.filter(fiscal_year=self.year, is_demo=True, name_th=name_th).first()
        if framework is not None:
            framework.org_units.set([unit])
            return framework
        framework = Framework.objects.create(
            fiscal_year=self.year, level=source.level, name_th=name_th, scale=source.scale, is_demo=True,
            copied_from=source, enforce_component_split=source.enforce_component_split,
            performance_weight=source.performance_weight, potential_weight=source.potential_weight, notes_th=notes_th,
        )
        framework.org_units.set([unit])
        sources = list(
            source.assignments.select_related("definition").prefetch_related("own_criteria__levels", "applies_to_unit_types")
        )
        sources.sort(key=lambda a: (a.parent_id is not None, a.order, a.pk))  # parents before their children
        copies: dict[int, Assignment] = {}
        for number, assignment in enumerate(
            (a for a in sources if weights is None or a.definition.code in weights), start=1
        ):
            if assignment.parent_id is not None and assignment.parent_id not in copies:
                continue
            code = assignment.definition.code
            plan, goal = DEMO_DIVISION_PLAN.get(code, DEMO_PLAN_ORG) if plans and assignment.parent_id is None else ("", "")
            copy = Assignment.objects.create(
                framework=framework, definition=assignment.definition, parent=copies.get(assignment.parent_id or 0),
                number=assignment.number if weights is None else str(number),
                order=assignment.order if weights is None else number,
                component=assignment.component,
                weight=assignment.weight if weights is None else Decimal(weights[code]),
                source_category=assignment.source_category, source_detail_th=assignment.source_detail_th,
                supervisor=supervisor, plan_issue_th=plan, goal_th=goal,
            )
            copy.applies_to_unit_types.set(assignment.applies_to_unit_types.all())
            for criteria in assignment.own_criteria.all():
                self._copy_criteria(criteria, copy)
            for round_number, thresholds in DEMO_THRESHOLDS.get(code, {}).items():
                if copy.criteria_for(round_number) is None:
                    self._demo_criteria(copy, round_number, thresholds)
            copies[assignment.pk] = copy
        problems = framework_problems(framework)
        if not problems:
            framework.status = Framework.Status.APPROVED
            framework.save(update_fields=["status"])
        else:
            self.lines.append(f"{framework.name_th}: ร่าง — " + "; ".join(problems))
        return framework

    @staticmethod
    def _copy_criteria(criteria: Criteria, assignment: Assignment) -> None:
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

    @staticmethod
    def _demo_criteria(assignment: Assignment, round_number: int, thresholds: list[str]) -> None:
        criteria = Criteria.objects.create(
            definition=assignment.definition, assignment=assignment, round_number=round_number,
            method=Criteria.Method.FIVE_LEVEL, derivation_note_th=DEMO_CRITERIA_NOTE,
        )
        for level, value in enumerate(thresholds, start=1):
            CriteriaLevel.objects.create(criteria=criteria, level=level, threshold=Decimal(value))
        criteria_validate(criteria)

    def _windows(self, units: list[OrgUnit]) -> None:
        """Round 1 stays closed in the reference data; the demo units report through windows of their own."""
        until = timezone.localdate() + dt.timedelta(days=DEMO_WINDOW_DAYS)
        for unit in units:
            UnitEntryWindow.objects.update_or_create(
                round=self.round1, org_unit=unit,
                defaults={"until": until, "reason_th": DEMO_WINDOW_REASON, "is_demo": True},
            )

    # ---- results ---------------------------------------------------------------------------------------------

    def _save(self, actor: Any, unit: OrgUnit, code: str, values: dict[str, Any],
              milestones: list[dict[str, Any]] | None = None, submit: bool = False) -> Result | None:
        framework = selectors.framework_for_unit(org_unit=unit, fiscal_year_id=self.year.pk)
        assignment = framework.assignments.filter(definition__code=code).first() if framework else None
        if assignment is None:
            return None
        existing = Result.objects.filter(assignment=assignment, org_unit=unit, round=self.round1).first()
        if existing is not None:
            return existing
        values = {"as_of_date": dt.date(2023, 3, 31), **values}
        result = result_save(actor=actor, assignment=assignment, org_unit=unit, round=self.round1, values=values,
                             milestones=milestones, reason="ข้อมูลสาธิต", is_demo=True)
        if submit:  # straight to "submitted" without e-mailing anyone while the demo loads
            result.status = Result.Status.SUBMITTED
            result.submitted_at = timezone.now()
            result.submitted_by = actor
            result._history_user = actor  # type: ignore[attr-defined]
            result.save()
            update_change_reason(result, "ส่งผลการดำเนินงานให้ผู้กำกับดูแล (ข้อมูลสาธิต)")
        return result

    def _division_results(self, actor: Any, unit: OrgUnit) -> None:
        narrative = {
            "actions_th": "1. ชี้แจงแนวทางการดำเนินงานให้หน่วยงานในสังกัด\n2. ติดตามผลการดำเนินงานรายเดือน",
            "supporting_factors_th": "1. ผู้บริหารให้ความสำคัญ\n2. มีระบบ MSO-Logbook สนับสนุนการบันทึกข้อมูล",
            "obstacles_th": "-",
            "evidence_th": "รายงานผลการเบิกจ่ายจากระบบ GFMS ณ วันที่ 31 มีนาคม 2566",
        }
        self._save(actor, unit, "BUDGET", {"numerator": Decimal("51230450.00"), "denominator": Decimal("101872300.00"),
                   **narrative}, submit=True)
        self._save(actor, unit, "HOUSEHOLD", {"level1_milestone_done": True, "value": Decimal("35.00"), **narrative})
        self._save(actor, unit, "SATISFACTION", {"value": Decimal("86.20"), "second_value": Decimal("12.00")},
                   submit=True)
        self._save(actor, unit, "ITA", {}, milestones=[
            {"level": "1", "done": True, "done_on": dt.date(2022, 11, 15), "evidence_th": "คำสั่งแต่งตั้งคณะทำงาน ITA"},
            {"level": "2", "done": True, "done_on": dt.date(2022, 12, 20), "evidence_th": "รายงานการประชุม"},
            {"level": "3", "done": True, "done_on": dt.date(2023, 1, 31), "evidence_th": "แนวทางการขับเคลื่อน ITA"},
        ])
        self._save(actor, unit, "PMQA40", {}, milestones=[
            {"level": "1", "done": True, "done_on": dt.date(2022, 12, 1)},
            {"level": "3", "done": True, "done_on": dt.date(2023, 3, 15)},
        ])
        self._save(actor, unit, "ENERGY", {"value": Decimal("7.00")})
        self._save(actor, unit, "WASTE", {"value": Decimal("9.50")})
        self._save(actor, unit, "PMQA_KPI_IMPROVED", {"numerator": Decimal(120), "denominator": Decimal(800)})
        self._summary(unit)

    def _shelter_results(self, actor: Any, unit: OrgUnit) -> None:
        self._save(actor, unit, "PMQA_KPI_IMPROVED", {"numerator": Decimal(25), "denominator": Decimal(180)},
                   submit=True)
        self._save(actor, unit, "PMQA_KPI_REINTEGRATION", {"numerator": Decimal(3), "denominator": Decimal(110)})
        self._save(actor, unit, "BUDGET", {"value": Decimal("48.75")})
        self._save(actor, unit, "HOUSEHOLD", {"level1_milestone_done": True, "numerator": Decimal(140),
                   "denominator": Decimal(420)})
        self._summary(unit)

    def _summary(self, unit: OrgUnit) -> None:
        """The unit's round-1 total as the unit round page shows it (the one computation in selectors)."""
        data = selectors.unit_round(org_unit=unit, round=self.round1, policy=policy_for(self.round1))
        total = f"{data.total.total_100} ({data.total.band.label_th})" if data.total is not None else "-"
        self.lines.append(
            f"{unit.name_th} รอบที่ 1: รายงานแล้ว {data.reported} จาก {data.scored_count} ตัวชี้วัด, คะแนนรวม {total}"
        )


# ---- removal ---------------------------------------------------------------------------------------------------


def demo_units() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(is_demo=True)


def demo_results() -> QuerySet[Result]:
    """Demo results, and whatever anyone entered for a demo unit or on a demo framework (trying the demo)."""
    return Result.objects.filter(
        Q(is_demo=True) | Q(org_unit__is_demo=True) | Q(assignment__framework__is_demo=True)
    )


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    try:
        return get_history_model_for_model(model)  # type: ignore[no-any-return]
    except NotHistoricalModelError:
        return None


def _delete(queryset: QuerySet[Any], counts: Counter[str]) -> None:
    """Delete the rows with their cascade, then the history rows of everything deleted (their "-" rows included).

    A row of real data that points at a demo row with PROTECT stops everything (ProtectedError): nothing is deleted.
    """
    collector = Collector(using=router.db_for_write(queryset.model))
    collector.collect(list(queryset))
    doomed: dict[type[models.Model], set[Any]] = {}
    for model, instances in collector.data.items():
        doomed.setdefault(model, set()).update(obj.pk for obj in instances)
    for fast in collector.fast_deletes:
        doomed.setdefault(fast.model, set()).update(fast.values_list("pk", flat=True))
    _total, by_label = queryset.delete()
    for label, n in by_label.items():
        if n:
            counts[label] += n
    for model, pks in doomed.items():
        history = _history_model(model)
        if history is not None and pks:
            removed, _ = history.objects.filter(**{f"{model._meta.pk.attname}__in": pks}).delete()  # type: ignore[attr-defined]
            counts["history"] += removed


def _children_first(units: Iterable[OrgUnit]) -> list[list[int]]:
    """Demo unit ids in waves that can be deleted in turn (a unit's children go before it; parent is PROTECT)."""
    remaining = {u.pk: u.parent_id for u in units}
    waves = []
    while remaining:
        parents = set(remaining.values())
        wave = [pk for pk in remaining if pk not in parents]
        if not wave:  # a cycle cannot happen (clean() refuses it); delete what is left together
            wave = list(remaining)
        waves.append(wave)
        for pk in wave:
            remaining.pop(pk)
    return waves


@transaction.atomic
def remove_demo_records() -> Counter[str]:
    """Delete every demo row of this app (and its history): results, windows, frameworks, people, accounts, units.

    Returns the number of rows deleted by model label ("indicators.Result" …; "history" for history rows). Stored
    scores and report batches of the demo units belong to the reporting app, which deletes them first.
    """
    counts: Counter[str] = Counter()
    files = [evidence.file for evidence in EvidenceFile.objects.filter(result__in=demo_results()) if evidence.file]
    _delete(demo_results(), counts)
    _delete(ExternalScore.objects.filter(org_unit__is_demo=True), counts)
    _delete(UnitEntryWindow.objects.filter(Q(is_demo=True) | Q(org_unit__is_demo=True)), counts)
    _delete(Framework.objects.filter(is_demo=True), counts)
    people = Person.objects.filter(is_demo=True)
    accounts = [user.pk for user in get_user_model().objects.filter(person__in=people) if is_demo_account(user)]
    _delete(people, counts)
    _delete(get_user_model().objects.filter(pk__in=accounts), counts)
    for wave in _children_first(demo_units()):
        _delete(OrgUnit.objects.filter(pk__in=wave), counts)
    _legacy(counts)
    # the evidence files go once the rows are gone for good (a removal stopped by a ProtectedError keeps them)
    transaction.on_commit(lambda: [stored.storage.delete(stored.name) for stored in files])
    return counts


def _legacy(counts: Counter[str]) -> None:
    """Undo what the first demo loader wrote into the reference data (before demo data had records of its own).

    It added default criteria with DEMO_CRITERIA_NOTE to the real capability and reintegration indicators, approved
    the real division frameworks they completed, and wrote DEMO_DIVISION_DUTIES and the DEMO_DIVISION_PLAN texts
    into the real กคส. (div-3). Only values equal to those texts are touched. A round it opened stays open: whether
    an admin opened it since cannot be told.
    """
    legacy_criteria = Criteria.objects.filter(assignment__isnull=True, derivation_note_th=DEMO_CRITERIA_NOTE)
    frameworks = list(Framework.objects.filter(
        is_demo=False, status=Framework.Status.APPROVED,
        assignments__definition__criteria__in=legacy_criteria,
    ).distinct())
    _delete(legacy_criteria, counts)
    for framework in frameworks:
        if framework_problems(framework):
            framework.status = Framework.Status.DRAFT
            framework.save(update_fields=["status"])
            counts["legacy.framework_status"] += 1
    counts["legacy.duties"] += OrgUnit.objects.filter(
        is_demo=False, duties_th="\n".join(DEMO_DIVISION_DUTIES)
    ).update(duties_th="")
    plans = {text for pair in [*DEMO_DIVISION_PLAN.values(), DEMO_PLAN_ORG] for text in pair[:1]}
    goals = {text for pair in [*DEMO_DIVISION_PLAN.values(), DEMO_PLAN_ORG] for text in pair[1:]}
    real = Assignment.objects.filter(framework__is_demo=False)
    counts["legacy.plans"] += real.filter(plan_issue_th__in=plans).update(plan_issue_th="")
    counts["legacy.plans"] += real.filter(goal_th__in=goals).update(goal_th="")
