"""Printable documents: each kind is a module with ``build(...)`` (reads the database once, returns a frozen
dataclass) and renderers ``to_pdf(doc)`` / ``to_xlsx(doc)`` that never touch the database (STYLE.md practice 8).
"""

from __future__ import annotations

from types import ModuleType

from reporting.documents import agreement, scorecard

#: Every document kind by name (the render_report command and the report pages use this registry).
KINDS: dict[str, ModuleType] = {
    "scorecard": scorecard,
    "agreement": agreement,
}
