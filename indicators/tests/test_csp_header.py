"""The Content-Security-Policy header (issue 9): present on the pages with the strict directives, no inline code in the
templates or in the HTML the Python code builds, and the violation-report endpoint logs what browsers send."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from indicators.tests.test_browser_csp import EXPECTED_DIRECTIVES, policy_of

REPO = Path(settings.BASE_DIR)
#: Templates only WeasyPrint renders into PDFs on the server (no browser, so no policy, ever reads them).
PDF_TEMPLATES = REPO / "templates" / "reporting" / "pdf"
#: Inline code the policy blocks: a <script> without src (JSON data blocks excepted), <style>, style="", on*="".
INLINE_CODE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "on* handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
}


def _project_packages() -> list[Path]:
    """The project's own apps (those of INSTALLED_APPS that live in the repository) and dsdw_kpi."""
    return [REPO / "dsdw_kpi", *(REPO / app for app in settings.INSTALLED_APPS if (REPO / app).is_dir())]


def _project_templates() -> list[Path]:
    roots = [REPO / "templates", *(package / "templates" for package in _project_packages())]
    return sorted(
        path for root in roots if root.exists() for path in root.rglob("*.html") if PDF_TEMPLATES not in path.parents
    )


def _python_html_sources() -> list[Path]:
    return sorted(
        path for package in _project_packages() for path in package.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    )


def _inline_code(text: str) -> list[str]:
    return [f"{name}: {match.group(0)[:80]}" for name, pattern in INLINE_CODE.items() for match in pattern.finditer(text)]


def test_the_policy_is_strict_and_complete() -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    policy = policy_of(header)
    assert {name: policy.get(name) for name in EXPECTED_DIRECTIVES} == EXPECTED_DIRECTIVES
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "unsafe-hashes" not in header
    assert policy["report-uri"] == "/csp-report/"


@pytest.mark.django_db
def test_signed_in_pages_and_the_admin_carry_the_policy(admin_user: Any, client: Client) -> None:
    client.force_login(admin_user)
    for path in ("/", "/admin/", "/admin/indicators/framework/", "/no-such-page/"):
        response = client.get(path)
        assert policy_of(response.get("Content-Security-Policy", "")).get("script-src") == "'self'", path


def test_no_template_carries_inline_code() -> None:
    templates = _project_templates()
    assert len(templates) > 20
    found = {str(path.relative_to(REPO)): hits for path in templates if (hits := _inline_code(path.read_text()))}
    assert found == {}


def test_no_python_code_builds_html_with_inline_code() -> None:
    """format_html / mark_safe strings in the admin, widgets and views (the literal HTML inside the call)."""
    literal = re.compile(r"(?:format_html|mark_safe|format_html_join)\(\s*(?:\"\",\s*)?([\"'])(.*?)\1", re.S)
    found = {}
    for path in _python_html_sources():
        hits = [hit for match in literal.finditer(path.read_text()) for hit in _inline_code(match.group(2))]
        if hits:
            found[str(path.relative_to(REPO))] = hits
    assert found == {}


def test_the_scan_recognises_inline_code() -> None:
    """The patterns above find what they must (and leave external scripts and JSON data alone)."""
    assert _inline_code('<script src="/static/a.js" defer></script>') == []
    assert _inline_code('<script id="d" type="application/json">{"a": 1}</script>') == []
    assert _inline_code('<td class="pre-line" data-style="x">') == []
    assert len(_inline_code("<script>alert(1)</script>")) == 1
    assert len(_inline_code("<style>p{}</style>")) == 1
    assert len(_inline_code('<p class="a" style="color:red">')) == 1
    assert len(_inline_code('<button type="button" onclick="go()">')) == 1
    assert len(_inline_code('<a href="javascript:go()">')) == 1


REPORT = {"csp-report": {
    "document-uri": "http://127.0.0.1/review/", "violated-directive": "style-src-attr", "effective-directive":
    "style-src-attr", "blocked-uri": "inline", "line-number": 12, "original-policy": "default-src 'self'",
}}


def test_a_violation_report_is_logged_without_csrf_or_login(caplog: pytest.LogCaptureFixture) -> None:
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="dsdw_kpi.csp"):
        response = client.post("/csp-report/", json.dumps(REPORT), content_type="application/csp-report")
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "dsdw_kpi.csp"]
    assert "effective-directive='style-src-attr'" in record.getMessage()
    assert "document-uri='http://127.0.0.1/review/'" in record.getMessage()
    assert "original-policy" not in record.getMessage()  # only the bounded fields
    assert record.csp_report["line-number"] == "12"  # type: ignore[attr-defined]


def test_long_fields_are_cut_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    report = {"csp-report": {**REPORT["csp-report"], "blocked-uri": "http://x.invalid/" + "a" * 5000}}
    with caplog.at_level(logging.WARNING, logger="dsdw_kpi.csp"):
        response = Client().post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "dsdw_kpi.csp"]
    assert len(record.csp_report["blocked-uri"]) == 300  # type: ignore[attr-defined]


@pytest.mark.parametrize(("body", "status"), [
    ("not json", 400),
    (json.dumps({"no": "report"}), 400),
    (json.dumps(["csp-report"]), 400),
    (json.dumps({"csp-report": {"blocked-uri": "x" * 20_000}}), 413),
])
def test_what_is_not_a_report_is_refused_and_not_logged(body: str, status: int, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="dsdw_kpi.csp"):
        response = Client().post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == status
    assert not [r for r in caplog.records if r.name == "dsdw_kpi.csp"]


def test_the_report_endpoint_takes_posts_only() -> None:
    assert Client().get("/csp-report/").status_code == 405
