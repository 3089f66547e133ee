"""Thai first: the language is Thai unless the user chose another one (language cookie), whatever the browser says."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ThaiFirstLocaleMiddleware:
    """Like LocaleMiddleware, but the browser's Accept-Language never overrides LANGUAGE_CODE (`th`).

    Government PCs often run English browsers; the users still work in Thai. English is one click away
    (the language switch posts to Django's set_language view, which sets the cookie read here).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
