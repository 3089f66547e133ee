"""Files that cannot hurt (issue 9): the request size is refused before the body is read, hostile files are parsed
and refused with their own Thai message, quotas per result and per unit, private file modes, and files that leave
the disk with their evidence rows."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from indicators.models import EvidenceFile, Framework, OrgUnit, Result
from indicators.services.results import evidence_add, evidence_remove, result_save
from indicators.storage import private_storage
from indicators.tests import evidence_samples as samples

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def private_media(settings: Any, tmp_path: Path, monkeypatch: Any) -> Path:
    """Evidence goes to a temporary private directory; uploads spool to their own temporary directory."""
    root = tmp_path / "private"
    root.mkdir()
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.PRIVATE_MEDIA_ROOT = root
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    monkeypatch.setattr(EvidenceFile._meta.get_field("file"), "storage", private_storage())
    return root


@pytest.fixture
def kks(kks_framework: Framework) -> Framework:
    Framework.objects.filter(pk=kks_framework.pk).update(status=Framework.Status.APPROVED)
    kks_framework.refresh_from_db()
    return kks_framework


def _draft(actor: Any, framework: Framework, round_: Any, code: str) -> Result:
    return result_save(actor=actor, assignment=framework.assignments.get(definition__code=code),
                       org_unit=OrgUnit.objects.get(code="div-3"), round=round_, values={"actions_th": "ร่าง"})


@pytest.fixture
def draft(staff_user: Any, kks: Framework, round1: Any) -> Result:
    return _draft(staff_user, kks, round1, "PMQA40")


def upload(client: Any, result: Result, name: str, content: bytes) -> Any:
    return client.post(reverse("evidence-upload", args=[result.pk]),
                       {"file": SimpleUploadedFile(name, content), "description": ""})


def attach(actor: Any, result: Result, name: str, content: bytes) -> EvidenceFile:
    return evidence_add(actor=actor, result=result, upload=SimpleUploadedFile(name, content))


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# ---- the request size, before the body is read --------------------------------------------------------------


class TrippingStream(io.RawIOBase):
    """A request body that counts what is read from it and fails once more than a few KB are asked for."""

    def __init__(self, allowed: int = 4096) -> None:
        self.allowed = allowed
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = 64 * 1024 if size is None or size < 0 else size
        self.consumed += wanted
        if self.consumed > self.allowed:
            raise OSError(f"the body was read: {self.consumed:,} bytes")
        return b"x" * wanted


def post_raw(client: Any, url: str, stream: TrippingStream, **environ: str) -> Any:
    """A WSGI request whose environ declares the given length and whose wsgi.input is the tripping stream."""
    return client.generic("POST", url, data=b"", **{
        "CONTENT_TYPE": "multipart/form-data; boundary=----evidence", "wsgi.input": stream, **environ})


def test_a_300_mb_body_is_refused_with_the_thai_413_page_without_reading_it(client, staff_user, draft, private_media):
    # given a signed-in reporter and a request that declares 300 MB
    client.force_login(staff_user)
    stream = TrippingStream()
    # when it is posted to the evidence upload
    response = post_raw(client, reverse("evidence-upload", args=[draft.pk]), stream, CONTENT_LENGTH=str(300 * MB))
    # then it is answered 413 in Thai, naming the limit, and not a byte of the body was read or written anywhere
    assert response.status_code == 413
    html = response.content.decode()
    assert "ข้อมูลที่ส่งมีขนาดใหญ่เกินกว่าที่ระบบรับได้" in html and "ไม่เกิน 21 MB ต่อการส่งหนึ่งครั้ง" in html
    assert stream.consumed == 0
    assert not stored_files(private_media) and not stored_files(private_media.parent / "spool")
    assert not EvidenceFile.objects.exists()


def test_the_stream_is_read_when_the_limit_allows_it(client, staff_user, draft, private_media, settings):
    """The control of the test above: the same body under a raised limit does reach Django's parser."""
    settings.UPLOAD_MAX_REQUEST_BYTES = 400 * MB
    client.force_login(staff_user)
    stream = TrippingStream()
    client.raise_request_exception = False
    post_raw(client, reverse("evidence-upload", args=[draft.pk]), stream, CONTENT_LENGTH=str(300 * MB))
    assert stream.consumed > stream.allowed


