"""Private file storage for evidence: outside the static and media URLs, served only through a permission check."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


def private_storage() -> Storage:
    """A callable, so migrations record the function and not this machine's PRIVATE_MEDIA_ROOT path."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
