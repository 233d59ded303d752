"""The record of each relationship: clients, what happened with them, and what they paid.

One module for the app's models, as Django expects (over 400 lines): clients, interactions,
invoices and the imports that write them refer to one another."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.display import ChoiceLabels
from accounts.fields import NameField
from accounts.models import Workspace, WorkspaceQuerySet


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    OFFBOARDING = "offboarding", _("Offboarding")
    ENDED = "ended", _("Ended")


class BillingModel(models.TextChoices):
    HOURLY = "hourly", _("Hourly")
    FIXED = "fixed", _("Fixed price")
    RETAINER = "retainer", _("Monthly retainer")


class EndedBy(models.TextChoices):
    WE_ENDED = "we_ended", _("We ended it")
    THEY_ENDED = "they_ended", _("They ended it")
    RAN_ITS_COURSE = "ran_its_course", _("It ran its course")


class DepartureReason(models.TextChoices):
    BUDGET = "budget", _("Budget")
    BROUGHT_IN_HOUSE = "brought_in_house", _("Brought the work in-house")
    OTHER_PROVIDER = "other_provider", _("Chose another provider")
    PROJECT_FINISHED = "project_finished", _("Project finished")
    NO_REASON_GIVEN = "no_reason_given", _("No reason given")
    OTHER = "other", _("Other")


class ClientLanguage(models.TextChoices):
    """The language of messages *to* the client (CSV codes are BCP 47: pt-BR)."""

    ENGLISH = "en", "English"
    PORTUGUESE_BRAZIL = "pt-BR", "Português (Brasil)"
    SPANISH = "es", "Español"


class ClientQuerySet(WorkspaceQuerySet):
    def alive(self) -> ClientQuerySet:
        return self.filter(deleted_at__isnull=True)

    def in_trash(self) -> ClientQuerySet:
        return self.filter(deleted_at__isnull=False)


class Client(ChoiceLabels, models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="clients")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = NameField(_("name"), max_length=200)
    company = NameField(_("company"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_clients",
    )
    billing_model = models.CharField(
        _("billing model"), max_length=10, choices=BillingModel.choices, default=BillingModel.HOURLY
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The hourly rate, the project price, or the monthly retainer."),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_by = models.CharField(
        _("how it ended"), max_length=16, choices=EndedBy.choices, blank=True
    )
    # Free text has a length like every other field (in forms: the column itself is unlimited).
    end_reason = models.TextField(_("why it ended"), max_length=4000, blank=True)
    departure_reason = models.CharField(
        _("departure reason"), max_length=20, choices=DepartureReason.choices, blank=True
    )
    language = models.CharField(
        _("client's language"),
        max_length=5,
        choices=ClientLanguage.choices,
        default=ClientLanguage.ENGLISH,
        help_text=_("For messages you send them."),
    )
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Optimistic concurrency: a save based on an older version is refused, never overwrites.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            # Names are unique per workspace ignoring case (services strip the spaces), trash
            # included: restoring a client never collides with a newer one.
            models.UniqueConstraint(
                Lower("name"),
                "workspace",
                name="client_name_unique_ci",
                violation_error_message=_(
                    "A client with this name exists already in this workspace "
                    "(look in the trash too)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClientStatus.values),
                name="client_status_valid",
                violation_error_message=_("Choose one of the statuses offered."),
            ),
            models.CheckConstraint(
                condition=models.Q(rate__isnull=True) | models.Q(rate__gte=0),
                name="client_rate_not_negative",
                violation_error_message=_("The rate cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="client_ends_after_it_starts",
                violation_error_message=_("It cannot end before it started."),
            ),
        ]
        indexes = [
            # The client list: a workspace's live clients, by name.
            models.Index(fields=["workspace", "deleted_at", "name"], name="client_ws_list_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None


class InteractionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    MESSAGE = "message", _("Message")
    WORK_SESSION = "work_session", _("Work session")
    DELIVERABLE = "deliverable", _("Deliverable")
    REVISION_REQUEST = "revision_request", _("Revision request")
    SCOPE_CHANGE = "scope_change", _("Scope change")
    SUPPORT_REQUEST = "support_request", _("Support request")
    COMPLAINT = "complaint", _("Complaint")
    PRAISE = "praise", _("Praise")
    DISPUTE = "dispute", _("Dispute")
    PAYMENT_CHASE = "payment_chase", _("Payment chase")
    OTHER = "other", _("Other")


# The user's own work, never contact with the client: never flagged "out of hours" on its own.
OWN_WORK_KINDS = frozenset({InteractionKind.WORK_SESSION, InteractionKind.DELIVERABLE})


class Flag(models.TextChoices):
    DISRESPECT = "disrespect", _("Disrespect")
    DISTRUST = "distrust", _("Distrust")
    UNREASONABLE_DEMAND = "unreasonable_demand", _("Unreasonable demand")
    OUT_OF_HOURS = "out_of_hours", _("Out of hours")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    UNCLEAR_BRIEF = "unclear_brief", _("Unclear brief")
    LATE_FEEDBACK = "late_feedback", _("Late feedback")
    GRATITUDE = "gratitude", _("Gratitude")


class Feeling(models.IntegerChoices):
    DRAINED = -2, _("Drained")
    LOW = -1, _("Low")
    NEUTRAL = 0, _("Neutral")
    GOOD = 1, _("Good")
    ENERGISED = 2, _("Energised")

    @property
    def face(self) -> str:
        # Emoji from Unicode 6.0, present in every phone's and desktop's emoji font.
        return {-2: "\N{TIRED FACE}", -1: "\N{DISAPPOINTED FACE}", 0: "\N{NEUTRAL FACE}",
                1: "\N{SMILING FACE WITH SMILING EYES}",
                2: "\N{SMILING FACE WITH OPEN MOUTH AND SMILING EYES}"}[self.value]  # fmt: skip


def flag_field(flag: Flag | str) -> str:
    return f"flag_{Flag(flag).value}"


def new_external_id() -> str:
    """Every interaction has an external id, so that export/import round trips never rely on
    matching content."""
    return uuid.uuid4().hex


class InteractionQuerySet(WorkspaceQuerySet):
    def alive(self) -> InteractionQuerySet:
        return self.filter(deleted_at__isnull=True, client__deleted_at__isnull=True)


class Interaction(ChoiceLabels, models.Model):
    """One logged event. Flags are one boolean column each, so that counting any flag per
    client is a plain conditional aggregate on SQLite and PostgreSQL alike."""

    # Denormalised from the client (services keep them equal): scoping and the per-workspace
    # aggregates filter this table alone, without joining clients. Neither key has an index of
    # its own: each would only repeat the first column of a composite one below, and the
    # planner, taking it for being narrower, read a whole history (the client's, or the
    # workspace's, for every client) to find a window of it.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="interactions", db_index=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="interactions", db_index=False
    )
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    # Logged with a date only (no time of day): never flagged "out of hours" automatically.
    date_only = models.BooleanField(default=False)
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    minutes = models.PositiveIntegerField(
        _("minutes"), default=0, validators=[MaxValueValidator(24 * 60)]
    )
    billable = models.BooleanField(_("billable"), default=False)
    feeling = models.SmallIntegerField(
        _("how it left you"), choices=Feeling.choices, null=True, blank=True
    )
    flag_disrespect = models.BooleanField(_("disrespect"), default=False)
    flag_distrust = models.BooleanField(_("distrust"), default=False)
    flag_unreasonable_demand = models.BooleanField(_("unreasonable demand"), default=False)
    flag_out_of_hours = models.BooleanField(_("out of hours"), default=False)
    # The "out of hours" flag is the working hours' verdict, not a person's choice: a change of
    # working hours recomputes it (a flag a person set or cleared is never touched).
    out_of_hours_by_rule = models.BooleanField(default=False, editable=False)
    flag_out_of_scope = models.BooleanField(_("out of scope"), default=False)
    flag_unclear_brief = models.BooleanField(_("unclear brief"), default=False)
    flag_late_feedback = models.BooleanField(_("late feedback"), default=False)
    flag_gratitude = models.BooleanField(_("gratitude"), default=False)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    external_id = models.CharField(_("external id"), max_length=100, default=new_external_id)
    # The quick log form's key: a form sent twice logs one entry (see interaction_log).
    request_key = models.UUIDField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                name="interaction_external_id_unique",
                violation_error_message=_("This entry was imported already."),
            ),
            models.UniqueConstraint(
                fields=["workspace", "author", "request_key"],
                name="interaction_request_once",
                violation_error_message=_("This entry was logged already."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=InteractionKind.values),
                name="interaction_kind_valid",
                violation_error_message=_("Choose one of the kinds offered."),
            ),
            models.CheckConstraint(
                condition=models.Q(feeling__isnull=True)
                | models.Q(feeling__gte=-2, feeling__lte=2),
                name="interaction_feeling_range",
                violation_error_message=_("Choose a feeling from −2 to +2."),
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__lte=24 * 60),
                name="interaction_minutes_max_a_day",
                violation_error_message=_("An entry lasts at most a day (1,440 minutes)."),
            ),
        ]
        indexes = [
            # The client timeline, newest first; its totals and last contact from the index
            # alone on PostgreSQL (a client with 20,000 entries: 6.5 ms from the rows).
            models.Index(
                fields=["client", "-occurred_at"],
                include=["minutes", "billable", "deleted_at"],
                name="interaction_timeline_idx",
            ),
            # Workspace-wide aggregates over a window of time (assessments).
            models.Index(fields=["workspace", "occurred_at"], name="interaction_ws_time_idx"),
            # The quick log's defaults: the author's last entry, and their last with a client
            # (found by the first index, that one skipped 16,000 of the author's entries with
            # others to reach it: 4 ms on a client page).
            models.Index(fields=["author", "-created_at"], name="interaction_author_recent_idx"),
            models.Index(
                fields=["client", "author", "-created_at"], name="interaction_client_author_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.client}"

    @property
    def feeling_face(self) -> str:
        return "" if self.feeling is None else Feeling(self.feeling).face

    @property
    def flags(self) -> list[str]:
        return [flag.value for flag in Flag if getattr(self, flag_field(flag))]

    @property
    def flag_labels(self) -> list[str]:
        return [flag.label for flag in Flag if getattr(self, flag_field(flag))]

    def set_flags(self, flags) -> None:
        chosen = set(flags)
        for flag in Flag:
            setattr(self, flag_field(flag), flag.value in chosen)


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    PAID_LATE = "paid_late", _("Paid late")
    VOID = "void", _("Void")


class InvoiceQuerySet(WorkspaceQuerySet):
    def alive(self) -> InvoiceQuerySet:
        return self.filter(deleted_at__isnull=True, client__deleted_at__isnull=True)

    def in_trash(self) -> InvoiceQuerySet:
        return self.filter(deleted_at__isnull=False)

    def counted(self) -> InvoiceQuerySet:
        """Invoices that count for revenue and lateness: not void, not in the trash."""
        return self.filter(void=False, deleted_at__isnull=True)


class Invoice(ChoiceLabels, models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invoices")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invoices")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("amount paid"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    void = models.BooleanField(_("void"), default=False)
    # In the trash since (an import undone put it there): counted nowhere, restorable.
    deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "number"],
                name="invoice_number_unique",
                violation_error_message=_(
                    "An invoice with this number exists already in this workspace."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="invoice_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True)
                | models.Q(due_on__gte=models.F("issued_on")),
                name="invoice_due_after_issue",
                violation_error_message=_("The due date cannot come before the issue date."),
            ),
            models.CheckConstraint(
                condition=models.Q(paid_on__isnull=True) | models.Q(paid_amount__isnull=False),
                name="invoice_paid_has_amount",
                violation_error_message=_("Say how much was paid."),
            ),
        ]
        indexes = [
            # Per-client invoice lists and payment aggregates.
            models.Index(fields=["client", "-issued_on"], name="invoice_client_idx"),
            # Health metrics and revenue shares: a workspace's invoices issued in a window.
            models.Index(fields=["workspace", "issued_on"], name="invoice_ws_issued_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def status_on(self, today) -> InvoiceStatus:
        if self.void:
            return InvoiceStatus.VOID
        paid = self.paid_amount or Decimal("0")
        if self.paid_on and paid >= self.amount:
            late = self.due_on is not None and self.paid_on > self.due_on
            return InvoiceStatus.PAID_LATE if late else InvoiceStatus.PAID
        if self.due_on is not None and today > self.due_on:
            return InvoiceStatus.OVERDUE
        if paid > 0:
            return InvoiceStatus.PARTLY_PAID
        return InvoiceStatus.OPEN

    @property
    def outstanding(self) -> Decimal:
        if self.void:
            return Decimal("0")
        return max(self.amount - (self.paid_amount or Decimal("0")), Decimal("0"))


class ImportSource(models.TextChoices):
    INTERCHANGE = "interchange", _("Clientwise CSV files")
    TOGGL = "toggl", _("Toggl Track")
    CLOCKIFY = "clockify", _("Clockify")
    HARVEST = "harvest", _("Harvest")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


IMPORT_PHRASES = {
    ("client", "created"): ngettext_lazy("%(n)s client added", "%(n)s clients added", "n"),
    ("client", "updated"): ngettext_lazy("%(n)s client updated", "%(n)s clients updated", "n"),
    ("interaction", "created"): ngettext_lazy(
        "%(n)s interaction added", "%(n)s interactions added", "n"
    ),
    ("interaction", "updated"): ngettext_lazy(
        "%(n)s interaction updated", "%(n)s interactions updated", "n"
    ),
    ("invoice", "created"): ngettext_lazy("%(n)s invoice added", "%(n)s invoices added", "n"),
    ("invoice", "updated"): ngettext_lazy("%(n)s invoice updated", "%(n)s invoices updated", "n"),
    ("client", "restored"): ngettext_lazy(
        "%(n)s client back from the trash", "%(n)s clients back from the trash", "n"
    ),
    ("interaction", "restored"): ngettext_lazy(
        "%(n)s interaction back from the trash", "%(n)s interactions back from the trash", "n"
    ),
}


class ImportBatch(ChoiceLabels, models.Model):
    """One import, kept so it can be listed, followed while it runs, and undone as a whole.

    Progress is written outside the import's transaction so a polling request can see it.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="imports")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=12, choices=ImportSource.choices)
    filenames = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # When the worker last said how far it got: a running import silent for too long has lost
    # its worker (portfolio.services.imports_stalled_fail).
    progress_at = models.DateTimeField(null=True, blank=True)
    # The files it imports, kept until it succeeds: a failed import can be tried again.
    upload = models.ForeignKey(
        "ImportUpload", null=True, blank=True, on_delete=models.SET_NULL, related_name="batches"
    )
    # Counts per model and action, e.g. {"client": {"created": 3, "updated": 1}, ...}.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            # The list of past imports, newest first.
            models.Index(fields=["workspace", "-created_at"], name="import_ws_recent_idx"),
        ]

    # `error` of an import whose worker died: read by whoever looks, in their language.
    WORKER_LOST = "worker-lost"

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def error_shown(self) -> str:
        if self.error == self.WORKER_LOST:
            return str(
                _(
                    "The import stopped: the worker running it ended before it finished, so "
                    "nothing was imported. Try it again, or discard the file."
                )
            )
        return self.error

    @property
    def summary_lines(self) -> list[str]:
        """ "3 clients added", "120 interactions added"… in the user's language."""
        lines = []
        for (target, action), phrase in IMPORT_PHRASES.items():
            if count := self.summary.get(target, {}).get(action, 0):
                lines.append(phrase % {"n": count})
        return lines


