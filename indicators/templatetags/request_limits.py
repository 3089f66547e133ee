"""The server's request limits, for the pages' data attributes: the browser refuses what the server would refuse."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def request_limit(kind: str) -> int:
    """Bytes of form data ("body"), number of fields ("fields") or bytes of one evidence file ("file"); 0 = none."""
    if kind == "body":
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if kind == "fields":
        return int(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 0)
    if kind == "file":
        return int(settings.EVIDENCE_MAX_BYTES or 0)
    raise template.TemplateSyntaxError(f"request_limit: unknown kind {kind!r}")


@register.simple_tag
def field_limit(model: str, field: str) -> int:
    """The character limit of a model's text field ("indicators.Result", "review_comment_th"): data-maxlength."""
    from django.apps import apps

    return int(apps.get_model(model)._meta.get_field(field).max_length or 0)
