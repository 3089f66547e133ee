"""Bad input in Debian's Chromium (issue 8): the length counters, the browser refusing to send what the server would
refuse (a box over its limit, a request over DATA_UPLOAD_MAX_MEMORY_SIZE, a file over EVIDENCE_MAX_BYTES) while
keeping every typed character, the live preview refusing what the save refuses, and — when the server does refuse a
request as too large — its Thai page and the typed text put back in the form from the browser's copy.
Screenshots: test-artifacts/screenshots/limits-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from indicators.models import Assignment, Framework, OrgUnit, Person, Result, Round
from indicators.models.results import ACTIONS_MAX_CHARS
from indicators.tests import evidence_samples
from indicators.tests.conftest import load_reference
from indicators.tests.test_browser import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser]

PASSWORD = "pw-limits-2566"
PDF = evidence_samples.pdf()  # a real one-page PDF: evidence is parsed, not only recognised


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"limits-{name}.png"), full_page=True)


@pytest.fixture
def entry(transactional_db: None, live_server: Any, live_chromium: Any) -> Any:
    """A staff member of กคส. signed in, framework 3 approved and round 1 of FY2566 open; returns (page, urls)."""
    load_reference()
    kks = Framework.objects.get(fiscal_year__be_year=2566, level=Framework.Level.DIVISION, number=3)
    Framework.objects.filter(pk=kks.pk).update(status=Framework.Status.APPROVED)
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    Round.objects.filter(pk=round1.pk).update(is_open=True, entry_deadline=None)
    unit = OrgUnit.objects.get(code="div-3")
    user = get_user_model().objects.create_user("limits-staff", password=PASSWORD)
    person = Person.objects.create(user=user, full_name="เจ้าหน้าที่ทดสอบขนาดข้อมูล", role=Person.Role.STAFF)
    person.reporting_units.set([unit])
    context = live_chromium.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH",
                                        timezone_id="Asia/Bangkok")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server.url, "limits-staff", PASSWORD)

    def url(code: str) -> str:
        item = Assignment.objects.get(framework=kks, definition__code=code)
        return f"{live_server.url}/rounds/{round1.pk}/units/{unit.pk}/indicators/{item.pk}/"

    try:
        yield page, url
    finally:
        context.close()


def test_the_counter_follows_typing_and_a_box_over_its_limit_is_not_sent(entry: Any) -> None:
    page, url = entry
    page.goto(url("ENERGY"))
    counter = page.locator("#id_actions_th_count")
    assert counter.inner_text() == f"0 / {ACTIONS_MAX_CHARS:,} ตัวอักษร"

    # when a person types, the counter follows
    page.locator("#id_actions_th").type("ติดตามผล")
    assert counter.inner_text() == f"8 / {ACTIONS_MAX_CHARS:,} ตัวอักษร"

    # when a paste goes over the limit, all of it stays in the box and the counter says by how much
    over = "ก" * (ACTIONS_MAX_CHARS + 10)
    page.fill("#id_actions_th", over)
    assert "เกินกำหนด 10 ตัวอักษร" in counter.inner_text()
    assert "over" in (counter.get_attribute("class") or "")
    assert page.input_value("#id_actions_th") == over
    shot(page, "1-counter-over")

    # when they save, the browser refuses to send, says why in Thai, and keeps the text
    page.click("button[name='action'][value='save']")
    refusal = page.locator("#entry-form .size-refusal")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "ระบบยังไม่ได้ส่งข้อมูล ข้อความที่พิมพ์ไว้ยังอยู่ครบในแบบฟอร์ม" in text
    assert f"เกินกำหนด 10 ตัวอักษร (ได้ไม่เกิน {ACTIONS_MAX_CHARS:,})" in text
    assert page.input_value("#id_actions_th") == over
    assert not Result.objects.exists()
    shot(page, "2-refused-in-the-browser")

    # and once it fits, it is saved
    page.fill("#id_actions_th", "ก" * ACTIONS_MAX_CHARS)
    with page.expect_navigation():
        page.click("button[name='action'][value='save']")
    assert len(Result.objects.get().actions_th) == ACTIONS_MAX_CHARS


def test_a_request_over_the_servers_limit_is_refused_before_sending(entry: Any, settings: Any) -> None:
    # given a server that takes at most 20,000 bytes of form data (exposed on the form)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    page, url = entry
    page.goto(url("ENERGY"))
    assert page.get_attribute("#entry-form", "data-max-body") == "20000"
    # when 3,000 Thai characters (27,000 bytes once form-encoded) are saved: within the box's limit, not the server's
    typed = "ปัญหา" * 600
    page.fill("#id_obstacles_th", typed)
    page.click("button[name='action'][value='save']")
    # then the browser says so in Thai and the text stays
    text = page.locator("#entry-form .size-refusal").inner_text()
    assert "เกินกว่าที่ระบบรับได้ (0" in text and "MB" in text
    assert page.input_value("#id_obstacles_th") == typed
    assert not Result.objects.exists()


def test_when_the_server_refuses_a_request_as_too_large_the_typed_text_comes_back(entry: Any, settings: Any) -> None:
    # given a page whose browser check cannot know the server's limit (an old page, a limit changed since)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    page, url = entry
    entry_url = url("ENERGY")
    page.goto(entry_url)
    page.evaluate("document.getElementById('entry-form').removeAttribute('data-max-body')")
    typed = "อุปสรรคจากสถานการณ์การแพร่ระบาด " * 100
    page.fill("#id_obstacles_th", typed)
    page.fill("input[name='value']", "7")
    # when it is saved, the server refuses it: a Thai page, on the site's template, status 413
    with page.expect_navigation() as navigation:
        page.click("button[name='action'][value='save']")
    assert navigation.value.status == 413
    assert "ข้อมูลที่ส่งมีขนาดใหญ่เกินกว่าที่ระบบรับได้" in page.inner_text("main")
    assert "Bad Request" not in page.content()
    assert not Result.objects.exists()
    shot(page, "3-server-413")
    # when the person goes back to the form from that page (the server now takes larger requests again)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
    with page.expect_navigation():
        page.locator("a", has_text="กลับไปที่แบบฟอร์ม").click()
    # then what they typed is back in the form, unsaved, with a note saying so
    assert page.url == entry_url
    page.locator(".restored-typed").wait_for()
    assert page.input_value("#id_obstacles_th") == typed
    assert page.input_value("input[name='value']") == "7"
    assert "ยังไม่ได้บันทึก" in page.inner_text(".restored-typed")
    page.locator("#score-preview [data-out='score']", has_text="3.0000").wait_for()  # the preview follows it
    shot(page, "4-typed-text-restored")
    # and saving it now goes through, after which the copy is forgotten
    with page.expect_navigation():
        page.click("button[name='action'][value='save']")
    assert Result.objects.get().obstacles_th == typed.strip()
    assert page.locator(".restored-typed").count() == 0


def test_the_preview_refuses_what_the_save_refuses(entry: Any) -> None:
    """Found on main: a 23-digit numerator scored 5 in the preview."""
    page, url = entry
    page.goto(url("BUDGET"))
    page.fill("input[name='numerator']", "12345678901234567890123")
    page.fill("input[name='denominator']", "100")
    problem = page.locator("#score-preview [data-out='problem']")
    problem.filter(has_text="ตัวเลขยาวเกินไป: ก่อนจุดทศนิยมได้ไม่เกิน 14 หลัก").wait_for()
    assert page.inner_text("#score-preview [data-out='score']") == "—"
    # the as-of date is judged too: six years before the round
    page.fill("input[name='numerator']", "51,230,450")
    page.fill("input[name='denominator']", "101,872,300")
    page.fill("input[name='as_of_date']", "31/03/2560")
    problem.filter(has_text="ต้องอยู่ในปีงบประมาณ พ.ศ. 2566").wait_for()
    assert page.inner_text("#score-preview [data-out='score']") == "—"
    page.fill("input[name='as_of_date']", "31/03/2566")
    page.locator("#score-preview [data-out='score']", has_text="3.0000").wait_for()
    shot(page, "5-preview")


def test_an_evidence_file_over_the_limit_is_refused_before_uploading(entry: Any, settings: Any, tmp_path: Path) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    page, url = entry
    page.goto(url("ENERGY"))
    page.fill("input[name='value']", "7")
    with page.expect_navigation():
        page.click("button[name='action'][value='save']")
    big = tmp_path / "รายงานพลังงาน.pdf"
    big.write_bytes(PDF + b"0" * 4096)
    page.set_input_files("#evidence-form input[type=file]", str(big))
    page.click("#evidence-form button[type=submit]")
    text = page.locator("#evidence-form .size-refusal").inner_text()
    assert "ไฟล์ “รายงานพลังงาน.pdf”" in text and "เกินกำหนด" in text
    assert not Result.objects.get().evidence_files.exists()
