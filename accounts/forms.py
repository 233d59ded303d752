from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordMixin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import ratelimit
from .models import WORKSPACE_SETTINGS, Invitation, Role, User, Weekday, Workspace
from .selectors import workspace_slug_suggest
from .timezones import current_name, current_zones, label, time_zone_choices
from .widgets import TimeZoneSelect


class TimeZoneField(forms.ChoiceField):
    """The current zones, common ones first (see accounts.timezones). A zone saved under an
    old name is kept: `keep` adds it, selected, with a note, so that saving the form again
    does not lose it or fail."""

    widget = TimeZoneSelect

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=time_zone_choices(), **kwargs)

    def keep(self, saved: str) -> None:
        if not saved or saved in current_zones():
            return
        self.choices = [(saved, label(saved)), *self.choices]
        if current := current_name(saved):
            self.help_text = _(
                "“%(saved)s” is an old name of the time zone %(current)s. It still works; choose "
                "%(current)s to use its current name."
            ) % {"saved": saved, "current": current}
        else:
            self.help_text = _(
                "“%(saved)s” is not one of the current time zone names. It still works until you "
                "choose another."
            ) % {"saved": saved}


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email and password do not match an account. Check the password: capital "
            "letters count."
        ),
    }


class SignUpForm(SetPasswordMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, invited_email: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invited_email = invited_email
        if invited_email:
            self.fields["email"].initial = invited_email
            self.fields["email"].help_text = _(
                "The invitation was sent to this address; sign up with it to accept."
            )

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"].strip()).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "An account with this email already exists. Log in instead, or reset the "
                    "password if you forgot it."
                )
            )
        if self.invited_email and email != self.invited_email.lower():
            raise forms.ValidationError(
                _("Use the address the invitation was sent to: %(email)s."),
                params={"email": self.invited_email},
            )
        return email

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        if "email" in cleaned and "password2" in cleaned:
            candidate = User(email=cleaned["email"], name=cleaned.get("name", ""))
            self.validate_password_for_user(candidate)
        return cleaned


def current_password_check(user: User, password: str, wrong: str) -> None:
    """Raise a ValidationError saying `wrong` unless `password` is `user`'s.

    Whoever holds a session alone (an unlocked laptop) must not be able to guess the password
    through these forms: wrong guesses are capped like logins, and once the cap is reached no
    password is hashed until the window ends."""
    cap = ratelimit.limit("password_confirm_user")
    subject = str(user.pk)
    if ratelimit.exceeded(cap, subject):
        raise forms.ValidationError(
            ngettext(
                "Too many wrong passwords. Try again in %(minutes)s minute at the latest.",
                "Too many wrong passwords. Try again in %(minutes)s minutes at the latest.",
                cap.minutes,
            )
            % {"minutes": cap.minutes},
            code="password_paused",
        )
    if not user.check_password(password):
        ratelimit.hit(cap, subject)
        raise forms.ValidationError(wrong, code="password_incorrect")


class CurrentPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password's guesses capped."""

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        current_password_check(self.user, old_password, self.error_messages["password_incorrect"])
        return old_password


class ProfileForm(forms.ModelForm):
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your login email."),
    )

    class Meta:
        model = User
        fields = ["name", "email", "language"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email_before = self.instance.email

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"].strip()).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this email address."))
        return email

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        # The login email is the key to the account: whoever holds a session alone (an
        # unlocked laptop) must not be able to move it elsewhere.
        moved = email and email != self.email_before
        if not moved:
            return cleaned
        try:
            current_password_check(
                self.instance,
                cleaned.get("current_password") or "",
                _("To change your login email, type your current password."),
            )
        except forms.ValidationError as error:
            self.add_error("current_password", error)
            return cleaned
        # Each change emails a notice to the address it leaves: capped like every email.
        cap = ratelimit.limit("email_change_user")
        if not self.errors and not ratelimit.hit(cap, str(self.instance.pk)):
            self.add_error(
                "email",
                ngettext(
                    "You have changed your login email the most times allowed in a day "
                    "(%(count)s). Try again tomorrow.",
                    "You have changed your login email the most times allowed in a day "
                    "(%(count)s). Try again tomorrow.",
                    cap.count,
                )
                % {"count": cap.count},
            )
        return cleaned


class WorkspaceSettingsForm(forms.ModelForm):
    time_zone = TimeZoneField()
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working day.")},
    )

    class Meta:
        model = Workspace
        fields = list(WORKSPACE_SETTINGS)
        widgets = {
            "work_starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "work_ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "target_hourly_rate": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].keep(self.instance.time_zone)


class WorkspaceCreateForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = Workspace
        fields = ["name", "slug", "currency", "target_hourly_rate", "time_zone", "language"]
        widgets = {
            "target_hourly_rate": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }
        help_texts = {
            "slug": _("Used in links: /w/<address>/. Leave empty to make one from the name."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name") and "slug" not in self.errors:
            cleaned["slug"] = workspace_slug_suggest(cleaned["name"])
        return cleaned


def role_choices_for(actor_role: str) -> list[tuple[str, str]]:
    """The roles a member may hand out: managers every role but owner."""
    return [
        (value, label)
        for value, label in Role.choices
        if actor_role == Role.OWNER or value != Role.OWNER
    ]


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, actor_role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(actor_role)
        self.fields["role"].help_text = _(
            "Managers run clients and boundaries; members log and review; viewers only read."
        )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, actor_role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(actor_role)


class TypeToConfirmForm(forms.Form):
    """Asks the user to type a word (the workspace address) before something irreversible."""

    confirmation = forms.CharField(label=_("Type the workspace address to confirm"))

    def __init__(self, *args, expected: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"].strip()
        if value != self.expected:
            raise forms.ValidationError(
                _("That is not the address. Type %(expected)s exactly."),
                params={"expected": self.expected},
            )
        return value
