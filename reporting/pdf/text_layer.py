"""A correct text layer (copy, search, extraction) for Thai in WeasyPrint's PDFs.

WeasyPrint 70 writes one ToUnicode map per font, glyph -> text, filled on the glyph's *first* use. When
HarfBuzz shapes one cluster into several glyphs (Thai SARA AM: "ำ" -> NIKHAHIT + SARA AA, and "้ำ" ->
NIKHAHIT-with-tone ligature + SARA AA), WeasyPrint gives the whole cluster's text to the cluster's last
glyph and "" to the others. The same SARA AA glyph then means "า" in "การ", "ำ" in "กำหนด" and "้ำ" in
"น้ำ", but the map keeps only the first meaning, so every other use extracts wrongly ("น้ำ" -> "นา").

The fix: when a glyph is drawn with a text different from the one its font's ToUnicode map already holds,
it is drawn with a *text variant* of that font instead: a second font dictionary (same glyph outlines,
same size) whose ToUnicode map holds the other text. Glyph positions and the drawing stay exactly as
WeasyPrint laid them out; only ``Tf`` (font) switches are inserted around such glyphs. Every extractor that
reads ToUnicode (poppler's pdftotext, pypdf, pdfium, Acrobat) then gets the exact text. /ActualText spans are
*not* used: pypdf (7.1) ignores them, and the maps alone suffice.

Marks that HarfBuzz moves far to the left (a tone mark or THANTHAKHAT over an upper vowel after the tall
consonants ป ฝ ฟ: "ฟื้น", "ปี่", "ปั้น") are *detached*. WeasyPrint draws such a mark after a move back (a positive ``TJ`` number, and a
``Ts`` rise when it is also raised), then moves the pen forward again with a negative ``TJ`` number. pypdf
reads that forward move as a word gap ("ฟื้ นฟู"), and poppler takes a character that starts that far left of
the previous one for a new line ("ฟื" newline "้ นฟู"). So a detached mark's text goes to the glyph before it
(same order, so the same text), the mark maps to "" (extractors skip it), and the forward move after it becomes
the mark's advance width in its text variant (rounded to FOLD_STEP; the rest stays a small TJ number). No word
gap is left inside the word, and the pen moves exactly as before, so every glyph lands where it did.

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
from dataclasses import dataclass
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
_TS = re.compile(rb"^\S+ Ts$")
#: A glyph that HarfBuzz moved sideways by at least this much (thousandths of an em) is detached. Measured in
#: Sarabun 1.0, regular and bold (docs/pdf-text-layer.md): marks over an upper vowel after the tall consonants
#: ป ฝ ฟ are moved 143-249 (and split words without the fix), the tone marks of bold ษ 98; all other marks at
#: most 77, which neither extractor reads as a gap (pypdf's word gap starts at 95, poppler's at 100).
DETACHED_SHIFT = 85
#: The move after a detached mark goes into its width rounded to this step (thousandths of an em), so that marks
#: share a few variants (exact widths would need one variant per distinct move); the rest, at most half a step,
#: stays a TJ number, far below the extractors' word gap.
FOLD_STEP = 50


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


@dataclass(slots=True)
class _Glyph:
    font: Any
    glyph_id: int
    text: str  # what its ToUnicode entry must say
    width: float  # its advance in the font dictionary, thousandths of an em (font.widths unless a move is folded in)
    detached: bool = False


def _line_glyphs(stream: Any, textbox: Any) -> Iterator[tuple[Any, int, str, float]]:
    """(font, glyph id, text, shift) for every glyph draw_first_line wrote, in order, with WeasyPrint's own
    rule for a glyph's text (the cluster's text on the cluster's last glyph, "" on the others); ``shift`` is
    HarfBuzz's horizontal offset in thousandths of an em, as WeasyPrint writes it into the TJ array."""
    line, _index = textbox.pango_layout.get_first_line()
    utf8_text = textbox.pango_layout.text.encode()
    run = line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        num_glyphs = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        font, font_size = stream.add_font(glyph_item.item.analysis.font)
        if pango.pango_version() < 14802 or font.png:  # draw_first_line's workaround: shifts use the same size
            font_size = textbox.style["font_size"]
        offset, length = glyph_item.item.offset, glyph_item.item.length
        rtl = glyph_item.item.analysis.level % 2
        for i in range(num_glyphs):
            geometry = glyph_string.glyphs[i].geometry
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
            text = utf8_text[offset + t1 : offset + t2].decode()
            yield font, glyph_id, text, geometry.x_offset / font_size


