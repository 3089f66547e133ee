"""Template filters for printed numbers: thin wrappers of indicators/numbers.py, the one formatter.

``{% load thai_numbers %}`` then ``{{ row.score|score }}`` (4 decimals), ``{{ total|total }}`` (2),
``{{ value|percent }}``, ``{{ weight|weight }}``, ``{{ n|count }}``, ``{{ value|number }}``, ``{{ d|change }}``,
``{{ sum|typed }}``.
Each takes a Decimal, an int or a numeric string, rounds half-up (``typed`` does not round) and returns "" for None or "" (so
``|default:"-"`` can follow). Use these instead of Django's ``floatformat``, which rounds a float.
"""

from __future__ import annotations

from django import template

from indicators import numbers

register = template.Library()


@register.filter(name="score")
def score(value: numbers.Number | None, places: int = numbers.SCORE_PLACES) -> str:
    return numbers.score(value, int(places))


@register.filter(name="total")
def total(value: numbers.Number | None) -> str:
    return numbers.total(value)


@register.filter(name="percent")
def percent(value: numbers.Number | None) -> str:
    return numbers.percent(value)


@register.filter(name="weight")
def weight(value: numbers.Number | None) -> str:
    return numbers.weight(value)


@register.filter(name="count")
def count(value: numbers.Number | None) -> str:
    return numbers.count(value)


@register.filter(name="number")
def number(value: numbers.Number | None) -> str:
    return numbers.number(value)


@register.filter(name="change")
def change(value: numbers.Number | None) -> str:
    return numbers.change(value)


@register.filter(name="typed")
def typed(value: numbers.Number | None) -> str:
    """Exact, as typed (sums of typed counts): "1,424", "13.9"."""
    return numbers.typed(value)
