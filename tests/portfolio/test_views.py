from __future__ import annotations

import datetime as dt
import re

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


def quick_log_preset(page: str) -> tuple[str, str]:
    form = page.split('id="quick-log"')[1].split("</form>")[0]
    kind = re.search(r'<option value="(\w+)" selected>', form).group(1)
    return kind, re.search(r'name="minutes" value="(\d+)"', form).group(1)


def test_the_quick_log_remembers_each_clients_kind_never_longer_than_usual(
    logged_in, member, workspace
):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    storm = ClientFactory(workspace=workspace, name="Storm")
    browser = logged_in(member)
    for _ in range(3):
        log(browser, workspace, client="Atlas", kind="work_session", minutes="90")
    log(browser, workspace, client="Storm", kind="complaint", minutes="10")
    log(browser, workspace, client="Storm", kind="complaint", minutes="60")  # one long one

    def preset(page_url: str) -> tuple[str, str]:
        return quick_log_preset(browser.get(page_url).content.decode())

    # Each client page starts from its own last kind: not the kind logged last anywhere.
    assert preset(url("portfolio:client_detail", workspace, code=atlas.code)) == (
        "work_session",
        "90",
    )
    # The long complaint does not become the default: the usual complaint is 35 minutes.
    assert preset(url("portfolio:client_detail", workspace, code=storm.code)) == (
        "complaint",
        "35",
    )
    # Today has no client: the author's most usual kind, at its usual length.
    assert preset(url("home:today", workspace)) == ("work_session", "90")


def test_the_quick_log_of_a_new_author_starts_from_a_short_message(logged_in, member, workspace):
    ClientFactory(workspace=workspace, name="Atlas")
    page = logged_in(member).get(url("home:today", workspace)).content.decode()
    assert quick_log_preset(page) == ("message", "15")


def test_an_unknown_client_comes_back_as_422_keeping_what_was_typed(logged_in, member, workspace):
    response = log(logged_in(member), workspace, client="Nobody", summary="Typed text")
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#quick-log"
    assert "No client called “Nobody”" in html
    assert 'value="Typed text"' in html
    assert not Interaction.objects.exists()


def test_the_client_names_come_with_the_page_and_not_with_every_answer(
    logged_in, member, workspace
):
    """The names the client field suggests are on Today once, outside the form; the quick log's
    answers replace the form and leave them there (at a thousand clients they were 39 KB)."""
    ClientFactory(workspace=workspace, name="Atlas")
    ClientFactory(workspace=workspace, name="Storm")
    browser = logged_in(member)
    suggestions = '<datalist id="ql-client-names">'

    today = browser.get(url("home:today", workspace)).content.decode()
    assert today.count(suggestions) == 1
    assert suggestions not in today.split('id="quick-log"')[1].split("</form>")[0]
    assert '<option value="Storm">' in today.split(suggestions)[1]

    logged = log(browser, workspace, client="Atlas").content.decode()
    refused = log(browser, workspace, client="Nobody").content.decode()
    assert 'id="quick-log"' in logged and 'id="quick-log"' in refused
    assert suggestions not in logged and suggestions not in refused

    # Without script, the refused entry is a page of its own: its suggestions come with it.
    page = browser.post(url("portfolio:interaction_create", workspace), {"client": "Nobody"})
    assert page.status_code == 422 and suggestions in page.content.decode()


def suggested(html: str, datalist: str = "ql-client-names") -> list[str]:
    if datalist:
        html = html.split(f'<datalist id="{datalist}">')[1].split("</datalist>")[0]
    return re.findall(r'<option value="([^"]*)">', html)


