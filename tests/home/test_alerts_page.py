"""All alerts on a page of their own: what it lists and in which order, 25 a page, the filters,
the empty states, a viewer who reads without controls, and each alert's compact menu."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.forms import snooze_end
from assessments.models import Alert, AlertStatus, Boundary, BoundaryKind
from tests.factories import ClientFactory

HTMX = {"HX-Request": "true"}
ITEM = re.compile(r'<li class="list-group-item alert-item[^"]*" id="alert-([0-9a-f-]+)"')


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def alerts_url(workspace):
    return url("home:alerts", workspace)


def make_alert(client, *, kind="disrespect", severity="warning", days_ago=0, **fields) -> Alert:
    boundary = Boundary.objects.get(workspace=client.workspace, kind=kind)
    alert = Alert.objects.create(
        workspace=client.workspace, client=client, boundary=boundary, severity=severity, **fields
    )
    opened = timezone.now() - dt.timedelta(days=days_ago)
    Alert.objects.filter(pk=alert.pk).update(opened_at=opened)
    alert.opened_at = opened
    return alert


def make_alerts(workspace, count, *, owner=None, severity="warning") -> list[Alert]:
    """`count` alerts, one client each, the first one newest."""
    return [
        make_alert(
            ClientFactory(workspace=workspace, owner=owner),
            severity=severity,
            days_ago=n,
        )
        for n in range(count)
    ]


def listed(page: str) -> list[str]:
    return ITEM.findall(page)


def menu(browser, workspace, alert) -> str:
    """The items of an alert's menu, as the browser fetches them when the menu is first opened."""
    return browser.get(
        url("assessments:alert_menu", workspace, code=alert.code), headers=HTMX
    ).content.decode()


def codes(alerts) -> list[str]:
    return [str(alert.code) for alert in alerts]


def test_alerts_are_listed_most_severe_first_then_newest(workspace, owner, logged_in):
    client = ClientFactory(workspace=workspace, name="Storm Ltd")
    other = ClientFactory(workspace=workspace, name="Drizzle Co")
    info = make_alert(client, kind="no_contact", severity="info", days_ago=0)
    old_critical = make_alert(client, kind="disrespect", severity="critical", days_ago=9)
    warning = make_alert(client, kind="low_feeling", severity="warning", days_ago=1)
    new_critical = make_alert(other, kind="disrespect", severity="critical", days_ago=2)
    page = logged_in(owner).get(alerts_url(workspace)).content.decode()
    assert listed(page) == codes([new_critical, old_critical, warning, info])


def test_an_alert_that_grows_severe_moves_up_as_the_check_of_the_lines_changes_it(
    workspace, owner, logged_in
):
    """The order is kept by the database (a rank computed from the severity): it follows a
    severity changed in bulk, as the check of the lines changes it."""
    first, second = make_alerts(workspace, 2)
    second.severity = "critical"
    Alert.objects.bulk_update([second], ["severity"])
    page = logged_in(owner).get(alerts_url(workspace)).content.decode()
    assert listed(page) == codes([second, first])
    Alert.objects.filter(pk=second.pk).update(severity="info")
    page = logged_in(owner).get(alerts_url(workspace)).content.decode()
    assert listed(page) == codes([first, second])


def test_the_page_lists_what_asks_for_attention_as_the_other_pages_do(workspace, owner, logged_in):
    """Open and acknowledged alerts, and snoozed ones whose day came; not those snoozed to a
    later day, resolved ones, or those of a client in the trash."""
    today = workspace.today()
    kinds = iter(BoundaryKind.values)
    client = ClientFactory(workspace=workspace)

    def alert(**fields):
        return make_alert(client, kind=next(kinds), **fields)

    shown = [
        alert(),
        alert(status=AlertStatus.ACKNOWLEDGED, handled_by=owner, days_ago=1),
        alert(status=AlertStatus.SNOOZED, snoozed_until=today, days_ago=2),
    ]
    alert(status=AlertStatus.SNOOZED, snoozed_until=today + dt.timedelta(days=1))
    alert(status=AlertStatus.RESOLVED)
    make_alert(ClientFactory(workspace=workspace, deleted_at=timezone.now()))
    page = logged_in(owner).get(alerts_url(workspace)).content.decode()
    assert listed(page) == codes(shown)
    assert "3 alerts" in page
    assert "Acknowledged by" in page


def test_another_workspaces_alerts_are_never_listed(workspace, owner, other_workspace, logged_in):
    mine = make_alert(ClientFactory(workspace=workspace))
    make_alert(ClientFactory(workspace=other_workspace, name="Secret Client"))
    page = logged_in(owner).get(alerts_url(workspace)).content.decode()
    assert listed(page) == codes([mine])
    assert "Secret Client" not in page


