"""Printable documents: each kind is a module with ``build(...)`` (reads the database once, returns a frozen
dataclass) and renderers ``to_pdf(doc)`` / ``to_xlsx(doc)`` that never touch the database (STYLE.md practice 8).

``render_document()`` is the one way to turn (kind, unit, year, round) into file bytes: the render_report command,
the batch task (reporting/batches/rendering.py) and the pages all call it, so they build the same arguments the
same way.
"""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from indicators.models import FiscalYear, OrgUnit, Round
from reporting.documents import agreement, book, scorecard

#: Every document kind by name (the render_report command and the report pages use this registry).
KINDS: dict[str, ModuleType] = {
    "scorecard": scorecard,
    "agreement": agreement,
    "book": book,
}

#: Thai names of the kinds for forms and lists (a kind without an entry shows its key).
KIND_LABELS: dict[str, str] = {
    "scorecard": "ผลการประเมิน (Scorecard)",
    "agreement": "คำรับรองการปฏิบัติราชการ",
    "book": "รายงานผลการดำเนินงานตามตัวชี้วัดประจำปี",
}

FORMATS = ("pdf", "xlsx")


class DocumentError(Exception):
    """The document cannot be produced (unknown kind, no round, no framework ...); the message is Thai."""


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _module(kind: str) -> ModuleType:
    module = KINDS.get(kind)
    if module is None:
        raise DocumentError(f"ไม่รู้จักเอกสารชนิด \"{kind}\" (มี: {', '.join(KINDS)})")
    return module


def takes_round(kind: str) -> bool:
    """Whether the kind is printed per round (its builder has a ``round`` argument)."""
    return "round" in inspect.signature(_module(kind).build).parameters


def round_required(kind: str) -> bool:
    """Whether the kind cannot be printed without a round (``round`` has no default)."""
    parameter = inspect.signature(_module(kind).build).parameters.get("round")
    return parameter is not None and parameter.default is inspect.Parameter.empty


def filename_for(kind: str, *, unit_code: str, fiscal_year: int, round_number: int | None = None, fmt: str = "pdf") -> str:
    """Deterministic file name, e.g. ``scorecard-2566-r2-div-3.pdf`` (no round part for yearly documents)."""
    round_part = f"-r{round_number}" if round_number is not None and takes_round(kind) else ""
    return f"{kind}-{fiscal_year}{round_part}-{unit_code}.{fmt}"


def render_document(
    kind: str,
    *,
    org_unit: OrgUnit,
    fiscal_year: FiscalYear,
    round_number: int | None = None,
    fmt: str = "pdf",
    thai_digits: bool = False,
    frozen: bool = False,
) -> bytes:
    """Build one document and render it as PDF or XLSX; raises DocumentError with a Thai message.

    The builder's signature decides what it gets: ``fiscal_year`` and ``round`` when it accepts them (a kind whose
    round is required is printed for round 1 when none is given), ``use_frozen`` for ``frozen``; ``thai_digits``
    goes to renderers that accept it.
    """
    module = _module(kind)
    renderer = getattr(module, f"to_{fmt}", None) if fmt in FORMATS else None
    if renderer is None:
        raise DocumentError(f"เอกสารชนิด \"{kind}\" สร้างเป็นไฟล์ {fmt.upper()} ไม่ได้")
    accepted = inspect.signature(module.build).parameters
    kwargs: dict[str, Any] = {"org_unit": org_unit}
    if "fiscal_year" in accepted:
        kwargs["fiscal_year"] = fiscal_year
    if "round" in accepted:
        number = round_number if round_number is not None else (1 if round_required(kind) else None)
        if number is not None:
            round_ = Round.objects.select_related("fiscal_year").filter(fiscal_year=fiscal_year, number=number).first()
            if round_ is None:
                raise DocumentError(f"ไม่พบรอบที่ {number} ของปีงบประมาณ พ.ศ. {fiscal_year.be_year}")
            kwargs["round"] = round_
    if frozen and "use_frozen" in accepted:
        kwargs["use_frozen"] = True
    from reporting.errors import ScorecardError

    try:
        doc = module.build(**kwargs)
    except (ScorecardError, ObjectDoesNotExist, ValueError) as exc:
        raise DocumentError(str(exc)) from exc
    extra = {"thai_digits": True} if thai_digits and "thai_digits" in inspect.signature(renderer).parameters else {}
    data: bytes = renderer(doc, **extra)
    return data
