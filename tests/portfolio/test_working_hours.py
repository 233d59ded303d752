"""The "out of hours" flags the working hours set follow a change of the working hours; a flag
a person set or cleared never does."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.services import workspace_settings_update
from portfolio import services
from portfolio.models import Interaction
from portfolio.signals import clients_changed
from tests.factories import ClientFactory
from tests.portfolio.conftest import LISBON

pytestmark = pytest.mark.django_db

EVENING = dt.datetime(2026, 11, 24, 19, 30, tzinfo=LISBON)  # a Tuesday, after 18:00
MORNING = dt.datetime(2026, 11, 24, 10, 0, tzinfo=LISBON)


def _log(client, author, when, **kwargs):
    return services.interaction_log(
        client=client, author=author, kind="call", occurred_at=when, **kwargs
    )


def test_a_longer_working_day_clears_the_flags_the_rule_set_and_only_those(
    lisbon, owner, django_capture_on_commit_callbacks
):
    client = ClientFactory(workspace=lisbon)
    automatic = _log(client, owner, EVENING)
    chosen = _log(client, owner, EVENING, flags=["out_of_hours"])  # ticked by the person
    kept_clear = _log(client, owner, EVENING)
    services.interaction_update(interaction=kept_clear, version=kept_clear.version, flags=[])
    morning_ticked = _log(client, owner, MORNING, flags=["out_of_hours"])

    with django_capture_on_commit_callbacks(execute=True):
        workspace_settings_update(workspace=lisbon, work_ends_at=dt.time(20, 0))

    flags = dict(Interaction.objects.values_list("pk", "flag_out_of_hours"))
    assert flags[automatic.pk] is False  # 19:30 is within the new working day
    assert flags[chosen.pk] is True
    assert flags[kept_clear.pk] is False
    assert flags[morning_ticked.pk] is True


def test_a_shorter_working_day_flags_contact_the_rule_had_left_unflagged(
    lisbon, owner, django_capture_on_commit_callbacks
):
    client = ClientFactory(workspace=lisbon)
    late_afternoon = _log(client, owner, dt.datetime(2026, 11, 24, 16, 30, tzinfo=LISBON))
    dated = services.interaction_log(
        client=client, author=owner, kind="call", occurred_on=dt.date(2026, 11, 24)
    )
    own_work = services.interaction_log(
        client=client, author=owner, kind="work_session", occurred_at=EVENING
    )
    assert not late_afternoon.flag_out_of_hours

    with django_capture_on_commit_callbacks(execute=True):
        workspace_settings_update(workspace=lisbon, work_ends_at=dt.time(16, 0))

    flags = dict(Interaction.objects.values_list("pk", "flag_out_of_hours"))
    assert flags[late_afternoon.pk] is True
    assert flags[dated.pk] is False  # a date alone is never out of hours
    assert flags[own_work.pk] is False


def test_the_clients_whose_flags_changed_are_announced_from_the_earliest_day(
    lisbon, owner, django_capture_on_commit_callbacks
):
    one, other, untouched = (ClientFactory(workspace=lisbon) for _ in range(3))
    _log(one, owner, EVENING)
    _log(other, owner, EVENING - dt.timedelta(days=7))
    _log(untouched, owner, MORNING)
    heard = []
    clients_changed.connect(lambda sender, **kw: heard.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            workspace_settings_update(workspace=lisbon, work_ends_at=dt.time(20, 0))
    finally:
        clients_changed.disconnect(dispatch_uid="t")
    assert len(heard) == 1
    assert heard[0]["client_ids"] == {one.pk, other.pk}
    assert heard[0]["since"] == (EVENING - dt.timedelta(days=7)).date()


def test_a_change_that_does_not_touch_the_working_hours_leaves_every_flag(
    lisbon, owner, django_capture_on_commit_callbacks
):
    client = ClientFactory(workspace=lisbon)
    entry = _log(client, owner, EVENING)
    Interaction.objects.filter(pk=entry.pk).update(flag_out_of_hours=False)  # as if stale
    with django_capture_on_commit_callbacks(execute=True):
        workspace_settings_update(workspace=lisbon, name="Renamed")
    entry.refresh_from_db()
    assert entry.flag_out_of_hours is False


def test_moving_an_automatic_entry_recomputes_its_flag_but_not_a_chosen_one(lisbon, owner):
    client = ClientFactory(workspace=lisbon)
    automatic = _log(client, owner, EVENING)
    chosen = _log(client, owner, EVENING, flags=["out_of_hours"])
    for entry in (automatic, chosen):
        services.interaction_update(interaction=entry, version=entry.version, occurred_at=MORNING)
    automatic.refresh_from_db()
    chosen.refresh_from_db()
    assert automatic.flag_out_of_hours is False
    assert chosen.flag_out_of_hours is True


def test_the_settings_page_saves_through_the_service(
    lisbon, manager, logged_in, django_capture_on_commit_callbacks
):
    client = ClientFactory(workspace=lisbon)
    entry = _log(client, manager, EVENING)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(manager).post(
            f"/w/{lisbon.slug}/settings/",
            {
                "name": lisbon.name,
                "currency": lisbon.currency,
                "target_hourly_rate": "",
                "time_zone": "Europe/Lisbon",
                "working_days": ["1", "2", "3", "4", "5"],
                "work_starts_at": "09:00",
                "work_ends_at": "20:00",
                "language": lisbon.language,
            },
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.flag_out_of_hours is False


def _import(workspace, user, interactions: str):
    from portfolio.interchange import import_apply, import_plan

    checked = import_plan(
        workspace=workspace, user=user, files={"interactions": interactions.encode()}
    )
    assert checked.errors == []
    return import_apply(plan=checked)


def test_an_imported_flag_that_agrees_with_the_working_hours_stays_the_rules(lisbon, owner):
    ClientFactory(workspace=lisbon, name="Atlas")
    _import(
        lisbon,
        owner,
        "client,occurred_at,kind,flags,external_id\n"
        "Atlas,2026-11-24T19:30,call,out_of_hours,evening\n"  # agrees with the hours
        "Atlas,2026-11-24T10:00,call,out_of_hours,ticked\n"  # a person's choice
        "Atlas,2026-11-24T11:00,call,,plain\n",
    )
    by_rule = dict(Interaction.objects.values_list("external_id", "out_of_hours_by_rule"))
    assert by_rule == {"evening": True, "ticked": False, "plain": True}


def test_a_reimport_that_moves_an_entry_moves_its_rule_flag(lisbon, owner):
    ClientFactory(workspace=lisbon, name="Atlas")
    header = "client,occurred_at,kind,external_id\n"
    _import(lisbon, owner, header + "Atlas,2026-11-24T19:30,call,moved\n")
    assert Interaction.objects.get(external_id="moved").flag_out_of_hours is True
    _import(lisbon, owner, header + "Atlas,2026-11-24T10:30,call,moved\n")
    assert Interaction.objects.get(external_id="moved").flag_out_of_hours is False


def test_a_recomputed_flag_is_a_new_version_so_an_older_edit_form_cannot_undo_it(
    lisbon, owner, django_capture_on_commit_callbacks
):
    client = ClientFactory(workspace=lisbon)
    entry = _log(client, owner, EVENING)
    with django_capture_on_commit_callbacks(execute=True):
        workspace_settings_update(workspace=lisbon, work_ends_at=dt.time(20, 0))
    stale = entry.version
    entry.refresh_from_db()
    assert entry.version == stale + 1
    with pytest.raises(services.ConflictError):
        services.interaction_update(
            interaction=entry, version=stale, flags=["out_of_hours"], minutes=10
        )
