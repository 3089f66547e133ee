"""Settings come from the environment and fail loudly on bad values (STYLE.md practice 9); DEBUG=0 gives the safe
production values, and `check --deploy` passes with only the variables of .env.production.example."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dsdw_kpi.env import env_bool, env_int, env_proxy_ssl_header, env_url, secret_key_weakness

REPO = Path(__file__).resolve().parents[2]
SETTINGS_SHOWN = (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_AGE",
    "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_REDIRECT_EXEMPT", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "STATIC_MANIFEST",
)  # fmt: skip


def strong_key() -> str:
    return secrets.token_urlsafe(64)


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of an example environment file (comments and blank lines skipped)."""
    variables = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            variables[key.strip()] = value.strip()
    return variables


def run_isolated(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run Python in the repository with ONLY `env` (plus PATH): nothing of the test session's environment leaks in."""
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.LANGUAGE_CODE)"
    )
    return run_isolated(["-c", code], {"DJANGO_SETTINGS_MODULE": "dsdw_kpi.settings", **env})


def _security_settings(env: dict[str, str]) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{name: getattr(settings, name) for name in {SETTINGS_SHOWN!r}}}))"
    )
    out = run_isolated(["-c", code], {"DJANGO_SETTINGS_MODULE": "dsdw_kpi.settings", **env})
    assert out.returncode == 0, out.stderr
    shown: dict[str, object] = json.loads(out.stdout)
    return shown


def test_booleans_integers_and_urls_are_checked(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_BOOL", "yes")
    assert env_bool("X_BOOL") is True
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_URL", "mysql://db")
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        env_url("X_URL", ("postgres", "postgresql"))


def test_proxy_ssl_header_is_parsed_and_checked(monkeypatch):
    monkeypatch.setenv("X_PROXY", "HTTP_X_FORWARDED_PROTO, https")
    assert env_proxy_ssl_header("X_PROXY") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("X_PROXY", "X-Forwarded-Proto")
    with pytest.raises(ImproperlyConfigured, match="HTTP_X_FORWARDED_PROTO,https"):
        env_proxy_ssl_header("X_PROXY")
    monkeypatch.delenv("X_PROXY")
    assert env_proxy_ssl_header("X_PROXY") is None


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("short-but-random-Qx81", "characters; at least 50"),
        ("ab" * 40, "only 2 different characters"),
        ("change-me-to-a-long-random-string-" + strong_key()[:30], "'change-me'"),
        ("test-only-insecure-secret-key-" + strong_key()[:30], "'insecure'"),
        ("django-insecure-" + strong_key()[:50], "'insecure'"),
        ("an-example-key-" + strong_key()[:50], "'example'"),
    ],
)
def test_weak_secret_keys_are_named(key, reason):
    weakness = secret_key_weakness(key)
    assert weakness is not None and reason in weakness


def test_a_generated_secret_key_is_accepted():
    assert secret_key_weakness(strong_key()) is None


def test_quick_start_defaults_are_sqlite_and_eager_celery():
    out = _settings({"DEBUG": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.sqlite3", "True", "th"]


def test_postgres_and_redis_urls_switch_to_the_real_services():
    out = _settings({"SECRET_KEY": strong_key(), "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
                     "REDIS_URL": "redis://127.0.0.1:6379/0"})  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == ["django.db.backends.postgresql", "False"]


def test_missing_secret_key_without_debug_fails_loudly():
    out = _settings({})
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr


@pytest.mark.parametrize("key", ["x", "change-me-to-a-long-random-string", "test-only-insecure-secret-key-12345"])
def test_weak_secret_key_without_debug_is_refused_at_start(key):
    out = _settings({"SECRET_KEY": key})
    assert out.returncode != 0
    assert "SECRET_KEY is refused when DEBUG is off" in out.stderr
    assert "secrets.token_urlsafe" in out.stderr  # the message says how to make a good one


def test_debug_accepts_a_missing_secret_key():
    assert _settings({"DEBUG": "1", "SECRET_KEY": ""}).returncode == 0


def test_production_defaults_are_secure():
    shown = _security_settings({"SECRET_KEY": strong_key()})
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and shown["SECURE_HSTS_PRELOAD"] is True
    assert shown["SESSION_COOKIE_SECURE"] is True and shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_PROXY_SSL_HEADER"] is None  # trusting the header needs a proxy that sets it
    assert shown["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert shown["X_FRAME_OPTIONS"] == "DENY"
    assert shown["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert shown["SECURE_REFERRER_POLICY"] == "same-origin"
    assert shown["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert shown["SECURE_REDIRECT_EXEMPT"] == [r"^healthz/$"]
    assert shown["STATIC_MANIFEST"] is True


def test_debug_defaults_are_for_a_laptop():
    shown = _security_settings({"DEBUG": "1"})
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0
    assert shown["SESSION_COOKIE_SECURE"] is False and shown["CSRF_COOKIE_SECURE"] is False
    assert shown["STATIC_MANIFEST"] is False
    assert shown["X_FRAME_OPTIONS"] == "DENY"  # headers that cost nothing stay on


def test_every_security_setting_can_be_set_from_the_environment():
    shown = _security_settings({
        "SECRET_KEY": strong_key(), "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "3600",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "no", "SECURE_HSTS_PRELOAD": "off", "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "0", "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "SESSION_COOKIE_AGE": "900", "SECURE_REFERRER_POLICY": "no-referrer",
        "ALLOWED_HOSTS": "kpi.example.org, 10.0.0.5", "CSRF_TRUSTED_ORIGINS": "https://kpi.example.org",
    })  # fmt: skip
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 3600
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and shown["SECURE_HSTS_PRELOAD"] is False
    assert shown["SESSION_COOKIE_SECURE"] is False and shown["CSRF_COOKIE_SECURE"] is False
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SESSION_COOKIE_AGE"] == 900
    assert shown["SECURE_REFERRER_POLICY"] == "no-referrer"
    assert shown["ALLOWED_HOSTS"] == ["kpi.example.org", "10.0.0.5"]
    assert shown["CSRF_TRUSTED_ORIGINS"] == ["https://kpi.example.org"]


def test_check_deploy_passes_with_only_the_production_example():
    variables = read_env_file(REPO / ".env.production.example")
    variables["SECRET_KEY"] = strong_key()
    out = run_isolated(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], variables)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


@pytest.mark.parametrize("example", [".env.production.example", ".env.example"])
def test_an_unedited_copy_of_an_example_file_does_not_start(example):
    variables = read_env_file(REPO / example)
    assert variables["DEBUG"] == "0"
    out = run_isolated(["manage.py", "check", "--deploy"], variables)
    assert out.returncode != 0
    assert "SECRET_KEY is refused when DEBUG is off" in out.stderr
    assert "placeholder" in out.stderr
