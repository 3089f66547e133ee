"""Every number the app prints, in one place: one rounding rule and one formatter per kind of number.

STYLE.md practice 16 ("one rounding rule, one formatter for printed numbers"). Pure Python like the scoring
engine (no Django): the pages (through the ``thai_numbers`` template filters), the PDFs, the workbooks and the
annual book all call these functions, so a stored number prints the same digits wherever it is shown.

The rounding rule is the engine's, half-up (``scoring.round_half_up``; DOMAIN.md §3.3: 25/32 = 78.125 is printed
78.13), applied to the stored ``Decimal`` (never through a float). A value is rounded once, from the stored
number, to the places of its kind:

=============  =========  ===================  =============================================================
kind           places     printed              why
=============  =========  ===================  =============================================================
``score``      4          3.3620, 54.2141      §3.3 "Scores: display 4 decimals (54.2141)";
                                               ScoringPolicy.score_decimals (4). Also ค = ก × ข and Σ ค.
``total``      2          78.13                the 100-point total (§4.i bands 60 – 74.99 / 75 – 89.99, the
                                               documents' "78.00", "65.00"); rounded from the stored total.
``percent``    2          13.90, 1,234.50      §3.3 "Percentages are printed with 2 decimals", half-up;
                                               ScoringPolicy.percent_decimals (2).
``change``     2, signed  +2.87, -56.12        §6.1 item 7, the percentage-point change of the annual book.
``weight``     0 or 2     35, 2.50             §4.i / §6.3 weights "35", "รวม 100"; a fractional weight with 2.
``count``      0          1,424                §3.3 "Counts use thousands separators".
``number``     0 or 2     51,230,450 / 13.90   a measured value or threshold as the manuals print it.
``typed``      exact      13.9 / 51,230,450    a stored value put back into an input box: nothing is rounded.
=============  =========  ===================  =============================================================

Every formatter groups thousands with "," and returns "" for None (and for ""), so a template can print an
empty cell; ``thai=True`` writes Thai digits (๗๘.๑๓), an option of the official letters. ``rounded()`` and
``excel_format()`` give a workbook the same digits: the cell holds the rounded Decimal, and its number format shows
exactly those places.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from indicators import scoring

Number = Decimal | int | str

_POLICY: Final = scoring.ScoringPolicy()
SCORE_PLACES: Final = _POLICY.score_decimals  # 4 (DOMAIN §3.3)
PERCENT_PLACES: Final = _POLICY.percent_decimals  # 2 (DOMAIN §3.3)
TOTAL_PLACES: Final = 2  # the 100-point total (DOMAIN §4.i)
WEIGHT_PLACES: Final = 2  # a weight that is not whole ("2.50")
THAI_DIGITS: Final = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def round_half_up(value: Number, places: int) -> Decimal:
    """The one rounding rule: the scoring engine's half-up to ``places`` decimals (never -0)."""
    return scoring.round_half_up(value, places)


def to_thai_digits(text: str) -> str:
    """Arabic digits to Thai digits: "78.13" -> "๗๘.๑๓"."""
    return text.translate(THAI_DIGITS)


def _decimal(value: Number | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):  # a bool is an int: refuse it rather than print "1"
        raise TypeError("a number is expected, not a bool")
    return value if isinstance(value, Decimal) else scoring.as_decimal(value)


def _digits(text: str, thai: bool) -> str:
    return to_thai_digits(text) if thai else text


def rounded(value: Number | None, places: int) -> Decimal | None:
    """The value rounded half-up to ``places``, as a Decimal (None stays None): what a workbook cell holds."""
    number = _decimal(value)
    return None if number is None else round_half_up(number, places)


def fixed(value: Number | None, places: int, *, thai: bool = False) -> str:
    """``places`` decimals, half-up, thousands separators: the formatter every other one ends in."""
    number = rounded(value, places)
    if number is None:
        return ""
    return _digits(f"{number:,.{places}f}", thai)


def score(value: Number | None, places: int = SCORE_PLACES, *, thai: bool = False) -> str:
    """A score (ก), a weighted score (ค = ก × ข) or Σ ค: 4 decimals ("3.3620", "147.0000")."""
    return fixed(value, places, thai=thai)


def total(value: Number | None, *, thai: bool = False) -> str:
    """The 100-point total: 2 decimals ("78.13" for a stored 78.1250)."""
    return fixed(value, TOTAL_PLACES, thai=thai)


def percent(value: Number | None, places: int = PERCENT_PLACES, *, thai: bool = False) -> str:
    """A percentage: 2 decimals ("13.90"); the caller writes "ร้อยละ" or "%" around it."""
    return fixed(value, places, thai=thai)


def change(value: Number | None, *, thai: bool = False) -> str:
    """A change in percentage points with its sign, as document 000 prints it: "+2.87", "-56.12", "0.00"."""
    number = rounded(value, PERCENT_PLACES)
    if number is None:
        return ""
    text = f"{number:,.{PERCENT_PLACES}f}"
    return _digits(f"+{text}" if number > 0 else text, thai)


def _whole_or(value: Number | None, places: int, thai: bool) -> str:
    number = _decimal(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        return fixed(number, 0, thai=thai)
    return fixed(number, places, thai=thai)


def weight(value: Number | None, *, thai: bool = False) -> str:
    """A weight (ข, ร้อยละ): whole numbers without decimals ("35", "100"), others with 2 ("2.50")."""
    return _whole_or(value, WEIGHT_PLACES, thai)


def count(value: Number | None, *, thai: bool = False) -> str:
    """A count with thousands separators: "1,424" (a fraction is rounded half-up to a whole number)."""
    return fixed(value, 0, thai=thai)


def number(value: Number | None, *, thai: bool = False) -> str:
    """A measured value or a threshold as the manuals print it: "51,230,450", "13.90", "449.83"."""
    return _whole_or(value, PERCENT_PLACES, thai)


def typed(value: Number | None) -> str:
    """A stored value as a person types it back into a form: exact, no trailing zeros ("13.9", "51,230,450")."""
    number = _decimal(value)
    if number is None:
        return ""
    normal = number.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    return f"{normal:,f}"


def excel_format(places: int) -> str:
    """The workbook number format showing the same digits as ``fixed(value, places)``: "#,##0.0000"."""
    return "#,##0" + (f".{'0' * places}" if places > 0 else "")


SCORE_FORMAT: Final = excel_format(SCORE_PLACES)
TOTAL_FORMAT: Final = excel_format(TOTAL_PLACES)
PERCENT_FORMAT: Final = excel_format(PERCENT_PLACES)
COUNT_FORMAT: Final = excel_format(0)


def whole_or_format(value: Number | None, places: int = WEIGHT_PLACES) -> str:
    """The workbook format of a weight or a measured value: "#,##0" when whole, else ``places`` decimals."""
    number = _decimal(value)
    return COUNT_FORMAT if number is None or number == number.to_integral_value() else excel_format(places)
