"""What the quick log form needs, wherever it is shown (the workspace home, the client page, and
the quick log's own answers): the form preset with the author's usual kind and minutes, with
the client of the page when there is one. The client names (for the field's suggestions) are
for full pages: an answer that replaces the form leaves the page's list where it is."""

from __future__ import annotations

import uuid

from accounts.models import User, Workspace

from . import selectors
from .forms import InteractionForm
from .models import Client, Feeling


def quick_log_context(
    *,
    workspace: Workspace,
    author: User,
    client: Client | None = None,
    form=None,
    names: bool = True,
) -> dict:
    if form is None:
        defaults = selectors.interaction_defaults(workspace=workspace, author=author, client=client)
        initial = (
            defaults | {"request_key": uuid.uuid4()} | ({"client": client.name} if client else {})
        )
        form = InteractionForm(workspace=workspace, initial=initial)
    return {
        "log_form": form,
        "log_client": client,
        "feelings": [(f.value, f.label, f.face) for f in Feeling],
        "client_names": selectors.client_suggestions(workspace=workspace)
        if names and client is None
        else [],
    }