def test_alerts_come_25_a_page_with_real_links_htmx_follows(workspace, owner, logged_in):
    alerts = make_alerts(workspace, 30)
    browser = logged_in(owner)
    first = browser.get(alerts_url(workspace)).content.decode()
    assert listed(first) == codes(alerts[:25])
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    assert 'hx-get="?page=2"' in first and 'hx-push-url="true"' in first
    second = browser.get(alerts_url(workspace), {"page": 2}, headers=HTMX).content.decode()
    assert listed(second) == codes(alerts[25:])
    assert second.lstrip().startswith('<div id="alert-results">')  # the list alone
    assert "<html" not in second
    assert 'href="?page=1"' in second
    # A page past the end is the last page, not an error.
    assert listed(browser.get(alerts_url(workspace), {"page": 99}).content.decode()) == codes(
        alerts[25:]
    )


def test_the_back_button_gets_the_whole_page(workspace, owner, logged_in):
    make_alerts(workspace, 2)
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    page = logged_in(owner).get(alerts_url(workspace), {"page": 1}, headers=restore)
    assert "<html" in page.content.decode()


def test_filtering_by_severity(workspace, owner, logged_in):
    client = ClientFactory(workspace=workspace)
    critical = make_alert(client, kind="disrespect", severity="critical")
    make_alert(client, kind="low_feeling", severity="warning")
    page = logged_in(owner).get(alerts_url(workspace), {"severity": "critical"}).content.decode()
    assert listed(page) == codes([critical])
    assert '<option value="critical" selected>' in page


def test_filtering_by_client_name_or_company(workspace, owner, logged_in):
    storm = make_alert(ClientFactory(workspace=workspace, name="Storm Ltd", company="Thunder"))
    make_alert(ClientFactory(workspace=workspace, name="Sunny Co", company="Bright"))
    browser = logged_in(owner)
    assert listed(browser.get(alerts_url(workspace), {"q": "storm"}).content.decode()) == codes(
        [storm]
    )
    assert listed(browser.get(alerts_url(workspace), {"q": "thund"}).content.decode()) == codes(
        [storm]
    )


def test_filtering_by_owner_and_by_no_owner(workspace, owner, member, logged_in):
    mine = make_alert(ClientFactory(workspace=workspace, owner=owner))
    theirs = make_alert(ClientFactory(workspace=workspace, owner=member))
    nobodys = make_alert(ClientFactory(workspace=workspace, owner=None))
    browser = logged_in(owner)

    def shown(value):
        return listed(browser.get(alerts_url(workspace), {"owner": value}).content.decode())

    assert shown(member.pk) == codes([theirs])
    assert shown(owner.pk) == codes([mine])
    assert shown("none") == codes([nobodys])
    assert set(shown("")) == set(codes([mine, theirs, nobodys]))


def test_the_filters_carry_into_the_links_between_pages(workspace, owner, logged_in):
    make_alerts(workspace, 30, severity="critical")
    make_alerts(workspace, 2, severity="info")
    page = logged_in(owner).get(alerts_url(workspace), {"severity": "critical"}).content.decode()
    assert "30 alerts" in page
    assert 'href="?severity=critical&amp;page=2"' in page


def test_a_filter_that_does_not_parse_filters_nothing(workspace, owner, logged_in):
    alerts = make_alerts(workspace, 2)
    response = logged_in(owner).get(
        alerts_url(workspace), {"severity": "apocalyptic", "owner": "nobody", "page": "x"}
    )
    assert response.status_code == 200
    assert listed(response.content.decode()) == codes(alerts)


def test_a_member_of_another_workspace_is_no_owner_to_filter_by(
    workspace, owner, outsider, logged_in
):
    alerts = make_alerts(workspace, 2, owner=owner)
    page = logged_in(owner).get(alerts_url(workspace), {"owner": outsider.pk}).content.decode()
    assert listed(page) == codes(alerts)  # not a choice: no filter
    assert f'value="{outsider.pk}"' not in page


def test_no_alert_says_so_and_offers_one_thing_to_do(workspace, manager, member, logged_in):
    ClientFactory(workspace=workspace)  # a workspace under way (a new one is shown its steps)
    browser = logged_in(manager)
    page = browser.get(alerts_url(workspace)).content.decode()
    assert "No client has crossed one of your lines" in page
    assert f'href="{url("assessments:boundaries", workspace)}">Review your lines' in page
    page = logged_in(member).get(alerts_url(workspace)).content.decode()
    assert "No client has crossed one of your lines" in page
    assert f'href="{url("home:today", workspace)}">Back to Today' in page


