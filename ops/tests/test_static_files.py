"""With DEBUG=0 the pages link hashed, compressed static files that gunicorn (whitenoise) serves with a long
cache; the PDF renderer still finds what {% static %} links. Run in a subprocess: a production environment of its
own, after `collectstatic` into a temporary STATIC_ROOT."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CLIENT_SCRIPT = r"""
import json, re, django
django.setup()
from django.test import Client
from django.templatetags.static import static
from reporting.pdf.render import STATIC_ORIGIN, StaticFilesFetcher

client = Client()
page = client.get("/accounts/login/", secure=True)
css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.content.decode()).group(1)
plain = client.get(css, secure=True)
gzipped = client.get(css, secure=True, HTTP_ACCEPT_ENCODING="gzip")
missing = client.get("/static/css/site.css", secure=True)
book = static("reporting/book.css")
fetched = StaticFilesFetcher().fetch(STATIC_ORIGIN + book.lstrip("/"))
print(json.dumps({
    "page": page.status_code, "css": css,
    "status": plain.status_code, "cache": plain["Cache-Control"], "type": plain["Content-Type"],
    "gzip_status": gzipped.status_code, "gzip_encoding": gzipped.get("Content-Encoding"),
    "unhashed": missing.status_code, "book": book, "book_bytes": len(fetched.read() if hasattr(fetched, "read") else fetched.body),
}))
"""


def test_collected_static_files_are_served_hashed_compressed_and_cached(tmp_path):
    static_root = tmp_path / "static"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "dsdw_kpi.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(static_root),
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    if os.environ.get("DSDW_SHARED_DIR"):
        env["DSDW_SHARED_DIR"] = os.environ["DSDW_SHARED_DIR"]
    collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert collect.returncode == 0, collect.stderr
    assert (static_root / "staticfiles.json").is_file()

    out = subprocess.run([sys.executable, "-c", CLIENT_SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["page"] == 200
    assert seen["status"] == 200 and seen["type"].startswith("text/css")
    assert "max-age=315360000" in seen["cache"] and "immutable" in seen["cache"]
    assert seen["gzip_status"] == 200 and seen["gzip_encoding"] == "gzip"
    assert (static_root / (seen["css"].removeprefix("/static/") + ".gz")).is_file()
    assert seen["unhashed"] == 200  # old links still work, with a short cache
    assert seen["book"].startswith("/static/reporting/book.") and seen["book"] != "/static/reporting/book.css"
    assert seen["book_bytes"] > 0  # the PDF renderer reads the hashed name from STATIC_ROOT
