"""Private file storage for evidence: outside the static and media URLs, served only through a permission check.

Files are readable by the service account only (0600, directories 0700). A file leaves the disk when its row is
deleted — by the remove view, the admin or a cascade from its result — once that deletion has committed, so a rolled
back deletion keeps its file. Files left behind by an upload whose transaction rolled back are listed and removed by
``manage.py evidence_orphans``.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.db.models.signals import post_delete

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
EVIDENCE_DIRECTORY = "evidence"

log = logging.getLogger(__name__)


def private_storage() -> Storage:
    """A callable, so migrations record the function and not this machine's PRIVATE_MEDIA_ROOT path."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None, file_permissions_mode=FILE_MODE,
                             directory_permissions_mode=DIRECTORY_MODE)


def _delete_file(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # the row is gone either way; the orphan command reports what could not be removed
        log.exception("evidence file %s could not be removed", name)


def delete_after_commit(storage: Storage, name: str, *, using: str | None = None) -> None:
    """Remove a stored file once the current transaction commits (at once outside a transaction)."""
    if name:
        transaction.on_commit(partial(_delete_file, storage, name), using=using)


def _evidence_deleted(sender: Any, instance: Any, using: str, **kwargs: Any) -> None:
    delete_after_commit(instance.file.storage, instance.file.name, using=using)


def connect() -> None:
    """Called from IndicatorsConfig.ready(); the sender is named, so this module imports no model."""
    post_delete.connect(_evidence_deleted, sender="indicators.EvidenceFile", dispatch_uid="evidence-file-on-disk")
