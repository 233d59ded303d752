"""Headers every answer carries, pages and downloads alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz"])
def test_every_answer_switches_off_unused_browser_features_and_refuses_embedding(client, path):
    response = client.get(path)
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
    assert "clipboard-write=(self)" in policy  # copying a farewell still works
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_download_carries_them_too(logged_in, owner, workspace):
    response = logged_in(owner).get(reverse("portfolio:export", kwargs={"ws": workspace.slug}))
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_name_never_keeps_direction_overrides_however_it_is_written(workspace, owner):
    from accounts.models import User
    from portfolio.models import Client
    from portfolio.services import client_create

    disguised = "Invoice\u202efdp.exe"
    client = client_create(workspace=workspace, by=owner, name=disguised, company="\u2066Co\u2069")
    assert (client.name, client.company) == ("Invoicefdp.exe", "Co")
    Client.objects.bulk_create([Client(workspace=workspace, name="\u202bBulk\u202c")])
    assert Client.objects.filter(name="Bulk").exists()
    User.objects.filter(pk=owner.pk).update(name="Ana\u202e")
    owner.refresh_from_db()
    assert owner.name == "Ana"
