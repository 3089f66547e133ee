"""What an evidence file really is: each accepted kind is parsed, not just recognised by its first bytes (issue 9).

A file is accepted only when its extension is allowed, its content parses as that kind, and nothing else is hidden in
it: PDFs without scripts, actions that run on opening, embedded files, rich media or XFA forms; Word/Excel files as
plain zip containers with the part their extension promises, bounded expansion, no macros, no programs or foreign
archives inside; legacy Word/Excel (OLE) files without macros or packaged programs; images that decode completely
within a pixel limit. A file that is also something else (HTML/script, a zip, a PDF) is a polyglot and is refused.
Every refusal is a ValidationError with its own Thai message; nothing is stored by this module.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_LOCAL = b"PK\x03\x04"
# An end-of-central-directory record on disk 0 (what an appended zip carries); 8 bytes, so compressed data does not
# match it by chance.
ZIP_END_RECORD = b"PK\x05\x06\x00\x00\x00\x00"
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
JPEG_END = b"\xff\xd9"  # the end-of-image marker
# HTML/script a browser would run if the file were ever sniffed as a page. Anywhere in the file these markers are
# long enough not to appear by chance in compressed data; in the first KB (what browsers sniff) shorter ones count too.
MARKERS_ANYWHERE = re.compile(rb"<html|<script|<!doctype|<iframe|<svg[\s/>]|<body[\s>]", re.IGNORECASE)
MARKERS_AT_START = re.compile(rb"<html|<script|<!doctype|<iframe|<svg|<body|<head|<img|<a\s|<\?xml", re.IGNORECASE)
SNIFFED_BYTES = 1024
# Inside a Word/Excel container: macro parts and programs or archives that have no business in a document.
MACRO_NAMES = ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin")
PROGRAM_SUFFIXES = (".class", ".jar", ".exe", ".dll", ".com", ".scr", ".msi", ".js", ".jse", ".vbs", ".vbe", ".wsf",
                    ".ps1", ".bat", ".cmd", ".hta", ".sh", ".zip", ".rar", ".7z")
EMBEDDED_OFFICE_SUFFIXES = (".docx", ".xlsx", ".pptx")
OLE_PACKAGE = "\x01ole10native"  # a packaged file (often a program) inside an OLE object
OLE_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "vba", "_vba_project"})


@dataclass(frozen=True)
class Kind:
    """One accepted kind of evidence: the content type it is served with comes from here, never from the browser."""

    extension: str
    content_type: str
    label: str
    family: str  # pdf | image | office | ole
    part: str = ""  # the part an Office container must hold (office) or the stream an OLE file must hold (ole)


KINDS: dict[str, Kind] = {kind.extension: kind for kind in (
    Kind(".pdf", "application/pdf", "PDF", "pdf"),
    Kind(".png", "image/png", "PNG", "image", "PNG"),
    Kind(".jpg", "image/jpeg", "JPEG", "image", "JPEG"),
    Kind(".jpeg", "image/jpeg", "JPEG", "image", "JPEG"),
    Kind(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)", "office",
         "word/document.xml"),
    Kind(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)", "office",
         "xl/workbook.xml"),
    Kind(".doc", "application/msword", "Word (.doc)", "ole", "worddocument"),
    Kind(".xls", "application/vnd.ms-excel", "Excel (.xls)", "ole", "workbook"),
)}
ACCEPT_ATTRIBUTE = ",".join(KINDS)


@dataclass(frozen=True)
class CheckedFile:
    kind: Kind
    size: int
    sha256: str


def content_type_for(name: str) -> str:
    """The served content type of a stored file, from the kind its extension was checked as."""
    kind = KINDS.get(Path(name).suffix.lower())
    return kind.content_type if kind else "application/octet-stream"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _mb(size: int) -> str:
    return f"{size / MB:,.1f}"


def check_evidence(name: str, upload: Any) -> CheckedFile:
    """Parse the upload as the kind its name says; raise ValidationError (Thai) on anything not clearly that kind."""
    kind = KINDS.get(Path(name).suffix.lower())
    if kind is None:
        raise ValidationError(_("แนบได้เฉพาะไฟล์ PDF, รูปภาพ (PNG, JPG), Word หรือ Excel"), code="extension")
    size = int(upload.size or 0)
    if size == 0:
        raise ValidationError(_("ไฟล์ว่างเปล่า"), code="empty")
    limit = _limit("EVIDENCE_MAX_BYTES", 20 * MB)
    if size > limit:
        raise ValidationError(_("ไฟล์ใหญ่เกิน %(limit)s MB (ไฟล์นี้ %(size)s MB)") % {
            "limit": f"{limit // MB:,}", "size": _mb(size)}, code="too_big")
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    {"pdf": _check_pdf, "image": _check_image, "office": _check_office, "ole": _check_ole}[kind.family](data, kind)
    return CheckedFile(kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest())


# ---- what no file may carry -------------------------------------------------------------------------------------


def _refuse_markup(data: bytes) -> None:
    if MARKERS_AT_START.search(data[:SNIFFED_BYTES]) or MARKERS_ANYWHERE.search(data):
        raise ValidationError(_("ไฟล์มีโค้ดหน้าเว็บ (HTML หรือสคริปต์) ปนอยู่ในเนื้อไฟล์ ระบบไม่รับไฟล์ลักษณะนี้"),
                              code="polyglot_html")


def _refuse_hidden_zip(data: bytes) -> None:
    if ZIP_END_RECORD in data or zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError(_("ไฟล์มีไฟล์บีบอัด (ZIP) ซ่อนต่อท้ายหรือปนอยู่ในเนื้อไฟล์ ระบบไม่รับไฟล์ลักษณะนี้"),
                              code="polyglot_zip")


def _refuse_hidden_pdf(data: bytes, *, start: int = 0) -> None:
    if b"%PDF-" in data[start:]:
        raise ValidationError(_("ไฟล์มีเอกสาร PDF ซ่อนปนอยู่ในเนื้อไฟล์ ระบบไม่รับไฟล์ลักษณะนี้"), code="polyglot_pdf")


def _mismatch(kind: Kind) -> ValidationError:
    return ValidationError(_("เนื้อหาไฟล์ไม่ตรงกับชนิดไฟล์ตามนามสกุล: ไฟล์นี้ไม่ใช่ไฟล์ %(label)s") % {"label": kind.label},
                           code="mismatch")


# ---- PDF ----------------------------------------------------------------------------------------------------------

PDF_SCRIPT = "script"
PDF_LAUNCH = "launch"
PDF_EMBEDDED = "embedded"
PDF_RICH_MEDIA = "rich_media"
PDF_XFA = "xfa"
REFUSED_KEYS = {"/JS": PDF_SCRIPT, "/JavaScript": PDF_SCRIPT, "/AA": PDF_SCRIPT, "/EmbeddedFiles": PDF_EMBEDDED,
                "/EF": PDF_EMBEDDED, "/XFA": PDF_XFA, "/RichMediaContent": PDF_RICH_MEDIA,
                "/RichMediaSettings": PDF_RICH_MEDIA}
REFUSED_ACTIONS = {"/JavaScript": PDF_SCRIPT, "/Rendition": PDF_SCRIPT, "/SubmitForm": PDF_SCRIPT,
                   "/ImportData": PDF_SCRIPT, "/Launch": PDF_LAUNCH, "/GoToE": PDF_EMBEDDED,
                   "/RichMediaExecute": PDF_RICH_MEDIA}
REFUSED_SUBTYPES = {"/FileAttachment": PDF_EMBEDDED, "/RichMedia": PDF_RICH_MEDIA, "/Screen": PDF_RICH_MEDIA}


def _pdf_refusal(reason: str) -> ValidationError:
    message = {
        PDF_SCRIPT: _("ไฟล์ PDF มีสคริปต์ (JavaScript) หรือคำสั่งที่ทำงานเองเมื่อเปิดไฟล์ ระบบไม่รับไฟล์ลักษณะนี้ "
                      "กรุณาสั่งพิมพ์เป็น PDF ใหม่แล้วแนบอีกครั้ง"),
        PDF_LAUNCH: _("ไฟล์ PDF มีคำสั่งเปิดโปรแกรมหรือไฟล์อื่น (Launch) ระบบไม่รับไฟล์ลักษณะนี้"),
        PDF_EMBEDDED: _("ไฟล์ PDF มีไฟล์อื่นฝังอยู่ข้างใน (ไฟล์แนบใน PDF) ระบบไม่รับไฟล์ลักษณะนี้ "
                        "กรุณาแนบแต่ละไฟล์แยกกัน"),
        PDF_RICH_MEDIA: _("ไฟล์ PDF มีสื่อแบบโต้ตอบ (RichMedia, Flash หรือวิดีโอ) ระบบไม่รับไฟล์ลักษณะนี้"),
        PDF_XFA: _("ไฟล์ PDF เป็นแบบฟอร์มชนิด XFA ระบบไม่รับไฟล์ลักษณะนี้ กรุณาสั่งพิมพ์เป็น PDF ธรรมดา"),
    }[reason]
    return ValidationError(message, code=f"pdf_{reason}")


def _check_pdf(data: bytes, kind: Kind) -> None:
    if not data.startswith(b"%PDF-"):
        raise _mismatch(kind)
    _refuse_markup(data)
    _refuse_hidden_zip(data)
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfReadError("password")
        if len(reader.pages) == 0:
            raise PdfReadError("no pages")
        reason = _pdf_hazard(reader)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file; any of them means "unreadable"
        if reader_is_locked(exc):
            raise ValidationError(_("ไฟล์ PDF ตั้งรหัสผ่านไว้ ระบบตรวจเนื้อหาไม่ได้ กรุณาแนบไฟล์ที่ไม่ได้ตั้งรหัสผ่าน"),
                                  code="pdf_encrypted") from None
        raise ValidationError(_("ไฟล์ PDF เสียหรือมีโครงสร้างไม่ถูกต้อง ระบบอ่านไม่ได้ กรุณาสั่งพิมพ์เป็น PDF ใหม่"),
                              code="pdf_broken") from None
    if reason:
        raise _pdf_refusal(reason)


def reader_is_locked(exc: Exception) -> bool:
    return str(exc) == "password" or type(exc).__name__ in {"FileNotDecryptedError", "DependencyError"}


def _pdf_objects(reader: Any) -> Iterator[Any]:
    """Every object of the file: the trailer, each indirect object of the cross-reference table and object streams."""
    from pypdf.generic import IndirectObject

    yield reader.trailer
    numbers = {(number, generation) for generation, table in reader.xref.items() for number in table}
    numbers |= {(number, 0) for number in reader.xref_objStm}
    for number, generation in sorted(numbers):
        yield reader.get_object(IndirectObject(number, generation, reader))


def _pdf_hazard(reader: Any) -> str:
    """The first hazard found in any dictionary of the file ("" if none); indirect references are not followed here
    because every indirect object is visited on its own."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    for root in _pdf_objects(reader):
        stack = [root]
        while stack:
            value = stack.pop()
            if isinstance(value, DictionaryObject):
                reason = _dictionary_hazard(value)
                if reason:
                    return reason
                stack.extend(v for v in value.values() if not isinstance(v, IndirectObject))
            elif isinstance(value, ArrayObject):
                stack.extend(v for v in value if not isinstance(v, IndirectObject))
    return ""


