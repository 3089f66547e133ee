"""The PDFs' text layer: every Thai string rendered can be extracted back, code point for code point.

See docs/pdf-text-layer.md. For the long strings of the reference data, whitespace (spaces, line breaks) is
removed from both the expected string and the extracted text, because extractors rebuild spaces and line breaks
from glyph positions and wrapped lines break strings anywhere; every other code point must be there, in order,
exactly. Words with marks stacked above a consonant ("ฟื้นฟู", "ปั้น") are compared strictly, whitespace
included: a word must come out with no space or line break inside it.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import re
from functools import cache
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


def _all_strings(path: Path) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and re.search("[\u0e01-\u0e5b]", node):
            found.append(node)

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


# ---- marks stacked above a consonant ---------------------------------------------------------------------------

CONSONANTS = [chr(code) for code in range(ord("ก"), ord("ฮ") + 1)]
UPPER_VOWELS = "ิีึืั"
LOWER_VOWELS = "ุู"
TONE_MARKS = "่้๊๋"
#: The words of the issue: "ฟื้นฟู" came out as "ฟื\n้ นฟู" (pdftotext -raw) and "ฟื้ นฟู" (pypdf).
ISSUE_WORDS = [
    "ฟื้นฟู", "ปั้น", "ฝั่ง", "ปู่", "ที่", "นี้", "ผู้", "พื้นที่", "ฟื้น", "ป้อง", "ปี่", "ฝ้าย", "ศูนย์",
    "น้ำ", "ช้ำ", "กั้น", "บ้าน", "ปี่พาทย์", "ฟื้นฟูพื้นที่",
]  # fmt: skip
#: Above or below a consonant: MAI HAN-AKAT, SARA I to SARA UU, PHINTHU, MAITAIKHU to YAMAKKAN.
MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
THAI_WORD = re.compile("[\u0e01-\u0e4e]+")
#: Font sizes and weights of the reports (9pt table text to 16pt titles), each rendered as its own document.
MARK_STYLES = {
    "11pt": "",
    "9pt": "font-size: 9pt",
    "16pt": "font-size: 16pt",
    "bold 11pt": "font-weight: bold",
    "bold 13pt": "font-weight: bold; font-size: 13pt",
    "table cells 10pt": "",
}


def stacked_mark_words() -> list[str]:
    """Every consonant under each upper vowel with each tone mark (ปี่น, ปั้น, ฟื้น), with a tone mark alone
    (ป่า, ป้อง, ป้ำ) or over a lower vowel (ปู่), and under THANTHAKHAT (ศักดิ์, พันธุ์, ศูนย์), as Thai spells them."""
    words: list[str] = []
    for c in CONSONANTS:
        words += [c + vowel + tone + "น" for vowel in UPPER_VOWELS for tone in TONE_MARKS]
        words += [c + tone + rest for tone in TONE_MARKS for rest in ("า", "อง", "ำ")]
        words += [c + vowel + tone for vowel in LOWER_VOWELS for tone in TONE_MARKS]
        words += ["ศัก" + c + "ิ์", "พัน" + c + "ุ์", "ศูน" + c + "์"]
    return words


@cache
def mark_words() -> list[str]:
    """The systematic words, the issue's words, and every word with a mark in the reference data (pythainlp)."""
    from pythainlp.tokenize import word_tokenize

    real: list[str] = []
    for path in sorted(REFERENCE.glob("*.json")):
        for text in _all_strings(path):
            real += [w for w in word_tokenize(text, engine="newmm") if THAI_WORD.fullmatch(w) and MARK.search(w)]
    return list(dict.fromkeys(stacked_mark_words() + ISSUE_WORDS + real))


def _lines(words: list[str], width: int) -> list[str]:
    """The words, space-separated, in lines of at most ``width`` code points (a longer word gets its own line)."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _mark_document(style: str) -> str:
    """All mark words in one style, in lines that do not wrap (white-space: pre), so each word stays whole."""
    e = html.escape
    if style == "table cells 10pt":  # cells of three lines, three cells a row
        lines = _lines(mark_words(), 22)
        cells = [f"<td>{e(chr(10).join(lines[i : i + 3]))}</td>" for i in range(0, len(lines), 3)]
        rows = "".join(f"<tr>{''.join(cells[i : i + 3])}</tr>" for i in range(0, len(cells), 3))
        body = f"<table style='font-size: 10pt'>{rows}</table>"
    else:
        body = f"<p style='{MARK_STYLES[style]}'>{e(chr(10).join(_lines(mark_words(), 40)))}</p>"
    return f"<html lang='th'><style>td, p {{ white-space: pre }}</style><body>{body}</body></html>"


@cache
def _mark_pdfs(style: str) -> tuple[bytes, bytes]:
    """(with the fix, without it) for one style; rendered once per test session."""
    with_fix = render_pdf(_mark_document(style))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "text_layer_fix", contextlib.nullcontext)
        without_fix = render_pdf(_mark_document(style))
    return with_fix, without_fix


def test_the_mark_words_cover_every_consonant_and_the_issue() -> None:
    words = mark_words()
    assert len(stacked_mark_words()) == len(CONSONANTS) * (5 * 4 + 4 * 3 + 2 * 4 + 3)
    assert set(ISSUE_WORDS) <= set(words) and len(words) > len(stacked_mark_words()) + 300


@pytest.mark.parametrize("style", MARK_STYLES)
@pytest.mark.parametrize("extract", [_pdftotext, _pypdf], ids=["pdftotext-raw", "pypdf"])
def test_words_with_stacked_marks_are_extracted_exactly_with_no_stray_whitespace(style: str, extract) -> None:
    # given every mark word rendered in this style, when the text is extracted
    text = extract(_mark_pdfs(style)[0])
    # then each word is there as it was written, with no space or line break inside it
    missing = pdfcheck.missing_strict(mark_words(), text)
    assert missing == [], f"{len(missing)} of {len(mark_words())} words not found, e.g. {missing[:5]}"


@pytest.mark.parametrize("style", MARK_STYLES)
def test_the_fix_does_not_move_a_single_pixel(style: str) -> None:
    with_fix, without_fix = _mark_pdfs(style)
    pages = pdfcheck.page_images(with_fix)
    assert len(pages) >= 2 and pages == pdfcheck.page_images(without_fix)


def test_the_fix_does_not_move_a_single_pixel_of_the_reference_document(fixed_pdf: tuple[bytes, list[str]]) -> None:
    pages = pdfcheck.page_images(fixed_pdf[0])
    assert len(pages) >= 5 and pages == pdfcheck.page_images(_render(fixed=False)[0])


@pytest.mark.parametrize("extract", [_pdftotext, _pypdf], ids=["pdftotext-raw", "pypdf"])
def test_without_the_fix_stacked_marks_put_whitespace_inside_words(extract) -> None:
    """Regression guard: plain WeasyPrint 70 draws these marks so that extractors split the word."""
    words = ["ฟื้นฟู", "ฟื้น", "ฟื้นฟูพื้นที่"]
    text = extract(_mark_pdfs("11pt")[1])
    assert pdfcheck.missing_strict(words, text) == words
    assert pdfcheck.missing(words, text) == []  # the code points are all there: only whitespace was added


def test_unsupported_weasyprint_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(text_layer.UnsupportedWeasyPrintError, match="docs/pdf-text-layer.md"):
        text_layer.install()
