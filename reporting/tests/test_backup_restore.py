"""scripts/backup.sh and scripts/restore.sh against the real PostgreSQL of scripts/test.sh.

Data (FY2566 reference, demo results, stored scores, one evidence file) → backup → a new empty database and media
directory → restore → the smoke test: every table has the same number of rows, `migrate --check` is clean, and a
separate Django process on the restored database renders the unit page and the scorecard and serves the evidence.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from indicators.models import EvidenceFile, OrgUnit, Result, Round
from indicators.storage import private_storage
from indicators.tests.conftest import load_reference

pytestmark = pytest.mark.needs_services

REPO_DIR = Path(__file__).resolve().parents[2]
EVIDENCE = b"%PDF-1.4\n% evidence kept by the backup\n%%EOF\n"

# Runs in a separate process on the restored database: the pages an operator would open first.
SMOKE = """
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from indicators.models import EvidenceFile, OrgUnit, Round

client = Client()
client.force_login(get_user_model().objects.get(username="admin"))
unit = OrgUnit.objects.get(code="demo-division")
round1 = Round.objects.get(fiscal_year__be_year=2566, number=1)
page = client.get(f"/rounds/{round1.pk}/units/{unit.pk}/", secure=True)
scorecard = client.get("/reports/scorecard/", {"year": 2566, "round": 1, "unit": unit.code}, secure=True)
evidence = EvidenceFile.objects.get()
download = client.get(f"/evidence/{evidence.pk}/", secure=True)
body = b"".join(download.streaming_content) if download.streaming else download.content
print(page.status_code, unit.name_th in page.content.decode(), scorecard.status_code,
      unit.name_th in scorecard.content.decode(), download.status_code, body.hex())
"""


def _url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO_DIR / "scripts" / script), *args], cwd=REPO_DIR, env={**os.environ, **env},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _row_counts(url: str) -> dict[str, int]:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts: dict[str, int] = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
            counts[table] = int(cursor.fetchone()[0])
    conn.close()
    return counts


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new, empty database beside the test database (the test role may create databases); dropped afterwards."""
    name = f"dsdw_restore_{os.getpid()}_{int(time.time())}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_bin() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (bash scripts/test.sh)")
    return os.environ.get("DSDW_TEST_PG_BIN", "")


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_an_empty_database_pass_the_smoke_test(
    pg_bin: str, empty_database: str, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: reference and demo data with stored scores, and one evidence file in the private media
    source_media, restored_media, backups = tmp_path / "media", tmp_path / "restored-media", tmp_path / "backups"
    settings.PRIVATE_MEDIA_ROOT = source_media
    monkeypatch.setattr(EvidenceFile._meta.get_field("file"), "storage", private_storage())
    load_reference()
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    unit = OrgUnit.objects.get(code="demo-division")
    result = Result.objects.filter(org_unit=unit, round=Round.objects.get(fiscal_year__be_year=2566, number=1)).first()
    assert result is not None
    EvidenceFile.objects.create(
        result=result, file=ContentFile(EVIDENCE, name="evidence.pdf"), original_name="หลักฐาน.pdf",
        content_type="application/pdf", size=len(EVIDENCE), sha256=hashlib.sha256(EVIDENCE).hexdigest(),
    )  # fmt: skip
    source_url = _url(str(connection.settings_dict["NAME"]))
    common = {"ENV_FILE": str(tmp_path / "no-env-file"), "PG_BIN": pg_bin, "BACKUP_DIR": str(backups)}

    # when: a backup, then a restore into the new database and an empty media directory
    backup = _run("backup.sh", env={**common, "DATABASE_URL": source_url, "PRIVATE_MEDIA_ROOT": str(source_media)})
    assert backup.returncode == 0, backup.stderr
    [made] = list(backups.iterdir())
    restore = _run("restore.sh", str(made),
                   env={**common, "DATABASE_URL": empty_database, "PRIVATE_MEDIA_ROOT": str(restored_media)})

    # then: files private, the same rows in every table, the schema matches the code, the pages render
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert _mode(made) == 0o700 and {_mode(path) for path in made.iterdir()} == {0o600}
    assert {path.name for path in made.iterdir()} == {"database.dump", "private-media.tar.gz", "SHA256SUMS",
                                                       "manifest.txt"}
    original, restored = _row_counts(source_url), _row_counts(empty_database)
    assert original == restored
    assert original["indicators_result"] > 0 and original["indicators_evidencefile"] == 1
    assert original["reporting_scorecard"] > 0
    assert "users=" in restore.stdout
    [restored_file] = [path for path in restored_media.rglob("*") if path.is_file()]
    assert restored_file.read_bytes() == EVIDENCE and _mode(restored_file) == 0o600
    env = {**os.environ, "DATABASE_URL": empty_database, "PRIVATE_MEDIA_ROOT": str(restored_media),
           "ALLOWED_HOSTS": "testserver", "DB_CONN_MAX_AGE": "0"}
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--check"], cwd=REPO_DIR, env=env,
                             capture_output=True, text=True, timeout=120)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    smoke = subprocess.run([sys.executable, "-c", SMOKE], cwd=REPO_DIR, env=env, capture_output=True, text=True,
                           timeout=300)
    assert smoke.returncode == 0, smoke.stderr
    assert smoke.stdout.split()[-6:] == ["200", "True", "200", "True", "200", EVIDENCE.hex()]


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(pg_bin: str, tmp_path: Path) -> None:
    # given: a backup of the (migrated) test database
    source_url = _url(str(connection.settings_dict["NAME"]))
    common = {"ENV_FILE": str(tmp_path / "no-env-file"), "PG_BIN": pg_bin, "BACKUP_DIR": str(tmp_path / "backups"),
              "PRIVATE_MEDIA_ROOT": str(tmp_path / "media")}
    assert _run("backup.sh", env={**common, "DATABASE_URL": source_url}).returncode == 0
    [made] = list((tmp_path / "backups").iterdir())
    before = _row_counts(source_url)

    # when: restoring over the database it came from
    restore = _run("restore.sh", str(made), env={**common, "DATABASE_URL": source_url})

    # then
    assert restore.returncode == 1
    assert "the database is not empty" in restore.stderr
    assert _row_counts(source_url) == before


@pytest.mark.django_db(transaction=True)
def test_backups_beyond_the_retention_count_are_removed_oldest_first(pg_bin: str, tmp_path: Path) -> None:
    env = {"ENV_FILE": str(tmp_path / "no-env-file"), "PG_BIN": pg_bin, "BACKUP_DIR": str(tmp_path / "backups"),
           "PRIVATE_MEDIA_ROOT": str(tmp_path / "media"), "BACKUP_KEEP": "2",
           "DATABASE_URL": _url(str(connection.settings_dict["NAME"]))}
    made: list[str] = []
    for _ in range(3):
        outcome = _run("backup.sh", env=env)
        assert outcome.returncode == 0, outcome.stderr
        made.append(outcome.stdout.split()[1])
        time.sleep(1.1)  # backups are named by the second

    assert sorted(str(path) for path in (tmp_path / "backups").iterdir()) == made[1:]
