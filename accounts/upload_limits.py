"""The largest request Clientwise reads (settings.IMPORT_UPLOAD_MAX_BYTES, for the import
uploads), refused before its body is read: a 200 MB body costs the server nothing.

Two guards: the middleware refuses a request whose Content-Length is over the limit (and a
margin for the form around the files) before anything reads it; the upload handler counts the
files' bytes as they arrive and stops reading once they pass the limit, marking the request so
that the upload form says why. (Django reads no form from a body sent without a length.) The
proxy in front has the same limit (docs/operations.md)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from .middleware import visitor_language

# Room for the form's other fields and the multipart boundaries around the files.
ENVELOPE_BYTES = 1024 * 1024


def body_limit() -> int:
    return settings.IMPORT_UPLOAD_MAX_BYTES + ENVELOPE_BYTES


class UploadSizeMiddleware:
    """First in the chain, before the CSRF check (which reads posted bodies)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit():
            return too_large_response(request)
        return self.get_response(request)


def too_large_response(request: HttpRequest) -> HttpResponse:
    """413: a plain page in the visitor's language, with the way back. Nothing of the body was
    read, so no session, no database: only what the request's headers say."""
    with translation.override(visitor_language(request)):
        html = render_to_string(
            "413.html",
            {
                "size": settings.IMPORT_UPLOAD_MAX_BYTES // (1024 * 1024),
                "language": translation.get_language(),
            },
        )
    # The client may still be sending: tell it the connection ends with this answer.
    return HttpResponse(html, status=413, headers={"Connection": "close"})


class SizeLimitHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts the bytes of every file of the request as they
    arrive, and stops reading the body once they pass the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.IMPORT_UPLOAD_MAX_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
