"""Numbers of the engine: the 50-digit Decimal context, parsing inputs, half-up rounding, printing.

Every number is a :class:`~decimal.Decimal` (DOMAIN §4.0, §12.1). Inputs may be ``int``, ``str``,
``Decimal`` or ``float``; a float is converted through ``str()`` so ``0.1`` means ``Decimal("0.1")``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Final, ParamSpec, TypeAlias, TypeVar

from .errors import MeasurementError, ScoringError

Number: TypeAlias = int | str | Decimal | float

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)

# 50 digits: enough that sums of many 4-decimal scores are exact and independent of order.
_CONTEXT: Final = Context(
    prec=50, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _decimal_context(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` in the engine's Decimal context (``_CONTEXT``), whatever the caller's context is."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(_CONTEXT):
            return func(*args, **kwargs)

    return wrapper


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_QUANTUM: dict[int, Decimal] = {}


def _to_decimal(value: object, what: str, error: type[ScoringError]) -> Decimal:
    """Convert int / str / Decimal / float (through ``str``) to a finite Decimal, else ``error``."""
    if isinstance(value, bool):
        raise error(f"{what} ต้องเป็นตัวเลข ไม่ใช่ค่าจริง/เท็จ")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip()
        if _THOUSANDS.fullmatch(text):  # "1,424" as printed in the documents (DOMAIN §3.3)
            text = text.replace(",", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise error(f"{what} '{value}' ไม่ใช่ตัวเลขที่ถูกต้อง") from None
    elif value is None:
        raise error(f"ไม่ได้ระบุ{what}")
    else:
        raise error(f"{what} ต้องเป็นตัวเลข (int, str, Decimal หรือ float)")
    if not result.is_finite():
        raise error(f"{what} ต้องเป็นตัวเลขที่มีค่าจำกัด (ไม่ใช่ NaN หรืออนันต์)")
    return result


def as_decimal(value: Number) -> Decimal:
    """Public converter used by callers (forms, imports); raises :class:`MeasurementError`."""
    return _to_decimal(value, "ค่าตัวเลข", MeasurementError)


def _quantum(places: int) -> Decimal:
    quantum = _QUANTUM.get(places)
    if quantum is None:
        quantum = _QUANTUM[places] = _ONE.scaleb(-places)
    return quantum


def _round(value: Decimal, places: int) -> Decimal:
    result = value.quantize(_quantum(places), rounding=ROUND_HALF_UP, context=_CONTEXT)
    return result.copy_abs() if result.is_zero() else result


def round_half_up(value: Number, places: int) -> Decimal:
    """Round half-up to ``places`` decimals (DOMAIN §3.3: 25/32 = 78.125 is printed 78.13)."""
    return _round(value if isinstance(value, Decimal) else as_decimal(value), places)


def _fmt(value: Decimal) -> str:
    """Thai document style: thousands separators, the value's own decimals (13.90 stays 13.90)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        value = value.quantize(_ONE, context=_CONTEXT)
    if value.is_zero():
        value = value.copy_abs()
    return f"{value:,}"
