"""A client's last contact, kept by every writer of its entries (portfolio.contacts) for the
client list to sort by: it follows an entry logged, dated again, moved to another client,
trashed, restored, imported and undone, and the nightly pass reads it again from the entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from home.nightly import workspace_pass
from portfolio.contacts import LAST_ENTRY
from portfolio.interchange import import_apply, import_plan, import_undo
from portfolio.models import Client, ClientActivity
from portfolio.selectors import client_list
from portfolio.services import (
    interaction_delete,
    interaction_log,
    interaction_restore,
    interaction_update,
)
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def at(days_ago: int) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)


def listed(workspace) -> dict[str, dt.datetime | None]:
    return {client.name: client.last_contact for client in client_list(workspace=workspace)}


def kept_as_the_entries_say(workspace) -> None:
    """What the list reads is what the entries say, for every client it lists."""
    truth = dict(
        Client.objects.for_workspace(workspace)
        .alive()
        .annotate(last=LAST_ENTRY)
        .values_list("name", "last")
    )
    assert listed(workspace) == truth


def test_the_last_contact_follows_every_change_to_the_entries(workspace, owner):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    nova = ClientFactory(workspace=workspace, name="Nova")
    assert listed(workspace) == {"Atlas": None, "Nova": None}

    older = interaction_log(client=atlas, author=owner, kind="call", occurred_at=at(10))
    newer = interaction_log(client=atlas, author=owner, kind="meeting", occurred_at=at(2))
    assert listed(workspace)["Atlas"] == at(2)
    interaction_update(interaction=older, version=older.version, occurred_at=at(1))
    assert listed(workspace)["Atlas"] == at(1)
    older.refresh_from_db()
    interaction_update(interaction=older, version=older.version, client=nova)
    assert listed(workspace) == {"Atlas": at(2), "Nova": at(1)}
    interaction_delete(interaction=newer)
    assert listed(workspace)["Atlas"] is None
    interaction_restore(interaction=newer)
    assert listed(workspace)["Atlas"] == at(2)
    kept_as_the_entries_say(workspace)


def test_an_import_and_its_undo_keep_the_last_contact(workspace, owner):
    ClientFactory(workspace=workspace, name="Atlas")
    files = {
        "clients": "name\nAtlas\nNova\n",
        "interactions": (
            "client,occurred_at,kind,minutes,summary,external_id\n"
            "Atlas,2026-03-02T10:00,meeting,45,Kick-off,x1\n"
            "Nova,2026-03-03T10:00,call,10,Hello,n1\n"
        ),
    }
    plan = import_plan(
        workspace=workspace, user=owner, files={k: v.encode() for k, v in files.items()}
    )
    assert plan.errors == []
    batch = import_apply(plan=plan)
    found = listed(workspace)
    assert found["Atlas"].date() == dt.date(2026, 3, 2) and found["Nova"].date() == dt.date(
        2026, 3, 3
    )
    kept_as_the_entries_say(workspace)
    import_undo(batch=batch)
    assert listed(workspace) == {"Atlas": None}
    kept_as_the_entries_say(workspace)


def test_the_nightly_pass_reads_it_again_from_the_entries(workspace, owner):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    interaction_log(client=atlas, author=owner, kind="call", occurred_at=at(3))
    ClientActivity.objects.filter(client=atlas).delete()  # lost, whatever the cause
    assert listed(workspace)["Atlas"] is None
    workspace_pass(workspace, emails=False)
    assert listed(workspace)["Atlas"] == at(3)


def test_the_list_sorts_by_it_in_one_query_however_many_clients(
    workspace, owner, django_assert_num_queries
):
    for n in range(30):
        client = ClientFactory(workspace=workspace, name=f"Client {n:02}")
        if n % 3:
            interaction_log(client=client, author=owner, kind="call", occurred_at=at(n))
    with django_assert_num_queries(1):
        names = [c.name for c in client_list(workspace=workspace, sort="-last_contact")[:25]]
    # Never contacted first, then the longest without contact.
    assert names[:10] == [f"Client {n:02}" for n in range(0, 30, 3)]
    assert names[10:12] == ["Client 29", "Client 28"]
