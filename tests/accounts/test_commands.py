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