def test_filters_that_match_nothing_say_so_and_clear_in_one_click(workspace, owner, logged_in):
    make_alerts(workspace, 2, severity="warning")
    page = logged_in(owner).get(alerts_url(workspace), {"severity": "info"}).content.decode()
    assert "No alert matches these filters." in page
    assert f'<a href="{alerts_url(workspace)}">Clear the filters</a>' in page


def test_a_viewer_reads_every_alert_but_sees_no_control(workspace, viewer, logged_in):
    alerts = make_alerts(workspace, 3)
    browser = logged_in(viewer)
    page = browser.get(alerts_url(workspace)).content.decode()
    assert listed(page) == codes(alerts)
    assert 'method="post"' not in page.split('<main id="main"')[1]
    for control in ('type="checkbox"', "alerts-bulk", "<details", "Acknowledge", "Resolve"):
        assert control not in page.split('<main id="main"')[1], control
    before = list(Alert.objects.values_list("code", "status"))
    assert browser.post(alerts_url(workspace), {"alerts": codes(alerts)}).status_code == 403
    action = url("assessments:alert_action", workspace, code=alerts[0].code, action="acknowledge")
    assert browser.post(action).status_code == 403
    assert list(Alert.objects.values_list("code", "status")) == before


def test_only_alerts_still_to_acknowledge_can_be_ticked(workspace, owner, member, logged_in):
    waiting, done = make_alerts(workspace, 2)
    Alert.objects.filter(pk=done.pk).update(status=AlertStatus.ACKNOWLEDGED, handled_by=owner)
    browser = logged_in(member)
    page = browser.get(alerts_url(workspace)).content.decode()
    assert f'value="{waiting.code}" id="select-{waiting.code}" form="alerts-bulk"' in page
    assert f'id="select-{done.code}"' not in page
    assert 'id="alerts-bulk"' in page
    Alert.objects.update(status=AlertStatus.ACKNOWLEDGED, handled_by=owner)
    page = browser.get(alerts_url(workspace)).content.decode()
    assert 'id="alerts-bulk"' not in page  # nothing on the page to acknowledge
    assert len(listed(page)) == 2


def test_an_outsider_finds_no_alerts_page(workspace, outsider, logged_in):
    make_alerts(workspace, 1)
    assert logged_in(outsider).get(alerts_url(workspace)).status_code == 404


def test_the_page_costs_the_same_queries_for_3_or_30_alerts(
    workspace, owner, member, logged_in, django_assert_max_num_queries
):
    browser = logged_in(owner)
    browser.get(alerts_url(workspace))  # the first visit remembers the workspace: one write
    make_alerts(workspace, 3, owner=member)
    Alert.objects.update(status=AlertStatus.ACKNOWLEDGED, handled_by=member)
    with CaptureQueriesContext(connection) as few:
        browser.get(alerts_url(workspace))
    make_alerts(workspace, 27, owner=owner, severity="critical")
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as many:
        page = browser.get(alerts_url(workspace)).content.decode()
    assert len(listed(page)) == 25
    assert len(many) == len(few)


# The compact menu


def test_each_alert_has_one_action_and_a_menu_for_the_rest(workspace, manager, logged_in):
    alert = make_alert(ClientFactory(workspace=workspace, name="Storm Ltd"))
    browser = logged_in(manager)
    page = browser.get(alerts_url(workspace)).content.decode()
    item = page[page.index(f'id="alert-{alert.code}"') :]
    item = item[: item.index("</li>")]
    acknowledge = url("assessments:alert_action", workspace, code=alert.code, action="acknowledge")
    assert item.index(f'action="{acknowledge}"') < item.index("<details")
    # The menu's items come when it is first opened, into the menu, within the alert's form.
    details = item[item.index("<details") :].split(">")[0]
    menu_url = url("assessments:alert_menu", workspace, code=alert.code)
    assert f'hx-get="{menu_url}" hx-trigger="toggle once"' in details
    assert 'hx-target="find .alert-menu-items" hx-swap="innerHTML"' in details
    items = menu(browser, workspace, alert)
    for action in ("snooze", "mute", "resolve"):
        assert url("assessments:alert_action", workspace, code=alert.code, action=action) in items
    for period in ("day", "week", "month"):
        assert f'name="period" value="{period}"' in items
    assert 'type="date" name="until"' in items  # a day of one's own
    assert "<html" not in items and "<form" not in items
    assert "Review this relationship" not in item  # the client page has the one entry point
    assert (
        reverse("portfolio:client_detail", kwargs={"ws": workspace.slug, "code": alert.client.code})
        in item
    )


