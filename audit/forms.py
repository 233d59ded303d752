from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS


class ActivityFilterForm(forms.Form):
    """The activity log's filters. A value that is not offered is ignored, not an error: the
    address may be an old bookmark."""

    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, members):
        super().__init__(data)
        self.fields["kind"].choices = [("", _("All kinds"))] + [
            (kind.code, kind.label) for kind in KINDS.values()
        ]
        self.fields["person"].choices = [("", _("Everyone"))] + [
            (membership.user_id, membership.user.display_name) for membership in members
        ]

    def filters(self) -> dict:
        cleaned = self.cleaned_data if self.is_valid() else {}
        kind = cleaned.get("kind") or ""
        return {
            "kinds": [kind] if kind else list(KINDS),
            "kind": kind,
            "person_id": cleaned.get("person"),
        }
