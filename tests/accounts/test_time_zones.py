"""The time zone field: common zones first, then every current zone by region; no old names
offered, but one a workspace already saved is kept."""

from __future__ import annotations

import html
import json
import re
import zoneinfo

import pytest
from django.urls import reverse

from accounts.forms import WorkspaceCreateForm, WorkspaceSettingsForm
from accounts.timezones import COMMON, links_of, old_names, zones_of_table

pytestmark = pytest.mark.django_db

OLD_NAMES = ("US/Eastern", "Brazil/East", "GMT+0", "Etc/GMT+3", "Etc/UTC", "Asia/Calcutta", "Zulu")


def groups(form) -> list[tuple[str, list[str]]]:
    """The option groups; an option outside any group is a group of its own, named by it."""
    return [
        (str(name), [value for value, _ in options] if isinstance(options, list) else [name])
        for name, options in form.fields["time_zone"].choices
    ]


def offered(form) -> list[str]:
    return [value for _, values in groups(form) for value in values]


def time_zone_select(page: str) -> str:
    return re.search(r'<select name="time_zone".*?</select>', page, re.DOTALL).group(0)


def settings_url(workspace) -> str:
    return reverse("workspace:settings", kwargs={"ws": workspace.slug})


def test_the_common_zones_come_first_then_every_current_zone_by_region():
    names = groups(WorkspaceSettingsForm())

    assert names[0] == ("Common", list(COMMON))
    assert names[0][1][:2] == ["America/Sao_Paulo", "America/Mexico_City"]
    assert "UTC" in names[0][1]
    assert [name for name, _ in names[1:]] == [
        "Africa", "Americas", "Antarctica", "Arctic", "Asia", "Atlantic Ocean", "Australia",
        "Europe", "Indian Ocean", "Pacific Ocean",
    ]  # fmt: skip
    regions = dict(names[1:])
    assert "America/Argentina/Buenos_Aires" in regions["Americas"]
    assert {"Europe/Amsterdam", "Europe/Lisbon"} <= set(regions["Europe"])
    assert "Africa/Luanda" in regions["Africa"]  # Angola keeps its own zone
    assert regions["Europe"] == sorted(regions["Europe"])
    assert groups(WorkspaceCreateForm()) == names


def test_no_old_name_is_offered_and_every_zone_offered_loads():
    zones = offered(WorkspaceSettingsForm())

    assert not set(OLD_NAMES) & set(zones)
    assert not set(old_names()) & set(zones)
    assert [zone for zone in zones if zone.startswith("Etc/") or "/" not in zone] == ["UTC"]
    assert set(zones) <= zoneinfo.available_timezones()
    assert len(set(zones)) > 400


def test_the_region_is_left_out_of_the_labels_its_group_already_says():
    choices = dict(WorkspaceSettingsForm().fields["time_zone"].choices)
    common = dict(choices["Common"])
    americas = dict(next(opts for name, opts in choices.items() if str(name) == "Americas"))
    assert common["America/Sao_Paulo"] == "America/Sao Paulo"
    assert americas["America/Sao_Paulo"] == "Sao Paulo"
    assert americas["America/Argentina/Buenos_Aires"] == "Argentina/Buenos Aires"


def test_a_saved_old_name_is_kept_selected_with_a_note_and_saves_again(
    logged_in, manager, workspace
):
    workspace.time_zone = "US/Eastern"
    workspace.save()
    http = logged_in(manager)

    page = http.get(settings_url(workspace)).content.decode()
    assert '<option value="US/Eastern" selected>US/Eastern</option>' in page
    assert time_zone_select(page).count(" selected>") == 1
    assert (
        html.escape(
            "“US/Eastern” is an old name of the time zone America/New_York. It still works; "
            "choose America/New_York to use its current name."
        )
        in page
    )

    settings = {
        field: value
        for field, value in WorkspaceSettingsForm(instance=workspace).initial.items()
        if value is not None
    }
    settings["work_starts_at"] = settings["work_starts_at"].strftime("%H:%M")
    settings["work_ends_at"] = settings["work_ends_at"].strftime("%H:%M")
    response = http.post(settings_url(workspace), settings | {"currency": "BRL"})
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert (workspace.time_zone, workspace.currency) == ("US/Eastern", "BRL")

    http.post(settings_url(workspace), settings | {"time_zone": "America/New_York"})
    workspace.refresh_from_db()
    assert workspace.time_zone == "America/New_York"
    assert "US/Eastern" not in time_zone_select(http.get(settings_url(workspace)).content.decode())


