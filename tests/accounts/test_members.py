from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User, Workspace
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def invite(client, workspace, email="new@example.com", role=Role.MEMBER, **headers):
    with_callbacks = client.post(
        url("workspace:members", workspace), {"email": email, "role": role}, **headers
    )
    return with_callbacks


def link_from(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body).group(1)


def test_an_invitation_is_emailed_with_a_single_use_link(
    logged_in, owner, workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(logged_in(owner), workspace, email="New@Example.com")

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.com"
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert "Aurora Studio" in mail.outbox[0].subject
    assert link_from(mail.outbox[0]).startswith("/invitations/")
    # Only a hash of the token is stored.
    assert link_from(mail.outbox[0]).split("/")[2] not in invitation.token_hash


def test_inviting_through_htmx_swaps_the_invitations_section(logged_in, owner, workspace):
    response = invite(logged_in(owner), workspace, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="invitations"')
    assert "new@example.com" in html
    assert 'hx-swap-oob="true"' in html  # the success message reaches the layout
    assert "HX-Request" in response["Vary"]


def test_an_invalid_invitation_comes_back_as_422_with_the_error(logged_in, owner, workspace):
    response = invite(logged_in(owner), workspace, email="not-an-email", HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Enter a valid email address" in response.content.decode()
    assert 'value="not-an-email"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(logged_in, owner, member, workspace):
    response = invite(logged_in(owner), workspace, email=member.email.upper())
    assert response.status_code == 422
    assert "already a member" in response.content.decode()


def test_a_manager_cannot_invite_an_owner(logged_in, manager, workspace):
    response = invite(logged_in(manager), workspace, role=Role.OWNER)
    assert response.status_code == 422
    assert not Invitation.objects.exists()


def test_a_member_cannot_invite(logged_in, member, workspace):
    assert invite(logged_in(member), workspace).status_code == 403


def _invitation(workspace, owner, email="new@example.com", **fields):
    from accounts.services import invitation_create

    actor = Membership.objects.get(user=owner, workspace=workspace)
    invitation = invitation_create(
        workspace=workspace,
        email=email,
        role=Role.MANAGER,
        invited_by=actor,
        base_url="http://testserver/",
    )
    if fields:
        Invitation.objects.filter(pk=invitation.pk).update(**fields)
    return f"/invitations/{invitation.token}/"


def test_a_logged_out_invitee_signs_up_and_joins_without_a_personal_workspace(
    client, owner, workspace
):
    link = _invitation(workspace, owner)
    page = client.get(link)
    assert "Sign up and join" in page.content.decode()

    signup = client.get(reverse("accounts:signup") + f"?next={link}")
    assert 'value="new@example.com"' in signup.content.decode()
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "new@example.com",
            "name": "New Person",
            "password1": "long-passphrase-1",
            "password2": "long-passphrase-1",
            "next": link,
        },
    )
    assert response.url == url("home:today", workspace)
    user = User.objects.get(email="new@example.com")
    assert Membership.objects.get(user=user).role == Role.MANAGER
    assert Workspace.objects.count() == 1


def test_signing_up_through_an_invitation_with_another_email_is_refused(client, owner, workspace):
    link = _invitation(workspace, owner)
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "other@example.com",
            "password1": "long-passphrase-1",
            "password2": "long-passphrase-1",
            "next": link,
        },
    )
    assert response.status_code == 422
    assert not User.objects.filter(email="other@example.com").exists()


def test_an_existing_user_logs_in_and_accepts(client, owner, workspace):
    UserFactory(email="new@example.com")
    link = _invitation(workspace, owner)
    login = client.post(
        reverse("accounts:login") + f"?next={link}",
        {"username": "new@example.com", "password": PASSWORD, "next": link},
    )
    assert login.url == link
    response = client.post(link)
    assert response.url == url("home:today", workspace)
    assert Membership.objects.filter(user__email="new@example.com", workspace=workspace).exists()


