"""E-mail links start with settings.SITE_URL; scripts/run.sh sets it to the address it starts the server on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from indicators import notifications
from indicators.models import Person
from indicators.tests.test_review_views import make_user, submitted, supervise

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_email_links_use_the_site_url(django_user_model: Any, staff_user: Any, round1: Any, mailoutbox: Any) -> None:
    supervisor = make_user(django_user_model, "supervisor", Person.Role.SUPERVISOR, email="supervisor@example.com")
    supervise(supervisor, "BUDGET")
    result = submitted(staff_user, "div-3", "BUDGET", round1)

    with override_settings(SITE_URL="https://kpi.example.go.th/"):
        notifications.send_submitted(result)

    links = re.findall(r"https?://\S+", mailoutbox[-1].body)
    assert links == [f"https://kpi.example.go.th/review/{result.pk}/", "https://kpi.example.go.th/review/"]


def _site_url_setting(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import django; from django.conf import settings; django.setup(); print(settings.SITE_URL)"
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DEBUG")}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**clean, "DEBUG": "1", **env,
                          "DJANGO_SETTINGS_MODULE": "dsdw_kpi.settings"}, capture_output=True, text=True, timeout=60)


def test_the_site_url_setting_defaults_to_the_local_server_and_refuses_an_address_without_scheme() -> None:
    assert _site_url_setting({}).stdout.strip() == "http://127.0.0.1:8000"
    assert _site_url_setting({"SITE_URL": "https://kpi.dsdw.go.th"}).stdout.strip() == "https://kpi.dsdw.go.th"
    bad = _site_url_setting({"SITE_URL": "kpi.dsdw.go.th"})
    assert bad.returncode != 0 and "SITE_URL must start with one of http://, https://" in bad.stderr


def _site_url_for(addr: str) -> str:
    """Run run.sh's site_url_for() alone (the script itself would install packages and start a server)."""
    script = (REPO / "scripts" / "run.sh").read_text()
    function = re.search(r"^site_url_for\(\) \{\n.*?^\}\n", script, re.S | re.M)
    assert function is not None
    out = subprocess.run(["bash", "-c", f"set -euo pipefail\n{function.group(0)}\nsite_url_for '{addr}'"],
                         capture_output=True, text=True, timeout=30, check=True)
    return out.stdout.strip()


@pytest.mark.parametrize(("addr", "url"), [
    ("127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("8001", "http://127.0.0.1:8001"),
    ("10.20.30.40:8080", "http://10.20.30.40:8080"),
    ("localhost:9000", "http://localhost:9000"),
    ("[::1]:8000", "http://[::1]:8000"),
])
def test_run_sh_builds_the_site_url_from_the_address_the_server_is_started_on(addr: str, url: str) -> None:
    assert _site_url_for(addr) == url


def test_run_sh_names_this_machine_when_the_server_listens_on_every_address() -> None:
    url = _site_url_for("0.0.0.0:8000")
    assert re.fullmatch(r"http://(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]):8000", url) and "0.0.0.0" not in url


def test_run_sh_exports_the_site_url_only_when_it_is_not_set() -> None:
    script = (REPO / "scripts" / "run.sh").read_text()
    assert 'if [ -z "${SITE_URL:-}" ]; then\n    SITE_URL="$(site_url_for "$ADDR")"\n    export SITE_URL' in script
