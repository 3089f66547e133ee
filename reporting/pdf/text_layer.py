"""A correct text layer (copy, search, extraction) for Thai in WeasyPrint's PDFs.

WeasyPrint 70 writes one ToUnicode map per font, glyph -> text, filled on the glyph's *first* use. When
HarfBuzz shapes one cluster into several glyphs (Thai SARA AM: "ำ" -> NIKHAHIT + SARA AA, and "้ำ" ->
NIKHAHIT-with-tone ligature + SARA AA), WeasyPrint gives the whole cluster's text to the cluster's last
glyph and "" to the others. The same SARA AA glyph then means "า" in "การ", "ำ" in "กำหนด" and "้ำ" in
"น้ำ", but the map keeps only the first meaning, so every other use extracts wrongly ("น้ำ" -> "นา").

The fix: when a glyph is drawn with a text different from the one its font's ToUnicode map already holds,
it is drawn with a *text variant* of that font instead: a second font dictionary (same glyph outlines,
same widths, same size) whose ToUnicode map holds the other text. Glyph positions and the drawing stay
exactly as WeasyPrint laid them out; only ``Tf`` (font) switches are inserted around such glyphs. Every
extractor that reads ToUnicode (poppler's pdftotext, pypdf, pdfium, Acrobat) then gets the exact text.
/ActualText spans are *not* used: pypdf (7.1) ignores them, and the maps alone suffice.

This works by wrapping ``weasyprint.draw.text.draw_first_line``: after the original has written a line,
the wrapper walks the same Pango glyph runs, and where a glyph needs another text it rewrites the
line's ``TJ`` operators. The wrapper is active only inside :func:`text_layer_fix` (``render_pdf`` uses
it); anywhere else WeasyPrint behaves as upstream. It relies on WeasyPrint internals, so it refuses to
install on any WeasyPrint version it was not checked against (see docs/pdf-text-layer.md).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import logging
import re
from collections.abc import Iterator
from hashlib import md5
from typing import Any

import pydyf
import weasyprint
from weasyprint.draw import text as weasyprint_text
from weasyprint.text.ffi import ffi, pango

logger = logging.getLogger(__name__)

#: WeasyPrint versions whose ``draw_first_line`` and ``pdf/fonts.py`` this module was checked against.
SUPPORTED_WEASYPRINT_VERSIONS = frozenset({"70.0"})

_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("dsdw_pdf_text_layer_fix", default=False)
_original_draw_first_line: Any = None
_TJ_HEX = re.compile(r"(<[0-9a-fA-F]*>)")
_TF = re.compile(rb"^/(\S+) (\S+) Tf$")
_VARIANTS_ATTR = "_dsdw_text_variants"


class UnsupportedWeasyPrintError(RuntimeError):
    """The installed WeasyPrint is not a version the text-layer fix was checked against."""


def check_weasyprint_version() -> None:
    if weasyprint.__version__ not in SUPPORTED_WEASYPRINT_VERSIONS:
        raise UnsupportedWeasyPrintError(
            f"reporting.pdf.text_layer was checked against WeasyPrint {sorted(SUPPORTED_WEASYPRINT_VERSIONS)}, "
            f"not {weasyprint.__version__}: follow 'Upgrading WeasyPrint' in docs/pdf-text-layer.md, then add "
            "the version to SUPPORTED_WEASYPRINT_VERSIONS."
        )


def install() -> None:
    """Wrap WeasyPrint's line drawing (idempotent). The wrapper does nothing outside text_layer_fix()."""
    global _original_draw_first_line
    check_weasyprint_version()
    if weasyprint_text.draw_first_line is not _draw_first_line:
        _original_draw_first_line = weasyprint_text.draw_first_line
        # draw_text() and svg/text.py look the function up in this module at call time.
        weasyprint_text.draw_first_line = _draw_first_line


@contextlib.contextmanager
def text_layer_fix() -> Iterator[None]:
    """Within this block (in this thread/context), WeasyPrint writes exact ToUnicode text for Thai."""
    install()
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def _draw_first_line(stream: Any, textbox: Any, text_overflow: Any, block_ellipsis: Any, matrix: Any) -> Any:
    if not _ACTIVE.get():
        return _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    start = len(stream.stream)
    font_before = stream._current_font  # (font hash, size) that the PDF text state holds, or None
    emojis = _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    if len(stream.stream) > start:
        _fix_line(stream, textbox, start, font_before)
    return emojis


def _line_glyphs(stream: Any, textbox: Any) -> Iterator[tuple[Any, int, str, bool]]:
    """(font, glyph id, text, raised) for every glyph draw_first_line wrote, in order, with WeasyPrint's own
    rule for a glyph's text (the cluster's text on the cluster's last glyph, "" on the others)."""
    line, _index = textbox.pango_layout.get_first_line()
    utf8_text = textbox.pango_layout.text.encode()
    run = line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        num_glyphs = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        font, _font_size = stream.add_font(glyph_item.item.analysis.font)
        offset, length = glyph_item.item.offset, glyph_item.item.length
        rtl = glyph_item.item.analysis.level % 2
        for i in range(num_glyphs):
            glyph_id = glyph_string.glyphs[i].glyph
            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                glyph_id = font.get_unused_glyph_id(glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG)
            t1 = clusters[i]
            if rtl:
                t2 = length if i == 0 else clusters[i - 1]
            else:
                t2 = length if i == num_glyphs - 1 else clusters[i + 1]
            raised = bool(glyph_string.glyphs[i].geometry.y_offset)
            yield font, glyph_id, utf8_text[offset + t1 : offset + t2].decode(), raised


