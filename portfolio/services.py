"""Writes of the portfolio: clients, interactions and invoices. Each announces, on commit,
which clients changed (portfolio.signals) and nothing more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import ConflictError  # noqa: F401 (the views catch services.ConflictError)
from accounts.models import Membership, User, Workspace
from accounts.versions import save_checked

from .models import Client, ClientStatus, Flag, HandOver, Interaction, Invoice, flag_field
from .rules import is_out_of_hours, noon_in
from .signals import ALL_HISTORY, announce_clients_changed


def _local_day(interaction: Interaction) -> dt.date:
    return timezone.localdate(interaction.occurred_at, timezone=interaction.workspace.tzinfo)


def _check_owner(workspace: Workspace, owner: User | None) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user=owner).exists()
    ):
        raise ValidationError({"owner": _("The owner must be a member of this workspace.")})


def _check_name_free(client: Client) -> None:
    taken = (
        Client.objects.for_workspace(client.workspace)
        .filter(name__iexact=client.name)
        .exclude(pk=client.pk)
        .first()
    )
    if taken is not None:
        message = (
            _("A client with this name is in the trash. Restore it instead of adding it again.")
            if taken.in_trash
            else _("You already have a client with this name.")
        )
        raise ValidationError({"name": message})


@transaction.atomic
def client_create(*, workspace: Workspace, by: User, **fields) -> Client:
    client = Client(workspace=workspace, **fields)
    client.name = client.name.strip()
    if client.owner is None:
        client.owner = by
    _check_owner(workspace, client.owner)
    client.full_clean(exclude=["workspace"])
    _check_name_free(client)
    client.save()
    announce_clients_changed(workspace_id=workspace.pk, client_ids=[client.pk])
    return client


@transaction.atomic
def client_update(*, client: Client, version: int, **fields) -> Client:
    """Change a client's fields. Refused with ConflictError if someone saved it meanwhile.
    A change of its terms (how it is billed, its rate, whether it is still a prospect) is
    announced for its whole history: every past day is read with the terms it has now."""
    before = _terms(Client.objects.filter(pk=client.pk).values(*TERMS).first() or {})
    for name, value in fields.items():
        setattr(client, name, value)
    client.name = client.name.strip()
    _check_owner(client.workspace, client.owner)
    client.full_clean(exclude=["workspace"])
    _check_name_free(client)
    save_checked(client, version=version, fields=list(fields))
    after = _terms({name: getattr(client, name) for name in TERMS})
    announce_clients_changed(
        workspace_id=client.workspace_id,
        client_ids=[client.pk],
        since=ALL_HISTORY if after != before else None,
    )
    return client


# The fields of a client its scores depend on, besides its log.
TERMS = ("billing_model", "rate", "status")


def _terms(values: dict) -> tuple:
    rate = values.get("rate")
    return (
        values.get("billing_model"),
        None if rate is None else Decimal(rate),
        values.get("status") == ClientStatus.PROSPECT,
    )


@transaction.atomic
def client_change_status(*, client: Client, status: str, version: int | None = None) -> Client:
    fields = {"status": status}
    if status == ClientStatus.ENDED and client.ended_on is None:
        fields["ended_on"] = client.workspace.today()
    if status != ClientStatus.ENDED and client.status == ClientStatus.ENDED:
        fields |= {"ended_on": None, "ended_by": "", "end_reason": "", "departure_reason": ""}
    return client_update(client=client, version=version or client.version, **fields)


@transaction.atomic
def client_hand_over(
    *,
    client: Client,
    to: User,
    version: int | None = None,
    by: User | None = None,
    note: str = "",
    review_code=None,
) -> Client:
    """Give the client a new owner, and write the hand-over into the client's history."""
    previous = client.owner
    client = client_update(client=client, version=version or client.version, owner=to)
    HandOver.objects.create(
        workspace=client.workspace,
        client=client,
        by=by,
        from_owner=previous,
        to_owner=to,
        note=note.strip()[:4000],
        review_code=review_code,
    )
    return client


@transaction.atomic
def client_trash(*, client: Client) -> None:
    Client.objects.filter(pk=client.pk).update(deleted_at=timezone.now())
    client.deleted_at = timezone.now()
    announce_clients_changed(workspace_id=client.workspace_id, client_ids=[client.pk])


@transaction.atomic
def client_restore(*, client: Client) -> None:
    Client.objects.filter(pk=client.pk).update(deleted_at=None)
    client.deleted_at = None
    announce_clients_changed(workspace_id=client.workspace_id, client_ids=[client.pk])


@transaction.atomic
def client_delete_permanently(*, client: Client) -> None:
    if not client.in_trash:
        raise ValidationError(_("Move the client to the trash first."))
    workspace_id, pk = client.workspace_id, client.pk
    client.delete()
    announce_clients_changed(workspace_id=workspace_id, client_ids=[pk])


