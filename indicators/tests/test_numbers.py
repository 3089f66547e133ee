"""indicators/numbers.py: the one rounding rule (half-up) and the formatters of every printed number (no database)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.template import Context, Template

from indicators import numbers, scoring


@pytest.mark.parametrize(
    ("value", "places", "printed"),
    [
        (D("78.1250"), 2, "78.13"),  # DOMAIN §3.3: 25/32 = 78.125 is printed 78.13 (half-even would give 78.12)
        (D("78.1150"), 2, "78.12"),
        (D("3.00025"), 4, "3.0003"),
        (D("53.1552"), 2, "53.16"),
        (D("1234567.891"), 2, "1,234,567.89"),
        (D("-0.004"), 2, "0.00"),  # never "-0.00"
        (D("-2.345"), 2, "-2.35"),  # half away from zero, as the engine rounds
        (7, 4, "7.0000"),
        ("13.9", 2, "13.90"),
    ],
)
def test_fixed_rounds_half_up_with_thousands_separators(value: numbers.Number, places: int, printed: str) -> None:
    assert numbers.fixed(value, places) == printed


def test_the_rounding_is_the_engines() -> None:
    for value in (D("78.125"), D("2.34565"), D("-1.5"), D("0.00005")):
        for places in (0, 2, 4):
            assert numbers.round_half_up(value, places) == scoring.round_half_up(value, places)


def test_each_kind_has_its_places() -> None:
    assert numbers.score(D("54.21405")) == "54.2141"  # DOMAIN §3.3: scores with 4 decimals
    assert numbers.score(D("3.362")) == "3.3620"
    assert numbers.total(D("78.1250")) == "78.13"  # the 100-point total with 2
    assert numbers.percent(D("13.895")) == "13.90"  # percentages with 2
    assert numbers.change(D("-56.125")) == "-56.13" and numbers.change(D("4.385")) == "+4.39"
    assert numbers.change(D("0")) == "0.00"
    assert numbers.weight(D("35.00")) == "35" and numbers.weight(D("2.5")) == "2.50"
    assert numbers.count(1424) == "1,424" and numbers.count(D("3791.00")) == "3,791"
    assert numbers.number(D("51230450.0000")) == "51,230,450" and numbers.number(D("449.825")) == "449.83"
    assert numbers.typed(D("13.9000")) == "13.9" and numbers.typed(D("51230450.0000")) == "51,230,450"
    assert numbers.typed(D("1E+2")) == "100"


def test_none_and_blank_print_nothing_and_thai_digits_are_an_option() -> None:
    for formatter in (numbers.score, numbers.total, numbers.percent, numbers.change, numbers.weight, numbers.count,
                      numbers.number, numbers.typed):
        assert formatter(None) == "" and formatter("") == ""
    assert numbers.total(D("78.125"), thai=True) == "๗๘.๑๓"
    assert numbers.to_thai_digits("2566") == "๒๕๖๖"


def test_workbook_cells_hold_the_printed_value_with_a_matching_format() -> None:
    assert numbers.rounded(D("3.00025"), 4) == D("3.0003") and numbers.rounded(None, 2) is None
    assert numbers.SCORE_FORMAT == "#,##0.0000" and numbers.TOTAL_FORMAT == numbers.PERCENT_FORMAT == "#,##0.00"
    assert numbers.COUNT_FORMAT == "#,##0"
    assert numbers.whole_or_format(D("35.00")) == "#,##0" and numbers.whole_or_format(D("2.5")) == "#,##0.00"


def test_places_follow_the_default_policy() -> None:
    policy = scoring.ScoringPolicy()
    assert numbers.SCORE_PLACES == policy.score_decimals == 4
    assert numbers.PERCENT_PLACES == policy.percent_decimals == 2


def test_template_filters_wrap_the_same_functions() -> None:
    template = Template(
        "{% load thai_numbers %}{{ s|score }} {{ t|total }} {{ p|percent }} {{ w|weight }} {{ c|count }} "
        "{{ n|number }} {{ d|change }} {{ x|typed }}|{{ none|score|default:'-' }}"
    )
    context = Context({"s": D("3.00025"), "t": D("78.1250"), "p": D("13.895"), "w": D("2.5"), "c": 1424,
                       "n": D("51230450"), "d": D("-56.125"), "x": D("13.9000"), "none": None})
    assert template.render(context) == "3.0003 78.13 13.90 2.50 1,424 51,230,450 -56.13 13.9|-"


def test_the_module_does_not_import_django() -> None:
    code = "import sys, indicators.numbers; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(numbers.__file__).parents[1]).returncode == 0
