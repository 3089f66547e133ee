"""PDF output of the reports. See docs/pdf-text-layer.md for the Thai text-layer fix."""

from .render import render_pdf

__all__ = ["render_pdf"]