@transaction.atomic
def interaction_log(
    *,
    client: Client,
    author: User,
    kind: str,
    occurred_at: dt.datetime | None = None,
    occurred_on: dt.date | None = None,
    minutes: int = 0,
    billable: bool = False,
    feeling: int | None = None,
    flags: Iterable[str] = (),
    summary: str = "",
    external_id: str | None = None,
    request_key=None,
) -> Interaction:
    """Log one interaction. Give `occurred_at`, or only `occurred_on` (a date: noon, and never
    flagged "out of hours" automatically). Contact outside working hours gets that flag.

    `request_key` is the quick log form's own key: the same form sent twice (a double tap, a
    resent request on a bad connection) logs one entry, and the second send gets it back."""
    workspace = client.workspace
    date_only = occurred_at is None and occurred_on is not None
    when = noon_in(workspace, occurred_on) if date_only else (occurred_at or timezone.now())
    interaction = Interaction(
        workspace=workspace,
        client=client,
        author=author,
        kind=kind,
        occurred_at=when,
        date_only=date_only,
        minutes=minutes or 0,
        billable=billable,
        feeling=feeling,
        summary=summary.strip(),
        request_key=request_key,
    )
    if external_id:
        interaction.external_id = external_id
    chosen = set(flags)
    if Flag.OUT_OF_HOURS not in chosen:
        interaction.out_of_hours_by_rule = True
        if is_out_of_hours(occurred_at=when, kind=kind, workspace=workspace, date_only=date_only):
            chosen.add(Flag.OUT_OF_HOURS)
    interaction.set_flags(chosen)
    # The fields' own validation covers the table's checks (the kinds, the feelings, at most a
    # day), each of which Django would ask the database again; the code is new, and a second
    # send of the form is answered below.
    interaction.full_clean(
        exclude=["workspace", "client", "author"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():
            interaction.save()
    except IntegrityError:
        # The same form sent again (one row per key: interaction_request_once): the entry the
        # first send logged is the answer. Any other refusal stays an error.
        sent_before = (
            request_key
            and Interaction.objects.filter(
                workspace_id=client.workspace_id, author=author, request_key=request_key
            ).first()
        )
        if not sent_before:
            raise
        return sent_before
    announce_clients_changed(
        workspace_id=client.workspace_id, client_ids=[client.pk], since=_local_day(interaction)
    )
    return interaction


@transaction.atomic
def interaction_update(
    *, interaction: Interaction, version: int, flags: Iterable[str] | None = None, **fields
) -> Interaction:
    """Edit an entry. The flags are what the user chose: a cleared "out of hours" stays cleared."""
    previous_client_id = interaction.client_id
    previous_day = _local_day(interaction)
    for name, value in fields.items():
        setattr(interaction, name, value)
    if "client" in fields:
        interaction.workspace_id = interaction.client.workspace_id
    if "occurred_at" in fields:
        interaction.date_only = False
    names = list(fields) + (["date_only"] if "occurred_at" in fields else [])
    if flags is not None:
        flags = set(flags)
        if (Flag.OUT_OF_HOURS in flags) != interaction.flag_out_of_hours:
            interaction.out_of_hours_by_rule = False  # the person decided
        interaction.set_flags(flags)
        names += [flag_field(flag) for flag in Flag]
    if interaction.out_of_hours_by_rule and {"occurred_at", "kind"} & set(fields):
        interaction.flag_out_of_hours = _out_of_hours(interaction, interaction.client.workspace)
    names += ["out_of_hours_by_rule", "flag_out_of_hours"]
    interaction.full_clean(exclude=["workspace", "client", "author"])
    save_checked(interaction, version=version, fields=names)
    announce_clients_changed(
        workspace_id=interaction.workspace_id,
        client_ids={previous_client_id, interaction.client_id},
        since=min(previous_day, _local_day(interaction)),
    )
    return interaction


def _out_of_hours(interaction: Interaction, workspace: Workspace) -> bool:
    return is_out_of_hours(
        occurred_at=interaction.occurred_at,
        kind=interaction.kind,
        workspace=workspace,
        date_only=interaction.date_only,
    )


# Entries whose "out of hours" flag is recomputed per query when the working hours change.
RECOMPUTE_BATCH = 2000


@transaction.atomic
def out_of_hours_recompute(*, workspace: Workspace) -> int:
    """After the working days, hours or time zone changed: the "out of hours" flags that the
    rule set follow the new hours (never one a person set or cleared), and the clients whose
    entries changed are rescored from the earliest day that changed. Returns entries changed."""
    entries = (
        Interaction.objects.filter(workspace=workspace, out_of_hours_by_rule=True)
        .only("pk", "client_id", "occurred_at", "date_only", "kind", "flag_out_of_hours")
        .order_by("pk")
    )
    changed, clients, since = [], set(), None
    now = timezone.now()
    for interaction in entries.iterator(chunk_size=RECOMPUTE_BATCH):
        verdict = _out_of_hours(interaction, workspace)
        if verdict != interaction.flag_out_of_hours:
            interaction.flag_out_of_hours = verdict
            # A newer version: an edit form opened before this cannot save the old flag back.
            interaction.version = F("version") + 1
            interaction.updated_at = now
            changed.append(interaction)
            clients.add(interaction.client_id)
            day = timezone.localdate(interaction.occurred_at, timezone=workspace.tzinfo)
            since = day if since is None else min(since, day)
    Interaction.objects.bulk_update(
        changed, ["flag_out_of_hours", "version", "updated_at"], batch_size=RECOMPUTE_BATCH
    )
    if changed:
        announce_clients_changed(workspace_id=workspace.pk, client_ids=clients, since=since)
    return len(changed)


@transaction.atomic
def interaction_delete(*, interaction: Interaction) -> None:
    """Move an entry to the trash; `interaction_restore` brings it back (the undo)."""
    Interaction.objects.filter(pk=interaction.pk).update(deleted_at=timezone.now())
    interaction.deleted_at = timezone.now()
    announce_clients_changed(
        workspace_id=interaction.workspace_id,
        client_ids=[interaction.client_id],
        since=_local_day(interaction),
    )


@transaction.atomic
def interaction_restore(*, interaction: Interaction) -> None:
    Interaction.objects.filter(pk=interaction.pk).update(deleted_at=None)
    interaction.deleted_at = None
    announce_clients_changed(
        workspace_id=interaction.workspace_id,
        client_ids=[interaction.client_id],
        since=_local_day(interaction),
    )


@transaction.atomic
def invoice_restore(*, invoice: Invoice) -> None:
    """Out of the trash: counted again in revenue and lateness from now on."""
    Invoice.objects.filter(pk=invoice.pk).update(
        deleted_at=None, version=F("version") + 1, updated_at=timezone.now()
    )
    invoice.deleted_at = None
    announce_clients_changed(
        workspace_id=invoice.workspace_id, client_ids=[invoice.client_id], since=ALL_HISTORY
    )


@transaction.atomic
def invoice_create(*, client: Client, **fields) -> Invoice:
    invoice = Invoice(workspace_id=client.workspace_id, client=client, **fields)
    _normalise_payment(invoice)
    invoice.full_clean(exclude=["workspace", "client"])
    _check_number_free(invoice)
    invoice.save()
    announce_clients_changed(
        workspace_id=client.workspace_id, client_ids=[client.pk], since=invoice.issued_on
    )
    return invoice


@transaction.atomic
def invoice_update(*, invoice: Invoice, version: int, **fields) -> Invoice:
    previous_issue = invoice.issued_on
    for name, value in fields.items():
        setattr(invoice, name, value)
    _normalise_payment(invoice)
    invoice.full_clean(exclude=["workspace", "client"])
    _check_number_free(invoice)
    save_checked(invoice, version=version, fields=[*fields, "paid_amount", "paid_on"])
    announce_clients_changed(
        workspace_id=invoice.workspace_id,
        client_ids=[invoice.client_id],
        since=min(previous_issue, invoice.issued_on),
    )
    return invoice


@transaction.atomic
def invoice_mark_paid(
    *, invoice: Invoice, paid_on: dt.date, amount: Decimal | None = None
) -> Invoice:
    """Record a payment; without an amount, the invoice is paid in full."""
    return invoice_update(
        invoice=invoice,
        version=invoice.version,
        paid_on=paid_on,
        paid_amount=invoice.amount if amount is None else amount,
    )


@transaction.atomic
def invoice_void(*, invoice: Invoice, void: bool = True) -> Invoice:
    return invoice_update(invoice=invoice, version=invoice.version, void=void)


def _normalise_payment(invoice: Invoice) -> None:
    if invoice.paid_on is None:
        invoice.paid_amount = None
    elif invoice.paid_amount is None:
        invoice.paid_amount = invoice.amount
    if invoice.paid_amount is not None and invoice.paid_amount > invoice.amount:
        raise ValidationError({"paid_amount": _("The amount paid cannot exceed the invoice.")})


def _check_number_free(invoice: Invoice) -> None:
    clash = (
        Invoice.objects.for_workspace(invoice.workspace_id)
        .filter(number=invoice.number)
        .exclude(pk=invoice.pk)
        .only("deleted_at")
        .first()
    )
    if clash is None:
        return
    if clash.deleted_at is not None:
        message = _("An invoice with this number is in the trash. Restore it instead.")
    else:
        message = _("Another invoice already has this number.")
    raise ValidationError({"number": message})
