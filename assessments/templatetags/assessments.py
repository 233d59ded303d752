from __future__ import annotations

from django import template
from django.utils.formats import number_format

from assessments.explain import sentence

register = template.Library()


@register.filter
def evidence(value) -> str:
    """A stored [code, params] pair as a sentence in the active language."""
    return sentence(value) if value else ""


@register.filter
def percent(share) -> str:
    """A share (0-1) as a whole percentage in the active locale; an em dash when unknown."""
    if share is None:
        return "—"
    return f"{number_format(round(100 * share), use_l10n=True)}%"


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    value = round(value)
    return f"+{value}" if value > 0 else str(value)
