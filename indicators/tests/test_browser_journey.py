"""The whole reporting journey in Debian's Chromium (issue 3): staff reports, the supervisor returns and approves.

Given the FY2566 framework and the demo users, staff of the demo division (a copy of กคส.'s framework) enter a numerator/denominator result (typed partly in
Thai digits, the live score appearing as they type) and a milestone result with an evidence file, save and submit;
the supervisor returns one with a comment; staff fix and resubmit; the supervisor approves both; the results are
locked and the unit's weighted total has grown. Screenshots: test-artifacts/screenshots/journey-*.png.
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from indicators import numbers
from indicators.demo_data import DEMO_DIVISION
from indicators.models import Assignment, Framework, OrgUnit, Person, Result, Round
from indicators.selectors import unit_round
from indicators.services.results import policy_for
from indicators.tests import evidence_samples
from indicators.tests.conftest import load_reference
from indicators.tests.test_browser import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser]

PDF = evidence_samples.pdf()  # a real one-page PDF: evidence is parsed, not only recognised


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)


def _context(browser: Any, width: int = 1366, height: int = 768) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH",
                                  timezone_id="Asia/Bangkok")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "ยืนยันส่ง...?" confirmations
    return page


def _total(unit: OrgUnit, round_: Round) -> Decimal:
    data = unit_round(org_unit=unit, round=round_, policy=policy_for(round_))
    assert data.total is not None
    return data.total.total_100


@pytest.mark.django_db(transaction=True)
def test_staff_report_supervisor_returns_and_approves(live_server: Any, live_chromium: Any, tmp_path: Path) -> None:
    load_reference()
    call_command("load_demo_data", stdout=StringIO())
    # the demo division reports round 1 through its own entry window (the real round stays closed)
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    kks_unit = OrgUnit.objects.get(code=DEMO_DIVISION)
    kks = Framework.objects.get(fiscal_year__be_year=2566, is_demo=True, org_units=kks_unit)
    reintegration = Assignment.objects.get(framework=kks, definition__code="PMQA_KPI_REINTEGRATION")
    ita = Assignment.objects.get(framework=kks, definition__code="ITA")
    supervisor = Person.objects.get(user__username="supervisor")
    assert {reintegration.supervisor_id, ita.supervisor_id} == {supervisor.pk}
    total_before = _total(kks_unit, round1)
    evidence = tmp_path / "คำสั่งมอบหมายงาน.pdf"
    evidence.write_bytes(PDF)
    base = live_server.url

    # Staff: from the home page to the unit's round page.
    staff = _context(live_chromium)
    sign_in(staff, base, "staff_kks", "demo-staff-2566")
    staff.click(f"a[href='/rounds/{round1.pk}/units/{kks_unit.pk}/']")
    staff.wait_for_load_state()
    assert kks_unit.name_th in staff.content()
    shot(staff, "1-unit-round-before")

    # A numerator/denominator result: Thai digits, live preview from the scoring engine, save, submit.
    entry_url = f"{base}/rounds/{round1.pk}/units/{kks_unit.pk}/indicators/{reintegration.pk}/"
    staff.goto(entry_url)
    staff.fill("input[name='numerator']", "๓")
    staff.fill("input[name='denominator']", "110")
    staff.locator("#score-preview [data-out='value']", has_text="2.73").wait_for()
    staff.fill("input[name='as_of_date']", "31/03/2566")
    staff.fill("textarea[name='actions_th']", "ติดตามผู้รับบริการกลุ่ม A ที่พร้อมกลับคืนสู่สังคม")
    shot(staff, "2-ratio-live-preview")
    with staff.expect_navigation():
        staff.click("button[name='action'][value='save']")
    result = Result.objects.get(assignment=reintegration, org_unit=kks_unit, round=round1)
    assert (result.numerator, result.denominator, result.status) == (3, 110, Result.Status.DRAFT)
    with staff.expect_navigation():
        staff.click("button[name='action'][value='submit']")
    result.refresh_from_db()
    assert result.status == Result.Status.SUBMITTED

    # A milestone result: tick level 4 with its date and evidence, attach a file, save, submit.
    ita_url = f"{base}/rounds/{round1.pk}/units/{kks_unit.pk}/indicators/{ita.pk}/"
    staff.goto(ita_url)
    staff.check("input[name='ms-4-0-done']")
    staff.fill("input[name='ms-4-0-done_on']", "15/03/2566")
    staff.fill("textarea[name='ms-4-0-evidence_th']", "หนังสือมอบหมายหน้าที่ให้สำนัก กอง กลุ่ม")
    with staff.expect_navigation():
        staff.click("button[name='action'][value='save']")
    staff.set_input_files("#evidence-form input[type=file]", str(evidence))
    with staff.expect_navigation():
        staff.click("#evidence-form button[type=submit]")
    assert "คำสั่งมอบหมายงาน.pdf" in staff.content()
    shot(staff, "3-milestones-with-evidence")
    with staff.expect_navigation():
        staff.click("button[name='action'][value='submit']")
    ita_result = Result.objects.get(assignment=ita, org_unit=kks_unit, round=round1)
    assert ita_result.status == Result.Status.SUBMITTED
    assert ita_result.evidence_files.get().original_name == "คำสั่งมอบหมายงาน.pdf"

    # Supervisor: the queue lists both; return the ratio result with a comment.
    boss = _context(live_chromium)
    sign_in(boss, base, "supervisor", "demo-supervisor-2566")
    boss.goto(f"{base}/review/")
    queue = boss.content()
    assert reintegration.definition.name_th[:30] in queue and ita.definition.name_th[:30] in queue
    shot(boss, "4-review-queue")
    boss.goto(f"{base}/review/{result.pk}/")
    boss.fill("textarea[name='comment']", "กรุณาตรวจสอบจำนวนผู้กลับคืนสู่สังคมอีกครั้ง")
    shot(boss, "5-review-return")
    with boss.expect_navigation():
        boss.click("button[name='action'][value='return']")
    result.refresh_from_db()
    assert result.status == Result.Status.RETURNED

    # Staff sees the comment, fixes the numerator and resubmits; it re-enters the queue.
    staff.goto(entry_url)
    assert "กรุณาตรวจสอบจำนวนผู้กลับคืนสู่สังคมอีกครั้ง" in staff.content()
    shot(staff, "6-returned-with-comment")
    staff.fill("input[name='numerator']", "4")
    staff.locator("#score-preview [data-out='value']", has_text="3.64").wait_for()
    with staff.expect_navigation():
        staff.click("button[name='action'][value='submit']")
    result.refresh_from_db()
    assert (result.numerator, result.status) == (4, Result.Status.SUBMITTED)

    # Supervisor approves both.
    for pk in (result.pk, ita_result.pk):
        boss.goto(f"{base}/review/{pk}/")
        with boss.expect_navigation():
            boss.click("button[name='action'][value='approve']")
    assert set(Result.objects.filter(pk__in=[result.pk, ita_result.pk]).values_list("status", flat=True)) == {
        Result.Status.APPROVED
    }

    # Locked for staff, and the unit's total has grown on the round page.
    staff.goto(entry_url)
    assert staff.locator("button[name='action'][value='save']").count() == 0
    assert "อนุมัติแล้ว" in staff.content()
    total_after = _total(kks_unit, round1)
    assert total_after > total_before
    staff.goto(f"{base}/rounds/{round1.pk}/units/{kks_unit.pk}/")
    shown = re.sub(r"\s+", " ", staff.locator(".summary-value").first.inner_text())
    assert numbers.total(total_after) in shown  # the one formatter: 2 places, half-up, from the exact total
    shot(staff, "7-unit-round-after")

    # The same round page on a tablet.
    tablet = _context(live_chromium, 820, 1180)
    sign_in(tablet, base, "staff_kks", "demo-staff-2566")
    tablet.goto(f"{base}/rounds/{round1.pk}/units/{kks_unit.pk}/")
    assert tablet.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(tablet, "8-unit-round-tablet")
    for page in (staff, boss, tablet):
        page.context.close()
