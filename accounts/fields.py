"""Model fields with rules of their own."""

from __future__ import annotations

from django.db import models

# Characters that reorder the text around them (U+202A to U+202E, U+2066 to U+2069): in a name
# they only serve to disguise it (a client called "Invoice" + RLO + "fdp.exe" reads as a PDF),
# so a name never keeps them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def without_bidi_controls(value):
    return value.translate(BIDI_CONTROLS) if isinstance(value, str) else value


class NameField(models.CharField):
    """A name as people read it: never with direction overrides, however it is written (a form,
    an import's bulk insert, an update)."""

    def pre_save(self, model_instance, add):
        value = without_bidi_controls(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return without_bidi_controls(super().get_prep_value(value))
