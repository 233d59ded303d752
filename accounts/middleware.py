"""Request-wide behaviour that is not tenancy: the active language, HTMX caching headers, and
the answer to a change that lost a race with someone else's."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from .errors import ConflictError


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


def visitor_language(request: HttpRequest) -> str:
    """The language of a page answered without the database (an outage, a refused upload): the
    visitor's cookie, else the browser's, else the default. The saved preference needs the
    database."""
    chosen = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return chosen or browser_language(request) or settings.LANGUAGE_CODE


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


class ConflictMiddleware:
    """A save refused because someone saved the same record a moment before (two people
    changing a status at once, a double click on two tabs) is an answer, never a 500: the
    change was not made, the person is told so and sees the record as it is now."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, ConflictError):
            return None
        message = _(
            "Someone else changed this at the same moment, so your change was not saved. "
            "Here it is as it is now: make your change again if it is still needed."
        )
        if request.headers.get("HX-Request"):
            # The page's error box says so (htmx keeps the page as it was).
            return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, message)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.path if request.method == "GET" else "/"
        return HttpResponseRedirect(back)


class QueryNulMiddleware:
    """A NUL character in a query string (a search, a filter) is dropped before any view reads
    it: PostgreSQL refuses NUL in text, and no search means one. Posted forms refuse NUL with a
    message of their own (Django's form fields do)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:  # the rest of the requests parse nothing here
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


# Browser features no page of ours uses are switched off; copying a farewell needs the clipboard.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), clipboard-write=(self)"
)


class SecurityHeadersMiddleware:
    """The headers Django has no setting for: Permissions-Policy, and a Cross-Origin-Resource-
    Policy that keeps other sites from embedding our responses (pages, files, exports)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