def _dictionary_hazard(value: Any) -> str:
    for key, reason in REFUSED_KEYS.items():
        if key in value:
            return reason
    action = str(value.get("/S", ""))
    if action in REFUSED_ACTIONS:
        return REFUSED_ACTIONS[action]
    subtype = str(value.get("/Subtype", ""))
    if subtype in REFUSED_SUBTYPES:
        return REFUSED_SUBTYPES[subtype]
    if str(value.get("/Type", "")) == "/EmbeddedFile":
        return PDF_EMBEDDED
    if "/OpenAction" in value:
        opening = value["/OpenAction"]
        opening = opening.get_object() if hasattr(opening, "get_object") else opening
        if hasattr(opening, "get") and str(opening.get("/S", "/GoTo")) != "/GoTo":
            return PDF_SCRIPT  # an action that runs when the file opens (a destination array only turns the page)
    return ""


# ---- images -------------------------------------------------------------------------------------------------------


def _check_image(data: bytes, kind: Kind) -> None:
    signature = b"\x89PNG\r\n\x1a\n" if kind.part == "PNG" else b"\xff\xd8\xff"
    if not data.startswith(signature):
        raise _mismatch(kind)
    _refuse_markup(data)
    _refuse_hidden_zip(data)
    _refuse_hidden_pdf(data)
    if kind.part == "PNG" and not data.endswith(PNG_END):
        raise ValidationError(_("ไฟล์รูปภาพ PNG ไม่ครบหรือมีข้อมูลอื่นต่อท้ายรูป ระบบไม่รับไฟล์ลักษณะนี้"),
                              code="image_trailing")
    if kind.part == "JPEG" and not data.rstrip(b"\x00").endswith(JPEG_END):
        # Checked here, not left to Pillow: WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, after which
        # a JPEG cut short decodes without an error.
        raise _broken_image()
    from PIL import Image

    limit = _limit("EVIDENCE_IMAGE_MAX_PIXELS", 50_000_000)
    try:
        with Image.open(io.BytesIO(data), formats=[kind.part]) as image:
            width, height = image.size
            if width * height > limit:
                raise ValidationError(
                    _("รูปภาพมีขนาดใหญ่เกินไป (%(width)s × %(height)s พิกเซล ได้ไม่เกิน %(limit)s ล้านพิกเซล)") % {
                        "width": f"{width:,}", "height": f"{height:,}", "limit": f"{limit / 1_000_000:,.0f}"},
                    code="image_pixels")
            image.verify()
        with Image.open(io.BytesIO(data), formats=[kind.part]) as image:
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_("รูปภาพมีจำนวนพิกเซลมากผิดปกติ ระบบไม่รับไฟล์ลักษณะนี้"), code="image_pixels") from None
    except Exception:  # Pillow: UnidentifiedImageError, OSError("image file is truncated"), SyntaxError, ...
        raise _broken_image() from None


