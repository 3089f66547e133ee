"""The SQLite quick start: two people saving at the same moment both succeed (WAL, IMMEDIATE transactions and a
busy timeout in the settings), instead of one getting "database is locked"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAVES_PER_WRITER = 60

# Each save does what a result save does: read the current row, then write it and a history row, in one
# transaction. With SQLite's default DEFERRED transactions two such transactions deadlock on the upgrade from read
# to write, and SQLite answers "database is locked" at once, whatever the busy timeout.
WRITER_SCRIPT = r"""
import os, sys, time, django
django.setup()
from django.db import connection, transaction

who, saves, start_at = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print("journal_mode", cursor.fetchone()[0], flush=True)
while time.time() < start_at:
    time.sleep(0.005)
for number in range(saves):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT value, version FROM result WHERE id = 1")
            value, version = cursor.fetchone()
            cursor.execute("UPDATE result SET value = %s, version = %s WHERE id = 1", [f"{who}-{number}", version + 1])
            cursor.execute("INSERT INTO history (who, version) VALUES (%s, %s)", [who, version + 1])
print("saved", saves, flush=True)
"""


def test_two_writers_saving_at_once_both_succeed(tmp_path):
    database = tmp_path / "quick-start.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE result (id INTEGER PRIMARY KEY, value TEXT, version INTEGER NOT NULL)")
        db.execute("CREATE TABLE history (id INTEGER PRIMARY KEY, who TEXT, version INTEGER NOT NULL)")
        db.execute("INSERT INTO result VALUES (1, '', 0)")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "dsdw_kpi.settings",
        "DEBUG": "1",
        "SQLITE_PATH": str(database),
    }
    start_at = str(time.time() + 4)  # both processes have set Django up by then
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, who, str(SAVES_PER_WRITER), start_at], cwd=REPO,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        for who in ("staff-a", "staff-b")
    ]
    outputs = [writer.communicate(timeout=180) for writer in writers]
    for writer, (stdout, stderr) in zip(writers, outputs, strict=True):
        assert "database is locked" not in stderr
        assert writer.returncode == 0, stderr
        assert "journal_mode wal" in stdout
        assert f"saved {SAVES_PER_WRITER}" in stdout
    with sqlite3.connect(database) as db:
        version = db.execute("SELECT version FROM result WHERE id = 1").fetchone()[0]
        history = db.execute("SELECT who, COUNT(*) FROM history GROUP BY who ORDER BY who").fetchall()
    assert version == 2 * SAVES_PER_WRITER  # no save lost: every one saw the previous one's version
    assert history == [("staff-a", SAVES_PER_WRITER), ("staff-b", SAVES_PER_WRITER)]
