"""HTML -> PDF for the reports: WeasyPrint, Sarabun embedded, A4, and a correct Thai text layer."""

from __future__ import annotations

import gc
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .text_layer import text_layer_fix

#: Base URL of documents rendered without one; "/static/..." URLs under it are served from the static files.
STATIC_ORIGIN = "https://dsdw-kpi.invalid/"
BASE_STYLESHEET = "reporting/pdf.css"
#: Extra CSS strings kept parsed per thread (the kinds' page CSS; the book's varies with the document).
MAX_CACHED_SHEETS = 32
#: Entries of the per-thread image cache (decoded pictures and their encoded streams, keyed by URL) before it is
#: emptied: the documents use a handful (the watermarks of each page size, the static pictures they link).
MAX_CACHED_IMAGES = 64


def _collected_static(relative: str) -> str | None:
    """A file collected into STATIC_ROOT: with STATIC_MANIFEST=1, {% static %} links hashed names
    ("reporting/book.3f2a….css") that only exist there, not in the source folders the finders search."""
    if not settings.STATIC_ROOT:
        return None
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / relative).resolve()
    return str(candidate) if candidate.is_relative_to(root) and candidate.is_file() else None


class StaticFilesFetcher(URLFetcher):
    """Serves STATIC_ORIGIN + STATIC_URL + path from Django's static files (finders, so the fonts of
    fontpkg-sarabun are found without collectstatic); file: and data: URLs as usual; nothing from the
    network. A resource that cannot be fetched stops the rendering instead of silently falling back."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data", "https"}, fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        static_prefix = STATIC_ORIGIN + settings.STATIC_URL.lstrip("/")
        if url.startswith(STATIC_ORIGIN):
            if not url.startswith(static_prefix):
                raise ValueError(f"not a static file: {url}")
            relative = url.removeprefix(static_prefix).split("?")[0].split("#")[0]
            path = finders.find(relative) or _collected_static(relative)
            if not path:
                raise FileNotFoundError(f"static file not found: {relative}")
            content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": content_type})
        if url.startswith("https:"):
            raise ValueError(f"PDF reports fetch nothing from the network: {url}")
        return super().fetch(url, headers)


class _Styles(threading.local):
    """Per thread: the URL fetcher, the FontConfiguration with Sarabun registered, pdf.css and the extra CSS
    strings, parsed once and reused by every document (a fresh FontConfiguration per document also throws away
    Pango's font and shaping caches: about 10% of a scorecard's time, see docs/pdf-performance.md)."""

    key: tuple[str, int] | None = None
    fetcher: StaticFilesFetcher
    fonts: FontConfiguration
    base: CSS
    sheets: dict[str, CSS]
    images: dict[str, Any]

    def current(self) -> _Styles:
        path = finders.find(BASE_STYLESHEET)
        key = (str(path), Path(path).stat().st_mtime_ns) if path else None
        if key is None or key != self.key:  # first use, or pdf.css changed on disk (development)
            self.fetcher = StaticFilesFetcher()
            self.fonts = FontConfiguration()  # @font-face rules register here; CSS made elsewhere needs its own
            self.base = CSS(
                url=STATIC_ORIGIN + settings.STATIC_URL.lstrip("/") + BASE_STYLESHEET,
                url_fetcher=self.fetcher,
                font_config=self.fonts,
            )
            self.sheets = {}
            self.images = {}
            self.key = key
        return self

    def sheet(self, source: str) -> CSS:
        css = self.sheets.get(source)
        if css is None:
            if len(self.sheets) >= MAX_CACHED_SHEETS:
                del self.sheets[next(iter(self.sheets))]  # the oldest
            css = self.sheets[source] = CSS(string=source, url_fetcher=self.fetcher, font_config=self.fonts)
        return css


_styles = _Styles()


def clear_style_cache() -> None:
    """Forget this thread's parsed fonts and stylesheets: the next document parses them again."""
    _styles.key = None


def layout_pdf(html: str, *, base_url: str | None = None, stylesheets: list[Any] | None = None) -> Document:
    """Lay out an HTML document (WeasyPrint's ``HTML.render()``): the first half of ``render_pdf``.

    ``stylesheets``: extra ``weasyprint.CSS`` objects, or CSS source strings, applied after
    static/reporting/pdf.css (A4 page, Sarabun). Relative URLs in ``html`` resolve against ``base_url``
    (default STATIC_ORIGIN, so ``{% static %}`` URLs such as "/static/..." work).
    """
    styles = _styles.current()
    extra = [styles.sheet(sheet) if isinstance(sheet, str) else sheet for sheet in stylesheets or []]
    document = HTML(string=html, base_url=base_url or STATIC_ORIGIN, url_fetcher=styles.fetcher)
    if len(styles.images) > MAX_CACHED_IMAGES:
        styles.images.clear()
    # WeasyPrint's image cache, kept per thread: the draft watermark (a data: URL, the same picture for every
    # document of a page size) is decoded once, not for every document (a third of a draft scorecard's layout).
    return document.render(stylesheets=[styles.base, *extra], font_config=styles.fonts, cache=styles.images)


def write_pdf(document: Document) -> bytes:
    """Write a laid-out document as PDF bytes with the exact Thai text layer (the second half of ``render_pdf``)."""
    with text_layer_fix():
        data: bytes = document.write_pdf()
    return data


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a document is laid out and written, then collect the young
    generations once. WeasyPrint allocates millions of short-lived objects; the automatic full collections during
    layout cost about 10 % of a book's CPU time (docs/pdf-performance.md). Nothing is kept alive longer than the
    document: the cycles it made are collected right after it."""
    if not gc.isenabled():  # already paused by a caller (e.g. a batch rendering several documents)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(1)


def render_pdf(html: str, *, base_url: str | None = None, stylesheets: list[Any] | None = None) -> bytes:
    """Render an HTML document to PDF bytes (``layout_pdf`` then ``write_pdf``; same arguments as layout_pdf)."""
    with _collector_paused():
        return write_pdf(layout_pdf(html, base_url=base_url, stylesheets=stylesheets))
