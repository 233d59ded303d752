from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Role, User, Workspace

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_workspace_creates_owner_members_and_settings():
    run(
        "create_workspace",
        "acme",
        "--owner",
        "boss@acme.example",
        "--password",
        "s3cret-pass!",
        "--name",
        "Acme",
        "--currency",
        "BRL",
        "--target-rate",
        "50",
        "--timezone",
        "America/Sao_Paulo",
        "--member",
        "ana@acme.example:manager",
        "bo@acme.example:viewer",
        "--member",
        "cy@acme.example:member",
    )
    workspace = Workspace.objects.get(slug="acme")
    assert (workspace.name, workspace.currency, workspace.time_zone) == (
        "Acme",
        "BRL",
        "America/Sao_Paulo",
    )
    assert str(workspace.target_hourly_rate) == "50.00"
    roles = dict(Membership.objects.values_list("user__email", "role"))
    assert roles == {
        "boss@acme.example": Role.OWNER,
        "ana@acme.example": Role.MANAGER,
        "bo@acme.example": Role.VIEWER,
        "cy@acme.example": Role.MEMBER,
    }
    assert User.objects.get(email="ana@acme.example").check_password("s3cret-pass!")


def test_create_workspace_defaults_and_unusable_passwords():
    run("create_workspace", "solo", "--owner", "me@solo.example")
    workspace = Workspace.objects.get(slug="solo")
    assert (workspace.currency, workspace.time_zone, workspace.target_hourly_rate) == (
        "EUR",
        "UTC",
        None,
    )
    assert not User.objects.get().has_usable_password()


def test_a_rerun_adds_what_is_missing_and_changes_nothing_else():
    run(
        "create_workspace",
        "acme",
        "--owner",
        "boss@acme.example",
        "--member",
        "ana@acme.example:viewer",
        "--password",
        "first-pass-123",
    )
    output = run(
        "create_workspace",
        "acme",
        "--owner",
        "boss@acme.example",
        "--name",
        "Other name",
        "--currency",
        "USD",
        "--password",
        "second-pass-456",
        "--member",
        "ana@acme.example:manager",
        "new@acme.example:member",
    )
    workspace = Workspace.objects.get()
    assert (workspace.name, workspace.currency) == ("Acme", "EUR")
    assert Membership.objects.get(user__email="ana@acme.example").role == Role.VIEWER
    assert Membership.objects.get(user__email="new@acme.example").role == Role.MEMBER
    assert User.objects.get(email="boss@acme.example").check_password("first-pass-123")
    assert "added new@acme.example as member" in output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--member", "ana@acme.example:boss"], "EMAIL:ROLE"),
        (["--timezone", "Mars/Base"], "not a known time zone"),
        (["--target-rate", "lots"], "must be a number"),
    ],
)
def test_bad_arguments_fail_clearly_and_write_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("create_workspace", "acme", "--owner", "boss@acme.example", *args)
    assert not Workspace.objects.exists()
    assert not User.objects.exists()


def test_people_created_without_a_password_are_emailed_a_link_to_choose_one(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    import re

    with django_capture_on_commit_callbacks(execute=True):
        out = run("create_workspace", "solo", "--owner", "me@solo.example",
                  "--member", "bo@solo.example:member")  # fmt: skip
    assert "emailed me@solo.example a link to choose a password" in out
    assert sorted(m.to[0] for m in mailoutbox) == ["bo@solo.example", "me@solo.example"]
    message = next(m for m in mailoutbox if m.to == ["me@solo.example"])
    assert "Choose your password for Solo" in message.subject
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)
    # The link opens the form to choose a password, which then works for logging in.
    form = client.get(path, follow=True)
    assert form.status_code == 200
    confirm = form.redirect_chain[-1][0] if form.redirect_chain else path
    client.post(
        confirm, {"new_password1": "a-long-passphrase-9", "new_password2": "a-long-passphrase-9"}
    )
    assert User.objects.get(email="me@solo.example").check_password("a-long-passphrase-9")
    # A re-run creates nobody and emails nobody.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run("create_workspace", "solo", "--owner", "me@solo.example")
    assert mailoutbox == []


def test_people_created_with_a_password_get_no_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        run("create_workspace", "solo", "--owner", "me@solo.example", "--password", "pw-long-123!")
    assert mailoutbox == []
