from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portfolio.models import Client, Interaction
from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def log(http, workspace, **data):
    return http.post(
        url("portfolio:interaction_create", workspace),
        {"kind": "call", "minutes": "20", "summary": "Quick call"} | data,
        **HTMX,
    )


def test_the_quick_log_inserts_the_entry_and_resets_the_form(logged_in, member, workspace):
    ClientFactory(workspace=workspace, name="Padaria Estrela")
    response = log(logged_in(member), workspace, client="padaria estrela", feeling="-1",
                   flags=["unclear_brief", "late_feedback"],
                   occurred_on="2026-11-24", occurred_time="10:30")  # fmt: skip

    entry = Interaction.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li id="entry-{entry.code}"')
    assert 'id="quick-log"' in html and 'hx-swap-oob="true"' in html
    assert "Undo" in html
    assert (entry.author, entry.kind, entry.minutes, entry.feeling) == (member, "call", 20, -1)
    assert sorted(entry.flags) == ["late_feedback", "unclear_brief"]


def test_the_quick_log_remembers_the_last_kind_and_minutes(logged_in, member, workspace):
    ClientFactory(workspace=workspace, name="Atlas")
    client = logged_in(member)
    log(client, workspace, client="Atlas", kind="work_session", minutes="90")
    page = client.get(url("home:today", workspace)).content.decode()
    assert '<option value="work_session" selected>' in page
    assert 'name="minutes" value="90"' in page


def test_an_unknown_client_comes_back_as_422_keeping_what_was_typed(logged_in, member, workspace):
    response = log(logged_in(member), workspace, client="Nobody", summary="Typed text")
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#quick-log"
    assert "No client called “Nobody”" in html
    assert 'value="Typed text"' in html
    assert not Interaction.objects.exists()


def test_undo_deletes_the_new_entry_and_undo_of_that_restores_it(logged_in, member, workspace):
    ClientFactory(workspace=workspace, name="Atlas")
    client = logged_in(member)
    log(client, workspace, client="Atlas")
    entry = Interaction.objects.get()

    deleted = client.post(url("portfolio:interaction_delete", workspace, code=entry.code), **HTMX)
    assert "Undo" in deleted.content.decode()
    assert not Interaction.objects.alive().exists()
    client.post(url("portfolio:interaction_restore", workspace, code=entry.code), **HTMX)
    assert Interaction.objects.alive().count() == 1


def test_only_the_author_or_a_manager_edits_an_entry(logged_in, member, manager, workspace, owner):
    entry = InteractionFactory(client=ClientFactory(workspace=workspace), author=owner)
    edit = url("portfolio:interaction_edit", workspace, code=entry.code)
    assert logged_in(member).get(edit).status_code == 403
    assert (
        logged_in(member)
        .post(url("portfolio:interaction_delete", workspace, code=entry.code))
        .status_code
        == 403
    )
    assert logged_in(manager).get(edit).status_code == 200


def test_editing_an_entry_from_a_stale_page_is_refused_and_keeps_the_text(
    logged_in, owner, workspace
):
    entry = InteractionFactory(
        client=ClientFactory(workspace=workspace, name="Atlas"), author=owner
    )
    Interaction.objects.filter(pk=entry.pk).update(version=5)  # someone saved meanwhile
    response = logged_in(owner).post(
        url("portfolio:interaction_edit", workspace, code=entry.code),
        {"client": "Atlas", "kind": "call", "minutes": "10", "summary": "My new text",
         "version": "1"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Someone else changed this entry" in response.content.decode()
    assert 'value="My new text"' in response.content.decode()
    entry.refresh_from_db()
    assert entry.summary == ""


def test_adding_a_client_and_opening_its_page(logged_in, member, workspace):
    response = logged_in(member).post(
        url("portfolio:client_create", workspace),
        {"name": "  Café Lua ", "status": "active", "billing_model": "fixed", "rate": "450",
         "language": "pt-BR", "owner": str(member.pk)},
    )  # fmt: skip
    client = Client.objects.get()
    assert client.name == "Café Lua"
    assert response.url == url("portfolio:client_detail", workspace, code=client.code)
    page = logged_in(member).get(response.url).content.decode()
    assert "Café Lua" in page
    assert "Nothing logged with this client yet" in page


def test_a_member_moves_a_client_to_the_trash_and_only_a_manager_deletes_it(
    logged_in, member, manager, workspace
):
    client = ClientFactory(workspace=workspace)
    logged_in(member).post(url("portfolio:client_trash_move", workspace, code=client.code))
    assert Client.objects.in_trash().count() == 1
    delete = url("portfolio:client_delete", workspace, code=client.code)
    assert logged_in(member).post(delete).status_code == 403
    confirm = logged_in(manager).get(delete)
    assert "cannot be undone" in confirm.content.decode()
    logged_in(manager).post(delete)
    assert not Client.objects.exists()


def test_a_trashed_client_page_is_404_until_restored(logged_in, member, workspace):
    client = ClientFactory(workspace=workspace, deleted_at=timezone.now())
    detail = url("portfolio:client_detail", workspace, code=client.code)
    assert logged_in(member).get(detail).status_code == 404
    logged_in(member).post(url("portfolio:client_restore", workspace, code=client.code))
    assert logged_in(member).get(detail).status_code == 200


def test_the_list_answers_htmx_with_the_results_only_and_keeps_filters_in_links(
    logged_in, member, workspace
):
    for n in range(30):
        ClientFactory(workspace=workspace, name=f"Client {n:02d}", status="active")
    response = logged_in(member).get(
        url("portfolio:client_list", workspace) + "?status=active&sort=-name", **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="client-results"')
    assert "Client 29" in html and "Client 04" not in html
    assert "status=active&amp;sort=-name&amp;page=2" in html


def queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_client_list_costs_the_same_queries_for_3_or_25_clients(logged_in, member, workspace):
    client = logged_in(member)
    path = url("portfolio:client_list", workspace)
    for _ in range(3):
        InteractionFactory(client=ClientFactory(workspace=workspace, owner=member))
    few = queries(client, path)
    for _ in range(22):
        InteractionFactory(client=ClientFactory(workspace=workspace, owner=member))
    assert queries(client, path) == few == 7


def test_the_client_page_costs_the_same_queries_however_long_the_history(
    logged_in, member, owner, workspace
):
    customer = ClientFactory(workspace=workspace)
    client = logged_in(member)
    path = url("portfolio:client_detail", workspace, code=customer.code)
    InteractionFactory(client=customer, author=owner)
    InvoiceFactory(client=customer)
    few = queries(client, path)
    for n in range(60):
        InteractionFactory(client=customer, author=owner if n % 2 else member,
                           occurred_at=timezone.now() - dt.timedelta(hours=n))  # fmt: skip
        InvoiceFactory(client=customer)
    assert queries(client, path) == few == 12


def test_older_entries_load_as_a_fragment(logged_in, member, workspace):
    customer = ClientFactory(workspace=workspace)
    for n in range(25):
        InteractionFactory(client=customer, summary=f"Entry {n:02d}",
                           occurred_at=timezone.now() - dt.timedelta(hours=n))  # fmt: skip
    client = logged_in(member)
    page = client.get(url("portfolio:client_detail", workspace, code=customer.code))
    after = page.context["next_cursor"]
    more = client.get(
        url("portfolio:client_detail", workspace, code=customer.code), {"after": after}, **HTMX
    ).content.decode()
    assert "Entry 24" in more and "Entry 00" not in more
    assert "<html" not in more
