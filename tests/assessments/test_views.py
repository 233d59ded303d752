"""The pages of assessments as a person uses them: Today, the portfolio, the health panel,
alert actions, scoring settings with preview, lines, and the weekly digest choice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import Alert, AlertStatus, Boundary, HealthSnapshot, ScoringSettings
from assessments.services import clients_rescore
from tests.factories import ClientFactory
from tests.history import history


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def test_today_shows_the_alerts_and_the_portfolio_the_bands_the_map_and_the_table(
    good_and_bad, owner, logged_in
):
    good, bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    browser = logged_in(owner)
    today = browser.get(url("home:today", good.workspace)).content.decode()
    assert "Disrespect" in today  # the bad client's alert
    assert reverse("portfolio:client_detail", kwargs={"ws": "aurora", "code": bad.code}) in today
    page = browser.get(url("home:portfolio", good.workspace)).content.decode()
    assert "Clients by health" in page
    assert reverse("portfolio:client_detail", kwargs={"ws": "aurora", "code": bad.code}) in page
    assert "<circle" in page and "The map in words" in page


def _table(client, workspace, **query) -> str:
    return client.get(
        url("home:portfolio", workspace),
        query,
        headers={"HX-Request": "true", "HX-Target": "client-table"},
    ).content.decode()


def test_the_portfolio_table_puts_the_lowest_score_first_unless_asked_otherwise(
    good_and_bad, owner, logged_in
):
    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    browser = logged_in(owner)
    lowest_first = _table(browser, good.workspace)
    assert lowest_first.index("Bad Co") < lowest_first.index("Good Co")
    highest_first = _table(browser, good.workspace, sort="-score")
    assert highest_first.index("Good Co") < highest_first.index("Bad Co")


def test_an_empty_workspace_says_what_to_do_next(workspace, owner, logged_in):
    browser = logged_in(owner)
    today = browser.get(url("home:today", workspace)).content.decode()
    assert "Add a client" in today
    assert "No client has crossed one of your lines" in today
    portfolio = browser.get(url("home:portfolio", workspace)).content.decode()
    assert "Nothing in your portfolio yet" in portfolio
    assert url("portfolio:client_create", workspace) in portfolio
    # A client with nothing logged yet: the map says what it waits for.
    ClientFactory(workspace=workspace, status="active")
    portfolio = browser.get(url("home:portfolio", workspace)).content.decode()
    assert "The map appears once active clients have a score" in portfolio


@pytest.mark.parametrize("clients", [2, 12])
@pytest.mark.parametrize(("name", "queries"), [("home:today", 14), ("home:portfolio", 10)])
def test_today_and_the_portfolio_cost_the_same_queries_for_2_or_12_clients(
    scored_workspace, owner, logged_in, clients, name, queries, django_assert_num_queries
):
    for n in range(clients):
        client = ClientFactory(workspace=scored_workspace, name=f"Client {n}")
        history(client, owner, days=10, invoices=1)
    clients_rescore(workspace=scored_workspace)
    browser = logged_in(owner)
    with django_assert_num_queries(queries):
        browser.get(url(name, scored_workspace))


def test_sorting_the_table_by_htmx_returns_only_the_table(good_and_bad, owner, logged_in):
    clients_rescore(workspace=good_and_bad[0].workspace)
    response = logged_in(owner).get(
        url("home:portfolio", good_and_bad[0].workspace) + "?sort=-score",
        headers={"HX-Request": "true", "HX-Target": "client-table"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="client-table">')
    assert page.index("Good Co") < page.index("Bad Co")


def test_the_health_panel_explains_the_score(good_and_bad, owner, logged_in):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    page = (
        logged_in(owner)
        .get(
            url("home:client_health", bad.workspace, code=bad.code),
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    snapshot = HealthSnapshot.objects.get(client=bad)
    assert f"{snapshot.score}<span" in page
    assert "What makes the score" in page
    assert "Disrespect was logged" in page
    assert "The decision is yours" in page
    assert "<html" not in page  # a fragment for the client page


def test_a_client_not_scored_yet_shows_its_health_without_the_page_writing_it(
    good_and_bad, owner, logged_in
):
    good, _bad = good_and_bad
    HealthSnapshot.objects.all().delete()  # as if its rescore were still queued
    page = (
        logged_in(owner)
        .get(url("home:client_health", good.workspace, code=good.code))
        .content.decode()
    )
    assert "What makes the score" in page
    assert "/100" in page
    assert not HealthSnapshot.objects.exists()  # a GET never writes


def test_a_client_with_little_data_says_so(scored_workspace, owner, logged_in):
    client = ClientFactory(workspace=scored_workspace)
    history(client, owner, days=4, invoices=0)
    page = (
        logged_in(owner)
        .get(url("home:client_health", scored_workspace, code=client.code))
        .content.decode()
    )
    assert "not enough data yet" in page


@pytest.mark.parametrize("clients", [1, 8])
def test_the_health_panel_costs_the_same_queries_whatever_the_number_of_clients(
    scored_workspace, owner, logged_in, clients, django_assert_num_queries
):
    for n in range(clients):
        client = ClientFactory(workspace=scored_workspace, name=f"Client {n}")
        history(client, owner, days=6, invoices=1)
    clients_rescore(workspace=scored_workspace)
    browser = logged_in(owner)
    with django_assert_num_queries(11):
        browser.get(url("home:client_health", scored_workspace, code=client.code))


def test_members_acknowledge_snooze_resolve_and_undo_an_alert(good_and_bad, member, logged_in):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    alert = Alert.objects.filter(client=bad).first()
    browser = logged_in(member)
    htmx = {"HX-Request": "true"}

    def act(action, **data):
        return browser.post(
            url("assessments:alert_action", bad.workspace, code=alert.code, action=action),
            data,
            headers=htmx,
        )

    assert act("acknowledge").status_code == 200
    alert.refresh_from_db()
    assert (alert.status, alert.handled_by) == (AlertStatus.ACKNOWLEDGED, member)
    later = bad.workspace.today() + dt.timedelta(days=5)
    assert "Snoozed until" in act("snooze", until=later.isoformat()).content.decode()
    alert.refresh_from_db()
    assert (alert.status, alert.snoozed_until) == (AlertStatus.SNOOZED, later)
    assert "Undo" in act("resolve").content.decode()
    assert act("reopen").status_code == 200
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


@pytest.mark.parametrize("until", ["", "not-a-date", "2000-01-01"])
def test_a_snooze_without_a_future_date_is_refused_and_changes_nothing(
    good_and_bad, member, logged_in, until
):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    alert = Alert.objects.filter(client=bad).first()
    response = logged_in(member).post(
        url("assessments:alert_action", bad.workspace, code=alert.code, action="snooze"),
        {"until": until},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "date" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_an_unknown_alert_action_is_not_found(good_and_bad, member, logged_in):
    clients_rescore(workspace=good_and_bad[1].workspace)
    alert = Alert.objects.first()
    response = logged_in(member).post(
        url("assessments:alert_action", alert.workspace, code=alert.code, action="delete")
    )
    assert response.status_code == 404
    assert Alert.objects.filter(pk=alert.pk).exists()


SETTINGS = {
    "weight_profitability": "1",
    "weight_energy": "3",
    "weight_respect": "1",
    "weight_trust": "1",
    "weight_scope": "1",
    "weight_payments": "1",
    "half_life_days": "30",
    "window_days": "120",
    "target_hourly_rate": "80",
}


def test_a_manager_saves_the_weights_and_every_client_is_rescored(
    good_and_bad, manager, logged_in, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(manager).post(
            url("assessments:scoring_settings", good.workspace), SETTINGS
        )
    assert response.status_code == 302
    settings = ScoringSettings.objects.get(workspace=good.workspace)
    assert (settings.weight_energy, settings.half_life_days, settings.window_days) == (3, 30, 120)
    good.workspace.refresh_from_db()
    assert good.workspace.target_hourly_rate == 80
    snapshot = HealthSnapshot.objects.get(client=good)
    assert snapshot.settings["weights"]["energy"] == 3
    assert snapshot.settings["target_rate"] == "80.00"


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {
                f"weight_{d}": "0"
                for d in ("profitability", "energy", "respect", "trust", "scope", "payments")
            },
            "at least one dimension",
        ),
        ({"half_life_days": "200", "window_days": "100"}, "cannot be longer than the window"),
        ({"half_life_days": "2"}, "greater than or equal to 7"),
        ({"target_hourly_rate": "-5"}, "greater than or equal to 0.01"),
    ],
)
def test_bad_settings_are_refused_with_a_message_and_nothing_changes(
    good_and_bad, manager, logged_in, change, message
):
    good, _bad = good_and_bad
    response = logged_in(manager).post(
        url("assessments:scoring_settings", good.workspace), SETTINGS | change
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ScoringSettings.objects.exists()


def test_the_preview_shows_how_scores_would_move_before_saving(good_and_bad, manager, logged_in):
    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    response = logged_in(manager).post(
        url("assessments:scoring_settings_preview", good.workspace),
        SETTINGS | {"target_hourly_rate": "500"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "With these settings" in page and "Good Co" in page
    assert not ScoringSettings.objects.exists()
    good.workspace.refresh_from_db()
    assert good.workspace.target_hourly_rate == 50


def test_a_manager_moves_a_line_and_mutes_it_for_one_client(
    good_and_bad, manager, logged_in, django_capture_on_commit_callbacks
):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    boundary = Boundary.objects.get(workspace=bad.workspace, kind="disrespect")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(manager).post(
            url("assessments:boundary_edit", bad.workspace, code=boundary.code),
            {
                "enabled": "on",
                "threshold": "2",
                "span": "14",
                "severity": "warning",
                "muted_clients": [bad.pk],
            },
        )
    assert response.status_code == 302
    boundary.refresh_from_db()
    assert (boundary.threshold, boundary.span, boundary.severity) == (2, 14, "warning")
    assert list(boundary.muted_clients.all()) == [bad]
    assert Alert.objects.get(client=bad, boundary=boundary).status == AlertStatus.RESOLVED


def test_a_line_outside_its_range_is_refused(good_and_bad, manager, logged_in):
    boundary = Boundary.objects.get(workspace=good_and_bad[0].workspace, kind="low_feeling")
    response = logged_in(manager).post(
        url("assessments:boundary_edit", boundary.workspace, code=boundary.code),
        {"enabled": "on", "threshold": "7", "span": "5", "severity": "warning"},
    )
    assert response.status_code == 422
    assert "from -2 to 2" in response.content.decode()
    boundary.refresh_from_db()
    assert boundary.threshold == -0.5


def test_a_member_turns_the_weekly_digest_on_and_off(workspace, viewer, logged_in):
    browser = logged_in(viewer)
    browser.post(url("assessments:digest_set", workspace), {"weekly_digest": "on"})
    assert viewer.memberships.get(workspace=workspace).weekly_digest
    browser.post(url("assessments:digest_set", workspace), {})
    assert not viewer.memberships.get(workspace=workspace).weekly_digest


def test_a_manager_mutes_a_line_for_one_client_from_its_alert_and_can_undo(
    good_and_bad, manager, logged_in
):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    alert = Alert.objects.get(client=bad, boundary__kind="disrespect")
    browser = logged_in(manager)

    def act(action):
        return browser.post(
            url("assessments:alert_action", bad.workspace, code=alert.code, action=action),
            headers={"HX-Request": "true"},
        )

    assert "will not alert for Bad Co" in act("mute").content.decode()
    assert list(alert.boundary.muted_clients.all()) == [bad]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    act("unmute")
    assert not alert.boundary.muted_clients.exists()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_a_member_cannot_mute_a_line(good_and_bad, member, logged_in):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    alert = Alert.objects.get(client=bad, boundary__kind="disrespect")
    response = logged_in(member).post(
        url("assessments:alert_action", bad.workspace, code=alert.code, action="mute")
    )
    assert response.status_code == 403
    assert not alert.boundary.muted_clients.exists()


def test_chart_coordinates_stay_numbers_in_languages_with_a_decimal_comma(
    good_and_bad, owner, logged_in
):
    import re

    good, _bad = good_and_bad
    history_start = good.workspace.today() - dt.timedelta(days=3)
    from assessments.services import history_rebuild

    history_rebuild(workspace=good.workspace, since=history_start)
    owner.language = "pt-br"
    owner.save()
    browser = logged_in(owner)
    pages = [
        browser.get(url("home:portfolio", good.workspace)).content.decode(),
        browser.get(url("home:client_health", good.workspace, code=good.code)).content.decode(),
    ]
    for page in pages:
        assert "<svg" in page
        assert not re.findall(r' (?:x1|x2|y1|y2|cx|cy|r)="[^"]*,', page)
        for points in re.findall(r'points="([^"]*)"', page):
            assert all(pair.count(",") == 1 for pair in points.split()), points


def test_the_snooze_field_on_today_starts_a_week_ahead(good_and_bad, owner, logged_in):
    workspace = good_and_bad[1].workspace
    clients_rescore(workspace=workspace)
    browser = logged_in(owner)
    assert "<details" in browser.get(url("home:today", workspace)).content.decode()
    alert = Alert.objects.filter(workspace=workspace).first()
    items = browser.get(
        url("assessments:alert_menu", workspace, code=alert.code), headers={"HX-Request": "true"}
    ).content.decode()  # the menu's items, fetched when it is first opened
    week = workspace.today() + dt.timedelta(days=7)
    assert 'name="until" id="snooze-' in items
    assert f'value="{week.isoformat()}"' in items


def test_acknowledged_alerts_add_no_query_per_alert_to_today(
    good_and_bad, owner, logged_in, django_assert_max_num_queries
):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    Alert.objects.filter(client=bad).update(status=AlertStatus.ACKNOWLEDGED, handled_by=owner)
    assert Alert.objects.filter(client=bad).count() >= 2
    browser = logged_in(owner)
    with django_assert_max_num_queries(17):
        page = browser.get(url("home:today", bad.workspace)).content.decode()
    assert "Acknowledged by" in page
