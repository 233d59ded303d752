from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .display import ChoiceLabels
from .fields import NameField


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    PORTUGUESE_BRAZIL = "pt-br", "Português (Brasil)"
    SPANISH = "es", "Español"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email.strip())


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an email address, which is stored lower-cased."""

    email = models.EmailField(_("email address"), unique=True)
    name = NameField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        blank=True,
        help_text=_("Leave empty to follow your browser's language."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Where "home" takes the user after login: the workspace they used last.
    last_workspace = models.ForeignKey(
        "Workspace", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("An account with this email address exists already."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django derives a session's proof from the password only: with the login email in it
        too, changing either ends every other session of the person (a thief's included)."""
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}\x00{self.email}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Currency(models.TextChoices):
    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")
    BRL = "BRL", _("Brazilian real (BRL)")
    GBP = "GBP", _("Pound sterling (GBP)")
    MXN = "MXN", _("Mexican peso (MXN)")
    ARS = "ARS", _("Argentine peso (ARS)")
    COP = "COP", _("Colombian peso (COP)")
    CLP = "CLP", _("Chilean peso (CLP)")
    CHF = "CHF", _("Swiss franc (CHF)")
    CAD = "CAD", _("Canadian dollar (CAD)")
    AUD = "AUD", _("Australian dollar (AUD)")


class Weekday(models.IntegerChoices):
    # ISO numbering, as datetime.isoweekday() returns it.
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


def default_working_days() -> list[int]:
    return [1, 2, 3, 4, 5]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_working_days(value: object) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(day, int) or day not in Weekday.values for day in value)
    ):
        raise ValidationError(_("Choose at least one working day."))


slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _(
        "Use 2 to 50 lower-case letters, digits and dashes, starting and ending with a letter "
        "or digit."
    ),
)

# Slugs that would read as a page of the app rather than a workspace.
RESERVED_SLUGS = frozenset({"new", "admin", "api", "static", "settings", "accounts", "w"})


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."))


class Workspace(models.Model):
    """A freelancer's or an agency's book of clients; every customer row belongs to one."""

    name = NameField(_("name"), max_length=100)
    slug = models.SlugField(
        _("address"),
        max_length=50,
        unique=True,
        validators=[slug_validator, validate_slug_not_reserved],
        help_text=_("Used in links: /w/<address>/"),
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    target_hourly_rate = models.DecimalField(
        _("target hourly rate"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("What an hour of your work should earn. Used to judge profitability."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    working_days = models.JSONField(
        _("working days"), default=default_working_days, validators=[validate_working_days]
    )
    work_starts_at = models.TimeField(_("working day starts"), default=dt.time(9, 0))
    work_ends_at = models.TimeField(_("working day ends"), default=dt.time(18, 0))
    language = models.CharField(
        _("default language"),
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("Used when neither a member's preference nor their browser says otherwise."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(work_starts_at__lt=models.F("work_ends_at")),
                name="workspace_working_day_not_empty",
                violation_error_message=_("Choose at least one working day."),
            ),
            models.CheckConstraint(
                condition=models.Q(target_hourly_rate__isnull=True)
                | models.Q(target_hourly_rate__gt=0),
                name="workspace_target_rate_positive",
                violation_error_message=_("The target hourly rate must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.work_starts_at and self.work_ends_at and self.work_starts_at >= self.work_ends_at:
            raise ValidationError({"work_ends_at": _("The working day must end after it starts.")})

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> dt.date:
        """Today where the workspace works: every "today" of its data is this one."""
        return timezone.localdate(timezone=self.tzinfo)


# What a workspace's settings page may change (the form, the service and the admin).
WORKSPACE_SETTINGS = (
    "name",
    "currency",
    "target_hourly_rate",
    "time_zone",
    "working_days",
    "work_starts_at",
    "work_ends_at",
    "language",
)


class WorkspaceQuerySet(models.QuerySet):
    """Every read of workspace data starts here: `Model.objects.for_workspace(workspace)`."""

    def for_workspace(self, workspace: Workspace):
        return self.filter(workspace=workspace)


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= Role(other).rank


_ROLE_RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.MANAGER: 2, Role.OWNER: 3}


class MembershipQuerySet(WorkspaceQuerySet):
    def owners(self) -> MembershipQuerySet:
        return self.filter(role=Role.OWNER)


class Membership(ChoiceLabels, models.Model):
    """A user's place in a workspace. The role decides what they may change."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    weekly_digest = models.BooleanField(
        _("weekly email digest"),
        default=False,
        help_text=_("Once a week, an email with this workspace's alerts and troubled clients."),
    )
    follow_up_emails = models.BooleanField(
        _("follow-up emails"),
        default=False,
        help_text=_("An email when it is time to look back on a decision you made in a review."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"],
                name="membership_unique_user_per_workspace",
                violation_error_message=_("This person is a member of the workspace already."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="membership_role_valid",
                violation_error_message=_("Choose one of the roles offered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.role})"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def can_write(self) -> bool:
        return self.role_enum.at_least(Role.MEMBER)

    @property
    def can_manage(self) -> bool:
        return self.role_enum.at_least(Role.MANAGER)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    def may_manage(self, other: Membership) -> bool:
        """Whether this member may change the role of, or remove, `other` (never themselves)."""
        return self.pk != other.pk and self.can_manage and (self.is_owner or not other.is_owner)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(WorkspaceQuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring link that makes its recipient a member with the given role.

    Only a hash of the token is stored: the link itself lives in the recipient's mailbox.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="invitation_role_valid",
                violation_error_message=_("Choose one of the roles offered."),
            ),
        ]
        indexes = [
            # The members page lists a workspace's pending invitations.
            models.Index(fields=["workspace", "accepted_at"], name="invitation_ws_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.workspace} ({self.role})"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_accepted and not self.is_expired
