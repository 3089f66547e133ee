"""python manage.py evidence_orphans — evidence files on disk that no evidence row refers to (dry run by default)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from indicators.models import EvidenceFile
from indicators.storage import DIRECTORY_MODE, EVIDENCE_DIRECTORY, FILE_MODE


def orphan_files(root: Path, *, min_age_seconds: float, now: float | None = None) -> list[Path]:
    """Files under root/evidence/ that no EvidenceFile names, older than min_age_seconds (an upload whose
    transaction has not committed yet is not an orphan)."""
    folder = root / EVIDENCE_DIRECTORY
    if not folder.is_dir():
        return []
    known = set(EvidenceFile.objects.values_list("file", flat=True))
    cutoff = (now if now is not None else time.time()) - min_age_seconds
    return sorted(
        path for path in folder.rglob("*")
        if path.is_file() and path.relative_to(root).as_posix() not in known and path.stat().st_mtime <= cutoff
    )


def tighten_modes(root: Path) -> int:
    """Evidence stored before files were private: directories 0700, files 0600; returns how many were changed."""
    changed = 0
    folder = root / EVIDENCE_DIRECTORY
    for path in [folder, *folder.rglob("*")] if folder.is_dir() else []:
        mode = DIRECTORY_MODE if path.is_dir() else FILE_MODE
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
            changed += 1
    return changed


class Command(BaseCommand):
    help = (
        "แสดงไฟล์หลักฐานใน PRIVATE_MEDIA_ROOT/evidence ที่ไม่มีรายการไฟล์หลักฐานอ้างถึง (ค่าเริ่มต้นแสดงอย่างเดียว "
        "ไม่ลบ) ใส่ --delete เพื่อลบ และ --fix-modes เพื่อปรับสิทธิ์ไฟล์เดิมเป็น 0600 และโฟลเดอร์เป็น 0700"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="ลบไฟล์ที่ไม่มีรายการอ้างถึง")
        parser.add_argument("--min-age-minutes", type=int, default=60,
                            help="ข้ามไฟล์ที่ใหม่กว่านี้ (การแนบที่ยังไม่เสร็จ) ค่าเริ่มต้น 60 นาที")
        parser.add_argument("--fix-modes", action="store_true", help="ปรับสิทธิ์ไฟล์หลักฐานเดิมให้อ่านได้เฉพาะบัญชีบริการ")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        orphans = [(path, path.stat().st_size) for path in orphan_files(
            root, min_age_seconds=options["min_age_minutes"] * 60)]
        state = "ลบแล้ว" if options["delete"] else "ไม่มีรายการอ้างถึง"
        for path, size in orphans:
            if options["delete"]:
                path.unlink(missing_ok=True)
            self.stdout.write(f"{state}\t{size:,}\t{path.relative_to(root)}")
        total = sum(size for _, size in orphans)
        verb = "ลบ" if options["delete"] else "พบ (ยังไม่ลบ ใส่ --delete เพื่อลบ)"
        self.stdout.write(f"{verb} {len(orphans):,} ไฟล์ รวม {total:,} ไบต์")
        if options["fix_modes"]:
            self.stdout.write(f"ปรับสิทธิ์แล้ว {tighten_modes(root):,} รายการ")
