"""Labels of choice fields, as `get_FOO_display` gives them, without rebuilding the choices.

Django rebuilds a dictionary of a field's choices at every call, hashing each lazy label, which
translates it: a page of fifty alerts spent a tenth of its time there (profiled at 1,000
clients). The mixin keeps one dictionary per field, of lazy labels, so a label is still
translated into the language of the request that reads it.
"""

from __future__ import annotations

import functools

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def _labels(field) -> dict:
    # Choices here are fixed when the models load; a callable's would be read once.
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceLabels:
    """Put first among a model's bases: its fields' `get_FOO_display` use the one dictionary."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)
