"""Writes of the accounts app. Every rule about who may do what to a workspace lives here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .emails import email_send
from .models import (
    WORKSPACE_SETTINGS,
    Currency,
    Invitation,
    Language,
    Membership,
    Role,
    User,
    Workspace,
    hash_token,
    new_invitation_token,
)
from .selectors import workspace_slug_suggest
from .signals import announce_workspace_settings_changed
from .tasks import send_password_reset


@transaction.atomic
def workspace_create(
    *,
    owner: User,
    name: str,
    slug: str = "",
    currency: str = Currency.EUR,
    target_hourly_rate: Decimal | None = None,
    time_zone: str = "UTC",
    language: str = Language.ENGLISH,
) -> Workspace:
    workspace = Workspace(
        name=name.strip(),
        slug=slug or workspace_slug_suggest(name),
        currency=currency,
        target_hourly_rate=target_hourly_rate,
        time_zone=time_zone,
        language=language,
    )
    workspace.full_clean()
    workspace.save()
    Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
    return workspace


@transaction.atomic
def workspace_settings_update(*, workspace: Workspace, **fields) -> Workspace:
    """Change the workspace's settings. What depends on them follows once this commits: the
    apps above are told which settings changed (out-of-hours flags, scores)."""
    unknown = set(fields) - set(WORKSPACE_SETTINGS)
    if unknown:
        raise TypeError(f"Not a workspace setting: {', '.join(sorted(unknown))}")
    # Compared with the stored row: a model form has already put the new values on `workspace`.
    stored = Workspace.objects.select_for_update().get(pk=workspace.pk)
    changed = {name for name, value in fields.items() if getattr(stored, name) != value}
    for name, value in fields.items():
        setattr(workspace, name, value)
    workspace.full_clean()
    workspace.save()
    announce_workspace_settings_changed(workspace_id=workspace.pk, changed=changed)
    return workspace


def _first_name(user: User) -> str:
    return user.name.split()[0] if user.name.strip() else user.email.split("@")[0]


def personal_workspace_name(user: User) -> str:
    return _("%(name)s's workspace") % {"name": _first_name(user)}


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    password: str,
    name: str = "",
    language: str = "",
    workspace_language: str = Language.ENGLISH,
    personal_workspace: bool = True,
) -> tuple[User, Workspace | None]:
    """Create an account and, unless the user arrives through an invitation, their own workspace."""
    user = User(email=email, name=name.strip(), language=language)
    user.set_password(password)
    user.full_clean(exclude=["password", "last_workspace"])
    user.save()
    workspace = None
    if personal_workspace:
        workspace = workspace_create(
            owner=user,
            name=personal_workspace_name(user),
            slug=workspace_slug_suggest(_first_name(user)),
            language=language or workspace_language,
        )
        user.last_workspace = workspace
        user.save(update_fields=["last_workspace"])
    return user, workspace


def _role_grantable_by(role: str, actor: Membership) -> bool:
    """Managers hand out any role but owner; only an owner makes another owner."""
    return actor.is_owner or (actor.can_manage and role != Role.OWNER)


@transaction.atomic
def invitation_create(
    *, workspace: Workspace, email: str, role: str, invited_by: Membership, base_url: str
) -> Invitation:
    """Invite someone by email. A newer invitation to the same address replaces the older one.

    The email goes out after the transaction commits, through the task queue.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if not _role_grantable_by(role, invited_by):
        raise ValidationError({"role": _("Only an owner can invite another owner.")})
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": email}})
    Invitation.objects.filter(workspace=workspace, email__iexact=email).pending().delete()
    token = new_invitation_token()
    invitation = Invitation(
        workspace=workspace,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=invited_by.user,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    existing = User.objects.filter(email__iexact=email).only("language").first()
    language = (existing and existing.language) or workspace.language
    with translation.override(language):
        role_label = str(Role(role).label)
    email_send(
        to=email,
        template="accounts/email/invitation",
        context={
            "workspace_name": workspace.name,
            "inviter_name": invited_by.user.display_name,
            "role_label": role_label,
            "link": f"{base_url.rstrip('/')}/invitations/{token}/",
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
        language=language,
    )
    invitation.token = token  # only in memory: tests and the invite page can show the link once
    return invitation


def invitation_revoke(*, invitation: Invitation) -> None:
    invitation.delete()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make `user` a member. Single use: a second acceptance of the same link is refused."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_accepted:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.is_expired:
        raise ValidationError(_("This invitation has expired. Ask for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(invited)s, but you are logged in as %(current)s.")
            % {"invited": invitation.email, "current": user.email}
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    try:
        with transaction.atomic():
            membership, _created = Membership.objects.get_or_create(
                user=user, workspace=invitation.workspace, defaults={"role": invitation.role}
            )
    except IntegrityError:  # accepted twice at the same instant
        membership = Membership.objects.get(user=user, workspace=invitation.workspace)
    user.last_workspace = invitation.workspace
    user.save(update_fields=["last_workspace"])
    return membership


def _lock_owners(workspace: Workspace) -> list[Membership]:
    """Lock the owner rows so two owners cannot demote each other at the same time."""
    return list(Membership.objects.select_for_update().filter(workspace=workspace, role=Role.OWNER))


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: Membership) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if membership.role == role:
        return membership
    touches_owner = membership.is_owner or role == Role.OWNER
    if not by.can_manage or (touches_owner and not by.is_owner):
        raise ValidationError(_("Only an owner can make or unmake an owner."))
    owners = _lock_owners(membership.workspace)
    if membership.is_owner and len(owners) <= 1:
        raise ValidationError(
            _("A workspace needs at least one owner. Make someone else an owner first.")
        )
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: Membership) -> None:
    """Remove a member; `by` may be the member themselves (leaving the workspace)."""
    leaving = membership.pk == by.pk
    if not leaving and (not by.can_manage or (membership.is_owner and not by.is_owner)):
        raise ValidationError(_("Only an owner can remove an owner."))
    owners = _lock_owners(membership.workspace)
    if membership.is_owner and len(owners) <= 1:
        raise ValidationError(
            _("A workspace needs at least one owner. Make someone else an owner first.")
        )
    User.objects.filter(pk=membership.user_id, last_workspace=membership.workspace_id).update(
        last_workspace=None
    )
    membership.delete()


@transaction.atomic
def workspace_delete(*, workspace: Workspace, by: Membership) -> None:
    if not by.is_owner or by.workspace_id != workspace.pk:
        raise ValidationError(_("Only an owner can delete a workspace."))
    workspace.delete()


@transaction.atomic
def workspace_provision(
    *,
    slug: str,
    owner_email: str,
    name: str = "",
    password: str | None = None,
    currency: str = Currency.EUR,
    target_hourly_rate: Decimal | None = None,
    time_zone: str = "UTC",
    members: list[tuple[str, str]] = (),
) -> tuple[Workspace, list[str]]:
    """Create or complete a workspace from a script. Adds what is missing, changes nothing else.

    Users that do not exist are created, with `password` when given, else with an unusable one
    and an email with a link to choose theirs. Returns the workspace and a line per change made.
    """
    changes: list[str] = []
    without_password: list[User] = []

    def user_for(email: str) -> User:
        email = User.objects.normalize_email(email.strip()).lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email)
            user.full_clean(exclude=["password", "last_workspace"])
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            changes.append(f"created user {email}")
            if not password:
                without_password.append(user)
        return user

    owner = user_for(owner_email)
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        workspace = Workspace(
            slug=slug,
            name=name or slug.replace("-", " ").title(),
            currency=currency,
            target_hourly_rate=target_hourly_rate,
            time_zone=time_zone,
        )
        workspace.full_clean()
        workspace.save()
        changes.append(f"created workspace {slug}")
    for email, role in [(owner_email, Role.OWNER), *members]:
        if role not in Role.values:
            raise ValidationError(
                _("“%(role)s” is not a role. Use one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            )
        user = owner if email == owner_email else user_for(email)
        _membership, created = Membership.objects.get_or_create(
            user=user, workspace=workspace, defaults={"role": role}
        )
        if created:
            changes.append(f"added {user.email} as {role}")
        if user.last_workspace_id is None:
            user.last_workspace = workspace
            user.save(update_fields=["last_workspace"])
    for user in without_password:
        password_choose_send(user=user, workspace=workspace)
        changes.append(f"emailed {user.email} a link to choose a password")
    return workspace, changes


def membership_emails_choose(
    *, membership: Membership, weekly_digest: bool, follow_up_emails: bool
) -> Membership:
    """A member's own choice of the emails a workspace sends them."""
    membership.weekly_digest = weekly_digest
    membership.follow_up_emails = follow_up_emails
    membership.save(update_fields=["weekly_digest", "follow_up_emails"])
    return membership


@transaction.atomic
def user_profile_update(*, user: User, name: str, email: str, language: str) -> User:
    """A person's own name, login email and language. A new login email is told to the old
    address (so a change nobody asked for is noticed), and ends the person's other sessions
    (the session's proof includes the email: see User._get_session_auth_hash)."""
    before = User.objects.values_list("email", flat=True).get(pk=user.pk)
    user.name, user.email, user.language = name.strip(), email, language
    user.full_clean()
    user.save(update_fields=["name", "email", "language"])
    if user.email != before:
        email_send(
            to=before,
            template="accounts/email/email_changed",
            context={"new_email": user.email, "name": user.display_name},
            language=user.language or settings.LANGUAGE_CODE,
        )
    return user


def user_language_set(*, user: User, language: str) -> None:
    """The language the person chose in the switcher, kept on their account."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def password_reset_request(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """Queue the reset link for `email`. Nothing is looked up here: the worker finds the
    account, if any, so that asking takes the same time either way. Nothing is written
    either, so there is no transaction to wait for."""
    send_password_reset.enqueue(email=email, domain=domain, use_https=use_https, language=language)


def password_choose_send(*, user: User, workspace: Workspace) -> None:
    """Email someone whose account was made for them the link to choose their password (the
    password reset's link: it works once, for PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    email_send(
        to=user.email,
        template="accounts/email/choose_password",
        context={
            "link": f"{settings.SITE_URL}{path}",
            "workspace_name": workspace.name,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
        language=user.language or workspace.language,
    )
