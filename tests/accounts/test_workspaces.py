from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


SETTINGS = {
    "name": "Aurora Studio",
    "currency": "BRL",
    "target_hourly_rate": "120.00",
    "time_zone": "America/Sao_Paulo",
    "working_days": ["1", "2", "3", "4", "5", "6"],
    "work_starts_at": "08:30",
    "work_ends_at": "17:00",
    "language": "pt-br",
}


def test_creating_a_workspace_makes_the_creator_its_owner_with_a_slug_from_the_name(
    logged_in, owner
):
    response = logged_in(owner).post(
        reverse("workspace_create"),
        {
            "name": "Studio Ébano",
            "slug": "",
            "currency": "EUR",
            "time_zone": "UTC",
            "language": "en",
        },
    )
    workspace = Workspace.objects.get(name="Studio Ébano")
    assert workspace.slug == "studio-ebano"
    assert Membership.objects.get(workspace=workspace).role == Role.OWNER
    assert response.url == url("home:today", workspace)


def test_a_taken_or_reserved_address_is_refused(logged_in, owner, workspace):
    client = logged_in(owner)
    for slug in (workspace.slug, "new", "Bad Slug"):
        response = client.post(
            reverse("workspace_create"),
            {"name": "X", "slug": slug, "currency": "EUR", "time_zone": "UTC", "language": "en"},
        )
        assert response.status_code == 422
    assert Workspace.objects.count() == 1


def test_a_manager_saves_the_settings(logged_in, manager, workspace):
    response = logged_in(manager).post(url("workspace:settings", workspace), SETTINGS)
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.currency == "BRL"
    assert workspace.working_days == [1, 2, 3, 4, 5, 6]
    assert workspace.work_starts_at == dt.time(8, 30)
    assert str(workspace.target_hourly_rate) == "120.00"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"work_starts_at": "18:00", "work_ends_at": "09:00"}, "must end after it starts"),
        ({"working_days": []}, "at least one working day"),
        ({"target_hourly_rate": "-5"}, "greater than or equal to 0.01"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
    ],
)
def test_invalid_settings_are_refused_with_a_clear_message_and_nothing_changes(
    logged_in, manager, workspace, change, message
):
    response = logged_in(manager).post(url("workspace:settings", workspace), SETTINGS | change)
    assert response.status_code == 422
    assert message in response.content.decode()
    workspace.refresh_from_db()
    assert workspace.currency == "EUR"


def test_a_member_sees_the_settings_read_only_and_cannot_save_them(logged_in, member, workspace):
    client = logged_in(member)
    page = client.get(url("workspace:settings", workspace))
    assert page.status_code == 200
    assert "Only owners and managers" in page.content.decode()
    assert client.post(url("workspace:settings", workspace), SETTINGS).status_code == 403
    workspace.refresh_from_db()
    assert workspace.currency == "EUR"


def test_a_viewer_may_leave_a_workspace(logged_in, owner, viewer, workspace):
    response = logged_in(viewer).post(url("workspace:leave", workspace))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=viewer, workspace=workspace).exists()


def test_the_last_owner_cannot_leave(logged_in, owner, workspace):
    response = logged_in(owner).post(url("workspace:leave", workspace), follow=True)
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.filter(user=owner, workspace=workspace, role=Role.OWNER).exists()


def test_deleting_a_workspace_needs_its_address_typed(logged_in, owner, workspace):
    client = logged_in(owner)
    wrong = client.post(url("workspace:delete", workspace), {"confirmation": "nope"})
    assert wrong.status_code == 422
    assert Workspace.objects.filter(pk=workspace.pk).exists()

    client.post(url("workspace:delete", workspace), {"confirmation": workspace.slug})
    assert not Workspace.objects.filter(pk=workspace.pk).exists()


def test_only_an_owner_may_delete_a_workspace(logged_in, manager, workspace):
    client = logged_in(manager)
    response = client.post(url("workspace:delete", workspace), {"confirmation": workspace.slug})
    assert response.status_code == 403
    assert Workspace.objects.filter(pk=workspace.pk).exists()


def test_the_home_page_guides_a_new_workspace_through_its_set_up(logged_in, owner, workspace):
    html = logged_in(owner).get(url("home:today", workspace)).content.decode()
    assert "Set your target hourly rate" in html
    assert "3 steps left" in html
