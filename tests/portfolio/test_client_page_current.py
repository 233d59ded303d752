"""The client page stays current after a change made on it, without a reload.

Every in-page write of a client's data announces `clientChanged` (the health panel, which belongs
to assessments, listens and reloads itself) and, when it is made from that client's page, brings
the page's own parts out of band: the totals and the empty timeline's hint. The writes made on
pages of their own answer with a redirect to the client's page, which shows everything afresh.
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from portfolio.models import Interaction
from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EMPTY_HINT = "Nothing logged with this client yet"


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def from_page(path: str) -> dict:
    """The headers htmx sends with a request made from the page at `path`."""
    return HTMX | {"HTTP_HX_CURRENT_URL": f"http://testserver{path}"}


def client_page(client) -> str:
    return url("portfolio:client_detail", client.workspace, code=client.code)


def announced(response) -> dict:
    return json.loads(response.headers.get("HX-Trigger", "{}"))


def totals(html: str) -> str:
    """The totals swapped out of band (the whole section, or "" when none came)."""
    found = re.search(r'<section id="client-totals"[^>]*hx-swap-oob="true"[^>]*>.*?</section>',
                      html, re.S)  # fmt: skip
    return found.group(0) if found else ""


def hours_not_billed_30_days(html: str) -> str:
    return re.search(r"Hours not billed</th><td>([^<]*)</td>", totals(html)).group(1)


def empty_hint(html: str) -> str | None:
    """The empty timeline's hint swapped out of band: its text ("" when hidden), or None."""
    found = re.search(r'<div id="timeline-empty" hx-swap-oob="true">(.*?)</div>', html, re.S)
    return found.group(1) if found else None


def quick_log(http, client, *, headers, **data):
    return http.post(
        url("portfolio:interaction_create", client.workspace),
        {"client": client.name, "client_code": str(client.code), "kind": "call",
         "minutes": "90", "summary": "Call about the launch"} | data,
        **headers,
    )  # fmt: skip


def test_logging_on_the_client_page_announces_it_and_brings_the_totals_and_hides_the_hint(
    logged_in, member, workspace
):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    response = quick_log(logged_in(member), atlas, headers=from_page(client_page(atlas)))

    entry = Interaction.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert announced(response) == {"clientChanged": {"client": str(atlas.code)}}
    assert html.lstrip().startswith(f'<li id="entry-{entry.code}"')  # the swap itself comes first
    assert hours_not_billed_30_days(html) == "1.5"
    assert empty_hint(html) == ""
    assert EMPTY_HINT not in html


@pytest.mark.parametrize("page", ["today", "another client's page", "no page"])
def test_logging_elsewhere_announces_it_but_brings_no_part_of_the_client_page(
    logged_in, member, workspace, page
):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    other = ClientFactory(workspace=workspace, name="Orbit")
    headers = {
        "today": from_page(url("home:today", workspace)),
        "another client's page": from_page(client_page(other)),
        "no page": HTMX,
    }[page]
    response = quick_log(logged_in(member), atlas, headers=headers, client_code="")

    assert response.status_code == 200
    assert announced(response) == {"clientChanged": {"client": str(atlas.code)}}
    assert 'id="client-totals"' not in response.content.decode()
    assert 'id="timeline-empty"' not in response.content.decode()