def _broken_image() -> ValidationError:
    return ValidationError(_("ไฟล์รูปภาพเสียหรือไม่ครบ ระบบเปิดรูปนี้ไม่ได้ กรุณาบันทึกรูปใหม่แล้วแนบอีกครั้ง"),
                           code="image_broken")


# ---- Word and Excel (Office Open XML zip containers) ------------------------------------------------------------


def _zip_refusal(code: str, **params: str) -> ValidationError:
    message = {
        "zip_broken": _("ไฟล์ %(label)s เสียหรือไม่ใช่ไฟล์ Office ที่ถูกต้อง (อ่านโครงสร้างไฟล์ไม่ได้)"),
        "zip_layout": _("ไฟล์ %(label)s มีข้อมูลอื่นแทรกอยู่ก่อน ระหว่าง หรือต่อท้ายโครงสร้างไฟล์ ระบบไม่รับไฟล์ลักษณะนี้"),
        "zip_part": _("ไม่พบส่วน %(part)s ที่ไฟล์ %(label)s ต้องมี ไฟล์นี้จึงไม่ใช่ไฟล์ %(label)s ที่ถูกต้อง"),
        "zip_entries": _("ไฟล์มีส่วนประกอบภายในมากเกินไป (%(count)s ส่วน ได้ไม่เกิน %(limit)s ส่วน)"),
        "zip_bomb": _("ไฟล์เมื่อขยายแล้วมีขนาดใหญ่ผิดปกติ (%(expanded)s MB จากไฟล์ %(size)s MB) "
                      "ระบบไม่รับไฟล์ลักษณะนี้"),
        "zip_macro": _("ไฟล์มีมาโคร (VBA) หรือตัวควบคุม ActiveX ระบบไม่รับไฟล์ที่มีมาโคร "
                       "กรุณาบันทึกเป็นไฟล์ .docx หรือ .xlsx แบบไม่มีมาโครแล้วแนบอีกครั้ง"),
        "zip_program": _("ไฟล์มีโปรแกรมหรือไฟล์บีบอัดอื่นซ่อนอยู่ข้างใน (%(name)s) ระบบไม่รับไฟล์ลักษณะนี้"),
        "zip_encrypted": _("ไฟล์ %(label)s ตั้งรหัสผ่านไว้ ระบบตรวจเนื้อหาไม่ได้ กรุณาแนบไฟล์ที่ไม่ได้ตั้งรหัสผ่าน"),
    }[code]
    return ValidationError(message % params, code=code)


