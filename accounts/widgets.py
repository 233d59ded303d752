from __future__ import annotations

import functools
import json

from django import forms
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .timezones import old_names


class LongSelect(forms.Select):
    """A <select> with hundreds of options (time zones), rendered in Python.

    Django renders each option through a template; for ~600 time zones that alone took ~90 ms
    of the settings page (bench/pages.py). The markup is the same, option groups included. A
    value listed twice (a common zone, then again in its region) is selected once, where it
    comes first: a single <select> with two selected options shows the last.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = "" if value is None else str(value)
        found = False

        def options(choices) -> SafeString:
            nonlocal found
            rows = []
            for option, label in choices:
                mark = not found and str(option) == selected
                found = found or mark
                rows.append((option, " selected" if mark else "", label))
            return format_html_join("", '<option value="{}"{}>{}</option>', rows)

        parts = []
        for option, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', option, options(label))
                )
            else:
                parts.append(options([(option, label)]))
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final_attrs), mark_safe("".join(parts))
        )


class TimeZoneSelect(LongSelect):
    """The time zone <select>, followed by the suggestion to use the browser's own zone, which
    static/js/app.js shows when it differs from the chosen one (it never changes the value by
    itself). The old names map lets it recognise a browser that says Asia/Calcutta."""

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        widget_id = self.build_attrs(self.attrs, attrs).get("id")
        if not widget_id:
            return select
        suggestion = render_to_string(
            "accounts/_time_zone_suggestion.html",
            {"for_id": widget_id, "old_names": _old_names_json()},
        )
        return select + suggestion


@functools.cache
def _old_names_json() -> str:
    return json.dumps(old_names(), separators=(",", ":"), sort_keys=True)
