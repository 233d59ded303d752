"""Request-wide behaviour that is not tenancy: the active language and HTMX caching headers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


def supported_language(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def browser_language(request: HttpRequest) -> str | None:
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        if language := supported_language(code):
            return language
    return None


def requested_language(request: HttpRequest) -> str | None:
    """The user's saved preference, then the choice of an anonymous visitor, then the browser.

    None means nobody expressed a preference: a workspace page then uses the workspace default.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        return supported_language(user.language)
    chosen = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return chosen or browser_language(request)


class LanguageMiddleware:
    """Django's LocaleMiddleware, with the user's saved preference first and no URL prefixes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = requested_language(request)
        request.language_is_explicit = language is not None
        # The thread goes back to its own language afterwards: the next request, or work run in
        # this thread later (a task, a test), must not inherit this visitor's language.
        with translation.override(language or settings.LANGUAGE_CODE):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response.headers.setdefault("Content-Language", translation.get_language())
        return response


def activate_workspace_language(request: HttpRequest, language: str) -> None:
    """On a workspace page, the workspace default applies when nobody chose a language."""
    if not getattr(request, "language_is_explicit", True):
        translation.activate(supported_language(language) or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class HtmxVaryMiddleware:
    """Pages render differently for HTMX requests, so caches must key on HX-Request.

    Declared once for all views rather than on each view that branches on `request.htmx`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("HX-Request",))
        return response


class PrivatePagesMiddleware:
    """Pages seen while logged in are never stored by the browser or a proxy.

    After logout, the Back button must not bring a workspace's data back from a cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