class ImportChange(models.Model):
    """What one import did to one row: created it, or updated it from `before` (field values
    as JSON-ready data), and the row's `version` right after, so that undo can tell a row
    nobody touched since (it puts it back, or in the trash) from one changed since (left as
    it is, and listed)."""

    class Action(models.TextChoices):
        CREATED = "created", "created"
        UPDATED = "updated", "updated"

    class Target(models.TextChoices):
        CLIENT = "client", "client"
        INTERACTION = "interaction", "interaction"
        INVOICE = "invoice", "invoice"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    target = models.CharField(max_length=12, choices=Target.choices)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=8, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    # None for changes recorded before versions were (then the row's updated_at decides).
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["batch", "target"], name="importchange_batch_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target} {self.object_id}"


class ImportUpload(models.Model):
    """Files uploaded for an import, kept between the preview and the confirmation: one
    ImportFile per role. Deleted once applied; the scheduler prunes those left for a day
    (portfolio.uploads.uploads_prune)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=[("interchange", "interchange"),
                                                    ("tracker", "tracker")])  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.kind} upload {self.code}"


class ImportPreview(models.Model):
    """What an upload would import with the choices made in the preview (a tracker export's
    date order and the client for its entries without one), worked out by a worker
    (portfolio.tasks.run_import_preview) so that no request ever reads a large file. The
    preview page follows it while it runs and shows its summary when it is done."""

    upload = models.ForeignKey(ImportUpload, on_delete=models.CASCADE, related_name="previews")
    # The choices, as a query string ("" for none), and the language its words are in: one
    # preview per upload, choices and language (what it says is written in one language).
    choices = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=12, blank=True)
    status = models.CharField(
        max_length=8,
        choices=[(s, label) for s, label in ImportStatus.choices if s != ImportStatus.UNDONE],
        default=ImportStatus.RUNNING,
    )
    progress_done = models.PositiveIntegerField(default=0)  # rows read
    progress_total = models.PositiveIntegerField(default=0)  # rows in the file, once known
    # When the worker last said how far it got (a preview silent for long lost its worker).
    progress_at = models.DateTimeField(null=True, blank=True)
    # What the preview page shows, as plain data (portfolio.previews).
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["upload", "choices", "language"],
                name="import_preview_one_per_choice",
                violation_error_message=_("This upload has a preview with these choices already."),
            )
        ]

    def __str__(self) -> str:
        return f"preview of {self.upload_id} ({self.choices or 'no choices'})"

    @property
    def error_shown(self) -> str:
        if self.error == ImportBatch.WORKER_LOST:
            return str(
                _(
                    "The preview stopped: the worker reading the file ended before it "
                    "finished. Try it again, or discard the file."
                )
            )
        return self.error


def _import_file_path(instance: ImportFile, filename: str) -> str:
    # Never the name the person gave: a random one, under the workspace's own folder.
    return f"imports/{instance.upload.workspace_id}/{uuid.uuid4().hex}.csv"


class ImportFile(models.Model):
    """One uploaded file of an import, kept in the default storage (a shared volume or an
    object store in production: docs/operations.md), never in the database. Its stored file
    is deleted with the row (portfolio.receivers)."""

    upload = models.ForeignKey(ImportUpload, on_delete=models.CASCADE, related_name="stored")
    # "clients", "interactions", "invoices" or "tracker".
    role = models.CharField(max_length=12)
    name = models.CharField(max_length=255)  # as uploaded, to show
    file = models.FileField(upload_to=_import_file_path, max_length=200)
    size = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["upload", "role"],
                name="import_file_one_per_role",
                violation_error_message=_("This upload has a file of this kind already."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ClientActivity(models.Model):
    """When a client's latest entry (of any kind, not in the trash) happened: written by every
    writer of its entries (portfolio.contacts), so that the client list sorts by it without
    looking it up for every client (19 ms for 3,000 clients). Its own table: no form or edit of
    the client saves it back stale, and the client's history records no change for it."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="activity"
    )
    last_entry_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.client_id}: {self.last_entry_at}"


class HandOver(models.Model):
    """A moment of a client's history that is not contact with it: who handed the client to
    whom, when, and the note left for the new owner (with the review that decided it, when one
    did). It shows in the client's history and never counts in a score."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="hand_overs")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="hand_overs")
    occurred_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    # The review that decided it (reviews live in a layer above: its code, not a key).
    review_code = models.UUIDField(null=True, blank=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["client", "-occurred_at"], name="handover_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.to_owner}"