def test_an_alert_carries_its_token_and_return_address_in_two_forms_not_five(
    workspace, manager, logged_in
):
    """The menu's buttons share the alert's one form (each names its action): at 25 alerts a
    page, five forms each had made the page 150 KB. The date of one's own is the second form,
    so that Enter in it snoozes."""
    alert = make_alert(ClientFactory(workspace=workspace, name="Storm Ltd"))
    browser = logged_in(manager)
    page = browser.get(alerts_url(workspace)).content.decode()
    item = page[page.index(f'id="alert-{alert.code}"') :]
    item = item[: item.index("</li>")]
    assert item.count("<form") == 2
    assert item.count('name="csrfmiddlewaretoken"') == item.count('name="next"') == 2
    snooze = url("assessments:alert_action", workspace, code=alert.code, action="snooze")
    until = re.search(r'<form id="(snooze-until-[^"]+)" method="post" action="([^"]+)"', item)
    assert until.group(2) == snooze
    items = menu(browser, workspace, alert)  # drawn inside the first form, once opened
    assert f'name="until" id="snooze-{alert.code}" form="{until.group(1)}"' in items
    assert items.count(f'formaction="{snooze}"') == 3  # the three periods
    for action in ("mute", "resolve"):
        action_url = url("assessments:alert_action", workspace, code=alert.code, action=action)
        assert f'formaction="{action_url}"' in items


def test_a_member_has_no_mute_in_the_menu(workspace, member, logged_in):
    alert = make_alert(ClientFactory(workspace=workspace))
    browser = logged_in(member)
    assert "<details" in browser.get(alerts_url(workspace)).content.decode()
    items = menu(browser, workspace, alert)
    assert "Resolve" in items and "Mute for this client" not in items


@pytest.mark.parametrize("period, days", [("day", 1), ("week", 7)])
def test_snoozing_from_the_menu_for_a_day_or_a_week_sets_the_date(
    workspace, member, logged_in, period, days
):
    alert = make_alert(ClientFactory(workspace=workspace))
    response = logged_in(member).post(
        url("assessments:alert_action", workspace, code=alert.code, action="snooze"),
        {"period": period},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Snoozed until" in response.content.decode()
    alert.refresh_from_db()
    until = workspace.today() + dt.timedelta(days=days)
    assert (alert.status, alert.snoozed_until, alert.handled_by) == (
        AlertStatus.SNOOZED,
        until,
        member,
    )


def test_snoozing_for_a_month_lands_on_the_same_day_next_month(workspace, member, logged_in):
    alert = make_alert(ClientFactory(workspace=workspace))
    logged_in(member).post(
        url("assessments:alert_action", workspace, code=alert.code, action="snooze"),
        {"period": "month"},
    )
    alert.refresh_from_db()
    assert alert.snoozed_until == snooze_end(workspace.today(), "month")
    assert alert.snoozed_until > workspace.today() + dt.timedelta(days=27)


@pytest.mark.parametrize(
    "today, ends",
    [
        (dt.date(2026, 3, 14), dt.date(2026, 4, 14)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 20), dt.date(2027, 1, 20)),
    ],
)
def test_a_month_of_snooze_is_a_calendar_month(today, ends):
    assert snooze_end(today, "month") == ends


def test_a_snooze_for_an_unknown_period_is_refused(workspace, member, logged_in):
    alert = make_alert(ClientFactory(workspace=workspace))
    response = logged_in(member).post(
        url("assessments:alert_action", workspace, code=alert.code, action="snooze"),
        {"period": "forever"},
        headers=HTMX,
    )
    assert response.status_code == 422
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_handling_an_alert_without_javascript_returns_to_the_same_filtered_page(
    workspace, member, logged_in
):
    alert = make_alert(ClientFactory(workspace=workspace), severity="critical")
    back = f"{alerts_url(workspace)}?severity=critical&page=1"
    response = logged_in(member).post(
        url("assessments:alert_action", workspace, code=alert.code, action="resolve"),
        {"next": back},
    )
    assert (response.status_code, response.url) == (302, back)


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/w/aurora/", "/w/x/"])
def test_a_return_address_off_the_workspace_is_not_followed(workspace, member, logged_in, back):
    alert = make_alert(ClientFactory(workspace=workspace))
    response = logged_in(member).post(
        url("assessments:alert_action", workspace, code=alert.code, action="resolve"),
        {"next": back},
    )
    assert response.url == url("home:today", workspace)