def test_undoing_the_only_entry_brings_the_totals_back_to_zero_and_the_hint_back(
    logged_in, member, workspace
):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    entry = InteractionFactory(client=atlas, author=member, minutes=60, billable=False)
    response = logged_in(member).post(
        url("portfolio:interaction_delete", workspace, code=entry.code),
        **from_page(client_page(atlas)),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Undo" in html
    assert announced(response) == {"clientChanged": {"client": str(atlas.code)}}
    assert hours_not_billed_30_days(html) == "0.0"
    assert EMPTY_HINT in empty_hint(html)
    assert not Interaction.objects.alive().exists()


def test_restoring_an_entry_announces_it_and_brings_its_hours_back(logged_in, member, workspace):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    entry = InteractionFactory(client=atlas, author=member, minutes=60, billable=False)
    http = logged_in(member)
    http.post(url("portfolio:interaction_delete", workspace, code=entry.code), **HTMX)
    response = http.post(
        url("portfolio:interaction_restore", workspace, code=entry.code),
        **from_page(client_page(atlas)),
    )

    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="entry-{entry.code}"')
    assert announced(response) == {"clientChanged": {"client": str(atlas.code)}}
    assert hours_not_billed_30_days(html) == "1.0"
    assert empty_hint(html) == ""


def test_an_invoice_alone_is_history_too_so_the_hint_stays_hidden_after_undo(
    logged_in, member, workspace
):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    InvoiceFactory(client=atlas)
    entry = InteractionFactory(client=atlas, author=member)
    response = logged_in(member).post(
        url("portfolio:interaction_delete", workspace, code=entry.code),
        **from_page(client_page(atlas)),
    )
    assert empty_hint(response.content.decode()) == ""


def test_an_entry_that_is_refused_announces_no_change(logged_in, member, workspace):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    response = quick_log(
        logged_in(member), atlas, headers=from_page(client_page(atlas)), minutes="9999"
    )
    assert response.status_code == 422
    assert "HX-Trigger" not in response.headers
    assert totals(response.content.decode()) == ""
    assert not Interaction.objects.exists()


def test_a_viewer_changes_nothing_and_nothing_is_announced(logged_in, viewer, owner, workspace):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    entry = InteractionFactory(client=atlas, author=owner)
    http = logged_in(viewer)
    logged = quick_log(http, atlas, headers=from_page(client_page(atlas)))
    deleted = http.post(
        url("portfolio:interaction_delete", workspace, code=entry.code),
        **from_page(client_page(atlas)),
    )
    assert (logged.status_code, deleted.status_code) == (403, 403)
    assert "HX-Trigger" not in logged.headers and "HX-Trigger" not in deleted.headers
    assert Interaction.objects.alive().count() == 1


def test_an_outsider_gets_404_and_learns_nothing(logged_in, outsider, owner, workspace):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    entry = InteractionFactory(client=atlas, author=owner, minutes=60)
    response = logged_in(outsider).post(
        url("portfolio:interaction_delete", workspace, code=entry.code),
        **from_page(client_page(atlas)),
    )
    assert response.status_code == 404
    assert "HX-Trigger" not in response.headers
    assert Interaction.objects.alive().count() == 1


def _full_page_writes(atlas, entry, invoice):
    """Each write made on a page of its own (or a plain form): its URL and what it posts."""
    return {
        "interaction edit": (
            url("portfolio:interaction_edit", atlas.workspace, code=entry.code),
            {"client": "Atlas", "kind": "call", "minutes": "15", "summary": "Edited"},
        ),
        "invoice create": (
            url("portfolio:invoice_create", atlas.workspace, code=atlas.code),
            {"number": "INV-9001", "issued_on": "2026-01-10", "amount": "800"},
        ),
        "invoice edit": (
            url("portfolio:invoice_edit", atlas.workspace, code=invoice.code),
            {"number": invoice.number, "issued_on": "2026-01-12", "amount": "900"},
        ),
        "invoice paid": (
            url("portfolio:invoice_paid", atlas.workspace, code=invoice.code),
            {"paid_on": "2026-01-20"},
        ),
        "invoice void": (
            url("portfolio:invoice_void", atlas.workspace, code=invoice.code),
            {"void": "yes"},
        ),
        "client edit": (
            url("portfolio:client_edit", atlas.workspace, code=atlas.code),
            {"name": "Atlas", "status": "active", "billing_model": "hourly", "language": "en"},
        ),
        "client status": (
            url("portfolio:client_status", atlas.workspace, code=atlas.code),
            {"status": "paused"},
        ),
    }


@pytest.mark.parametrize(
    "write",
    ["interaction edit", "invoice create", "invoice edit", "invoice paid", "invoice void",
     "client edit", "client status"],
)  # fmt: skip
def test_a_write_on_a_page_of_its_own_goes_back_to_the_client_page_which_is_drawn_afresh(
    logged_in, owner, workspace, write
):
    atlas = ClientFactory(workspace=workspace, name="Atlas", owner=owner)
    entry = InteractionFactory(client=atlas, author=owner)
    invoice = InvoiceFactory(client=atlas, number="INV-0001")
    path, data = _full_page_writes(atlas, entry, invoice)[write]
    response = logged_in(owner).post(path, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == client_page(atlas)


def test_the_health_panel_reloads_itself_on_the_event_and_keeps_listening(
    logged_in, member, workspace
):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    http = logged_in(member)
    health = url("home:client_health", workspace, code=atlas.code)

    page = http.get(client_page(atlas)).content.decode()
    placeholder = re.search(r'<div id="health-panel"[^>]*>', page).group(0)
    assert f'hx-get="{health}"' in placeholder
    assert 'hx-trigger="load, clientChanged from:body"' in placeholder
    assert 'hx-swap="outerHTML"' in placeholder

    panel = http.get(health, **HTMX).content.decode()
    swapped_in = re.search(r'<section id="health-panel"[^>]*>', panel).group(0)
    assert f'hx-get="{health}"' in swapped_in
    assert 'hx-trigger="clientChanged from:body"' in swapped_in  # not "load": no endless loop
    assert 'hx-swap="outerHTML"' in swapped_in
