"""Stored renderings of PDF documents: a download of an unchanged document costs a file read, not a WeasyPrint run.

The key is a SHA-256 of everything the document prints (the frozen builder dataclasses, passed in by the caller)
and of the renderer's version (the PDF templates, pdf.css, the renderer and formatter sources, WeasyPrint's
version). Changed data, a changed template or a new release therefore give another key and a fresh rendering; a
stored document is never served for data it was not made from. Files live under DOCUMENT_CACHE_DIR (mode 0600,
written atomically, so every gunicorn worker of the machine shares them); the oldest are removed beyond
DOCUMENT_CACHE_MAX_FILES. No database access.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import weasyprint
from django.conf import settings

log = logging.getLogger(__name__)

_REPO = Path(__file__).resolve().parents[2]
#: What a rendering depends on besides its data: a change in any of these gives every document a new key.
RENDERER_SOURCES = (
    "templates/reporting/pdf",
    "static/reporting",
    "reporting/pdf",
    "reporting/documents",
    "indicators/numbers.py",
    "indicators/templatetags",
)


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """A digest of the PDF templates, stylesheets and rendering code as deployed (read once per process)."""
    digest = hashlib.sha256(f"weasyprint {weasyprint.__version__}".encode())
    for source in RENDERER_SOURCES:
        root = _REPO / source
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if root.is_dir() else [root]
        for path in files:
            if path.exists():
                digest.update(str(path.relative_to(_REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def document_key(kind: str, content: object) -> str:
    """The key of a document of ``kind`` whose printed content is ``content`` (plain values: a deterministic repr).

    Refuses content whose repr does not show its values (an object printed by its address), which could give two
    different documents one key.
    """
    text = repr(content)
    if " object at 0x" in text:
        raise ValueError(f"{kind}: the content of a stored document must be plain values, not {text[:200]}")
    digest = hashlib.sha256(kind.encode())
    digest.update(renderer_version().encode())
    digest.update(text.encode())
    return digest.hexdigest()


def _directory() -> Path:
    return Path(settings.DOCUMENT_CACHE_DIR)


_writes = 0  # renderings stored by this process: the store is bounded every PRUNE_EVERY of them
PRUNE_EVERY = 50


def _prune(directory: Path, keep: int) -> None:
    files = sorted(directory.glob("*/*.pdf"), key=lambda p: p.stat().st_mtime)
    for path in files[: max(0, len(files) - keep)]:
        path.unlink(missing_ok=True)


def stored_pdf(key: str, render: Callable[[], bytes]) -> bytes:
    """The stored rendering for ``key``, else ``render()`` stored under it (a failed store only logs)."""
    if not settings.DOCUMENT_CACHE_MAX_FILES:
        return render()
    path = _directory() / key[:2] / f"{key}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = render()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")  # mode 0600
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
        global _writes
        _writes += 1
        if _writes % PRUNE_EVERY == 1:
            _prune(_directory(), int(settings.DOCUMENT_CACHE_MAX_FILES))
    except OSError:
        log.warning("could not store the rendering %s under %s", key, path.parent, exc_info=True)
    return data
