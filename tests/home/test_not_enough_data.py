"""Too little evidence is its own state, not a band, and a prospect is a prospect: on the
portfolio page (table, counts, the map's list of clients left off it), in Today's summary of
the portfolio and on the health panel."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments import scoring
from assessments.models import HealthSnapshot
from assessments.services import clients_rescore
from tests.factories import ClientFactory
from tests.history import history

BAND_BADGE = re.compile(r'class="badge band band-(thriving|healthy|watch|at_risk|critical)"')


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


@pytest.fixture
def newcomer(scored_workspace, owner):
    """A client with two entries logged: a guess at the neutral score, in the Watch band."""
    client = ClientFactory(workspace=scored_workspace, name="Newcomer", owner=owner)
    history(client, owner, days=4, invoices=0)
    clients_rescore(workspace=scored_workspace)
    snapshot = HealthSnapshot.objects.get(client=client)
    assert (snapshot.confidence, snapshot.band) == ("low", "watch")
    return client


@pytest.fixture
def prospect(scored_workspace, owner):
    """A prospect with plenty logged: scored, but with no money to weigh yet."""
    client = ClientFactory(
        workspace=scored_workspace, name="Maybe Ltd", owner=owner, status="prospect"
    )
    history(client, owner, feeling=1, invoices=0)
    clients_rescore(workspace=scored_workspace)
    assert HealthSnapshot.objects.get(client=client).confidence != "low"
    return client


def _band_counts(page: str) -> str:
    return re.search(r'<ul class="list-unstyled mb-0 band-counts">(.*?)</ul>', page, re.S).group(1)


def _count_of(counts: str, css: str) -> int:
    item = next(li for li in re.findall(r"<li>(.*?)</li>", counts, re.S) if f"band-{css}" in li)
    return int(re.search(r'<span class="fw-semibold">(\d+)</span>', item).group(1))


def _table(page: str) -> str:
    return page.split('<div id="client-table">')[1]


@pytest.mark.parametrize("persona", ["owner", "viewer"])
def test_a_client_with_too_little_data_is_not_enough_data_yet_on_the_portfolio(
    newcomer, persona, request, logged_in
):
    page = logged_in(request.getfixturevalue(persona)).get(
        url("home:portfolio", newcomer.workspace)
    )
    page = page.content.decode()
    assert "Not enough data yet" in _table(page)
    assert not BAND_BADGE.search(_table(page))  # no band badge for it anywhere in the table
    assert "Score over the last 90 days" not in page  # nor a sparkline of a guess


def test_the_portfolio_counts_it_apart_and_not_under_watch(newcomer, owner, logged_in):
    response = logged_in(owner).get(url("home:portfolio", newcomer.workspace))
    overview = response.context["overview"]
    assert overview.not_enough_data == 1
    assert dict((band, count) for band, _label, count in overview.band_counts)["watch"] == 0
    counts = _band_counts(response.content.decode())
    assert "Not enough data yet" in counts
    assert _count_of(counts, "not_enough_data") == 1
    assert _count_of(counts, "watch") == 0


def test_todays_summary_counts_it_apart_and_not_under_watch(newcomer, prospect, owner, logged_in):
    page = logged_in(owner).get(url("home:today", newcomer.workspace)).content.decode()
    summary = page.split('id="portfolio-summary">')[1].split("</p>")[0]
    assert "2 clients:" in summary
    assert "band-not_enough_data" in summary and "band-prospect" in summary
    assert not BAND_BADGE.search(summary)


def test_a_guess_on_too_little_data_is_not_counted_as_hours_on_troubled_clients(
    scored_workspace, owner, logged_in
):
    client = ClientFactory(workspace=scored_workspace, name="Quiet", owner=owner)
    history(client, owner, days=4, invoices=0, feeling=-2, flags=["disrespect"])
    clients_rescore(workspace=scored_workspace)
    assert HealthSnapshot.objects.get(client=client).confidence == "low"
    response = logged_in(owner).get(url("home:portfolio", scored_workspace))
    assert response.context["overview"].at_risk_hours_share == 0


def test_the_map_lists_clients_with_too_little_data_and_prospects_as_not_enough_data_yet(
    good_and_bad, newcomer, prospect, owner, logged_in
):
    clients_rescore(workspace=newcomer.workspace)
    page = logged_in(owner).get(url("home:portfolio", newcomer.workspace)).content.decode()
    words = page.split('id="map-text"')[1].split("</ul>")[0]
    unplaced = re.search(r"Not on the map: not enough data yet</strong> \(2\): (.*?)</li>", words)
    assert "Newcomer" in unplaced.group(1) and "Maybe Ltd" in unplaced.group(1)
    assert "prospect" in unplaced.group(1)


def test_with_no_client_on_the_map_yet_the_list_of_those_left_off_still_shows(
    newcomer, owner, logged_in
):
    page = logged_in(owner).get(url("home:portfolio", newcomer.workspace)).content.decode()
    assert "The map appears once active clients have a score" in page
    assert "Not on the map: not enough data yet" in page


def test_a_prospect_shows_prospect_and_no_band(prospect, owner, logged_in):
    browser = logged_in(owner)
    portfolio = browser.get(url("home:portfolio", prospect.workspace))
    table = _table(portfolio.content.decode())
    assert "band-prospect" in table and "Prospect" in table
    assert not BAND_BADGE.search(table)
    overview = portfolio.context["overview"]
    assert overview.prospects == 1
    assert sum(count for _band, _label, count in overview.band_counts) == 0
    panel = browser.get(url("home:client_health", prospect.workspace, code=prospect.code))
    panel = panel.content.decode()
    assert "band-prospect" in panel
    assert not BAND_BADGE.search(panel)
    assert "no paid relationship yet to score money on" in panel


def _panel(browser, client) -> str:
    return browser.get(
        url("home:client_health", client.workspace, code=client.code),
        headers={"HX-Request": "true"},
    ).content.decode()


def test_the_health_panel_of_a_client_with_too_little_data_shows_no_band_and_no_points(
    newcomer, owner, logged_in
):
    snapshot = HealthSnapshot.objects.get(client=newcomer)
    assert snapshot.evidence_adjustment  # there would be "points" to show
    panel = _panel(logged_in(owner), newcomer)
    assert "Not enough data yet" in panel
    assert not BAND_BADGE.search(panel)
    assert "points" not in panel
    assert "/100" not in panel  # no score to read as a verdict
    assert "Suggestion:" not in panel
    missing = scoring.MEDIUM_EVIDENCE - snapshot.evidence_count
    assert (
        f"{snapshot.evidence_count} entries and invoices in the last "
        f"{snapshot.settings['window_days']} days, and a judgement needs "
        f"{scoring.MEDIUM_EVIDENCE}" in panel
    )
    assert f"Log {missing} more" in panel


def test_a_client_with_enough_data_still_shows_its_score_and_band(good_and_bad, owner, logged_in):
    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    panel = _panel(logged_in(owner), good)
    assert BAND_BADGE.search(panel)
    assert "/100" in panel and "What makes the score" in panel
    assert "Not enough data yet" not in panel


def test_an_outsider_sees_nothing_of_the_health_panel(newcomer, outsider, logged_in):
    response = logged_in(outsider).get(
        url("home:client_health", newcomer.workspace, code=newcomer.code)
    )
    assert response.status_code == 404
    assert b"Newcomer" not in response.content