def _check_office(data: bytes, kind: Kind) -> None:
    if data.startswith(OLE_MAGIC):
        raise _zip_refusal("zip_encrypted", label=kind.label)  # a protected .docx/.xlsx is an OLE encrypted package
    if not data.startswith(ZIP_LOCAL):
        raise _mismatch(kind)
    _refuse_hidden_pdf(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_zip_layout(data, archive.infolist(), kind)
        names = {info.filename for info in archive.infolist()}
        if "[Content_Types].xml" not in names or kind.part not in names:
            missing = kind.part if "[Content_Types].xml" in names else "[Content_Types].xml"
            raise _zip_refusal("zip_part", part=missing, label=kind.label)
        _check_zip_members(archive, len(data), kind, depth=0)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
            struct.error):
        raise _zip_refusal("zip_broken", label=kind.label) from None


def _check_zip_layout(data: bytes, infos: list[zipfile.ZipInfo], kind: Kind) -> None:
    """The entries, then the central directory, then the end record with no comment: no byte left unaccounted for."""
    end = len(data) - 22
    if end < 0 or data[end:end + 4] != b"PK\x05\x06":
        raise _zip_refusal("zip_layout", label=kind.label)
    directory_size, directory_offset = struct.unpack("<II", data[end + 12:end + 20])
    expected = 0
    for info in sorted(infos, key=lambda item: item.header_offset):
        if info.header_offset != expected or data[expected:expected + 4] != ZIP_LOCAL:
            raise _zip_refusal("zip_layout", label=kind.label)
        name_length, extra_length = struct.unpack("<HH", data[expected + 26:expected + 30])
        expected += 30 + name_length + extra_length + info.compress_size
        if info.flag_bits & 0x08:  # a data descriptor follows the data, with or without its signature
            expected += 16 if data[expected:expected + 4] == b"PK\x07\x08" else 12
    zip64 = directory_offset == 0xFFFFFFFF
    if not zip64 and (directory_offset != expected or directory_offset + directory_size != end):
        raise _zip_refusal("zip_layout", label=kind.label)


