"""Operators' logs: time, level, logger and message on the console (and LOG_FILE), plain text or JSON lines;
request errors and security events included. Each case runs in a production-like process of its own."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

REQUESTS_SCRIPT = r"""
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
print(client.get("/healthz/", HTTP_HOST="attacker.example").status_code)  # django.security.DisallowedHost
print(client.get("/no-such-page/", secure=True).status_code)  # django.request: Not Found
"""


def _run(tmp_path: Path, log_format: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    log_file = tmp_path / f"app-{log_format}.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "dsdw_kpi.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_MANIFEST": "0",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "LOG_FORMAT": log_format,
        "LOG_FILE": str(log_file),
    }
    out = subprocess.run([sys.executable, "-c", REQUESTS_SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["400", "404"]
    return out, log_file


def test_text_lines_carry_time_level_logger_and_reach_console_and_file(tmp_path):
    out, log_file = _run(tmp_path, "text")
    line = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} %s %s \[\d+\] %s"
    for text in (out.stderr, log_file.read_text()):
        assert re.search(line % ("ERROR", r"django\.security\.DisallowedHost", "Invalid HTTP_HOST header"), text)
        assert re.search(line % ("WARNING", r"django\.request", "Not Found: /no-such-page/"), text)


def test_json_lines_can_be_parsed(tmp_path):
    _, log_file = _run(tmp_path, "json")
    entries = [json.loads(line) for line in log_file.read_text().splitlines()]
    by_logger = {entry["logger"]: entry for entry in entries}
    security = by_logger["django.security.DisallowedHost"]
    assert security["level"] == "ERROR" and "attacker.example" in security["message"]
    not_found = by_logger["django.request"]
    assert not_found["level"] == "WARNING" and not_found["status"] == 404 and not_found["path"] == "/no-such-page/"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", not_found["time"])
