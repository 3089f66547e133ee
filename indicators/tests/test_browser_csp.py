"""The Content-Security-Policy in Debian's Chromium (issue 9): every main page, as each role, obeys it.

The pages are served with the strict policy of settings.CONTENT_SECURITY_POLICY (scripts, styles, fonts and images
from the site only; no inline script, no <style>, no style="" and no on*="" handler). Each role signs in and opens
its pages, and the scripts of the pages run (typing into the entry form, adding inline rows in the admin); a
``securitypolicyviolation`` event or a "Refused to ..." console message fails the test, naming the page. The
conftest's browser fixture records the same for every other browser test.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from indicators.demo_data import DEMO_DIVISION
from indicators.models import Assignment, Framework, OrgUnit, Result, Round
from indicators.tests.conftest import load_reference
from indicators.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser]

# The directives every page must carry; each one is what a page needs, nothing is relaxed (see settings.py).
EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(header: str) -> dict[str, str]:
    """``"a x; b y z"`` -> ``{"a": "x", "b": "y z"}``."""
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {parts[0]: parts[1] if len(parts) > 1 else "" for parts in directives}


class Visitor:
    """A signed-in (or anonymous) browser context that opens pages and fails on the first CSP violation."""

    def __init__(self, browser: Any, base: str, violations: list[str]) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH",
                                           timezone_id="Asia/Bangkok")
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.base = base
        self.violations = violations
        self.visited: list[str] = []

    def sign_in(self, username: str, password: str) -> Visitor:
        sign_in(self.page, self.base, username, password)
        assert "/accounts/login/" not in self.page.url, f"{username} could not sign in"
        self.check("login as " + username)
        return self

    def open(self, path: str, *, status: int | None = 200) -> Any:
        """Open a page, check its policy header and status (None: any), and that it broke nothing."""
        response = self.page.goto(self.base + path)
        assert response is not None
        if status is not None:
            assert response.status == status, f"{path}: HTTP {response.status}"
        if "text/html" in response.headers.get("content-type", ""):
            policy = policy_of(response.headers.get("content-security-policy", ""))
            missing = {k: v for k, v in EXPECTED_DIRECTIVES.items() if policy.get(k) != v}
            assert not missing, f"{path}: policy {policy} lacks {missing}"
        self.check(path)
        return response

    def check(self, where: str) -> None:
        self.page.evaluate("() => new Promise(requestAnimationFrame)")  # let pending events reach the recorder
        self.visited.append(where)
        found = list(dict.fromkeys(self.violations))
        self.violations.clear()
        assert not found, f"Content-Security-Policy violations on {where}:\n" + "\n".join(found)

    def links(self, selector: str, pattern: str) -> list[str]:
        hrefs = self.page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
        return [h for h in hrefs if h and re.search(pattern, h)]

    def close(self) -> None:
        self.context.close()


def optional_path(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def demo_site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    load_reference()
    call_command("load_demo_data", stdout=StringIO())
    unit = OrgUnit.objects.get(code=DEMO_DIVISION)
    round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
    framework = Framework.objects.get(fiscal_year__be_year=2566, is_demo=True, org_units=unit)
    ratio = Assignment.objects.get(framework=framework, definition__code="PMQA_KPI_REINTEGRATION")
    submitted = Result.objects.filter(status=Result.Status.SUBMITTED, org_unit__is_demo=True).order_by("pk").first()
    assert submitted is not None, "the demo data has a submitted result"
    return {"base": live_server.url, "unit": unit, "round": round1, "framework": framework, "ratio": ratio,
            "submitted": submitted}


def test_the_recorder_catches_inline_script_style_and_handlers(live_chromium: Any, csp_violations: list[str]) -> None:
    """The guard itself: a page under the policy with inline code is reported (so a silent pass means something)."""
    context = live_chromium.new_context()
    page = context.new_page()
    header = "; ".join(f"{name} {value}" for name, value in EXPECTED_DIRECTIVES.items())
    page.route("http://csp-check.invalid/", lambda route: route.fulfill(
        status=200, content_type="text/html", headers={"Content-Security-Policy": header},
        body="<!DOCTYPE html><title>t</title><style>p{color:red}</style><p style='color:blue'>x</p>"
             "<script>document.title='ran'</script><button onclick='x()'>b</button>",
    ))
    page.goto("http://csp-check.invalid/")
    page.evaluate("() => new Promise(requestAnimationFrame)")
    assert page.title() == "t"  # the inline script was blocked
    context.close()
    found = "\n".join(csp_violations)
    assert "style-src" in found and "script-src" in found, found
    csp_violations.clear()


def test_anonymous_pages_obey_the_policy(demo_site: dict[str, Any], live_chromium: Any,
                                         csp_violations: list[str]) -> None:
    visitor = Visitor(live_chromium, demo_site["base"], csp_violations)
    visitor.open("/accounts/login/")
    visitor.page.fill("#id_username", "staff_kks")
    visitor.page.fill("#id_password", "not-the-password")
    with visitor.page.expect_navigation():
        visitor.page.click("form.login button[type=submit]")
    visitor.check("a refused login")
    visitor.open("/no-such-page/", status=404)
    reset = optional_path("password_reset")
    if reset:
        visitor.open(reset, status=None)
    visitor.close()


def test_staff_pages_obey_the_policy(demo_site: dict[str, Any], live_chromium: Any, csp_violations: list[str]) -> None:
    site = demo_site
    visitor = Visitor(live_chromium, site["base"], csp_violations).sign_in("staff_kks", "demo-staff-2566")
    visitor.open("/")
    visitor.open(f"/frameworks/{site['framework'].pk}/")
    unit_page = f"/rounds/{site['round'].pk}/units/{site['unit'].pk}/"
    visitor.open(unit_page)
    entry_pages = visitor.links("a", rf"^{unit_page}indicators/\d+/$")
    assert entry_pages, "the unit page links to its entry pages"
    for path in dict.fromkeys(entry_pages):
        visitor.open(path)
    # the ratio entry: the live preview (entry.js) and the length counters (limits.js) run while typing
    visitor.open(f"{unit_page}indicators/{site['ratio'].pk}/")
    visitor.page.fill("input[name='numerator']", "3")
    visitor.page.fill("input[name='denominator']", "110")
    visitor.page.locator("#score-preview [data-out='value']", has_text="2.73").wait_for()
    visitor.page.fill("textarea[name='actions_th']", "ทดสอบนโยบายความปลอดภัยของเนื้อหา")
    visitor.check("typing into the entry form")
    with visitor.page.expect_navigation():
        visitor.page.click("button[name='action'][value='save']")
    visitor.check("saving a draft")
    for path in dict.fromkeys(visitor.links("a", r"^/results/\d+/history/$")[:1]):
        visitor.open(path)
    for name in ("password_change", "otp-setup"):
        path = optional_path(name)
        if path:
            visitor.open(path, status=None)
    visitor.close()


def test_supervisor_pages_obey_the_policy(demo_site: dict[str, Any], live_chromium: Any,
                                          csp_violations: list[str]) -> None:
    visitor = Visitor(live_chromium, demo_site["base"], csp_violations).sign_in("supervisor", "demo-supervisor-2566")
    visitor.open("/review/")
    visitor.open("/review/?status=approved")
    visitor.open(f"/review/{demo_site['submitted'].pk}/")
    visitor.page.fill("textarea[name='comment']", "ตรวจสอบ")  # limits.js counts the characters
    visitor.check("typing a comment")
    visitor.close()


def test_director_pages_obey_the_policy(demo_site: dict[str, Any], live_chromium: Any,
                                        csp_violations: list[str]) -> None:
    site = demo_site
    visitor = Visitor(live_chromium, site["base"], csp_violations).sign_in("director", "demo-director-2566")
    visitor.open("/reports/scorecard/")
    visitor.open(f"/reports/scorecard/?year=2566&round=1&unit={site['unit'].code}")
    drill = visitor.links("a", r"/indicators/\d+/")
    assert drill, "the scorecard links to its indicators' details"
    visitor.open(drill[0] if drill[0].startswith("/") else "/reports/scorecard/" + drill[0])
    visitor.open("/reports/batches/")
    # a one-unit XLSX batch (rendered in-process here): its page with the progress bar and batch.js
    page = visitor.page
    page.check("input[name='scope'][value='unit']")
    page.select_option("select[name='unit']", site["unit"].code)
    page.select_option("select[name='fmt']", "xlsx")
    page.select_option("select[name='round_number']", "1")
    with page.expect_navigation():
        page.click("form.batch-form button[type=submit]")
    assert re.search(r"/reports/batches/\d+/$", page.url), page.url
    page.locator("#batch-progress").wait_for()
    visitor.check("the batch page")
    visitor.open(page.url.removeprefix(site["base"]))
    visitor.close()


def _admin_pages(username: str) -> list[str]:
    """The admin index, then every registered model's list, add form, and the change form and history of its first row."""
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username=username)
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            pages.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
        if model_admin.has_add_permission(request):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
    return pages


