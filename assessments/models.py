from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.bulk import column_list, copy_rows
from accounts.display import ChoiceLabels
from accounts.models import Workspace, WorkspaceQuerySet
from portfolio.models import Client

from .choices import (
    AT_RISK_BANDS,
    AlertStatus,
    Band,
    BoundaryKind,
    Confidence,
    Dimension,
    Severity,
    Suggestion,
)

__all__ = [
    "AT_RISK_BANDS",
    "AgreedStep",
    "Alert",
    "AlertStatus",
    "Band",
    "Boundary",
    "BoundaryKind",
    "Confidence",
    "DigestSent",
    "Dimension",
    "HealthSnapshot",
    "ScoringSettings",
    "Severity",
    "Suggestion",
]


def _weight_field(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=1, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )


class ScoringSettings(models.Model):
    """How a workspace weighs its clients' health. A workspace without a row uses the defaults
    (an unsaved instance), so reading never writes."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="scoring_settings"
    )
    weight_profitability = _weight_field(_("profitability weight"))
    weight_energy = _weight_field(_("energy weight"))
    weight_respect = _weight_field(_("respect weight"))
    weight_trust = _weight_field(_("trust weight"))
    weight_scope = _weight_field(_("scope weight"))
    weight_payments = _weight_field(_("payments weight"))
    half_life_days = models.PositiveSmallIntegerField(
        _("half-life in days"),
        default=45,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("An event this many days old counts half as much as one from today."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("window in days"),
        default=180,
        validators=[MinValueValidator(30), MaxValueValidator(730)],
        help_text=_("Only events this recent are scored."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(half_life_days__gte=7, window_days__gte=30),
                name="scoring_settings_sane_periods",
                violation_error_message=_(
                    "The half-life must be at least 7 days and the window at least 30."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.workspace)

    @property
    def weights(self) -> dict[str, int]:
        return {dimension: getattr(self, f"weight_{dimension}") for dimension in Dimension.values}


class HealthSnapshotQuerySet(WorkspaceQuerySet):
    def latest_per_client(self) -> HealthSnapshotQuerySet:
        return self.order_by("client_id", "-as_of")

    def store(self, snapshots: list[HealthSnapshot], *, as_of: dt.date, fields: list[str]):
        """Write the snapshots of one day, each replacing the same client's of that day (its
        `fields` updated), and move the clients' latest marks to them.

        On PostgreSQL a nightly pass's worth is copied into a scratch table and merged from
        there: Django's bulk upsert sends each column as one array, which psycopg quotes in
        Python element by element (the JSON ones are kilobytes each)."""
        if not snapshots:
            return
        connection = connections[self.db]
        with transaction.atomic(using=self.db):
            writers_wait_their_turn(connection, {s.workspace_id for s in snapshots})
            if connection.vendor == "postgresql" and len(snapshots) >= COPY_FROM:
                _copy_upsert(connection, snapshots, fields)
            else:
                self.bulk_create(
                    snapshots,
                    update_conflicts=True,
                    unique_fields=["client", "as_of"],
                    update_fields=fields,
                )
            self.latest_marks_follow(client_ids={s.client_id for s in snapshots}, as_of=as_of)

    def latest_marks_follow(self, *, client_ids, as_of: dt.date) -> None:
        """Move the clients' "latest" mark to their snapshots of `as_of` (just written), unless
        a later day's stands: two steps down the (client, day) index per client.

        Whoever writes snapshots calls this (`store` and saving one do), having waited its
        turn (`writers_wait_their_turn`): a later day's snapshot written by another
        transaction at the same moment is then seen, and a client keeps one mark (the
        database refuses a second: snapshot_one_latest_per_client)."""
        ids = list(client_ids)
        self.filter(client_id__in=ids, is_latest=True, as_of__lt=as_of).update(is_latest=False)
        later = HealthSnapshot.objects.filter(client_id=OuterRef("client_id"), as_of__gt=as_of)
        self.filter(client_id__in=ids, as_of=as_of, is_latest=False).exclude(Exists(later)).update(
            is_latest=True
        )


# From this many snapshots at once, PostgreSQL gets them by COPY (fewer: one INSERT is as quick).
COPY_FROM = 100
# The first key of the transaction locks that writers of a workspace's snapshots take in turn
# (the second is the workspace's id): "SNAP".
SNAPSHOT_WRITERS = 0x534E4150


def writers_wait_their_turn(connection, workspace_ids) -> None:
    """Wait until no other transaction writes the workspaces' snapshots, and keep them waiting
    until this one ends. Taken before the first row is written, so that writers never wait on
    each other's rows in a circle. SQLite lets one writer in at a time already."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for workspace_id in sorted(workspace_ids):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SNAPSHOT_WRITERS, workspace_id])


