"""The diagonal watermark of a draft document ("ฉบับร่าง — ยังไม่ได้รับอนุมัติ"), drawn as an image.

An image, not text: the words would otherwise enter the PDF's text layer on every page, in the middle of whatever
a reader copies or a search indexes, and across the table cells the text checks of reporting/tests read. The
document says it is a draft in its text elsewhere (a banner on the first page and a mark in every page's margin).

The picture is drawn once per process with Pillow (Sarabun Bold, Thai shaping by libraqm when Pillow has it),
as a PNG with a transparent background, the size of the page, and used as the @page background.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from pathlib import Path

#: Pixels per millimetre of the picture (about 76 dpi, shown interpolated): the faint outline of large letters stays
#: smooth in print at 150 dpi and over, and the PDF writer, which re-encodes the picture's colour and transparency
#: for every document, spends a quarter of the time it spent at 6 per millimetre (a scorecard: 290 → 170 ms CPU).
PIXELS_PER_MM = 3
#: Light red, mostly transparent, so the numbers under it stay readable.
COLOUR = (190, 30, 30, 60)
#: The text spans this share of the page's diagonal.
SPAN = 0.78


def _font_path() -> Path:
    from django.conf import settings

    return Path(settings.SARABUN_DIR) / "Sarabun-Bold.ttf"


@functools.lru_cache(maxsize=8)
def watermark_png(text: str, width_mm: float, height_mm: float) -> bytes:
    """A transparent PNG the size of the page with ``text`` along its rising diagonal."""
    from PIL import Image, ImageDraw, ImageFont, features

    width, height = round(width_mm * PIXELS_PER_MM), round(height_mm * PIXELS_PER_MM)
    diagonal = math.hypot(width, height)
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    size = 100
    font = ImageFont.truetype(str(_font_path()), size, layout_engine=layout)
    left, top, right, bottom = font.getbbox(text)
    size = int(size * SPAN * diagonal / (right - left))  # scale so the text spans SPAN of the diagonal
    font = ImageFont.truetype(str(_font_path()), size, layout_engine=layout)
    left, top, right, bottom = (math.ceil(edge) for edge in font.getbbox(text))
    pad = size // 10
    band = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), (0, 0, 0, 0))
    ImageDraw.Draw(band).text((pad - left, pad - top), text, font=font, fill=COLOUR)
    band = band.rotate(math.degrees(math.atan2(height, width)), resample=Image.Resampling.BICUBIC, expand=True)
    page = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    page.paste(band, ((width - band.width) // 2, (height - band.height) // 2), band)
    out = io.BytesIO()  # one colour at 32 levels of transparency: a palette keeps the PNG near 12 KB (not 100)
    page.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", optimize=True)
    return out.getvalue()


@functools.lru_cache(maxsize=8)
def watermark_css(text: str, *, width_mm: float, height_mm: float) -> str:
    """An @page rule painting the watermark over the whole page (the same picture on every page)."""
    data = base64.b64encode(watermark_png(text, width_mm, height_mm)).decode("ascii")
    return (
        f"@page {{ background: url(data:image/png;base64,{data}) no-repeat center; "
        f"background-size: {width_mm}mm {height_mm}mm; }}"
    )
