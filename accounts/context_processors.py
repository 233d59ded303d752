from __future__ import annotations

from django.http import HttpRequest

from .models import Language
from .selectors import user_memberships


def languages(request: HttpRequest) -> dict:
    """The language switcher's entries, each named in its own language."""
    return {
        "language_choices": [
            (code, label, "pt-BR" if code == Language.PORTUGUESE_BRAZIL else code)
            for code, label in Language.choices
        ]
    }


def workspaces(request: HttpRequest) -> dict:
    """The workspace switcher's entries and the current membership, for the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "switcher_memberships": user_memberships(user=user),
        "workspace": getattr(request, "workspace", None),
        "membership": getattr(request, "membership", None),
    }