def test_a_chunked_body_without_a_length_is_refused_unread(client, staff_user, draft, private_media):
    client.force_login(staff_user)
    stream = TrippingStream()
    response = post_raw(client, reverse("evidence-upload", args=[draft.pk]), stream,
                        CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 413
    assert stream.consumed == 0


def test_a_body_within_the_limit_goes_through(client, staff_user, draft, private_media, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 64 * 1024
    client.force_login(staff_user)
    assert upload(client, draft, "คำสั่ง.pdf", samples.pdf()).status_code == 302
    assert upload(client, draft, "ใหญ่.pdf", samples.pdf() + b"%" + b"0" * 70 * 1024).status_code == 413
    assert EvidenceFile.objects.count() == 1


# ---- hostile files ------------------------------------------------------------------------------------------


def docx_with_pdf_inside() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(samples.docx())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), zipfile.ZIP_DEFLATED)
        target.writestr("word/media/image1.png", samples.pdf(), zipfile.ZIP_STORED)
    return out.getvalue()


def nested_zip_xlsx() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("run.txt", "x")
    return samples._rezip(samples.xlsx(), {"xl/media/image1.png": inner.getvalue()})


HOSTILE = [
    ("PDF/HTML polyglot", "รายงาน.pdf", samples.pdf_html_polyglot,
     "ไฟล์มีโค้ดหน้าเว็บ (HTML หรือสคริปต์) ปนอยู่ในเนื้อไฟล์"),
    ("PDF with JavaScript run on opening", "รายงาน.pdf", samples.pdf_with_open_action_javascript,
     "ไฟล์ PDF มีสคริปต์ (JavaScript) หรือคำสั่งที่ทำงานเองเมื่อเปิดไฟล์"),
    ("PDF with document JavaScript", "รายงาน.pdf", samples.pdf_with_document_javascript,
     "ไฟล์ PDF มีสคริปต์ (JavaScript)"),
    ("PDF with JavaScript under #xx-escaped names", "รายงาน.pdf",
     lambda: samples.pdf_with_document_javascript(hidden_names=True), "ไฟล์ PDF มีสคริปต์ (JavaScript)"),
    ("PDF with an embedded file", "รายงาน.pdf", samples.pdf_with_embedded_file,
     "ไฟล์ PDF มีไฟล์อื่นฝังอยู่ข้างใน"),
    ("PDF header not at byte 0", "รายงาน.pdf", lambda: b"\n" + samples.pdf(),
     "เนื้อหาไฟล์ไม่ตรงกับชนิดไฟล์ตามนามสกุล: ไฟล์นี้ไม่ใช่ไฟล์ PDF"),
    ("PDF that does not parse", "รายงาน.pdf", lambda: b"%PDF-1.7\n" + b"garbage " * 40,
     "ไฟล์ PDF เสียหรือมีโครงสร้างไม่ถูกต้อง"),
    ("zip bomb named .docx", "คำสั่ง.docx", samples.zip_bomb_docx,
     "ไฟล์เมื่อขยายแล้วมีขนาดใหญ่ผิดปกติ (300.0 MB จากไฟล์ 0.3 MB)"),
    ("Java archive named .xlsx", "ข้อมูล.xlsx", samples.jar_named_xlsx,
     "ไฟล์มีโปรแกรมหรือไฟล์บีบอัดอื่นซ่อนอยู่ข้างใน (META-INF/MANIFEST.MF)"),
    ("bare Java archive named .xlsx", "ข้อมูล.xlsx", samples.plain_jar_named_xlsx,
     "ไม่พบส่วน [Content_Types].xml ที่ไฟล์ Excel (.xlsx) ต้องมี"),
    ("xlsx with a VBA project", "ข้อมูล.xlsx", samples.xlsx_with_macro, "ไฟล์มีมาโคร (VBA)"),
    ("docx named .xlsx", "ข้อมูล.xlsx", samples.docx, "ไม่พบส่วน xl/workbook.xml ที่ไฟล์ Excel (.xlsx) ต้องมี"),
    ("xlsx with a zip inside", "ข้อมูล.xlsx", nested_zip_xlsx,
     "ไฟล์มีโปรแกรมหรือไฟล์บีบอัดอื่นซ่อนอยู่ข้างใน (xl/media/image1.png)"),
    ("docx with data prepended", "คำสั่ง.docx", lambda: b"MZ" + samples.docx(), "เนื้อหาไฟล์ไม่ตรงกับชนิดไฟล์ตามนามสกุล"),
    ("docx with HTML appended", "คำสั่ง.docx", lambda: samples.docx() + b"<html><script>x()</script></html>",
     "มีข้อมูลอื่นแทรกอยู่ก่อน ระหว่าง หรือต่อท้ายโครงสร้างไฟล์"),
    ("docx with a PDF inside (PDF/zip polyglot)", "คำสั่ง.docx", docx_with_pdf_inside,
     "ไฟล์มีเอกสาร PDF ซ่อนปนอยู่ในเนื้อไฟล์"),
    ("image with a zip appended", "ภาพกิจกรรม.jpg", samples.jpeg_with_zip_appended,
     "ไฟล์มีไฟล์บีบอัด (ZIP) ซ่อนต่อท้ายหรือปนอยู่ในเนื้อไฟล์"),
    ("image with HTML appended", "ภาพกิจกรรม.jpg", lambda: samples.jpeg() + b"<svg onload=alert(1)>",
     "ไฟล์มีโค้ดหน้าเว็บ (HTML หรือสคริปต์)"),
    ("PNG with data after its end", "ภาพ.png", lambda: samples.png() + b"\x00trailer",
     "ไฟล์รูปภาพ PNG ไม่ครบหรือมีข้อมูลอื่นต่อท้ายรูป"),
    ("truncated PNG", "ภาพ.png", samples.png_truncated, "ไฟล์รูปภาพเสียหรือไม่ครบ"),
    ("truncated JPEG", "ภาพ.jpg", samples.jpeg_truncated, "ไฟล์รูปภาพเสียหรือไม่ครบ"),
    ("legacy .doc that is not an OLE file", "คำสั่ง.doc", samples.docx, "เนื้อหาไฟล์ไม่ตรงกับชนิดไฟล์ตามนามสกุล"),
    ("damaged OLE .xls", "ข้อมูล.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "ไฟล์ Excel (.xls) เสียหรือมีโครงสร้างไม่ถูกต้อง"),
]


@pytest.mark.parametrize(("what", "name", "make", "message"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_each_hostile_upload_is_refused_with_its_own_thai_message_and_nothing_is_stored(
        client, staff_user, draft, private_media, what, name, make, message):
    client.force_login(staff_user)
    response = upload(client, draft, name, make())
    assert response.status_code == 400, what
    assert message in response.content.decode(), what
    assert not EvidenceFile.objects.exists()
    assert not stored_files(private_media)


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded(staff_user, draft, private_media, settings):
    settings.EVIDENCE_IMAGE_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as refused:
        attach(staff_user, draft, "ภาพ.png", samples.png())
    assert refused.value.messages == ["รูปภาพมีขนาดใหญ่เกินไป (320 × 240 พิกเซล ได้ไม่เกิน 0 ล้านพิกเซล)"]


def pdf_from_weasyprint() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>รายงานผลการดำเนินงาน</h1><p><a href='https://www.dsdw.go.th/'>กรม</a></p>").write_pdf()


VALID = [
    ("คำสั่ง.pdf", samples.pdf, "application/pdf"),
    ("รายงานจาก WeasyPrint.pdf", pdf_from_weasyprint, "application/pdf"),
    ("คำสั่ง.docx", samples.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("ข้อมูล.xlsx", samples.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ภาพ.png", samples.png, "image/png"),
    ("ภาพ.JPG", samples.jpeg, "image/jpeg"),
]


@pytest.mark.parametrize(("name", "make", "content_type"), VALID, ids=[case[0] for case in VALID])
def test_real_documents_and_pictures_are_accepted(client, staff_user, draft, private_media, name, make, content_type):
    client.force_login(staff_user)
    content = make()
    assert upload(client, draft, name, content).status_code == 302
    evidence = EvidenceFile.objects.get()
    assert (evidence.content_type, evidence.size) == (content_type, len(content))
    assert (private_media / evidence.file.name).read_bytes() == content


# ---- quotas --------------------------------------------------------------------------------------------------


def test_a_result_takes_at_most_its_number_of_files(staff_user, draft, private_media, settings):
    settings.EVIDENCE_RESULT_MAX_FILES = 2
    for number in (1, 2):
        attach(staff_user, draft, f"หลักฐาน {number}.pdf", samples.pdf())
    with pytest.raises(ValidationError) as refused:
        attach(staff_user, draft, "หลักฐาน 3.pdf", samples.pdf())
    assert "แนบไฟล์ได้ไม่เกิน 2 ไฟล์ต่อผลการดำเนินงานหนึ่งรายการ (แนบแล้ว 2 ไฟล์)" in refused.value.messages[0]
    assert EvidenceFile.objects.count() == 2


def test_a_result_takes_at_most_its_quota_of_bytes_and_the_message_says_what_is_used(
        client, staff_user, draft, private_media, settings):
    # given a quota of 2.5 MB per result and two files of 1 MB attached
    settings.EVIDENCE_RESULT_QUOTA_BYTES = int(2.5 * MB)
    big = samples.pdf() + b"%" + b"0" * (MB - len(samples.pdf()) - 1)
    client.force_login(staff_user)
    for number in (1, 2):
        assert upload(client, draft, f"ภาคผนวก {number}.pdf", big).status_code == 302
    # when a third one is attached
    response = upload(client, draft, "ภาคผนวก 3.pdf", big)
    # then it is refused, naming the limit, what is used and what is left
    assert response.status_code == 400
    assert ("ไฟล์หลักฐานของผลการดำเนินงานนี้รวมกันได้ไม่เกิน 2.5 MB: ใช้ไปแล้ว 2.0 MB ไฟล์นี้ 1.0 MB (เหลือ 0.5 MB)"
            in response.content.decode())
    assert EvidenceFile.objects.count() == 2


def test_a_unit_takes_at_most_its_quota_per_fiscal_year_across_its_results(
        staff_user, kks, round1, draft, private_media, settings):
    settings.EVIDENCE_UNIT_QUOTA_BYTES = 3 * len(samples.pdf())
    other = _draft(staff_user, kks, round1, "ITA")
    attach(staff_user, draft, "ก.pdf", samples.pdf())
    attach(staff_user, other, "ข.pdf", samples.pdf())
    attach(staff_user, other, "ค.pdf", samples.pdf())
    with pytest.raises(ValidationError) as refused:
        attach(staff_user, draft, "ง.pdf", samples.pdf())
    message = refused.value.messages[0]
    assert "ไฟล์หลักฐานของกองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต ในปีงบประมาณ พ.ศ. 2566 รวมกันได้ไม่เกิน" in message
    assert EvidenceFile.objects.count() == 3


# ---- private files, removed with their rows --------------------------------------------------------------------


def test_stored_evidence_is_readable_by_the_service_account_only(staff_user, draft, private_media):
    evidence = attach(staff_user, draft, "คำสั่ง.pdf", samples.pdf())
    path = private_media / evidence.file.name
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert (private_media / "evidence").stat().st_mode & 0o777 == 0o700


def test_removing_evidence_removes_its_file_once_the_removal_commits(
        client, staff_user, draft, private_media, django_capture_on_commit_callbacks):
    evidence = attach(staff_user, draft, "คำสั่ง.pdf", samples.pdf())
    path = private_media / evidence.file.name
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("evidence-delete", args=[evidence.pk])).status_code == 302
    assert not EvidenceFile.objects.exists() and not path.exists()
    assert EvidenceFile.history.filter(history_type="-").count() == 1  # the record of what was attached stays


def test_a_removal_that_rolls_back_keeps_the_file(staff_user, draft, private_media, django_capture_on_commit_callbacks):
    evidence = attach(staff_user, draft, "คำสั่ง.pdf", samples.pdf())
    path, pk = private_media / evidence.file.name, evidence.pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            evidence_remove(actor=staff_user, evidence=evidence)
            raise RuntimeError("the request failed after the removal")
    assert not callbacks and path.exists() and EvidenceFile.objects.filter(pk=pk).exists()


def test_deleting_a_result_removes_the_files_of_its_evidence(
        staff_user, draft, private_media, django_capture_on_commit_callbacks):
    paths = [private_media / attach(staff_user, draft, f"{n}.pdf", samples.pdf()).file.name for n in "กข"]
    with django_capture_on_commit_callbacks(execute=True):
        Result.objects.filter(pk=draft.pk).delete()  # the cascade the admin's delete or a unit's removal runs
    assert not any(path.exists() for path in paths)


def test_the_download_type_comes_from_the_checked_kind(client, staff_user, draft, private_media):
    evidence = attach(staff_user, draft, "คำสั่ง.pdf", samples.pdf())
    EvidenceFile.objects.filter(pk=evidence.pk).update(content_type="text/html")  # a row from before the checks
    client.force_login(staff_user)
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_orphan_command_lists_by_default_and_removes_only_when_asked(staff_user, draft, private_media):
    # given one attached file, an old stray file and a stray from an upload still in progress
    kept = private_media / attach(staff_user, draft, "คำสั่ง.pdf", samples.pdf()).file.name
    stray = private_media / "evidence" / "999" / "lost.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"%PDF-1.4 left behind")
    stray.chmod(0o644)
    old = time.time() - 2 * 3600
    os.utime(stray, (old, old))
    fresh = kept.parent / "uploading.pdf"
    fresh.write_bytes(b"%PDF-1.4 in flight")
    # when the command runs without options: it lists, removes nothing
    out = io.StringIO()
    call_command("evidence_orphans", stdout=out)
    assert "evidence/999/lost.pdf" in out.getvalue() and "uploading.pdf" not in out.getvalue()
    assert "พบ (ยังไม่ลบ ใส่ --delete เพื่อลบ) 1 ไฟล์" in out.getvalue()
    assert stray.exists()
    # when it runs with --delete and --fix-modes: the old stray is gone, the rest stays and is private
    call_command("evidence_orphans", "--delete", "--fix-modes", stdout=io.StringIO())
    assert not stray.exists() and kept.exists() and fresh.exists()
    assert fresh.stat().st_mode & 0o777 == 0o600 and stray.parent.stat().st_mode & 0o777 == 0o700


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_made_pillow_tolerate_truncation(monkeypatch):
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when a PDF is rendered in the same process; the
    check must not depend on the order in which a worker rendered a PDF and received an upload."""
    from PIL import ImageFile

    from indicators.file_checks import check_evidence

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ValidationError, match="ไฟล์รูปภาพเสียหรือไม่ครบ"):
        check_evidence("ภาพ.jpg", SimpleUploadedFile("ภาพ.jpg", samples.jpeg_truncated()))
    assert check_evidence("ภาพ.jpg", SimpleUploadedFile("ภาพ.jpg", samples.jpeg())).kind.extension == ".jpg"