def test_the_client_field_suggests_the_names_or_companies_holding_what_is_typed(
    logged_in, member, workspace, other_workspace
):
    ClientFactory(workspace=workspace, name="Padaria Estrela")
    ClientFactory(workspace=workspace, name="Atlas", company="Estrela Holdings")
    ClientFactory(workspace=workspace, name="Storm")
    ClientFactory(workspace=workspace, name="Estrelado", status="ended")
    ClientFactory(workspace=workspace, name="Estrela Velha", deleted_at=timezone.now())
    ClientFactory(workspace=other_workspace, name="Estrela Norte")
    suggestions = url("portfolio:client_suggestions", workspace)

    response = logged_in(member).get(suggestions, {"client": "  ESTRELA "}, **HTMX)
    assert response.status_code == 200
    assert suggested(response.content.decode(), datalist="") == ["Atlas", "Padaria Estrela"]
    nothing = logged_in(member).get(suggestions, {"client": "zzz"}, **HTMX)
    assert suggested(nothing.content.decode(), datalist="") == []


def test_a_large_workspace_suggests_its_latest_clients_first_and_never_every_name(
    logged_in, member, workspace
):
    clients = [ClientFactory(workspace=workspace, name=f"Client {n:03d}") for n in range(70)]
    now = timezone.now()
    for client, hours_ago in ((clients[40], 3), (clients[65], 1), (clients[2], 2)):
        InteractionFactory(client=client, occurred_at=now - dt.timedelta(hours=hours_ago))

    today = logged_in(member).get(url("home:today", workspace)).content.decode()
    names = suggested(today)
    assert len(names) == 50
    assert names[:3] == ["Client 065", "Client 002", "Client 040"]
    assert names[3:6] == ["Client 000", "Client 001", "Client 003"]  # then by name
    # Any of the 70 is still there for the typing: the field asks for what is typed.
    field = today.split('id="ql-client"')[1].split(">")[0]
    assert f'hx-get="{url("portfolio:client_suggestions", workspace)}"' in field
    found = logged_in(member).get(
        url("portfolio:client_suggestions", workspace), {"client": "069"}, **HTMX
    )
    assert suggested(found.content.decode(), datalist="") == ["Client 069"]
    # The page that edits an entry suggests the same way.
    entry = Interaction.objects.filter(client=clients[40]).get()
    entry.author = member
    entry.save()
    edit = logged_in(member).get(url("portfolio:interaction_edit", workspace, code=entry.code))
    assert suggested(edit.content.decode(), datalist="client-names")[:1] == ["Client 065"]
    assert 'hx-target="#client-names"' in edit.content.decode()


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


def test_a_trashed_client_link_says_it_is_in_the_trash_and_offers_to_restore_it(
    logged_in, member, viewer, workspace
):
    client = ClientFactory(workspace=workspace, name="Storm Ltd", deleted_at=timezone.now())
    detail = url("portfolio:client_detail", workspace, code=client.code)
    restore = url("portfolio:client_restore", workspace, code=client.code)
    response = logged_in(member).get(detail)
    page = response.content.decode()
    assert response.status_code == 404  # not a client page until it is back
    assert "Storm Ltd is in the trash" in page
    assert f'action="{restore}"' in page
    seen_by_viewer = logged_in(viewer).get(detail).content.decode()
    assert "Storm Ltd is in the trash" in seen_by_viewer
    assert f'action="{restore}"' not in seen_by_viewer
    assert "can restore it" in seen_by_viewer

    logged_in(member).post(restore)
    assert logged_in(member).get(detail).status_code == 200


def test_another_workspaces_trashed_client_stays_unknown(logged_in, member, workspace):
    other = ClientFactory(name="Elsewhere", deleted_at=timezone.now())
    response = logged_in(member).get(url("portfolio:client_detail", workspace, code=other.code))
    assert response.status_code == 404
    assert "Elsewhere" not in response.content.decode()


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
    # Among them: the quick log's memory of this client, and the hand-overs in the history.
    assert queries(client, path) == few == 13


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


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2099-01-01", "Choose a day that has come already."),
        ("1900-01-01", "Choose a day from Jan. 1, 2000 on."),
    ],
)
def test_the_quick_log_refuses_a_day_far_away_and_keeps_what_was_typed(
    logged_in, member, workspace, day, message
):
    ClientFactory(workspace=workspace, name="Atlas")
    response = log(logged_in(member), workspace, client="Atlas", occurred_on=day, summary="Typed")
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert 'value="Typed"' in html
    assert not Interaction.objects.exists()


