"""Client pages: the list, one client's page, adding, editing, status, hand-over and trash."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.htmx import wants_fragment
from accounts.models import Role, User
from accounts.tenancy import get_in_workspace, workspace_role

from .. import selectors, services
from ..forms import ClientForm, DepartureForm, HandOverForm, member_choices
from ..models import BillingModel, Client, ClientLanguage, ClientStatus, EndedBy
from ..quick_log import quick_log_context

PAGE_SIZE = 25


def _client(request: HttpRequest, code, *, trash: bool = False) -> Client:
    clients = Client.objects.select_related("owner")
    clients = clients.in_trash() if trash else clients.alive()
    return get_in_workspace(request, clients, code=code)


def _client_language(language: str) -> str:
    """The interface's language as a client's message language (BCP 47 case: pt-BR)."""
    by_lower = {code.lower(): code for code in ClientLanguage.values}
    return by_lower.get(language.lower(), ClientLanguage.ENGLISH)


def _filters(request: HttpRequest) -> dict:
    params = request.GET
    owner = None
    if params.get("owner", "").isdigit():
        owner = User.objects.filter(
            pk=int(params["owner"]), memberships__workspace=request.workspace
        ).first()
    return {
        "search": params.get("q", "")[:100],
        "status": params.get("status", "") if params.get("status") in ClientStatus.values else "",
        "owner": owner,
        "billing_model": params.get("billing", "")
        if params.get("billing") in BillingModel.values
        else "",
        "sort": params["sort"] if params.get("sort") in selectors.CLIENT_SORTS else "name",
    }


@workspace_role(Role.VIEWER)
def client_list(request: HttpRequest, *, trash: bool = False) -> HttpResponse:
    filters = _filters(request)
    clients = selectors.client_list(workspace=request.workspace, trash=trash, **filters)
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "trash": trash,
        "statuses": ClientStatus.choices,
        "billing_models": BillingModel.choices,
        "owners": member_choices(request.workspace),
        "sorts": [
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("last_contact", _("Recent contact first")),
            ("-last_contact", _("Longest without contact")),
            ("status", _("Status")),
            ("newest", _("Newest first")),
        ],
        "filtered": any(filters[key] for key in ("search", "status", "owner", "billing_model")),
    }
    if trash and not wants_fragment(request):
        context["trashed_invoices"] = selectors.invoices_in_trash(workspace=request.workspace)
    if wants_fragment(request):
        return render(request, "portfolio/client_list.html#results", context)
    return render(request, "portfolio/client_list.html", context)


@workspace_role(Role.VIEWER)
def client_trash_list(request: HttpRequest) -> HttpResponse:
    return client_list(request, trash=True)


@require_GET
@workspace_role(Role.MEMBER)
def client_suggestions(request: HttpRequest) -> HttpResponse:
    """The names the client field of an entry suggests for what is typed in it (its `client`),
    as the options of its list."""
    names = selectors.client_suggestions(
        workspace=request.workspace, query=request.GET.get("client", "")[:200]
    )
    return render(request, "portfolio/_client_suggestions.html", {"names": names})


@workspace_role(Role.MEMBER)
def client_create(request: HttpRequest) -> HttpResponse:
    form = ClientForm(
        request.POST or None,
        workspace=request.workspace,
        initial={
            "owner": request.user.pk,
            "started_on": request.workspace.today(),
            # Clients mostly speak the language their freelancer works in.
            "language": _client_language(get_language()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                workspace=request.workspace, by=request.user, **form.changes()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": client.name})
            return redirect("portfolio:client_detail", ws=request.workspace.slug, code=client.code)
    return render(
        request,
        "portfolio/client_form.html",
        {"form": form, "client": None},
        status=422 if form.errors else 200,
    )


@workspace_role(Role.VIEWER)
def client_detail(request: HttpRequest, code) -> HttpResponse:
    try:
        client = _client(request, code)
    except Http404:
        # An old link to a client in the trash: say where it is, and how to bring it back.
        trashed = _client(request, code, trash=True)
        return render(request, "portfolio/client_in_trash.html", {"client": trashed}, status=404)
    today = request.workspace.today()
    cursor = selectors.TimelineCursor.decode(request.GET.get("after", ""))
    items, next_cursor = selectors.client_timeline(client=client, cursor=cursor)
    context = {
        "client": client,
        "items": items,
        "next_cursor": next_cursor.encode() if next_cursor else "",
        "today": today,
    }
    if wants_fragment(request) and request.GET.get("after"):
        return render(request, "portfolio/client_detail.html#timeline-page", context)
    context |= {
        "totals": selectors.client_totals(client=client, today=today),
        "invoice_summary": selectors.invoice_summary(client=client, today=today),
        "statuses": ClientStatus.choices,
        **quick_log_context(workspace=request.workspace, author=request.user, client=client),
    }
    return render(request, "portfolio/client_detail.html", context)


@workspace_role(Role.MEMBER)
def client_edit(request: HttpRequest, code) -> HttpResponse:
    client = _client(request, code)
    form = ClientForm(request.POST or None, instance=client, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(
                client=Client.objects.get(pk=client.pk),
                version=form.cleaned_data["version"] or client.version,
                **form.changes(),
            )
        except services.ConflictError:
            form.add_error(
                None,
                _(
                    "Someone else changed this client while you were editing. Your changes are "
                    "still here: open the client in a new tab to see theirs, then save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = Client.objects.get(pk=client.pk).version
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": client.name})
            return redirect("portfolio:client_detail", ws=request.workspace.slug, code=client.code)
    return render(
        request,
        "portfolio/client_form.html",
        {"form": form, "client": client},
        status=422 if form.errors else 200,
    )


@require_POST
@workspace_role(Role.MEMBER)
def client_status(request: HttpRequest, code) -> HttpResponse:
    client = _client(request, code)
    status = request.POST.get("status", "")
    if status not in ClientStatus.values:
        messages.error(request, _("Choose a valid status."))
    else:
        services.client_change_status(client=client, status=status)
        messages.success(
            request,
            _("%(name)s is now %(status)s.")
            % {"name": client.name, "status": ClientStatus(status).label.lower()},
        )
    return redirect("portfolio:client_detail", ws=request.workspace.slug, code=client.code)


@workspace_role(Role.MEMBER)
def client_hand_over(request: HttpRequest, code) -> HttpResponse:
    client = _client(request, code)
    form = HandOverForm(request.POST or None, workspace=request.workspace, client=client)
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"]
        services.client_hand_over(client=client, to=to, by=request.user)
        messages.success(
            request,
            _("%(name)s is now looked after by %(member)s.")
            % {"name": client.name, "member": to.display_name},
        )
        return redirect("portfolio:client_detail", ws=request.workspace.slug, code=client.code)
    return render(
        request,
        "portfolio/client_hand_over.html",
        {"form": form, "client": client},
        status=422 if form.errors else 200,
    )


@workspace_role(Role.MEMBER)
def client_departure(request: HttpRequest, code) -> HttpResponse:
    """ "They ended it": the client left on their own. When, why, and what was learned."""
    client = _client(request, code)
    today = request.workspace.today()
    form = DepartureForm(request.POST or None, client=client, today=today)
    if request.method == "POST" and form.is_valid():
        services.client_update(
            client=client,
            version=client.version,
            status=ClientStatus.ENDED,
            ended_by=EndedBy.THEY_ENDED,
            **form.cleaned_data,
        )
        messages.success(
            request,
            _(
                "%(name)s has ended. Many departures have causes outside your control: budgets, "
                "new priorities, a change of people. It is not a verdict on your work."
            )
            % {"name": client.name},
        )
        return redirect("portfolio:client_detail", ws=request.workspace.slug, code=client.code)
    return render(
        request,
        "portfolio/client_departure.html",
        {"form": form, "client": client},
        status=422 if form.errors else 200,
    )


@require_POST
@workspace_role(Role.MEMBER)
def client_trash(request: HttpRequest, code) -> HttpResponse:
    client = _client(request, code)
    services.client_trash(client=client)
    messages.success(
        request,
        _("%(name)s was moved to the trash. Nothing is lost: you can restore it from there.")
        % {"name": client.name},
    )
    return redirect("portfolio:client_list", ws=request.workspace.slug)


@require_POST
@workspace_role(Role.MEMBER)
def client_restore(request: HttpRequest, code) -> HttpResponse:
    client = _client(request, code, trash=True)
    services.client_restore(client=client)
    messages.success(request, _("%(name)s is back.") % {"name": client.name})
    return redirect("portfolio:client_detail", ws=request.workspace.slug, code=client.code)


@workspace_role(Role.MANAGER)
def client_delete(request: HttpRequest, code) -> HttpResponse:
    client = _client(request, code, trash=True)
    if request.method == "POST":
        name = client.name
        services.client_delete_permanently(client=client)
        messages.success(request, _("%(name)s was deleted for good.") % {"name": name})
        return redirect("portfolio:client_trash", ws=request.workspace.slug)
    counts = {
        "interactions": client.interactions.count(),
        "invoices": client.invoices.count(),
    }
    return render(request, "portfolio/client_delete.html", {"client": client, "counts": counts})
