"""invoices.csv: matched by invoice number, which is unique in the workspace."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ..models import Invoice
from .columns import CellError
from .context import Context, LineError, assign, assign_client, in_trash
from .plan import FilePlan, RowError
from .sheets import Record, Sheet

OPTIONAL = ("due_on", "paid_on", "paid_amount", "void")


def plan_invoices(sheet: Sheet, ctx: Context, plan: FilePlan, errors: list[RowError]) -> None:
    by_number = {
        invoice.number: invoice for invoice in Invoice.objects.for_workspace(ctx.workspace)
    }
    lines: dict[str, int] = {}
    for record in sheet.records:
        number = record.values.get("number")
        if not number:
            continue  # reported: the number is required
        try:
            if number in lines:
                message = _("“%(value)s” is already on line %(line)s.")
                raise LineError("number", message % {"value": number, "line": lines[number]})
            lines[number] = record.line
            stored = by_number.get(number)
            if stored is not None:
                owner = ctx.clients_by_pk[stored.client_id]
                if owner.in_trash and not ctx.restorable("client", owner):
                    raise LineError("number", in_trash(owner.name))
                if stored.deleted_at is not None and not ctx.restorable("invoice", stored):
                    raise LineError("number", in_trash(number))
            if not record.values.get("client"):
                continue  # reported: the client is required
            try:
                client = ctx.client_for(record.values["client"])
            except CellError as error:
                raise LineError("client", str(error)) from None
            if record.failed:
                continue
            invoice = stored or Invoice(workspace=ctx.workspace)
            desired = _desired(sheet, record, invoice)
            if invoice.deleted_at is not None:  # an undone import's, brought back
                desired["deleted_at"] = None
        except LineError as error:
            errors.append(RowError(sheet.file, record.line, error.column, error.message))
            continue
        if (client_line := ctx.refused_line(client)) is not None:
            plan.hold(record.line, client=client.name, client_line=client_line)
            continue
        plan.add(invoice, assign_client(invoice, client) | assign(invoice, desired))


def _desired(sheet: Sheet, record: Record, invoice: Invoice) -> dict[str, Any]:
    values = record.values
    desired = {
        "number": values["number"],
        "issued_on": values["issued_on"],
        "amount": values["amount"],
    } | {column: values[column] for column in OPTIONAL if column in sheet.columns}
    due_on = desired.get("due_on", invoice.due_on)
    if due_on and due_on < desired["issued_on"]:
        column = "due_on" if "due_on" in desired else "issued_on"
        message = _("The due date, %(due)s, is before the issue date, %(issued)s.")
        raise LineError(column, message % {"due": due_on, "issued": desired["issued_on"]})
    # Unpaid: the amount paid means nothing. Paid without an amount: paid in full.
    paid_on = desired.get("paid_on", invoice.paid_on)
    paid_amount = desired.get("paid_amount", invoice.paid_amount)
    if paid_on is None:
        desired["paid_amount"] = None
    elif paid_amount is None:
        desired["paid_amount"] = desired["amount"]
    elif paid_amount > desired["amount"]:
        column = "paid_amount" if "paid_amount" in desired else "amount"
        message = _("The amount paid, %(paid)s, is more than the invoice, %(amount)s.")
        raise LineError(column, message % {"paid": paid_amount, "amount": desired["amount"]})
    return desired
