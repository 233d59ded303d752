"""Imports: upload, preview, confirm, list and undo. Time-tracker exports for now."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.tenancy import get_in_workspace, workspace_role

from ..forms import TrackerUploadForm
from ..interchange import import_undo
from ..models import Client, ImportBatch, ImportUpload
from ..trackers.importer import tracker_import_apply, tracker_import_plan
from ..uploads import upload_content, upload_name, upload_store


@workspace_role(Role.MEMBER)
def import_list(request: HttpRequest) -> HttpResponse:
    batches = (
        ImportBatch.objects.for_workspace(request.workspace)
        .select_related("created_by")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "portfolio/imports.html",
        {"batches": batches, "tracker_form": TrackerUploadForm()},
    )


@require_POST
@workspace_role(Role.MEMBER)
def import_tracker_upload(request: HttpRequest) -> HttpResponse:
    form = TrackerUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        batches = ImportBatch.objects.for_workspace(request.workspace).order_by("-created_at")[:50]
        return render(
            request,
            "portfolio/imports.html",
            {"batches": batches, "tracker_form": form},
            status=422,
        )
    upload = upload_store(
        workspace=request.workspace,
        user=request.user,
        kind="tracker",
        files={"tracker": form.cleaned_data["file"]},
    )
    return redirect("portfolio:import_preview", ws=request.workspace.slug, code=upload.code)


def _own_upload(request: HttpRequest, code) -> ImportUpload:
    upload = get_in_workspace(request, ImportUpload.objects, code=code)
    if upload.created_by_id != request.user.pk:
        raise PermissionDenied
    return upload


def _client_or_none(request: HttpRequest, code: str) -> Client | None:
    if not code:
        return None
    try:
        return Client.objects.for_workspace(request.workspace).alive().get(code=code)
    except (Client.DoesNotExist, ValidationError):
        return None


@workspace_role(Role.MEMBER)
def import_preview(request: HttpRequest, code) -> HttpResponse:
    """GET shows what the import would do; POST does it."""
    upload = _own_upload(request, code)
    params = request.POST if request.method == "POST" else request.GET
    assign_to = _client_or_none(request, params.get("assign_to", ""))
    date_order = params.get("date_order") if params.get("date_order") in ("dmy", "mdy") else None
    skip_overlapping = params.get("skip_overlapping") == "yes"
    plan = tracker_import_plan(
        workspace=request.workspace,
        user=request.user,
        data=upload_content(upload, "tracker") or b"",
        filename=upload_name(upload, "tracker"),
        date_order=date_order,
        assign_to=assign_to,
    )
    if request.method == "POST" and plan.is_valid:
        batch = tracker_import_apply(plan=plan, skip_overlapping=skip_overlapping)
        upload.delete()
        done = ", ".join(batch.summary_lines) or _("nothing new")
        messages.success(request, _("Import done: %(summary)s.") % {"summary": done})
        return redirect("portfolio:import_list", ws=request.workspace.slug)
    clients = Client.objects.for_workspace(request.workspace).alive().order_by("name")
    return render(
        request,
        "portfolio/import_preview_tracker.html",
        {
            "upload": upload,
            "plan": plan,
            "assign_to": assign_to,
            "date_order": date_order,
            "skip_overlapping": skip_overlapping,
            "clients": clients.only("name", "code"),
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@workspace_role(Role.MEMBER)
def import_undo_view(request: HttpRequest, code) -> HttpResponse:
    batch = get_in_workspace(request, ImportBatch.objects, code=code)
    if batch.created_by_id != request.user.pk and not request.membership.can_manage:
        raise PermissionDenied
    try:
        import_undo(batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The import was undone: everything it added is gone."))
    return redirect("portfolio:import_list", ws=request.workspace.slug)
