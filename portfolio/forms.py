from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import day_check
from accounts.models import Membership, User, Workspace

from .models import (
    Client,
    ClientStatus,
    DepartureReason,
    Feeling,
    Flag,
    InteractionKind,
    Invoice,
)
from .uploads import max_upload_bytes


def member_choices(workspace: Workspace) -> list[tuple[int, str]]:
    memberships = (
        Membership.objects.for_workspace(workspace)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    return [(m.user_id, m.user.display_name) for m in memberships]


class MemberField(forms.TypedChoiceField):
    """A member of the workspace, chosen by user id; cleans to the User."""

    def __init__(self, *, workspace: Workspace, **kwargs) -> None:
        super().__init__(coerce=int, **kwargs)
        self.choices = [("", "—"), *member_choices(workspace)]

    def clean(self, value):
        user_id = super().clean(value)
        return User.objects.get(pk=user_id) if user_id not in (None, "") else None


class HiddenErrorsShown:
    """A form whose hidden fields (the version it was drawn at, the quick log's key) can only
    be wrong when the page is stale or was tampered with: their errors become one message for
    the whole form, which every template shows, instead of an error on a field nobody sees."""

    def full_clean(self) -> None:
        super().full_clean()
        hidden = [field.name for field in self.hidden_fields() if field.name in self._errors]
        for name in hidden:
            del self._errors[name]
        if hidden:
            self.add_error(
                None, _("This form is out of date: reload the page and make your change again.")
            )


class ClientForm(HiddenErrorsShown, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Client
        fields = [
            "name", "company", "email", "phone", "website", "status", "owner", "billing_model",
            "rate", "started_on", "ended_on", "ended_by", "end_reason", "departure_reason",
            "language", "notes",
        ]  # fmt: skip
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "rate": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "end_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            # One "why": the reason from the list; the text is what was learned.
            "departure_reason": _("Why it ended"),
            "end_reason": _("What you learned (optional)"),
        }

    # What only an ended relationship has: shown while the status says "Ended".
    END_FIELDS = ("ended_on", "ended_by", "departure_reason", "end_reason")

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = MemberField(
            workspace=workspace, label=_("Owner"), required=False,
            help_text=_("The member who looks after this client."),
        )  # fmt: skip
        if self.instance.pk:
            self.fields["owner"].initial = self.instance.owner_id
            self.fields["version"].initial = self.instance.version
        self.today = workspace.today()

    def field_groups(self) -> dict[str, list]:
        """The visible fields before the ending ones, the ending ones, and those after."""
        visible = list(self.visible_fields())
        names = [field.name for field in visible]
        first = min(names.index(name) for name in self.END_FIELDS)
        return {
            "before": visible[:first],
            "ending": [self[name] for name in self.END_FIELDS],
            "after": [f for f in visible[first:] if f.name not in self.END_FIELDS],
        }

    def clean_started_on(self):
        # A prospect may start next year; not in 2099.
        return day_check(self.cleaned_data["started_on"], today=self.today, days_ahead=366)

    def clean_ended_on(self):
        return day_check(self.cleaned_data["ended_on"], today=self.today)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ended_by") and cleaned.get("status") != ClientStatus.ENDED:
            self.add_error(
                "status", _("A client that ended has the status “Ended”. Change one of the two.")
            )
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("It cannot end before it started."))
        return cleaned

    def changes(self) -> dict:
        """The model fields as cleaned, for the service (the version travels separately)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class HandOverForm(forms.Form):
    def __init__(self, *args, workspace: Workspace, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(uid, name) for uid, name in member_choices(workspace) if uid != client.owner_id]
        self.fields["to"] = forms.TypedChoiceField(
            label=_("Hand over to"), coerce=int, choices=choices
        )

    def clean_to(self) -> User:
        return User.objects.get(pk=self.cleaned_data["to"])


class DepartureForm(forms.Form):
    """ "They ended it": when and why, in the departure codes the CSV files use."""

    ended_on = forms.DateField(
        label=_("When did it end?"), widget=forms.DateInput(attrs={"type": "date"})
    )
    departure_reason = forms.ChoiceField(
        label=_("Why did they leave?"),
        choices=DepartureReason.choices,
        widget=forms.RadioSelect,
    )
    end_reason = forms.CharField(
        label=_("What did you learn? (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For you and your team, next time. No blame needed."),
    )

    def __init__(self, *args, client: Client, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        self.today = today
        self.fields["ended_on"].initial = today

    def clean_ended_on(self):
        ended_on = day_check(self.cleaned_data["ended_on"], today=self.today)
        if self.client.started_on and ended_on < self.client.started_on:
            raise forms.ValidationError(_("It cannot end before it started."))
        return ended_on


class InteractionForm(HiddenErrorsShown, forms.Form):
    """The quick log, also used to edit an entry. `client` is typed (a name from the list)."""

    client = forms.CharField(
        label=_("Client"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "client-names", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=24 * 60, initial=15)
    billable = forms.BooleanField(label=_("Billable"), required=False)
    feeling = forms.TypedChoiceField(
        label=_("How did it leave you?"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Not said")), *Feeling.choices],
        widget=forms.RadioSelect,
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"), choices=Flag.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    occurred_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm", "id": "ql-date"},
            format="%Y-%m-%d",
        ),
    )
    occurred_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(
            attrs={"type": "time", "class": "form-control form-control-sm", "id": "ql-time"},
            format="%H:%M",
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Drawn anew with every empty quick log: the same form sent twice logs one entry.
    request_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        # What is typed asks for the names that hold it (the list starts with the latest ones).
        self.fields["client"].widget.attrs.update(
            {
                "hx-get": reverse("portfolio:client_suggestions", kwargs={"ws": workspace.slug}),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#client-names",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )

    def clean_occurred_on(self):
        # What happened has happened: not tomorrow, not in 1900.
        return day_check(self.cleaned_data["occurred_on"], today=self.workspace.today())

    def clean_client(self) -> Client:
        name = self.cleaned_data["client"].strip()
        client = (
            Client.objects.for_workspace(self.workspace).alive().filter(name__iexact=name).first()
        )
        if client is None:
            raise forms.ValidationError(
                _("No client called “%(name)s”. Pick one from the list, or add the client first."),
                params={"name": name},
            )
        client.workspace = self.workspace  # the one it was found in, not read again
        return client

    def when(self) -> dict:
        """occurred_at (date and time given), occurred_on (date only), or now (neither)."""
        day, time = self.cleaned_data.get("occurred_on"), self.cleaned_data.get("occurred_time")
        if day and time:
            return {"occurred_at": timezone.datetime.combine(day, time, self.workspace.tzinfo)}
        if day:
            return {"occurred_on": day}
        if time:
            today = self.workspace.today()
            return {"occurred_at": timezone.datetime.combine(today, time, self.workspace.tzinfo)}
        return {}


def too_large_message(files: int = 1) -> str:
    """What refusing an upload larger than max_upload_bytes() says, here and in the page that
    refuses it before sending (a body too large to read gets accounts.upload_limits' 413)."""
    size = {"size": max_upload_bytes() // (1024 * 1024)}
    if files == 1:
        return _("The file is larger than %(size)s MB.") % size
    return _("The files are larger than %(size)s MB together.") % size


class UploadForm(forms.Form):
    """An upload form. `too_large`: the body was cut off past max_upload_bytes() before it was
    read in full (accounts.upload_limits), so that is the one thing the form says."""

    def __init__(self, *args, too_large: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def full_clean(self) -> None:
        if not self.too_large:
            super().full_clean()
            return
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error(None, too_large_message(len(self.fields)))


class TrackerUploadForm(UploadForm):
    file = forms.FileField(
        label=_("Detailed report export (CSV)"),
        help_text=_(
            "From Toggl Track, Clockify or Harvest. Nothing is imported before you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large_message())
        return upload


class InterchangeUploadForm(UploadForm):
    """The three Clientwise CSV files; any of them may be left out."""

    clients = forms.FileField(label="clients.csv", required=False)
    interactions = forms.FileField(label="interactions.csv", required=False)
    invoices = forms.FileField(label="invoices.csv", required=False)

    def clean(self):
        cleaned = super().clean()
        chosen = {role: f for role, f in cleaned.items() if f}
        if not chosen:
            raise forms.ValidationError(_("Choose at least one file."))
        if sum(f.size for f in chosen.values()) > max_upload_bytes():
            raise forms.ValidationError(too_large_message(len(chosen)))
        cleaned["chosen"] = chosen
        return cleaned


class InvoiceForm(HiddenErrorsShown, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Invoice
        fields = ["number", "issued_on", "due_on", "amount", "paid_on", "paid_amount", "void"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "paid_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "paid_amount": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }
        help_texts = {
            "paid_amount": _("Leave empty when paid in full. Partial payments are fine."),
            "void": _("A void invoice is kept, but counts for neither revenue nor lateness."),
        }

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = workspace.today()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["issued_on"].initial = self.today

    def clean_issued_on(self):
        return day_check(self.cleaned_data["issued_on"], today=self.today, days_ahead=366)

    def clean_due_on(self):
        return day_check(self.cleaned_data["due_on"], today=self.today, days_ahead=3 * 366)

    def clean_paid_on(self):
        return day_check(self.cleaned_data["paid_on"], today=self.today)

    def clean(self):
        cleaned = super().clean()
        issued, due = cleaned.get("issued_on"), cleaned.get("due_on")
        if issued and due and due < issued:
            self.add_error("due_on", _("The due date cannot come before the issue date."))
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
