"""Invoices, from the client's page: add, edit, mark paid, void; and back from the trash."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.dates import day_check
from accounts.models import Role
from accounts.tenancy import get_in_workspace, workspace_role

from .. import services
from ..forms import InvoiceForm
from ..models import Client, Invoice


def _invoice(request: HttpRequest, code) -> Invoice:
    return get_in_workspace(request, Invoice.objects.alive().select_related("client"), code=code)


def _back_to(request: HttpRequest, client: Client) -> HttpResponse:
    return redirect("portfolio:client_detail", ws=request.workspace.slug, code=client.code)


@workspace_role(Role.MEMBER)
def invoice_create(request: HttpRequest, code) -> HttpResponse:
    client = get_in_workspace(request, Client.objects.alive(), code=code)
    form = InvoiceForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = services.invoice_create(client=client, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invoice %(number)s added.") % {"number": invoice.number})
            return _back_to(request, client)
    return render(
        request,
        "portfolio/invoice_form.html",
        {"form": form, "client": client, "invoice": None},
        status=422 if form.errors else 200,
    )


@workspace_role(Role.MEMBER)
def invoice_edit(request: HttpRequest, code) -> HttpResponse:
    invoice = _invoice(request, code)
    form = InvoiceForm(request.POST or None, instance=invoice, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.invoice_update(
                invoice=Invoice.objects.get(pk=invoice.pk),
                version=form.cleaned_data["version"] or invoice.version,
                **form.changes(),
            )
        except services.ConflictError:
            form.add_error(
                None,
                _("Someone else changed this invoice while you were editing. Your changes are "
                  "still here; reload the client's page to see theirs, then save again."),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invoice %(number)s saved.") % {"number": invoice.number})
            return _back_to(request, invoice.client)
    return render(
        request,
        "portfolio/invoice_form.html",
        {"form": form, "client": invoice.client, "invoice": invoice},
        status=422 if form.errors else 200,
    )


@require_POST
@workspace_role(Role.MEMBER)
def invoice_paid(request: HttpRequest, code) -> HttpResponse:
    invoice = _invoice(request, code)
    today = request.workspace.today()
    try:
        paid_on = day_check(
            dt.date.fromisoformat(request.POST.get("paid_on") or today.isoformat()), today=today
        )
    except ValueError:
        messages.error(request, _("Enter the day it was paid as a date."))
        return _back_to(request, invoice.client)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to(request, invoice.client)
    amount = None
    if raw := request.POST.get("amount", "").strip().replace(",", "."):
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            messages.error(request, _("The amount paid must be a number."))
            return _back_to(request, invoice.client)
    try:
        services.invoice_mark_paid(invoice=invoice, paid_on=paid_on, amount=amount)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Payment of invoice %(number)s recorded.") % {"number": invoice.number}
        )
    return _back_to(request, invoice.client)


@require_POST
@workspace_role(Role.MEMBER)
def invoice_void(request: HttpRequest, code) -> HttpResponse:
    invoice = _invoice(request, code)
    void = request.POST.get("void", "yes") == "yes"
    services.invoice_void(invoice=invoice, void=void)
    message = (
        _("Invoice %(number)s is void: it no longer counts for revenue or lateness.")
        if void
        else _("Invoice %(number)s counts again.")
    )
    messages.success(request, message % {"number": invoice.number})
    return _back_to(request, invoice.client)


@require_POST
@workspace_role(Role.MEMBER)
def invoice_restore(request: HttpRequest, code) -> HttpResponse:
    """From the trash page: an invoice an undone import had added, back where it was."""
    invoice = get_in_workspace(
        request,
        Invoice.objects.in_trash().filter(client__deleted_at__isnull=True).select_related("client"),
        code=code,
    )
    services.invoice_restore(invoice=invoice)
    messages.success(
        request,
        _("Invoice %(number)s of %(client)s is back.")
        % {"number": invoice.number, "client": invoice.client.name},
    )
    return _back_to(request, invoice.client)
