"""The portfolio page: the figures at a glance (bands, hours on troubled clients, revenue
concentration), the map with its words, the table of clients sorted and paged in place by
HTMX, and the departures. Any member reads it, a viewer included; an outsider finds nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments.choices import BAND_FLOORS
from assessments.models import HealthSnapshot
from assessments.services import clients_rescore
from portfolio.models import ClientStatus
from tests.factories import ClientFactory
from tests.history import history

HTMX_TABLE = {"HX-Request": "true", "HX-Target": "client-table"}


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def scored(workspace, name, score, *, revenue=1000.0, minutes=600, **fields):
    """A client with a latest snapshot as given (read as is by the portfolio's queries)."""
    client = ClientFactory(workspace=workspace, name=name, **fields)
    band = next((band for floor, band in BAND_FLOORS if score >= floor), "critical")
    HealthSnapshot.objects.create(
        workspace=workspace,
        client=client,
        as_of=workspace.today(),
        score=score,
        band=band,
        confidence="high",
        revenue=revenue,
        minutes=minutes,
        suggestion="keep",
        formula_version=1,
    )
    return client


@pytest.fixture
def portfolio(good_and_bad, owner):
    """Good Co and Bad Co scored, a newcomer with two entries, a prospect and one departure."""
    workspace = good_and_bad[0].workspace
    newcomer = ClientFactory(workspace=workspace, name="Newcomer", owner=owner)
    history(newcomer, owner, days=4, invoices=0)
    ClientFactory(workspace=workspace, name="Maybe Ltd", status=ClientStatus.PROSPECT)
    ClientFactory(
        workspace=workspace,
        name="Gone Co",
        status=ClientStatus.ENDED,
        ended_on=workspace.today(),
        ended_by="they_ended",
        departure_reason="budget",
    )
    clients_rescore(workspace=workspace)
    return workspace


def test_the_portfolio_shows_the_figures_the_map_the_table_and_the_departures(
    portfolio, owner, logged_in
):
    page = logged_in(owner).get(url("home:portfolio", portfolio)).content.decode()
    glance = page.split('id="overview-title"')[1].split("</section>")[0]
    assert "Your hours on troubled clients" in glance and "Revenue concentration" in glance
    assert "of your revenue comes from Good Co" in glance or "from Bad Co" in glance
    assert "Not enough data yet" in glance and "Prospect" in glance
    assert "<circle" in page and 'id="map-text"' in page
    words = page.split('id="map-text"')[1].split("</ul>")[0]
    assert "Good Co" in words and "Bad Co" in words and "Newcomer" in words
    table = page.split('<div id="client-table">')[1].split("</table>")[0]
    assert all(name in table for name in ("Good Co", "Bad Co", "Newcomer", "Maybe Ltd"))
    assert "Gone Co" not in table  # ended: a departure, not part of the portfolio
    departures = page.split('id="departures-title"')[1].split("</section>")[0]
    quarter = (portfolio.today().month - 1) // 3 + 1
    assert f"Q{quarter} {portfolio.today().year}" in departures
    assert "Budget" in departures


def test_on_a_phone_the_map_gives_way_to_its_words(portfolio, owner, logged_in):
    """The drawing is hidden under the medium breakpoint; the words (every client a link) are
    outside it, so no one has to tap circles that overlap."""
    page = logged_in(owner).get(url("home:portfolio", portfolio)).content.decode()
    drawing = page.split('<div class="map-svg d-none d-md-block">')[1].split('id="map-text"')[0]
    assert "<svg" in drawing and "bubble-link" in drawing
    assert 'class="small map-words" id="map-text"' in page


def _names(html: str) -> list[str]:
    return re.findall(r"<td><a href=\"[^\"]+\">([^<]+)</a></td>", html)


def test_the_table_is_sorted_and_paged_in_place_with_real_addresses(workspace, owner, logged_in):
    for n in range(30):
        scored(workspace, f"Client {n:02}", 40 + n)
    browser = logged_in(owner)
    page = browser.get(url("home:portfolio", workspace)).content.decode()
    assert _names(page)[:2] == ["Client 00", "Client 01"]  # lowest score first
    assert len(_names(page)) == 25
    next_link = re.search(r'<a class="page-link" href="([^"]+)" hx-get="([^"]+)"([^>]*)>', page)
    href, hx_get, rest = next_link.groups()
    assert href == "?sort=score&amp;page=2#clients-title" and hx_get == "?sort=score&amp;page=2"
    assert 'hx-target="#client-table"' in rest and 'hx-push-url="true"' in rest

    second = browser.get(url("home:portfolio", workspace), {"page": 2}, headers=HTMX_TABLE)
    html = second.content.decode()
    assert html.lstrip().startswith('<div id="client-table">')
    assert "<html" not in html and "<circle" not in html
    assert _names(html) == [f"Client {n:02}" for n in range(25, 30)]
    by_name = browser.get(url("home:portfolio", workspace), {"sort": "-score"}, headers=HTMX_TABLE)
    assert _names(by_name.content.decode())[0] == "Client 29"


def test_the_back_button_gets_the_whole_page_the_address_names(workspace, owner, logged_in):
    for n in range(30):
        scored(workspace, f"Client {n:02}", 40 + n)
    response = logged_in(owner).get(
        url("home:portfolio", workspace),
        {"page": 2},
        headers=HTMX_TABLE | {"HX-History-Restore-Request": "true"},
    )
    page = response.content.decode()
    assert "<html" in page and 'id="map-title"' in page
    assert _names(page) == [f"Client {n:02}" for n in range(25, 30)]


def test_a_large_portfolio_draws_only_the_clients_that_weigh_and_sums_up_the_rest(
    workspace, owner, logged_in
):
    for n in range(70):
        scored(workspace, f"Client {n:02}", 90 if n % 10 else 20, revenue=1000.0 + n)
    page = logged_in(owner).get(url("home:portfolio", workspace)).content.decode()
    assert page.count("<circle") == 60
    others = page.split('id="map-others">')[1].split("</figcaption>")[0]
    assert "The map draws the 60 clients that weigh most" in others
    assert "And 10 other clients" in others
    words = page.split('id="map-text"')[1].split("</ul>")[0]
    assert "<strong>Room to grow</strong> (63)" in words  # every client counted, drawn or not
    assert "<strong>Consider ending</strong> (7)" in words


@pytest.mark.parametrize("persona", ["viewer", "member"])
def test_any_member_reads_the_portfolio_and_a_viewer_changes_nothing(
    portfolio, persona, request, logged_in
):
    browser = logged_in(request.getfixturevalue(persona))
    response = browser.get(url("home:portfolio", portfolio))
    assert response.status_code == 200
    assert "Bad Co" in response.content.decode()
    if persona == "viewer":
        assert browser.post(url("home:portfolio", portfolio)).status_code == 403


def test_an_outsider_sees_nothing_of_the_portfolio(portfolio, outsider, logged_in):
    browser = logged_in(outsider)
    for headers in ({}, HTMX_TABLE):
        response = browser.get(url("home:portfolio", portfolio), headers=headers)
        assert response.status_code == 404
        assert b"Good Co" not in response.content


@pytest.mark.parametrize("clients", [3, 90])
def test_the_portfolio_costs_the_same_queries_however_many_clients(
    workspace, owner, logged_in, clients, django_assert_max_num_queries
):
    for n in range(clients):
        scored(workspace, f"Client {n:02}", 20 + n % 80)
    ClientFactory(workspace=workspace, status=ClientStatus.ENDED, ended_on=workspace.today())
    browser = logged_in(owner)
    browser.get(url("home:portfolio", workspace))  # the first visit records the workspace
    with django_assert_max_num_queries(9):
        browser.get(url("home:portfolio", workspace))
    with django_assert_max_num_queries(6):
        browser.get(url("home:portfolio", workspace), {"page": 2}, headers=HTMX_TABLE)
