"""Start Django for a benchmark script run as ``python benchmarks/<name>.py`` from anywhere.

Puts the repository on sys.path, uses the project's settings with DEBUG on, and, when no DATABASE_URL is given,
a throw-away SQLite file (never the developer's db.sqlite3). Set any other environment variable before calling.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    sys.path.insert(0, str(REPO_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsdw_kpi.settings")
    os.environ.setdefault("DEBUG", "1")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("SQLITE_PATH", str(Path(tempfile.mkdtemp(prefix="dsdw-bench-")) / "bench.sqlite3"))

    import django

    django.setup()