def _copy_upsert(connection, snapshots: list[HealthSnapshot], fields: list[str]) -> None:
    """The snapshots copied into a scratch table, then merged into theirs (an upsert)."""
    meta = HealthSnapshot._meta
    quote = connection.ops.quote_name
    table, names = quote(meta.db_table), column_list(HealthSnapshot, connection)
    changed = ", ".join(
        f"{column} = EXCLUDED.{column}"
        for column in (quote(meta.get_field(name).column) for name in fields)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE snapshot_upsert AS TABLE {table} WITH NO DATA")
        copy_rows(cursor, HealthSnapshot, snapshots, into="snapshot_upsert")
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM snapshot_upsert "
            f"ON CONFLICT (client_id, as_of) DO UPDATE SET {changed}"
        )
        cursor.execute("DROP TABLE snapshot_upsert")


# What the lists and totals read of every client's latest snapshot (the selectors' summaries).
LATEST_READ = ["band", "confidence", "score", "trend_30d", "minutes", "revenue"]


class HealthSnapshot(ChoiceLabels, models.Model):
    """A client's health as of one day: one per client per day. Evidence is stored as codes
    with numbers and rendered in the reader's language, so one snapshot reads in every language.
    Workspace-relative figures (shares, concentration) are never stored: they are computed when
    read, so they are never stale."""

    # No index of their own: each key leads a composite one (snapshot_one_per_day, the day's
    # index), which serves it as well; every nightly pass rewrites a row per client.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="health_snapshots", db_index=False
    )
    as_of = models.DateField()
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    band = models.CharField(max_length=10, choices=Band.choices)
    confidence = models.CharField(max_length=6, choices=Confidence.choices)
    trend_30d = models.SmallIntegerField(null=True, blank=True)
    # {dimension: {"score": int | None, "contribution": float, "evidence": [[code, {params}]]}}
    dimensions = models.JSONField(default=dict)
    # Points the pull toward neutral added or removed, when evidence is thin.
    evidence_adjustment = models.FloatField(default=0.0)
    # The client's own aggregates over the window (hours, revenue, counts): the scoring input.
    metrics = models.JSONField(default=dict)
    # Copied out of `metrics` for the dashboard, which reads every client's latest snapshot.
    revenue = models.FloatField(default=0.0)
    minutes = models.PositiveIntegerField(default=0)
    evidence_count = models.PositiveIntegerField(default=0)
    suggestion = models.CharField(max_length=16, choices=Suggestion.choices)
    # [code, {params}] like the evidence; the report renders it in its language.
    suggestion_reason = models.JSONField(default=list)
    formula_version = models.PositiveSmallIntegerField()
    # The settings it was computed with: weights, half-life, window, target rate.
    settings = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)
    # Since when the client's data has changed without this being computed again (its rescore
    # is queued): the client's health panel says it is updating. None: current.
    stale_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The client's newest snapshot (kept by `latest_marks_follow`): the pages read every
    # client's current health along one short index, whatever the days of history kept.
    is_latest = models.BooleanField(default=False, editable=False)

    objects = HealthSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "as_of"],
                name="snapshot_one_per_day",
                violation_error_message=_("This client has a score for this day already."),
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=100),
                name="snapshot_score_at_most_100",
                violation_error_message=_("A score runs from 0 to 100."),
            ),
            # A client's one current health, kept by `latest_marks_follow`; its index finds
            # every client's (the dashboard, the portfolio, its totals).
            models.UniqueConstraint(
                fields=["workspace", "client"],
                condition=models.Q(is_latest=True),
                name="snapshot_one_latest_per_client",
                violation_error_message=_("This client's current health is recorded already."),
            ),
        ]
        indexes = [
            # The 90-day sparklines, and a day's snapshots of the workspace.
            models.Index(fields=["workspace", "as_of"], name="snapshot_ws_day_idx"),
            # Every client's current health as the lists and totals read it, from the index
            # alone on PostgreSQL (reading the rows cost 8 ms at 5,000 clients, the index
            # 0.4 ms); SQLite keeps the columns out of it. Apart from the unique constraint
            # on the same keys, because a unique constraint with included columns is not
            # built at all on SQLite.
            models.Index(
                fields=["workspace", "client"],
                include=LATEST_READ,
                condition=models.Q(is_latest=True),
                name="snapshot_latest_read_idx",
            ),
            # The few marked stale, which each rescore clears (without it, every snapshot of
            # the clients rescored was read: 5.7 s for a nightly pass of 5,000 clients).
            models.Index(
                fields=["client"],
                condition=models.Q(stale_since__isnull=False),
                name="snapshot_stale_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.as_of}: {self.score}"

    def save(self, *args, **kwargs):
        connection = connections[kwargs.get("using") or HealthSnapshot.objects.db]
        with transaction.atomic(using=connection.alias):
            writers_wait_their_turn(connection, [self.workspace_id])
            super().save(*args, **kwargs)
            HealthSnapshot.objects.latest_marks_follow(
                client_ids=[self.client_id], as_of=self.as_of
            )


class AgreedStep(models.Model):
    """The step a person agreed to take with a client (in a review): set boundaries or
    renegotiate, and the day to check whether it worked. The advice ladder reads it: before
    that day the step has its chance; after it, a dimension that has not recovered points to
    ending. Written by the review through `services.agreed_step_record`; one per client."""

    class Step(models.TextChoices):
        SET_BOUNDARIES = Suggestion.SET_BOUNDARIES.value, Suggestion.SET_BOUNDARIES.label
        RENEGOTIATE = Suggestion.RENEGOTIATE.value, Suggestion.RENEGOTIATE.label

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="agreed_step")
    step = models.CharField(max_length=16, choices=Step.choices)
    agreed_on = models.DateField()
    check_on = models.DateField()
    # The weakest dimension when the step was agreed, and its score then.
    dimension = models.CharField(max_length=16, choices=Dimension.choices, blank=True)
    dimension_score = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreed step")
        verbose_name_plural = _("agreed steps")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_on__gte=models.F("agreed_on")),
                name="agreed_step_checked_after_agreed",
                violation_error_message=_(
                    "The day to check again comes after the day the step was agreed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.step} until {self.check_on}"


class Boundary(ChoiceLabels, models.Model):
    """One of the user's own lines, e.g. "alert me when a client pays late twice". What
    `threshold` and `span` (days or entries) mean depends on the kind: assessments.boundaries."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="boundaries")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=BoundaryKind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.WARNING
    )
    threshold = models.DecimalField(_("threshold"), max_digits=8, decimal_places=2)
    span = models.PositiveSmallIntegerField(_("over"), null=True, blank=True)
    muted_clients = models.ManyToManyField(
        Client, blank=True, related_name="muted_boundaries", verbose_name=_("muted for")
    )
    # Bumped by every save of the line's form (accounts.versions).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind"],
                name="boundary_one_per_kind",
                violation_error_message=_("There is a line of this kind already: change that one."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=BoundaryKind.values),
                name="boundary_kind_valid",
                violation_error_message=_("Choose one of the kinds of line offered."),
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=-2),
                name="boundary_threshold_sane",
                violation_error_message=_("Choose a threshold of −2 or more."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class AlertQuerySet(WorkspaceQuerySet):
    def unresolved(self) -> AlertQuerySet:
        return self.exclude(status=AlertStatus.RESOLVED)

    def showing(self, today) -> AlertQuerySet:
        """What asks for attention: open or acknowledged, and snoozed ones whose date came."""
        return self.unresolved().exclude(status=AlertStatus.SNOOZED, snoozed_until__gt=today)


class Alert(ChoiceLabels, models.Model):
    """A boundary crossed by a client. At most one unresolved per client and boundary; it
    resolves itself when the condition clears."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="alerts")
    boundary = models.ForeignKey(Boundary, on_delete=models.CASCADE, related_name="alerts")
    severity = models.CharField(max_length=8, choices=Severity.choices)
    # The order alerts are shown in, most severe first: kept by the database, so that an index
    # holds the alerts in that order and Today's first five are read, not all of them sorted.
    severity_rank = models.GeneratedField(
        expression=models.Case(
            models.When(severity=Severity.CRITICAL, then=models.Value(0)),
            models.When(severity=Severity.WARNING, then=models.Value(1)),
            default=models.Value(2),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    # [code, {params}], rendered in the reader's language by assessments.explain.
    evidence = models.JSONField(default=list)
    opened_at = models.DateTimeField(auto_now_add=True)
    snoozed_until = models.DateField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    # Resolved by a person (handled_by) or by itself when the condition cleared.
    resolved_automatically = models.BooleanField(default=False)
    # Resolved by hand while the line was still crossed: no new alert for the same line until
    # the condition has cleared once (set then).
    condition_cleared = models.BooleanField(default=False)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "boundary"],
                condition=~models.Q(status="resolved"),
                name="alert_one_unresolved_per_boundary",
                violation_error_message=_("This client has an open alert for this line already."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="snoozed") | models.Q(snoozed_until__isnull=False),
                name="alert_snooze_has_date",
                violation_error_message=_("A snoozed alert needs the day it comes back."),
            ),
        ]
        indexes = [
            # The dashboard's and the client page's list of what needs attention.
            models.Index(fields=["workspace", "status"], name="alert_ws_status_idx"),
            # The same list in the order it is shown (alerts_showing), the resolved left out.
            models.Index(
                fields=["workspace", "severity_rank", "-opened_at", "-id"],
                condition=~models.Q(status="resolved"),
                name="alert_ws_showing_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.boundary} · {self.client}"


class DigestSent(models.Model):
    """A weekly digest that went out: at most one per member and week, so the daily pass can
    run twice (or be retried) without sending twice."""

    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )
    week_start = models.DateField()  # the Monday of the digest's week
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "week_start"],
                name="digest_once_a_week",
                violation_error_message=_("This week's digest was sent already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} · {self.week_start}"