def test_admin_pages_obey_the_policy(demo_site: dict[str, Any], live_chromium: Any,
                                     csp_violations: list[str]) -> None:
    site = demo_site
    visitor = Visitor(live_chromium, site["base"], csp_violations).sign_in("admin", "demo-admin-2566")
    for path in _admin_pages("admin"):
        visitor.open(path)
    framework = site["framework"]
    change = reverse("admin:indicators_framework_change", args=[framework.pk])
    visitor.open(change)
    for path in dict.fromkeys(visitor.links("a", r"/(change-control/\w+|reviewers)/$")):
        visitor.open(path)
    visitor.open(reverse("admin:indicators_framework_history", args=[framework.pk]))
    # one historical version (simple_history's form of an earlier state)
    history = reverse("admin:indicators_orgunit_history", args=[site["unit"].pk])
    visitor.open(history)
    versions = visitor.links("a", r"/history/\d+/$")
    assert versions, "the unit's history lists its versions"
    visitor.open(versions[0])
    # nested inlines (django-nested-admin): add a row at every level of an indicator definition's form
    visitor.open(reverse("admin:indicators_indicatordefinition_add"))
    rows = visitor.page.locator(".djn-item:visible")
    before = rows.count()
    handlers = visitor.page.locator(".djn-add-handler:visible")
    for index in range(min(handlers.count(), 6)):
        handlers.nth(index).click()
    assert rows.count() > before, "nested_admin added the rows"
    visitor.check("adding nested inline rows")
    # a related-object popup (RelatedObjectLookups) and the autocomplete widget (select2)
    visitor.open(reverse("admin:indicators_person_changelist") + "?_popup=1&_to_field=id")
    visitor.open(reverse("admin:indicators_framework_add"))
    visitor.page.locator(".select2-selection").first.click()  # the framework's units (autocomplete_fields)
    visitor.page.locator(".select2-results__option").first.wait_for()
    visitor.check("the autocomplete widget")
    assert len(visitor.visited) > 40
    visitor.close()