def test_undoing_on_the_page_brings_the_alert_back_selectable(workspace, member, logged_in):
    alert = make_alert(ClientFactory(workspace=workspace))
    browser = logged_in(member)
    carried = {"next": alerts_url(workspace), "selectable": "1"}

    def act(action):
        return browser.post(
            url("assessments:alert_action", workspace, code=alert.code, action=action),
            carried,
            headers=HTMX,
        ).content.decode()

    done = act("acknowledge")
    assert "Acknowledged." in done and 'name="selectable" value="1"' in done
    again = act("reopen")
    assert f'value="{alert.code}" id="select-{alert.code}" form="alerts-bulk"' in again
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_the_client_panel_shows_the_compact_menu_without_checkboxes(workspace, manager, logged_in):
    client = ClientFactory(workspace=workspace, name="Storm Ltd")
    alert = make_alert(client)
    page = (
        logged_in(manager)
        .get(url("home:client_health", workspace, code=client.code), headers=HTMX)
        .content.decode()
    )
    assert f'id="alert-{alert.code}"' in page
    assert "<details" in page
    assert "Mute for this client" in menu(logged_in(manager), workspace, alert)
    assert 'form="alerts-bulk"' not in page
    assert 'name="selectable"' not in page


def test_todays_alerts_show_the_compact_menu_without_checkboxes(workspace, owner, logged_in):
    alert = make_alert(ClientFactory(workspace=workspace, name="Storm Ltd"), severity="critical")
    page = logged_in(owner).get(url("home:today", workspace)).content.decode()
    item = page[page.index(f'id="alert-{alert.code}"') :]
    item = item[: item.index("</li>")]
    assert "<details" in item and "Acknowledge" in item
    assert 'form="alerts-bulk"' not in item
    assert "Review this relationship" not in item
    assert alerts_url(workspace) in page  # Today leads to all of them


def test_the_menu_carries_its_actions_only_once_opened(workspace, manager, logged_in):
    """Three snooze buttons, a date, mute and resolve for each of 25 alerts were half the page;
    they come when a menu is first opened."""
    make_alerts(workspace, 3)
    page = logged_in(manager).get(alerts_url(workspace)).content.decode()
    assert page.count("<details") == 3
    assert "Mute for this client" not in page and 'name="period"' not in page


def test_without_javascript_the_menu_opens_the_alerts_page_with_its_actions(
    workspace, manager, logged_in
):
    alert = make_alert(ClientFactory(workspace=workspace, name="Storm Ltd"))
    browser = logged_in(manager)
    listing = alerts_url(workspace)
    page = browser.get(listing).content.decode()
    menu_url = url("assessments:alert_menu", workspace, code=alert.code)
    link = re.search(
        rf'<a class="small" href="({re.escape(menu_url)}[^"]*)">More actions</a>', page
    )
    assert link, "the menu's link for browsers without JavaScript"
    opened = browser.get(link.group(1).replace("&amp;", "&"))
    html = opened.content.decode()
    assert opened.status_code == 200 and "<html" in html
    assert "<details" in html and " open>" in html.split("<details")[1].split("\n")[0] + ">"
    assert "Mute for this client" in html and 'name="period" value="week"' in html
    # Handled there, the alert leads back to the page it was opened from.
    assert f'name="next" value="{listing}"' in html
    response = browser.post(
        url("assessments:alert_action", workspace, code=alert.code, action="resolve"),
        {"next": listing},
    )
    assert response.status_code == 302 and response["Location"] == listing


def test_the_alerts_page_of_the_menu_goes_back_only_to_the_workspaces_own_pages(
    workspace, manager, logged_in
):
    alert = make_alert(ClientFactory(workspace=workspace))
    menu_url = url("assessments:alert_menu", workspace, code=alert.code)
    for away in ("https://elsewhere.example/w/aurora/", "/w/other/alerts/", "//elsewhere.example/"):
        html = logged_in(manager).get(menu_url, {"next": away}).content.decode()
        item = html[html.index(f'id="alert-{alert.code}"') :]
        assert 'name="next"' not in item[: item.index("</li>")]


def test_a_viewer_gets_no_menu_of_actions(workspace, viewer, logged_in):
    alert = make_alert(ClientFactory(workspace=workspace))
    menu_url = url("assessments:alert_menu", workspace, code=alert.code)
    assert logged_in(viewer).get(menu_url, headers=HTMX).status_code == 403