def client_form(**changes) -> dict:
    return {"name": "Café Lua", "status": "ended", "billing_model": "fixed",
            "language": "pt-BR"} | changes  # fmt: skip


def test_an_end_before_the_start_is_a_message_on_the_end_date(logged_in, member, workspace):
    response = logged_in(member).post(
        url("portfolio:client_create", workspace),
        client_form(started_on="2026-05-01", ended_on="2026-04-01"),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "It cannot end before it started." in page
    assert "client_ends_after_it_starts" not in page and "Constraint" not in page
    assert not Client.objects.exists()


def test_a_name_taken_in_another_case_is_a_clear_message(logged_in, member, workspace):
    ClientFactory(workspace=workspace, name="Storm Ltd", deleted_at=timezone.now())
    response = logged_in(member).post(
        url("portfolio:client_create", workspace), client_form(name="STORM LTD", status="active")
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "A client with this name is in the trash. Restore it instead" in page
    assert "client_name_unique_ci" not in page


def test_no_constraint_reaches_a_person_by_its_name(db):
    """Every database rule of ours carries a sentence for people, so none can show up as
    "Constraint “…” is violated." (a form validates them all)."""
    from django.apps import apps

    ours = {"accounts", "portfolio", "assessments", "reviews", "home"}
    bare = [
        f"{model.__name__}.{constraint.name}"
        for model in apps.get_models()
        if model._meta.app_label in ours
        for constraint in model._meta.constraints
        if constraint.violation_error_message == constraint.default_violation_error_message
    ]
    assert bare == []


def test_marking_an_invoice_paid_in_the_future_is_refused(logged_in, member, workspace):
    invoice = InvoiceFactory(client=ClientFactory(workspace=workspace))
    response = logged_in(member).post(
        url("portfolio:invoice_paid", workspace, code=invoice.code),
        {"paid_on": "2099-01-01"},
        follow=True,
    )
    assert "Choose a day that has come already." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.paid_on is None


def test_a_new_clients_language_starts_as_the_one_its_freelancer_works_in(
    logged_in, member, workspace
):
    member.language = "pt-br"
    member.save(update_fields=["language"])
    page = logged_in(member).get(url("portfolio:client_create", workspace)).content.decode()
    assert '<option value="pt-BR" selected>' in page


def test_the_same_quick_log_sent_twice_logs_one_entry(logged_in, member, workspace):
    ClientFactory(workspace=workspace, name="Atlas")
    browser = logged_in(member)
    page = browser.get(url("home:today", workspace)).content.decode()
    key = re.search(r'name="request_key" value="([0-9a-f-]{36})"', page).group(1)
    first = log(browser, workspace, client="Atlas", request_key=key)
    again = log(browser, workspace, client="Atlas", request_key=key)  # a resent request
    assert first.status_code == again.status_code == 200
    assert Interaction.objects.count() == 1
    # The fresh form that comes back carries a new key: the next entry is a new one.
    fresh = re.search(r'name="request_key" value="([0-9a-f-]{36})"', first.content.decode())
    assert fresh and fresh.group(1) != key
    log(browser, workspace, client="Atlas", request_key=fresh.group(1))
    assert Interaction.objects.count() == 2


def test_a_note_past_its_length_is_refused_with_a_message_and_kept(logged_in, member, workspace):
    response = logged_in(member).post(
        url("portfolio:client_create", workspace),
        client_form(status="active", notes="n" * 10001),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Ensure this value has at most 10000 characters (it has 10001)." in page
    assert "n" * 10001 in page  # what was typed comes back
    assert not Client.objects.exists()
