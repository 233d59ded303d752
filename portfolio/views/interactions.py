"""The interaction log: the quick log (HTMX, keyboard-first), undo, edit and delete."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from accounts.htmx import render_fragment, wants_fragment
from accounts.models import Role
from accounts.tenancy import get_in_workspace, workspace_role

from .. import selectors, services
from ..forms import InteractionForm
from ..models import Client, Interaction
from ..quick_log import quick_log_context

QUICK_LOG = "portfolio/_quick_log.html"
# Announced by every in-page write of a client's data; the client page's health panel listens.
CLIENT_CHANGED = "clientChanged"


def _may_change(request: HttpRequest, interaction: Interaction) -> bool:
    return interaction.author_id == request.user.pk or request.membership.can_manage


def _interaction(request: HttpRequest, code, *, deleted: bool = False) -> Interaction:
    entries = Interaction.objects.select_related("client", "author").filter(
        deleted_at__isnull=not deleted, client__deleted_at__isnull=True
    )
    return get_in_workspace(request, entries, code=code)


def _client_changed(request: HttpRequest, response: HttpResponse, client: Client) -> HttpResponse:
    """Announce the change, and when the page in the browser is this client's page, bring its
    own parts that the change touched (totals, the empty timeline's hint) out of band."""
    trigger_client_event(response, CLIENT_CHANGED, {"client": str(client.code)})
    page = urlsplit(request.htmx.current_url_abs_path or "").path
    if page != reverse(
        "portfolio:client_detail", kwargs={"ws": request.workspace.slug, "code": client.code}
    ):
        return response
    today = request.workspace.today()
    items, _next = selectors.client_timeline(client=client, size=1)
    context = {
        "client": client,
        "totals": selectors.client_totals(client=client, today=today),
        "invoice_summary": selectors.invoice_summary(client=client, today=today),
        "items": items,
        "oob": True,
    }
    for part in ("totals", "timeline-empty"):
        response.write(render_to_string(f"portfolio/client_detail.html#{part}", context, request))
    return response


@require_POST
@workspace_role(Role.MEMBER)
def interaction_create(request: HttpRequest) -> HttpResponse:
    fixed_client = None
    if code := request.POST.get("client_code"):
        fixed_client = get_in_workspace(request, Client.objects.alive(), code=code)
    form = InteractionForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        try:
            interaction = services.interaction_log(
                client=form.cleaned_data["client"],
                author=request.user,
                kind=form.cleaned_data["kind"],
                minutes=form.cleaned_data["minutes"] or 0,
                billable=form.cleaned_data["billable"],
                feeling=form.cleaned_data["feeling"],
                flags=form.cleaned_data["flags"],
                summary=form.cleaned_data["summary"],
                request_key=form.cleaned_data.get("request_key"),
                **form.when(),
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        context = quick_log_context(
            workspace=request.workspace,
            author=request.user,
            client=fixed_client,
            form=form,
            names=not wants_fragment(request),
        )
        if wants_fragment(request):
            response = render_fragment(request, QUICK_LOG, context, status=422)
            return reswap(retarget(response, "#quick-log"), "outerHTML")
        # Without script: the same form again with what was typed and why it was refused
        # (no redirect, so nothing typed is lost and no address from the request is followed).
        return render(request, "portfolio/quick_log_refused.html", context, status=422)
    if not wants_fragment(request):
        messages.success(request, _("Logged."))
        return redirect(
            "portfolio:client_detail", ws=request.workspace.slug, code=interaction.client.code
        )
    context = quick_log_context(
        workspace=request.workspace, author=request.user, client=fixed_client, names=False
    ) | {
        "item": selectors.TimelineItem(at=interaction.occurred_at, interaction=interaction),
        "just_logged": interaction,
        "show_client": fixed_client is None,
    }
    response = render(request, "portfolio/_logged.html", context)
    return _client_changed(request, response, interaction.client)


@require_POST
@workspace_role(Role.MEMBER)
def interaction_delete(request: HttpRequest, code) -> HttpResponse:
    interaction = _interaction(request, code)
    if not _may_change(request, interaction):
        raise PermissionDenied
    services.interaction_delete(interaction=interaction)
    if wants_fragment(request):
        response = render(request, "portfolio/_deleted.html", {"interaction": interaction})
        return _client_changed(request, response, interaction.client)
    messages.success(request, _("The entry was deleted."))
    return redirect(
        "portfolio:client_detail", ws=request.workspace.slug, code=interaction.client.code
    )


@require_POST
@workspace_role(Role.MEMBER)
def interaction_restore(request: HttpRequest, code) -> HttpResponse:
    """The undo of a delete (and of a quick log: undoing a new entry deletes it)."""
    interaction = _interaction(request, code, deleted=True)
    if not _may_change(request, interaction):
        raise PermissionDenied
    services.interaction_restore(interaction=interaction)
    if wants_fragment(request):
        item = selectors.TimelineItem(at=interaction.occurred_at, interaction=interaction)
        response = render(request, "portfolio/_timeline_item.html", {"item": item})
        return _client_changed(request, response, interaction.client)
    messages.success(request, _("The entry is back."))
    return redirect(
        "portfolio:client_detail", ws=request.workspace.slug, code=interaction.client.code
    )


@workspace_role(Role.MEMBER)
def interaction_edit(request: HttpRequest, code) -> HttpResponse:
    interaction = _interaction(request, code)
    if not _may_change(request, interaction):
        raise PermissionDenied
    local = interaction.occurred_at.astimezone(request.workspace.tzinfo)
    initial = {
        "client": interaction.client.name,
        "kind": interaction.kind,
        "minutes": interaction.minutes,
        "billable": interaction.billable,
        "feeling": interaction.feeling,
        "flags": interaction.flags,
        "summary": interaction.summary,
        "occurred_on": local.date(),
        "occurred_time": None if interaction.date_only else local.time().replace(microsecond=0),
        "version": interaction.version,
    }
    form = InteractionForm(request.POST or None, workspace=request.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        when = form.when()
        fields = {
            "client": form.cleaned_data["client"],
            "kind": form.cleaned_data["kind"],
            "minutes": form.cleaned_data["minutes"] or 0,
            "billable": form.cleaned_data["billable"],
            "feeling": form.cleaned_data["feeling"],
            "summary": form.cleaned_data["summary"].strip(),
        }
        if "occurred_at" in when:
            fields["occurred_at"] = when["occurred_at"]
        try:
            services.interaction_update(
                interaction=interaction,
                version=form.cleaned_data["version"] or interaction.version,
                flags=form.cleaned_data["flags"],
                **fields,
            )
        except services.ConflictError:
            form.add_error(
                None,
                _("Someone else changed this entry while you were editing. Your changes are "
                  "still here; reload the client's page to see theirs, then save again."),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The entry was saved."))
            return redirect(
                "portfolio:client_detail",
                ws=request.workspace.slug,
                code=fields["client"].code,
            )
    return render(
        request,
        "portfolio/interaction_form.html",
        {
            "form": form,
            "interaction": interaction,
            "client_names": selectors.client_suggestions(workspace=request.workspace),
        },
        status=422 if form.errors else 200,
    )
