"""Language: the user's preference, then the browser, then the workspace default."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def home(workspace):
    return reverse("home:today", kwargs={"ws": workspace.slug})


def test_the_saved_preference_wins_over_the_browser(logged_in, owner, workspace):
    owner.language = "es"
    owner.save()
    response = logged_in(owner).get(home(workspace), HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()


def test_without_a_preference_the_browser_decides(logged_in, owner, workspace):
    response = logged_in(owner).get(home(workspace), HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")
    assert response["Content-Language"] == "pt-br"
    assert "Hoje" in response.content.decode()  # the navigation's "Today"


def test_without_preference_or_browser_language_the_workspace_default_applies(
    logged_in, owner, workspace
):
    workspace.language = "es"
    workspace.save()
    response = logged_in(owner).get(home(workspace), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response["Content-Language"] == "es"


def test_the_switcher_saves_the_choice_on_the_account(logged_in, owner, workspace):
    client = logged_in(owner)
    response = client.post(reverse("language_set"), {"language": "pt-br", "next": home(workspace)})
    assert response.url == home(workspace)
    owner.refresh_from_db()
    assert owner.language == "pt-br"
    page = client.get(home(workspace), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="pt-BR">' in page.content.decode()


def test_an_anonymous_visitor_switches_with_a_cookie(client):
    response = client.post(reverse("language_set"), {"language": "es", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "es"
    assert "Iniciar sesión" in page.content.decode()


def test_an_unknown_language_is_refused_and_the_next_url_must_be_local(client):
    response = client.post(
        reverse("language_set"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert not response.url.startswith("https://evil")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_language_chosen_before_signing_up_becomes_the_preference(client):
    client.post(reverse("language_set"), {"language": "pt-br", "next": "/"})
    client.post(
        reverse("accounts:signup"),
        {
            "email": "ana@example.com",
            "password1": "long-passphrase-1",
            "password2": "long-passphrase-1",
        },
    )
    from accounts.models import User, Workspace

    assert User.objects.get().language == "pt-br"
    assert Workspace.objects.get().language == "pt-br"
    name = Workspace.objects.get().name
    assert "ana" in name
    assert name != "ana's workspace"  # named in the user's language