def _fix_line(stream: Any, textbox: Any, start: int, font_before: Any) -> None:
    glyphs: list[tuple[Any, int, str]] = []
    for font, glyph_id, text, raised in _line_glyphs(stream, textbox):
        if raised and text and glyphs and glyphs[-1][0] is font and not font.bitmap:
            # WeasyPrint draws a raised mark (the tone mark of "ปั้น", "ปี่") in a TJ of its own, shifted left:
            # extractors see a gap after it and put a space inside the word. Its text goes on the glyph
            # before it instead (same order, so the same text), and the mark itself maps to "".
            previous_font, previous_id, previous_text = glyphs[-1]
            glyphs[-1] = (previous_font, previous_id, previous_text + text)
            text = ""
        glyphs.append((font, glyph_id, text))
    if all(font.to_unicode.get(glyph_id) == text for font, glyph_id, text in glyphs):
        return  # the common case: every glyph's map entry is already right
    plan = _parse_ops(stream.stream[start:], glyphs)
    if plan is None:
        logger.warning("PDF text layer: could not match WeasyPrint's glyph operators for %r", textbox.text)
        return
    stream.stream[start:] = _rewrite(stream, plan, font_before)


def _parse_ops(ops: list[Any], glyphs: list[tuple[Any, int, str]]) -> list[Any] | None:
    """Split the TJ operators into tokens and pair every glyph code with its glyph; None on any mismatch."""
    queue = iter(glyphs)
    plan: list[Any] = []
    for op in ops:
        if not (isinstance(op, bytes) and op.startswith(b"[") and op.endswith(b"] TJ")):
            plan.append(op)
            continue
        tokens: list[tuple[Any, str]] = []
        for part in _TJ_HEX.split(op[1:-4].decode("ascii")):
            if not part.startswith("<"):
                if part:
                    tokens.append((None, part))  # a position adjustment
                continue
            codes = part[1:-1]
            position = 0
            while position < len(codes):
                glyph = next(queue, None)
                if glyph is None:
                    return None
                width = 2 if glyph[0].bitmap else 4
                if codes[position : position + width] != f"{glyph[1]:0{width}x}":
                    return None
                tokens.append((glyph, codes[position : position + width]))
                position += width
        plan.append(tokens)
    return None if next(queue, None) is not None else plan


def _rewrite(stream: Any, plan: list[Any], font_before: Any) -> list[Any]:
    logical = _tf(*font_before) if font_before else None  # the Tf operator WeasyPrint believes is current
    out: list[Any] = []
    for item in plan:
        if not isinstance(item, list):
            out.append(item)
            if isinstance(item, bytes) and _TF.match(item):
                logical = item
            continue
        current, buffer = logical, []
        for glyph, token in item:
            if glyph is None:
                buffer.append(token)
                continue
            font, glyph_id, text = glyph
            wanted = _font_for(stream, font, glyph_id, text)
            operator = logical if wanted is font else _tf_like(logical, wanted.hash)
            if operator != current:
                if buffer:
                    out.append(_show(buffer))
                    buffer = []
                out.append(operator)
                current = operator
            buffer.append(f"<{token}>")
        if buffer:
            out.append(_show(buffer))
        if current != logical:
            out.append(logical)  # leave the font WeasyPrint's Stream has cached
    return out


def _show(tokens: list[str]) -> bytes:
    # Space-separated: WeasyPrint separates consecutive numbers with empty strings ("0<>68.4"), dropped here.
    return b"[" + " ".join(tokens).encode("ascii") + b"] TJ"


def _tf(font_hash: str, size: Any) -> bytes:
    scratch = pydyf.Stream()
    scratch.set_font_size(font_hash, size)
    return scratch.stream[0]


def _tf_like(operator: bytes | None, font_hash: str) -> bytes:
    match = _TF.match(operator or b"")
    if match is None:
        raise RuntimeError(f"PDF text layer: no font operator before a glyph ({operator!r})")
    return b"/" + font_hash.encode() + b" " + match[2] + b" Tf"


def _font_for(stream: Any, font: Any, glyph_id: int, text: str) -> Any:
    """The font (the original, or one of its text variants) whose ToUnicode maps glyph_id to text."""
    if font.bitmap or glyph_id >= font.glyph_count or font.to_unicode.setdefault(glyph_id, text) == text:
        return font
    variants = font.__dict__.setdefault(_VARIANTS_ATTR, [])
    for variant in variants:
        if variant.to_unicode.setdefault(glyph_id, text) == text:
            variant.widths[glyph_id] = font.widths[glyph_id]
            return variant
    variant = copy.copy(font)
    variant.__dict__.pop(_VARIANTS_ATTR, None)
    # A PDF font subset tag is six capital letters; derive it like WeasyPrint derives font.hash.
    # The document's font count makes the tag unique even when two fonts share a hash.
    seed = f"{font.hash}:text-variant:{len(variants) + 1}:{len(stream._fonts)}"
    digest = md5(seed.encode(), usedforsecurity=False).digest()
    variant.hash = "".join(chr(65 + byte % 26) for byte in digest[:6])
    variant.name = b"/" + variant.hash.encode() + font.name[len(font.hash) + 1 :]
    variant.to_unicode = {glyph_id: text}
    variant.widths = {glyph_id: font.widths[glyph_id]}
    variants.append(variant)
    stream._fonts[f"text-variant:{variant.hash}"] = variant
    return variant