def _check_zip_members(archive: zipfile.ZipFile, size: int, kind: Kind, *, depth: int) -> None:
    infos = archive.infolist()
    entry_limit = _limit("EVIDENCE_ZIP_MAX_ENTRIES", 1000)
    if len(infos) > entry_limit:
        raise _zip_refusal("zip_entries", count=f"{len(infos):,}", limit=f"{entry_limit:,}")
    expanded = sum(info.file_size for info in infos)
    if expanded > _limit("EVIDENCE_ZIP_MAX_EXPANDED_BYTES", 200 * MB) or (
            expanded > 10 * MB and expanded > _limit("EVIDENCE_ZIP_MAX_RATIO", 100) * size):
        raise _zip_refusal("zip_bomb", expanded=_mb(expanded), size=_mb(size))
    for info in infos:
        lower = info.filename.lower()
        base = lower.rsplit("/", 1)[-1]
        if info.flag_bits & 0x01:
            raise _zip_refusal("zip_encrypted", label=kind.label)
        if base in MACRO_NAMES or "/activex/" in f"/{lower}":
            raise _zip_refusal("zip_macro")
        if lower.startswith("meta-inf/") or base.endswith(PROGRAM_SUFFIXES):
            raise _zip_refusal("zip_program", name=info.filename)
    content_types = archive.read("[Content_Types].xml") if depth == 0 else b""
    if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
        raise _zip_refusal("zip_macro")
    for info in infos:
        _check_zip_member(archive, info, kind, depth=depth)


def _check_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, kind: Kind, *, depth: int) -> None:
    """Decompress the entry in full (its CRC is checked, its size cannot exceed the declared one) and look at what it
    is: an embedded Office file is checked as one (one level deep), any other archive or program is refused."""
    with archive.open(info) as member:
        content = _read_bounded(member, info.file_size)
    if content.startswith(ZIP_LOCAL):
        lower = info.filename.lower()
        if depth > 0 or "/embeddings/" not in f"/{lower}" or not lower.endswith(EMBEDDED_OFFICE_SUFFIXES):
            raise _zip_refusal("zip_program", name=info.filename)
        _check_zip_members(zipfile.ZipFile(io.BytesIO(content)), len(content), kind, depth=depth + 1)
    elif content.startswith((b"MZ", b"\xca\xfe\xba\xbe", b"\x7fELF")):
        raise _zip_refusal("zip_program", name=info.filename)
    elif content.startswith(OLE_MAGIC) and OLE_PACKAGE.encode("utf-16-le") in content.lower():
        raise _zip_refusal("zip_program", name=info.filename)


def _read_bounded(member: IO[bytes], declared: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := member.read(256 * 1024):
        total += len(chunk)
        if total > declared:
            raise zipfile.BadZipFile("entry larger than declared")
        chunks.append(chunk)
    return b"".join(chunks)


# ---- legacy Word and Excel (OLE compound files) -----------------------------------------------------------------


def _check_ole(data: bytes, kind: Kind) -> None:
    if not data.startswith(OLE_MAGIC):
        raise _mismatch(kind)
    _refuse_markup(data)
    _refuse_hidden_zip(data)
    _refuse_hidden_pdf(data)
    import olefile  # type: ignore[import-untyped]

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            paths = [[part.lower() for part in path] for path in ole.listdir(streams=True, storages=True)]
    except Exception:  # olefile raises OSError and its own errors on a damaged file
        raise ValidationError(_("ไฟล์ %(label)s เสียหรือมีโครงสร้างไม่ถูกต้อง ระบบอ่านไม่ได้") % {"label": kind.label},
                              code="ole_broken") from None
    parts = {part for path in paths for part in path}
    if parts & {"encryptedpackage", "encryptioninfo"}:
        raise _zip_refusal("zip_encrypted", label=kind.label)
    if parts & OLE_MACRO_STORAGES:
        raise _zip_refusal("zip_macro")
    if OLE_PACKAGE in parts:
        raise _zip_refusal("zip_program", name="Ole10Native")
    top = {path[0] for path in paths}
    if kind.part not in top and not (kind.part == "workbook" and "book" in top):
        raise _mismatch(kind)