def test_a_saved_zone_without_a_current_name_is_kept_with_a_note():
    from accounts.models import Workspace

    form = WorkspaceSettingsForm(instance=Workspace(name="X", slug="x", time_zone="Etc/GMT+3"))
    assert offered(form)[0] == "Etc/GMT+3"
    assert form.fields["time_zone"].help_text == (
        "“Etc/GMT+3” is not one of the current time zone names. It still works until you "
        "choose another."
    )
    assert offered(WorkspaceSettingsForm())[0] == "America/Sao_Paulo"  # only for that workspace


def test_an_old_name_is_refused_where_it_is_not_already_saved(logged_in, manager, workspace):
    form = WorkspaceCreateForm(
        {"name": "X", "slug": "", "currency": "EUR", "time_zone": "US/Eastern", "language": "en"}
    )
    assert "time_zone" in form.errors
    settings = WorkspaceSettingsForm(instance=workspace).initial | {"time_zone": "Brazil/East"}
    assert "time_zone" in WorkspaceSettingsForm(settings, instance=workspace).errors


def test_a_zone_listed_twice_is_selected_once(logged_in, manager, workspace):
    workspace.time_zone = "Europe/Lisbon"
    workspace.save()
    page = logged_in(manager).get(settings_url(workspace)).content.decode()
    select = time_zone_select(page)
    assert select.count('<option value="Europe/Lisbon"') == 2  # common, then in Europe
    assert select.count(" selected>") == 1
    assert select.index('<option value="Europe/Lisbon" selected>') < select.index("Africa")


def test_the_browser_suggestion_is_ready_and_knows_the_old_names_browsers_give(
    logged_in, manager, workspace
):
    page = logged_in(manager).get(settings_url(workspace)).content.decode()
    hint = re.search(r'<p [^>]*data-time-zone-suggestion="id_time_zone"[^>]*>', page).group(0)
    assert " hidden" in hint  # shown by static/js/app.js, only when the browser's zone differs
    names = json.loads(html.unescape(re.search(r'data-old-names="([^"]*)"', hint).group(1)))
    assert names["Asia/Calcutta"] == "Asia/Kolkata"
    assert names["Etc/UTC"] == "UTC"
    assert 'data-sentence="Your browser says {zone}."' in page
    assert ">Use it</button>" in page


def test_the_tables_of_the_tz_database_are_read_as_they_are_written():
    table = (
        "# comment\n"
        "BR\t-2332-04637\tAmerica/Sao_Paulo\tBrazil (southeast)\n"
        "AO\t-0848+01314\tAfrica/Luanda\n"
        "XX\t+0000+00000\tMars/Olympus\n"
    )
    available = {"America/Sao_Paulo", "Africa/Luanda", "Brazil/East", "UTC", "Etc/UTC"}
    current = zones_of_table(available, table)
    assert current == {"America/Sao_Paulo", "Africa/Luanda", "UTC"}
    # Without the table: the Region/City names only.
    assert zones_of_table(available, None) == {"America/Sao_Paulo", "Africa/Luanda", "UTC"}

    zi = "Z Etc/UTC 0 - UTC\nL Etc/UTC UTC\nL Etc/UTC Zulu\nL America/Sao_Paulo Brazil/East\n"
    zi += "L Brazil/East Old/Link\nL Africa/Lagos Africa/Luanda\n"
    assert links_of(zi, current) == {
        "Zulu": "UTC",
        "Etc/UTC": "UTC",
        "Brazil/East": "America/Sao_Paulo",
        "Old/Link": "America/Sao_Paulo",
    }  # Africa/Luanda is a current zone, whatever a database without backzone links it to