def _fix_line(stream: Any, textbox: Any, start: int, font_before: Any) -> None:
    drawn = list(_line_glyphs(stream, textbox))
    if all(
        abs(shift) < DETACHED_SHIFT and font.to_unicode.get(glyph_id) == text for font, glyph_id, text, shift in drawn
    ):
        return  # the common case: nothing detached, and every glyph's map entry is already right
    glyphs: list[_Glyph] = []
    anchor: _Glyph | None = None  # the last glyph that is not detached
    for font, glyph_id, text, shift in drawn:
        glyph = _Glyph(font, glyph_id, text, font.widths.get(glyph_id, 0))
        if (
            abs(shift) >= DETACHED_SHIFT
            and anchor is not None
            and anchor.font is font
            and not font.bitmap
            and glyph_id < font.glyph_count
        ):
            # The mark's text goes on the glyph it sits on (every glyph in between is detached and maps to "",
            # so the text keeps its order), and the mark itself maps to "".
            glyph.detached = True
            anchor.text += text
            glyph.text = ""
        else:
            anchor = glyph
        glyphs.append(glyph)
    plan = _parse_ops(stream.stream[start:], glyphs)
    if plan is None:
        logger.warning("PDF text layer: could not match WeasyPrint's glyph operators for %r", textbox.text)
        return
    _fold_moves(plan)
    stream.stream[start:] = _rewrite(stream, plan, font_before)


def _parse_ops(ops: list[Any], glyphs: list[_Glyph]) -> list[Any] | None:
    """Split the TJ operators into tokens and pair every glyph code with its glyph; None on any mismatch."""
    queue = iter(glyphs)
    plan: list[Any] = []
    for op in ops:
        if not (isinstance(op, bytes) and op.startswith(b"[") and op.endswith(b"] TJ")):
            plan.append(op)
            continue
        tokens: list[tuple[_Glyph | None, str]] = []
        for part in _TJ_HEX.split(op[1:-4].decode("ascii")):
            if not part.startswith("<"):
                tokens.extend((None, number) for number in part.split())  # position adjustments
                continue
            codes = part[1:-1]
            position = 0
            while position < len(codes):
                glyph = next(queue, None)
                if glyph is None:
                    return None
                width = 2 if glyph.font.bitmap else 4
                if codes[position : position + width] != f"{glyph.glyph_id:0{width}x}":
                    return None
                tokens.append((glyph, codes[position : position + width]))
                position += width
        plan.append(tokens)
    return None if next(queue, None) is not None else plan


def _fold_moves(plan: list[Any]) -> None:
    """Fold the forward move that WeasyPrint writes right after a detached glyph into that glyph's width.

    After a mark moved left by HarfBuzz, WeasyPrint writes a negative number (the move back to the pen position),
    in the same TJ, or for a raised mark first in the next TJ, after "0 Ts". Drawing the mark with a larger
    advance width moves the pen by the same amount, and leaves no gap that an extractor reads as a space.
    """
    pending: _Glyph | None = None  # a detached glyph whose following token has not been seen yet
    for item in plan:
        if not isinstance(item, list):
            if not (isinstance(item, bytes) and _TS.match(item)):
                pending = None  # only a text rise may come between the mark and its move
            continue
        kept: list[tuple[_Glyph | None, str]] = []
        for glyph, token in item:
            if pending is not None and glyph is None:
                folded = max(0, round(-float(token) / FOLD_STEP) * FOLD_STEP)
                if folded:
                    pending.width += folded
                    rest = float(token) + folded  # TJ numbers move the pen by minus their value: same total
                    if rest:
                        kept.append((None, _number(rest)))
                    pending = None
                    continue
            pending = glyph if glyph is not None and glyph.detached else None
            kept.append((glyph, token))
        item[:] = kept


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


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
            wanted = _font_for(stream, glyph)
            operator = logical if wanted is glyph.font else _tf_like(logical, wanted.hash)
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


def _takes(font: Any, glyph_id: int, text: str, width: float) -> bool:
    """True if ``font`` maps glyph_id to text with this width (entering both if it has no entry for the glyph)."""
    if font.to_unicode.get(glyph_id, text) != text or font.widths.get(glyph_id, width) != width:
        return False
    font.to_unicode[glyph_id] = text
    font.widths[glyph_id] = width
    return True


def _font_for(stream: Any, glyph: _Glyph) -> Any:
    """The font (the original, or one of its text variants) whose ToUnicode maps the glyph to its text, with its
    width."""
    font, glyph_id, text, width = glyph.font, glyph.glyph_id, glyph.text, glyph.width
    if font.bitmap or glyph_id >= font.glyph_count or _takes(font, glyph_id, text, width):
        return font
    variants = font.__dict__.setdefault(_VARIANTS_ATTR, [])
    for variant in variants:
        if _takes(variant, glyph_id, text, width):
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
    variant.widths = {glyph_id: width}
    variants.append(variant)
    stream._fonts[f"text-variant:{variant.hash}"] = variant
    return variant
