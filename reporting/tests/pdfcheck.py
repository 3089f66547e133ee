"""Reading generated PDFs back, for the tests of every printable document.

- Text: ``pdftotext_raw()`` (poppler) and ``pypdf_text()``; ``missing()`` searches strings code point for code
  point with all whitespace removed on both sides (extractors rebuild spaces and line breaks from glyph
  positions, and wrapped lines split strings anywhere).
- ``missing_strict()`` keeps the whitespace: no space or line break where the string has none, some where it has
  some (for strings that do not wrap: words, short cells).
- ``thai_strings()`` collects every Thai string a builder put into its dataclass tree, so a test can check the
  PDF against the data without knowing the template.
- ``page_images()`` renders the pages with poppler, to prove a change to the PDF moves no pixel.
- ``pdf_fonts()`` lists the fonts of every page (and of its form XObjects) with their embedding.
- ``table_cells()`` finds the ruled table cells with pdfplumber and the text lines inside each;
  ``check_line_breaks()`` judges every wrap inside a cell with pythainlp's word segmenter;
  ``stray_text()`` finds glyphs outside the page or across a cell's border.

See docs/pdf-text-layer.md (what the text layer guarantees) and docs/pdf-performance.md.
"""

from __future__ import annotations

import dataclasses
import functools
import html.parser
import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

WHITESPACE = re.compile(r"\s+")
THAI = re.compile("[\u0e01-\u0e5b]")
THAI_LETTER = re.compile("[\u0e01-\u0e4e]")  # consonants, vowels, tone marks (not Thai digits or signs)
#: Tolerance in PDF points for "inside": glyph boxes are computed from font metrics, borders are 0.5pt.
TOLERANCE = 0.5


def squash(text: str) -> str:
    return WHITESPACE.sub("", text)


# ---- text --------------------------------------------------------------------------------------------------


def pdftotext_raw(pdf: bytes) -> str:
    """The text in content-stream order (``pdftotext -raw``), as a reader's copy and paste gets it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed")
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pypdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def missing(expected: Iterable[str], extracted: str) -> list[str]:
    """The expected strings not found in the extracted text (whitespace removed on both sides)."""
    haystack = squash(extracted)
    return [s for s in dict.fromkeys(expected) if squash(s) not in haystack]


def single_spaces(text: str) -> str:
    """Every run of whitespace (spaces, line breaks, form feeds) as one space."""
    return WHITESPACE.sub(" ", text)


def missing_strict(expected: Iterable[str], extracted: str) -> list[str]:
    """The expected strings not found exactly as written, whitespace included.

    Only the kind and length of whitespace may differ (a space can come out as a line break where the line
    wraps, or as two spaces); there must be whitespace wherever the string has some and none anywhere else, so a
    stray space or line break inside a word is caught. A string that wraps where it has no space is reported too:
    use this for strings that fit on one line (words, short cells), ``missing()`` for the rest.
    """
    haystack = single_spaces(extracted)
    return [s for s in dict.fromkeys(expected) if single_spaces(s).strip() not in haystack]


def page_images(pdf: bytes, dpi: int = 100) -> list[bytes]:
    """Every page rendered by poppler (``pdftoppm``, greyscale PGM), to compare two PDFs pixel for pixel."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed")
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", str(source), str(Path(directory) / "page")],
            capture_output=True,
            check=True,
        )
        return [path.read_bytes() for path in sorted(Path(directory).glob("page-*.pgm"))]


@dataclass(frozen=True)
class ThaiString:
    """A str with Thai characters found in a builder's dataclass tree."""

    path: str  # e.g. "groups[0].rows[3].name"
    owner: Any  # the dataclass instance holding it
    field: str  # the field of ``owner`` it came from
    text: str


def thai_strings(tree: Any) -> list[ThaiString]:
    """Every str containing Thai in the fields of ``tree`` (dataclasses, tuples, lists, dict values; recursive)."""
    found: list[ThaiString] = []

    def walk(node: Any, path: str, owner: Any, name: str) -> None:
        if isinstance(node, str):
            if THAI.search(node):
                found.append(ThaiString(path, owner, name, node))
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            for f in dataclasses.fields(node):
                walk(getattr(node, f.name), f"{path}.{f.name}".lstrip("."), node, f.name)
        elif isinstance(node, (tuple, list)):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]", owner, name)
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(item, f"{path}[{key!r}]", owner, name)

    walk(tree, "", None, "")
    return found


