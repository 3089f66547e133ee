"""The PDFs' text layer: every Thai string rendered can be extracted back, code point for code point.

See docs/pdf-text-layer.md. Comparison: whitespace (spaces, line breaks) is removed from both the expected
string and the extracted text, because extractors rebuild spaces and line breaks from glyph positions and
wrapped lines break strings anywhere; every other code point must be there, in order, exactly.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import re
from pathlib import Path

import pytest
import weasyprint
from django.conf import settings

from reporting.pdf import render, render_pdf, text_layer
from reporting.tests import pdfcheck

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "reference-data"
HEADINGS = [
    "ตัวชี้วัดผลงาน",
    "คะแนนตามระดับค่าเป้าหมาย",
    "ผลการดำเนินงาน",
    "คะแนน (ก)",
    "น้ำหนัก (ข)",
    "คะแนนถ่วงน้ำหนัก (ค)",
    "ระดับมาตรฐานขั้นสูง",
    "การ ประจำ น้ำหนัก",
    "ผู้กำกับดูแลตัวชี้วัด",
    "ระดับความสำเร็จ",
    "กำหนด ที่ ปี น้ำ ค่ำ ซ้ำ ปั้น",
]
WHITESPACE = re.compile(r"\s+")


def _strings(path: Path, keys: set[str]) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in keys and isinstance(value, str) and re.search("[\u0e01-\u0e5b]", value):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def _dedupe(strings: list[str]) -> list[str]:
    return list(dict.fromkeys(WHITESPACE.sub(" ", s).strip() for s in strings))


INDICATORS = _dedupe(_strings(REFERENCE / "fy2566_division_frameworks.json", {"name_th"}))
CRITERIA = _dedupe(_strings(REFERENCE / "fy2566_standard_criteria.json", {"text_th", "milestone_th"}))
EXPECTED = _dedupe(HEADINGS + INDICATORS + CRITERIA)


def _document() -> str:
    """Headings, a wrapping table of indicators (narrow columns) and paragraphs of criteria."""
    e = html.escape
    rows = "".join(
        f"<tr><td class='num'>{i}</td><td>{e(name)}</td><td class='num'>5</td><td class='num'>4.5000</td></tr>"
        for i, name in enumerate(INDICATORS, 1)
    )
    return (
        "<html lang='th'><body>"
        + "".join(f"<h2>{e(h)}</h2>" for h in HEADINGS)
        + "<table><thead><tr><th>ลำดับ</th><th style='width:60%'>ตัวชี้วัดผลงาน</th>"
        + "<th>น้ำหนัก (ข)</th><th>คะแนนถ่วงน้ำหนัก (ค)</th></tr></thead>"
        + f"<tbody>{rows}</tbody></table>"
        + "".join(f"<p>{e(text)}</p>" for text in CRITERIA)
        + "</body></html>"
    )


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _render(fixed: bool) -> tuple[bytes, list[str]]:
    records = _Records()
    loggers = [logging.getLogger(text_layer.__name__), logging.getLogger("weasyprint")]
    for logger in loggers:
        logger.addHandler(records)
    try:
        if fixed:
            pdf = render_pdf(_document())
        else:  # the same pipeline with the fix switched off: what plain WeasyPrint 70 writes
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(render, "text_layer_fix", contextlib.nullcontext)
                pdf = render_pdf(_document())
    finally:
        for logger in loggers:
            logger.removeHandler(records)
    return pdf, records.messages


_pdftotext = pdfcheck.pdftotext_raw
_pypdf = pdfcheck.pypdf_text
_missing = pdfcheck.missing


@pytest.fixture(scope="module")
def fixed_pdf() -> tuple[bytes, list[str]]:
    return _render(fixed=True)


def test_the_document_is_big_enough() -> None:
    assert len(EXPECTED) >= 100
    assert any("ำ" in s for s in EXPECTED) and any(re.search("[่้๊๋]ำ", s) for s in EXPECTED)


@pytest.mark.parametrize("extract", [_pdftotext, _pypdf], ids=["pdftotext-raw", "pypdf"])
def test_every_thai_string_is_extracted_exactly(fixed_pdf: tuple[bytes, list[str]], extract) -> None:
    pdf, warnings = fixed_pdf
    assert not [w for w in warnings if "text layer" in w or ".notdef" in w], warnings
    missing = _missing(EXPECTED, extract(pdf))
    assert missing == [], f"{len(missing)} of {len(EXPECTED)} strings not found, e.g. {missing[:3]}"


def test_fonts_are_embedded_sarabun(fixed_pdf: tuple[bytes, list[str]]) -> None:
    fonts = pdfcheck.pdf_fonts(fixed_pdf[0])
    assert len({font.page for font in fonts}) > 1
    assert all("Sarabun" in font.base_font and font.embedded for font in fonts), fonts


def test_without_the_fix_the_text_layer_is_wrong() -> None:
    """Regression guard: plain WeasyPrint 70 loses SARA AM (and tone marks before it)."""
    pdf, _warnings = _render(fixed=False)
    for extract in (_pdftotext, _pypdf):
        missing = _missing(EXPECTED, extract(pdf))
        with_sara_am = [s for s in EXPECTED if "ำ" in s]
        assert "น้ำหนัก (ข)" in missing
        assert len([s for s in missing if "ำ" in s]) > len(with_sara_am) // 2


def test_the_fix_is_scoped_to_render_pdf() -> None:
    """Outside render_pdf, even after install(), WeasyPrint behaves as upstream."""
    text_layer.install()
    css = f"@font-face {{ font-family: S; src: url({(settings.SARABUN_DIR / 'Sarabun-Regular.ttf').as_uri()}) }}"
    pdf = weasyprint.HTML(string=f"<style>{css} p {{ font-family: S }}</style><p>การ กำหนด</p>").write_pdf()
    assert "กำหนด" not in _pypdf(pdf)


def test_unsupported_weasyprint_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(text_layer.UnsupportedWeasyPrintError, match="docs/pdf-text-layer.md"):
        text_layer.install()
