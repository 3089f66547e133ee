"""Browser smoke tests: Debian's Chromium (Playwright) against the live server, on a laptop and a tablet.

Given a real browser in Thai, the login page, the Thai admin and the FY2566 framework pages render in Thai with
the Sarabun web font. Full-page screenshots go to test-artifacts/screenshots/<name>-<viewport>.png for a human
to look at (tofu boxes, misplaced tone marks).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from indicators.reference_data import ReferenceLoader

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {
    "laptop": {"width": 1366, "height": 768},
    "tablet": {"width": 820, "height": 1180},
}
ADMIN_PASSWORD = "pw-browser-2566"

# True once the page's web fonts have loaded and a Sarabun face is among them; document.fonts.check() alone
# also answers true for a family that was never declared, so the loaded faces are inspected instead.
SARABUN_LOADED_JS = """async () => {
    await document.fonts.ready;
    return [...document.fonts].some(f => f.family.replace(/["']/g, "") === "Sarabun" && f.status === "loaded");
}"""


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(live_chromium: Any, viewport: str) -> Iterator[Any]:
    """A fresh Thai-language browser context (own cookies) at the given viewport size."""
    context = live_chromium.new_context(
        viewport=VIEWPORTS[viewport], locale="th-TH", timezone_id="Asia/Bangkok", device_scale_factor=1
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def screenshot(page: Any, name: str, viewport: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport}.png"), full_page=True)


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")


@pytest.fixture
def superuser(transactional_db: None, django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("browser-admin", "browser-admin@example.com", ADMIN_PASSWORD)


def test_login_page_is_thai_in_sarabun_and_a_wrong_password_is_refused_in_thai(
    transactional_db: None, live_server: Any, page: Any, viewport: str
) -> None:
    # given the login page
    page.goto(f"{live_server.url}/accounts/login/")

    # then it is Thai, set in Sarabun
    assert page.get_attribute("html", "lang") == "th"
    assert page.locator("form.login h1").inner_text() == "เข้าสู่ระบบ"
    assert page.evaluate(SARABUN_LOADED_JS), "the Sarabun web font did not load"
    assert "Sarabun" in page.evaluate("getComputedStyle(document.body).fontFamily")
    screenshot(page, "login", viewport)

    # when someone signs in with a wrong password
    sign_in(page, live_server.url, "nobody", "wrong-password")

    # then the form says so in Thai
    error = page.locator(".errorlist").inner_text()
    assert "รหัสผ่าน" in error and "Please" not in error, error
    assert page.locator("form.login h1").inner_text() == "เข้าสู่ระบบ"
    screenshot(page, "login-error", viewport)


def test_admin_signs_in_through_the_form_and_sees_the_thai_admin(
    live_server: Any, superuser: Any, page: Any, viewport: str
) -> None:
    # given an administrator signed in through the login form
    sign_in(page, live_server.url, superuser.username, ADMIN_PASSWORD)

    # when they open the admin
    page.goto(f"{live_server.url}/admin/")

    # then the index is in Thai and lists the indicator models
    assert page.get_attribute("html", "lang") == "th"
    assert page.locator("#content h1").inner_text() == "การจัดการตัวชี้วัดและกรอบการประเมิน"
    models = [text.strip() for text in page.locator("#content-main th[scope=row] a").all_inner_texts()]
    assert "ตัวชี้วัด" in models, models
    assert "กรอบตัวชี้วัด" in models, models
    assert page.evaluate(SARABUN_LOADED_JS), "the Sarabun web font did not load in the admin"
    screenshot(page, "admin-index", viewport)


def test_home_lists_the_fy2566_frameworks_and_the_kks_framework_shows_its_criteria(
    live_server: Any, superuser: Any, page: Any, viewport: str
) -> None:
    # given the FY2566 framework of document 003
    ReferenceLoader(Path(settings.DSDW_SHARED_DIR)).load()
    sign_in(page, live_server.url, superuser.username, ADMIN_PASSWORD)

    # when the user opens the home page
    page.goto(f"{live_server.url}/")

    # then it lists the frameworks of ปีงบประมาณ พ.ศ. 2566
    heading = page.locator("main h1").inner_text()
    assert "ปีงบประมาณ พ.ศ. 2566" in heading, heading
    kks_link = page.locator("main table a", has_text="กองคุ้มครองสวัสดิภาพ")
    assert kks_link.count() == 1
    screenshot(page, "frameworks", viewport)

    # when they open the กคส. framework
    kks_link.click()
    page.wait_for_selector("table.criteria-table")

    # then the criteria table shows the Performance Base part and the budget band of 93.50
    assert "กองคุ้มครองสวัสดิภาพ" in page.locator("main h1").inner_text()
    table = page.locator("table.criteria-table").inner_text()
    assert "Performance Base" in table
    assert "93.50" in table, "the disbursement band ร้อยละ 93.50 is missing"
    assert page.evaluate(SARABUN_LOADED_JS)
    screenshot(page, "framework-kks", viewport)
