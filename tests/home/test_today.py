"""Today, the workspace's home: the quick log first, then only what needs the person now (the
follow-ups due, their reviews in progress, a handful of alerts and the way to all of them,
the getting-started steps while the workspace is new) and one line about the portfolio. The
map, the table of clients and the departures live on the portfolio page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Workspace
from accounts.selectors import workspace_setup_steps
from accounts.services import user_sign_up
from assessments.models import Alert, Boundary, HealthSnapshot
from assessments.services import clients_rescore
from reviews.models import FollowUp
from reviews.services import review_decide, review_start
from tests.factories import ClientFactory, InteractionFactory
from tests.history import history

ALERT = re.compile(r'<li class="list-group-item alert-item[^"]*" id="alert-([0-9a-f-]+)"')


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def make_alert(client, *, kind, severity, days_ago) -> Alert:
    boundary = Boundary.objects.get(workspace=client.workspace, kind=kind)
    alert = Alert.objects.create(
        workspace=client.workspace, client=client, boundary=boundary, severity=severity
    )
    Alert.objects.filter(pk=alert.pk).update(opened_at=timezone.now() - dt.timedelta(days=days_ago))
    return alert


@pytest.fixture
def busy(workspace, member):
    """A member with a follow-up due, a review in progress, and seven alerts open."""
    decided = ClientFactory(workspace=workspace, name="Meridian Capital", owner=member)
    review = review_start(client=decided, author=member)
    review_decide(review=review, user=member, decision="keep")
    FollowUp.objects.filter(review=review).update(due_on=workspace.today())
    half_way = ClientFactory(workspace=workspace, name="Grupo Vértice", owner=member)
    review_start(client=half_way, author=member)
    storm = ClientFactory(workspace=workspace, name="Storm Ltd", owner=member)
    drizzle = ClientFactory(workspace=workspace, name="Drizzle Co", owner=member)
    alerts = {
        "old critical": make_alert(storm, kind="disrespect", severity="critical", days_ago=9),
        "new critical": make_alert(drizzle, kind="disrespect", severity="critical", days_ago=1),
        "new warning": make_alert(storm, kind="low_feeling", severity="warning", days_ago=0),
        "old warning": make_alert(drizzle, kind="low_feeling", severity="warning", days_ago=5),
        "info": make_alert(storm, kind="no_contact", severity="info", days_ago=0),
        "older info": make_alert(drizzle, kind="no_contact", severity="info", days_ago=3),
        "oldest info": make_alert(storm, kind="score_drop", severity="info", days_ago=20),
    }
    return alerts


def test_today_puts_the_quick_log_first_then_what_waits_for_the_person(
    busy, workspace, member, logged_in
):
    page = logged_in(member).get(url("home:today", workspace)).content.decode()
    follow_up = page.index("Look back on your decision about Meridian Capital")
    review = page.index("Finish your review of Grupo Vértice")
    assert page.index('id="quick-log"') < follow_up < review < page.index('id="alerts-title"')


def test_today_shows_five_alerts_most_severe_then_newest_and_a_link_to_all_of_them(
    busy, workspace, member, logged_in
):
    page = logged_in(member).get(url("home:today", workspace)).content.decode()
    expected = ["new critical", "old critical", "new warning", "old warning", "info"]
    assert ALERT.findall(page) == [str(busy[name].code) for name in expected]
    link = re.search(r'<a href="([^"]+)" id="all-alerts">([^<]+)</a>', page)
    assert link.groups() == (url("home:alerts", workspace), "All alerts (7)")


def test_with_no_alert_today_says_nothing_needs_attention(workspace, member, logged_in):
    ClientFactory(workspace=workspace)
    page = logged_in(member).get(url("home:today", workspace)).content.decode()
    assert "Nothing needs your attention" in page
    assert 'id="all-alerts"' not in page


def test_today_sums_the_portfolio_up_in_one_line_that_leads_to_it(good_and_bad, owner, logged_in):
    workspace = good_and_bad[0].workspace
    clients_rescore(workspace=workspace)
    ClientFactory(workspace=workspace, name="Maybe Ltd", status="prospect")
    bands = dict(
        HealthSnapshot.objects.filter(workspace=workspace).values_list("client__name", "band")
    )
    page = logged_in(owner).get(url("home:today", workspace)).content.decode()
    summary = page.split('id="portfolio-summary">')[1].split("</p>")[0]
    assert "3 clients:" in summary
    for band in bands.values():
        assert f"band-{band}" in summary
    assert "band-prospect" in summary
    assert f'<a href="{url("home:portfolio", workspace)}">see the portfolio</a>' in summary


def test_today_does_not_show_the_map_the_table_or_the_departures(good_and_bad, owner, logged_in):
    workspace = good_and_bad[0].workspace
    clients_rescore(workspace=workspace)
    page = logged_in(owner).get(url("home:today", workspace)).content.decode()
    assert "Disrespect" in page  # the bad client's alert is there
    assert "<circle" not in page and "The map in words" not in page
    assert 'id="client-table"' not in page and "Clients by health" not in page
    assert 'id="departures-title"' not in page


def test_today_keeps_the_last_three_entries_only(workspace, member, logged_in):
    client = ClientFactory(workspace=workspace, name="Atlas")
    for n in range(6):
        InteractionFactory(
            client=client,
            author=member,
            summary=f"Entry {n}",
            occurred_at=timezone.now() - dt.timedelta(hours=n),
        )
    page = logged_in(member).get(url("home:today", workspace)).content.decode()
    recent = page.split('id="timeline-items">')[1].split("</ul>")[0]
    assert [f"Entry {n}" in recent for n in range(6)] == [True] * 3 + [False] * 3


def test_the_tables_old_addresses_open_it_on_the_portfolio(workspace, owner, logged_in):
    response = logged_in(owner).get(url("home:today", workspace), {"sort": "-score", "page": "2"})
    assert response.status_code == 302
    assert response.url == url("home:portfolio", workspace) + "?sort=-score&page=2"


def test_a_viewer_reads_today_without_the_quick_log_and_changes_nothing(
    busy, workspace, viewer, logged_in
):
    browser = logged_in(viewer)
    page = browser.get(url("home:today", workspace)).content.decode()
    assert 'id="quick-log"' not in page
    assert len(ALERT.findall(page)) == 5
    assert "Acknowledge" not in page
    assert browser.post(url("home:today", workspace)).status_code == 403


def test_an_outsider_sees_nothing_of_today(busy, workspace, outsider, logged_in):
    response = logged_in(outsider).get(url("home:today", workspace))
    assert response.status_code == 404
    assert b"Storm Ltd" not in response.content


@pytest.mark.parametrize("clients", [2, 30])
def test_today_costs_the_same_queries_however_many_clients_and_alerts(
    scored_workspace, owner, logged_in, clients, django_assert_max_num_queries
):
    for n in range(clients):
        client = ClientFactory(workspace=scored_workspace, name=f"Client {n}", owner=owner)
        history(client, owner, days=6, invoices=1, feeling=-2, flags=["disrespect"])
    clients_rescore(workspace=scored_workspace)
    assert Alert.objects.filter(workspace=scored_workspace).count() >= clients
    browser = logged_in(owner)
    browser.get(url("home:today", scored_workspace))  # the first visit records the workspace
    with django_assert_max_num_queries(14):
        browser.get(url("home:today", scored_workspace))


# The getting-started steps: shown while the workspace is new, and ticking themselves.


def _step(workspace: Workspace, title: str) -> dict:
    workspace.refresh_from_db()
    steps = workspace_setup_steps(workspace=workspace, member_count=1)
    return next(step for step in steps if step["title"].startswith(title))


def _settings(workspace: Workspace, **changes) -> dict:
    return {
        "name": workspace.name,
        "currency": workspace.currency,
        "target_hourly_rate": "",
        "time_zone": workspace.time_zone,
        "working_days": workspace.working_days,
        "work_starts_at": "09:00",
        "work_ends_at": "18:00",
        "language": workspace.language,
    } | changes


@pytest.fixture
def made_yesterday(workspace):
    """A new workspace with every default (UTC, Monday to Friday, 9 to 18), made a day ago."""
    a_day_ago = timezone.now() - dt.timedelta(days=1)
    Workspace.objects.filter(pk=workspace.pk).update(created_at=a_day_ago, updated_at=a_day_ago)
    workspace.refresh_from_db()
    assert (workspace.time_zone, workspace.working_days) == ("UTC", [1, 2, 3, 4, 5])
    return workspace


TIME_ZONE_STEP = "Check your time zone"


@pytest.mark.parametrize(
    "changes",
    [
        {},  # UTC and the usual week were right: saving them is checking them
        {"time_zone": "Europe/Lisbon"},
        {"work_starts_at": "08:00", "work_ends_at": "17:00"},
        {"working_days": [1, 2, 3, 4]},
    ],
    ids=["confirmed as they were", "time zone", "hours", "days"],
)
def test_the_time_zone_step_ticks_once_the_settings_are_saved(
    made_yesterday, owner, logged_in, changes
):
    workspace = made_yesterday
    assert not _step(workspace, TIME_ZONE_STEP)["done"]
    browser = logged_in(owner)
    response = browser.post(url("workspace:settings", workspace), _settings(workspace, **changes))
    assert response.status_code == 302
    assert _step(workspace, TIME_ZONE_STEP)["done"]
    page = browser.get(url("home:today", workspace)).content.decode()
    steps = page.split('id="setup-title"')[1].split("</section>")[0]
    step = steps.split("Check your time zone and working hours")[1].split("</li>")[0]
    assert "Done" in step
    assert "2 steps left" in steps  # of three: the rate and the invitation are still to do


def test_a_workspace_just_made_has_not_checked_its_time_zone(db):
    _user, workspace = user_sign_up(email="new@example.com", password="a-long-passphrase")
    assert not _step(workspace, TIME_ZONE_STEP)["done"]


def test_the_steps_show_while_the_workspace_is_new_and_leave_once_it_is_set_up(
    workspace, owner, logged_in
):
    browser = logged_in(owner)
    assert "3 steps left" in browser.get(url("home:today", workspace)).content.decode()
    Workspace.objects.filter(pk=workspace.pk).update(
        target_hourly_rate=60, time_zone="Europe/Lisbon"
    )
    # Only the optional invitation is left: shown while the workspace is empty…
    assert 'id="setup-title"' in browser.get(url("home:today", workspace)).content.decode()
    ClientFactory(workspace=workspace)
    # …not for ever on the home of a freelancer who works alone; nor are the members counted
    # then, for a step that cannot show.
    with CaptureQueriesContext(connection) as queries:
        page = browser.get(url("home:today", workspace)).content.decode()
    assert 'id="setup-title"' not in page
    counts = [
        q["sql"] for q in queries if "COUNT(" in q["sql"] and "accounts_membership" in q["sql"]
    ]
    assert counts == []


@pytest.mark.parametrize(
    "page", ["home:today", "home:portfolio", "home:alerts", "portfolio:client_list"]
)
def test_every_page_a_new_workspace_meets_empty_shows_the_steps(workspace, owner, logged_in, page):
    browser = logged_in(owner)
    html = browser.get(url(page, workspace)).content.decode()
    steps = html.split('id="setup-title"')[1].split("</section>")[0]
    assert "3 steps left" in steps
    assert reverse("workspace:settings", kwargs={"ws": workspace.slug}) in steps
    assert "Add a client" in html  # the empty state's one action
    # Once the workspace has a client, only Today keeps them (while a step that matters waits).
    ClientFactory(workspace=workspace)
    html = browser.get(url(page, workspace)).content.decode()
    assert ('id="setup-title"' in html) == (page == "home:today")


def test_the_steps_action_reads_as_a_verb_in_every_language(workspace, owner, logged_in):
    """'Open' is also an invoice's status: the step's button says "open it", not "unpaid"."""
    browser = logged_in(owner)
    for language, action in (("pt-br", "Abrir"), ("es", "Abrir")):
        owner.language = language
        owner.save(update_fields=["language"])
        html = browser.get(url("home:portfolio", workspace)).content.decode()
        steps = html.split('id="setup-title"')[1].split("</section>")[0]
        assert f">{action}<" in steps, language
