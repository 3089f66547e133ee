"""Settings come from the environment and fail loudly on bad values (STYLE.md practice 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dsdw_kpi.env import env_bool, env_int, env_url

REPO = Path(__file__).resolve().parents[2]


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


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.LANGUAGE_CODE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**clean, "DJANGO_SETTINGS_MODULE":
                          "dsdw_kpi.settings", **env}, capture_output=True, text=True, timeout=60)


def test_quick_start_defaults_are_sqlite_and_eager_celery():
    out = _settings({"DEBUG": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.sqlite3", "True", "th"]


def test_postgres_and_redis_urls_switch_to_the_real_services():
    out = _settings({"SECRET_KEY": "x", "DATABASE_URL": "postgres://u@127.0.0.1:5432/db", "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == ["django.db.backends.postgresql", "False"]


def test_missing_secret_key_without_debug_fails_loudly():
    out = _settings({})
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr
