"""HTML -> PDF for the reports: WeasyPrint, Sarabun embedded, A4, and a correct Thai text layer."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .text_layer import text_layer_fix

#: Base URL of documents rendered without one; "/static/..." URLs under it are served from the static files.
STATIC_ORIGIN = "https://dsdw-kpi.invalid/"
BASE_STYLESHEET = "reporting/pdf.css"


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
            path = finders.find(relative)
            if not path:
                raise FileNotFoundError(f"static file not found: {relative}")
            content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": content_type})
        if url.startswith("https:"):
            raise ValueError(f"PDF reports fetch nothing from the network: {url}")
        return super().fetch(url, headers)


def render_pdf(html: str, *, base_url: str | None = None, stylesheets: list[Any] | None = None) -> bytes:
    """Render an HTML document to PDF bytes.

    ``stylesheets``: extra ``weasyprint.CSS`` objects, or CSS source strings, applied after
    static/reporting/pdf.css (A4 page, Sarabun). Relative URLs in ``html`` resolve against ``base_url``
    (default STATIC_ORIGIN, so ``{% static %}`` URLs such as "/static/..." work).
    """
    fetcher = StaticFilesFetcher()
    fonts = FontConfiguration()  # @font-face rules register here; CSS objects made elsewhere need their own
    base_css = CSS(
        url=STATIC_ORIGIN + settings.STATIC_URL.lstrip("/") + BASE_STYLESHEET, url_fetcher=fetcher, font_config=fonts
    )
    extra = [
        CSS(string=sheet, url_fetcher=fetcher, font_config=fonts) if isinstance(sheet, str) else sheet
        for sheet in stylesheets or []
    ]
    document = HTML(string=html, base_url=base_url or STATIC_ORIGIN, url_fetcher=fetcher)
    with text_layer_fix():
        return document.write_pdf(stylesheets=[base_css, *extra], font_config=fonts)