class _TextNodes(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip and THAI.search(data):
            self.nodes.append(WHITESPACE.sub(" ", data).strip())


def html_text_nodes(document: str) -> list[str]:
    """The Thai text nodes of an HTML document (the context, with its spaces, of what a cell prints)."""
    parser = _TextNodes()
    parser.feed(document)
    return parser.nodes


# ---- fonts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfFont:
    page: int
    base_font: str  # "ABCDEF+Sarabun"
    family: str  # "Sarabun" (subset tag removed)
    embedded: bool


def pdf_fonts(pdf: bytes) -> list[PdfFont]:
    """The fonts in the resources of every page and of the form XObjects it draws."""
    out: list[PdfFont] = []

    def visit(resources: Any, page: int, seen: set[int]) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            base = str(font.get("/BaseFont", ""))
            descendants = font.get("/DescendantFonts")
            holder = descendants[0].get_object() if descendants else font
            descriptor = holder.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.append(PdfFont(page, base.lstrip("/"), base.lstrip("/").split("+")[-1], embedded))
        for xobject in (resources.get("/XObject") or {}).values():
            if id(xobject.get_object()) in seen:
                continue
            seen.add(id(xobject.get_object()))
            if xobject.get_object().get("/Subtype") == "/Form":
                visit(xobject.get_object().get("/Resources"), page, seen)

    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        visit(page.get("/Resources"), number, set())
    return out


# ---- table cells, line breaks, overflow ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    page: int
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom (pdfplumber: points from the top-left)
    lines: tuple[str, ...]  # the cell's text lines, top to bottom, whitespace removed

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(frozen=True)
class Stray:
    page: int
    text: str
    bbox: tuple[float, float, float, float]
    why: str


def _open(pdf: bytes) -> Any:
    import pdfplumber

    return pdfplumber.open(io.BytesIO(pdf))


def table_cells(pdf: bytes) -> list[Cell]:
    """Every cell of every ruled table (pdfplumber's line strategy), with the lines of text inside it."""
    cells: list[Cell] = []
    with _open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for table in page.find_tables():
                for bbox in table.cells:
                    lines = page.crop(bbox).extract_text_lines(use_text_flow=True, return_chars=False)
                    texts = tuple(t for t in (squash(line["text"]) for line in lines) if t)
                    if texts:
                        cells.append(Cell(number, tuple(bbox), texts))
    return cells


def stray_text(pdf: bytes) -> list[Stray]:
    """Glyphs outside the page's box, and glyphs across a vertical border of a table cell (overflowing text)."""
    strays: list[Stray] = []
    with _open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            edges = sorted(
                {(round(x, 1), top, bottom) for table in page.find_tables() for x0, top, x1, bottom in table.cells
                 for x in (x0, x1)}
            )
            for char in page.chars:
                if not char["text"].strip():
                    continue
                box = (char["x0"], char["top"], char["x1"], char["bottom"])
                if box[0] < -TOLERANCE or box[1] < -TOLERANCE or box[2] > page.width + TOLERANCE or (
                    box[3] > page.height + TOLERANCE
                ):
                    strays.append(Stray(number, char["text"], box, "outside the page"))
                    continue
                middle = (box[1] + box[3]) / 2
                for x, top, bottom in edges:
                    if top <= middle <= bottom and box[0] + TOLERANCE < x < box[2] - TOLERANCE:
                        strays.append(Stray(number, char["text"], box, f"across the cell border at x={x}"))
                        break
    return strays


@dataclass(frozen=True)
class Break:
    """A line break inside a table cell, between two Thai letters."""

    page: int
    before: str  # the end of the line
    after: str  # the start of the next line
    context: str  # the text it was judged in (the source string with its spaces, or the cell's text)
    verdict: str  # "space", "newmm", "longest", "compound" or "broken"

    def __str__(self) -> str:
        return f"p.{self.page} …{self.before}|{self.after}… ({self.verdict}) in {self.context!r}"


@dataclass
class BreakReport:
    breaks: list[Break] = field(default_factory=list)

    def by(self, *verdicts: str) -> list[Break]:
        return [b for b in self.breaks if b.verdict in verdicts]

    @property
    def broken(self) -> list[Break]:
        return self.by("broken")

    @property
    def disagreements(self) -> list[Break]:
        """Accepted only by a dictionary alternative, not by pythainlp's default newmm segmentation."""
        return self.by("longest", "compound")


class _Sources:
    """Known source strings (with their spaces) and where each squashed code point came from."""

    def __init__(self, strings: Iterable[str]) -> None:
        self.items: list[tuple[str, str, list[int]]] = []
        for text in dict.fromkeys(strings):
            index = [i for i, ch in enumerate(text) if not ch.isspace()]
            self.items.append((text, "".join(text[i] for i in index), index))

    def locate(self, left: str, right: str) -> tuple[str, int, int] | None:
        """(source, index of the last char of ``left``, index of the first char of ``right``) in a source."""
        needle = left + right
        for text, squashed, index in self.items:
            at = squashed.find(needle)
            if at >= 0:
                return text, index[at + len(left) - 1], index[at + len(left)]
        return None


@functools.lru_cache(maxsize=4096)
def _boundaries(text: str, engine: str) -> frozenset[int]:
    from pythainlp.tokenize import word_tokenize

    out, position = set(), 0
    for token in word_tokenize(text, engine=engine, keep_whitespace=True):
        out.add(position)
        position += len(token)
    return frozenset(out)


@functools.lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[int, int], ...]:
    from pythainlp.tokenize import word_tokenize

    spans, position = [], 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        spans.append((position, position + len(token)))
        position += len(token)
    return tuple(spans)