def test_an_invitation_works_only_once(client, owner, workspace):
    UserFactory(email="new@example.com")
    link = _invitation(workspace, owner)
    client.login(username="new@example.com", password=PASSWORD)
    client.post(link)
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_an_expired_invitation_is_refused(client, owner, workspace):
    UserFactory(email="new@example.com")
    link = _invitation(workspace, owner, expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.login(username="new@example.com", password=PASSWORD)
    assert client.post(link).status_code == 410
    assert not Membership.objects.filter(user__email="new@example.com").exists()


def test_an_invitation_for_someone_else_cannot_be_accepted(logged_in, owner, workspace, outsider):
    link = _invitation(workspace, owner)
    client = logged_in(outsider)
    assert "you are logged in as" in client.get(link).content.decode()
    client.post(link)
    assert not Membership.objects.filter(user=outsider, workspace=workspace).exists()


def test_an_unknown_token_is_404(client):
    assert client.get("/invitations/not-a-real-token/").status_code == 404


def test_withdrawing_an_invitation_kills_its_link(logged_in, owner, workspace):
    link = _invitation(workspace, owner)
    invitation = Invitation.objects.get()
    client = logged_in(owner)
    client.post(url("workspace:invitation_revoke", workspace, code=invitation.code))
    assert not Invitation.objects.exists()
    assert client.get(link).status_code == 404


def test_changing_a_role_by_htmx_returns_the_updated_row(logged_in, owner, member, workspace):
    membership = Membership.objects.get(user=member)
    response = logged_in(owner).post(
        url("workspace:member_role", workspace, code=membership.code),
        {"role": Role.VIEWER},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="member-{membership.code}"')
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_a_manager_cannot_promote_to_owner_or_touch_an_owner(
    logged_in, owner, manager, member, workspace
):
    client = logged_in(manager)
    member_row = Membership.objects.get(user=member)
    owner_row = Membership.objects.get(user=owner)
    client.post(url("workspace:member_role", workspace, code=member_row.code), {"role": "owner"})
    client.post(url("workspace:member_role", workspace, code=owner_row.code), {"role": "viewer"})
    client.post(url("workspace:member_remove", workspace, code=owner_row.code))
    member_row.refresh_from_db()
    owner_row.refresh_from_db()
    assert member_row.role == Role.MEMBER
    assert owner_row.role == Role.OWNER


def test_the_last_owner_cannot_be_demoted(owner, workspace):
    from django.core.exceptions import ValidationError

    from accounts.services import membership_change_role

    row = Membership.objects.get(user=owner)
    second = Membership.objects.create(user=UserFactory(), workspace=workspace, role=Role.OWNER)
    membership_change_role(membership=second, role=Role.MANAGER, by=row)
    with pytest.raises(ValidationError, match="at least one owner"):
        membership_change_role(membership=row, role=Role.MANAGER, by=row)
    row.refresh_from_db()
    assert row.role == Role.OWNER


def test_removing_a_member_asks_first_then_removes(logged_in, owner, member, workspace):
    membership = Membership.objects.get(user=member)
    client = logged_in(owner)
    confirm = client.get(url("workspace:member_remove", workspace, code=membership.code))
    assert "Remove" in confirm.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(url("workspace:member_remove", workspace, code=membership.code))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=member.pk).exists()


def test_a_removed_member_no_longer_sees_the_workspace(logged_in, owner, member, workspace, client):
    Membership.objects.filter(user=member).delete()
    client.force_login(member)
    assert client.get(url("home:today", workspace)).status_code == 404


def test_the_page_and_the_email_state_the_same_validity(
    logged_in, owner, workspace, django_capture_on_commit_callbacks, settings
):
    settings.INVITATION_TTL_DAYS = 7
    browser = logged_in(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(browser, workspace, email="new@example.com", follow=True)
    page = response.content.decode()
    assert "expires in 7 days" in page
    assert "expires in 7 days" in mail.outbox[0].body
    invitation = Invitation.objects.get()
    expires = timezone.localtime(invitation.expires_at).date()
    assert (expires - timezone.localdate()).days == 7
    assert f"expires {expires:%b}" in page  # the pending invitation's date, in words
