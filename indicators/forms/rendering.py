"""The entry forms' renderer: Django's own, with the plain widgets written out directly (no template engine).

Django renders every widget through its template engine: a context, two nested includes and a loop over the
attributes, for each input. The entry page has a dozen inputs, and well over a hundred with milestone rows or a
breakdown table of shelters, so this was a large share of the page's CPU. For the plain inputs (text, hidden,
date, number, file, checkbox, a radio button without its label) and the textarea, ``EntryFormRenderer`` writes the
very string Django's templates in django/forms/templates/django/forms/widgets/ produce — same attributes, same
order, same escaping (indicators/tests/test_entry_rendering.py compares them, widget by widget and page by page).
Anything else (selects, whole forms, a widget with an unusual value) goes through Django's templates as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
#: Templates that are exactly ``{% include "django/forms/widgets/input.html" %}``.
_INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in ("input", "text", "hidden", "date", "number", "email", "password", "search", "tel", "url",
                 "color", "time", "datetime", "file", "checkbox")
)
#: Templates that are input.html when ``widget.wrap_label`` is false (a radio button's or checkbox's ``tag``).
_OPTIONS = frozenset({f"{_WIDGETS}radio_option.html", f"{_WIDGETS}checkbox_option.html", f"{_WIDGETS}input_option.html"})
_TEXTAREA = f"{_WIDGETS}textarea.html"


def _shown(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: "%s" of the value, escaped unless it is already marked safe."""
    return str(conditional_escape(value)) if isinstance(value, SafeData) else str(escape(value))


def _plain(value: Any) -> bool:
    """A value the template would print as ``str(value)``: no callables, containers or numbers to localise."""
    return isinstance(value, str | Promise) or (isinstance(value, int) and not isinstance(value, bool))


def _attrs(attrs: Mapping[str, Any]) -> str | None:
    """attrs.html: `` name="value"`` for each attribute, the name alone for True, nothing for False."""
    if "items" in attrs:  # the template would look the key "items" up before the method
        return None
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        elif _plain(value) and isinstance(name, str):
            out.append(f' {conditional_escape(name)}="{_shown(value)}"')
        else:
            return None
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str | None:
    value = widget.get("value")
    attrs = _attrs(widget.get("attrs") or {})
    kind, name = widget.get("type"), widget.get("name")
    if attrs is None or not isinstance(kind, str) or not isinstance(name, str) or not (value is None or _plain(value)):
        return None
    shown = "" if value is None else f' value="{_shown(value)}"'
    return f'<input type="{conditional_escape(kind)}" name="{conditional_escape(name)}"{shown}{attrs}>'


def _option(widget: Mapping[str, Any]) -> str | None:
    return None if widget.get("wrap_label") else _input(widget)


def _textarea(widget: Mapping[str, Any]) -> str | None:
    value = widget.get("value")
    attrs = _attrs(widget.get("attrs") or {})
    name = widget.get("name")
    if attrs is None or not isinstance(name, str) or not (value is None or isinstance(value, str)):
        return None
    text = conditional_escape(value) if value else ""
    return f'<textarea name="{conditional_escape(name)}"{attrs}>\n{text}</textarea>'


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **dict.fromkeys(_INPUTS, _input),
    **dict.fromkeys(_OPTIONS, _option),
    _TEXTAREA: _textarea,
}


class EntryFormRenderer(DjangoTemplates):
    """Django's template renderer; the plain widgets' HTML is written without the template engine."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _WRITERS.get(template_name)
        widget = context.get("widget") if write is not None and len(context) == 1 else None
        if write is not None and isinstance(widget, Mapping):
            html = write(widget)
            if html is not None:
                return html
        return super().render(template_name, context, request)


#: One instance for every entry form: its template engine (for the other widgets) is built once per process.
ENTRY_RENDERER = EntryFormRenderer()