@functools.lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def _dictionary_words(text: str) -> bool:
    """True if ``text`` is a sequence of pythainlp dictionary words of two or more letters each."""
    words = _dictionary()
    reachable = [True] + [False] * len(text)
    for end in range(2, len(text) + 1):
        reachable[end] = any(reachable[start] and text[start:end] in words for start in range(0, end - 1))
    return reachable[-1]


def judge_break(context: str, at: int) -> str:
    """How a line break before ``context[at]`` relates to the words of ``context``.

    "newmm": a word boundary of pythainlp's default segmentation; "longest": a boundary of its longest-matching
    segmentation (same dictionary, other algorithm); "compound": inside a newmm word that splits there into
    dictionary words (e.g. ครัว|เรือน); "broken": none of these, the break splits a word.
    """
    if at in _boundaries(context, "newmm"):
        return "newmm"
    if at in _boundaries(context, "longest"):
        return "longest"
    for start, end in _tokens(context):
        if start < at < end:
            word = context[start:end]
            if _dictionary_words(word[: at - start]) and _dictionary_words(word[at - start :]):
                return "compound"
            break
    return "broken"


def check_line_breaks(cells: Iterable[Cell], sources: Iterable[str]) -> BreakReport:
    """Judge every line break inside a cell that falls between two Thai letters.

    The break is placed in the source string that holds the text around it (the builder's strings and the
    HTML's text nodes, which keep the spaces that extraction loses): a break at a space or a forced line break
    is fine; otherwise ``judge_break`` decides in that source. Text found in no single source (a cell made of
    several strings) is judged in the cell's own text.
    """
    known = _Sources(sources)
    report = BreakReport()
    for cell in cells:
        text = cell.text
        at = 0
        for line in cell.lines[:-1]:
            at += len(line)
            left, right = text[max(0, at - 12) : at], text[at : at + 12]
            if not (THAI_LETTER.match(left[-1]) and THAI_LETTER.match(right[0])):
                continue
            found = known.locate(left, right)
            if found is None:  # judge in the cell's own text
                context, position = text, at
            else:
                context, last, first = found
                if first - last > 1:  # whitespace (a space or a forced "\n") between them in the source
                    report.breaks.append(Break(cell.page, left, right, context, "space"))
                    continue
                position = first
            report.breaks.append(Break(cell.page, left, right, context, judge_break(context, position)))
    return report
