"""`{% code_url %}`: `{% url %}` for the addresses of a record named by its code (a UUID), which
lists draw several times a row. Reversing costs about 27 µs; an alerts page of 25 drew 125 of
them. The address is reversed once with a sample code, and each row's code put in its place."""

from __future__ import annotations

import uuid
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_SAMPLE = uuid.UUID(int=0)


@lru_cache(maxsize=4096)
def _around_code(prefix: str, urlconf, name: str, kwargs: tuple) -> tuple[str, str]:
    """The address `name` reverses to with these arguments, cut where its code goes (each
    address of this tag names its code as `<uuid:code>`)."""
    address = reverse(name, urlconf=urlconf, kwargs=dict(kwargs, code=_SAMPLE))
    before, _sample, after = address.partition(str(_SAMPLE))
    return before, after


def code_address(name: str, code: uuid.UUID, **kwargs) -> str:
    """reverse(name, kwargs=kwargs | {"code": code}), but reversed once for every code."""
    if not isinstance(code, uuid.UUID):
        return reverse(name, kwargs=kwargs | {"code": code})  # its converter decides
    before, after = _around_code(
        get_script_prefix(), get_urlconf(), name, tuple(sorted(kwargs.items()))
    )
    return f"{before}{code}{after}"


@register.simple_tag
def code_url(name: str, *, code, **kwargs) -> str:
    """{% code_url 'app:name' ws=workspace.slug code=entry.code [as var] %}"""
    return code_address(name, code, **kwargs)
