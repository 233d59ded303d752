"""Imports: upload, preview, confirm, list, follow and undo; the CSV files and time-tracker
exports alike run as a background task, followed on the status page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.htmx import wants_fragment
from accounts.models import Role
from accounts.tenancy import get_in_workspace, workspace_role

from ..forms import InterchangeUploadForm, TrackerUploadForm, too_large_message
from ..interchange import export_zip, import_undo
from ..models import Client, ImportBatch, ImportPreview, ImportStatus, ImportUpload
from ..previews import DATE_ORDERS, preview_choices, summary_shown
from ..tasks import files_import_start, preview_start, tracker_import_start
from ..uploads import (
    max_upload_bytes,
    preview_lost,
    quota_bytes,
    quota_used,
    upload_names,
    upload_store,
    uploads_waiting,
)


def _import_page(request: HttpRequest, *, tracker_form=None, files_form=None) -> HttpResponse:
    """The import page; a form given here failed validation and is shown with its errors."""
    batches = (
        ImportBatch.objects.for_workspace(request.workspace)
        .select_related("created_by")
        .order_by("-created_at")[:50]
    )
    context = {
        "batches": batches,
        "waiting": uploads_waiting(workspace=request.workspace, user=request.user),
        # The same limit and words in the page, so that a browser refuses before sending.
        "max_upload_bytes": max_upload_bytes(),
        "too_large_one": too_large_message(1),
        "too_large_several": too_large_message(3),
        "tracker_form": tracker_form or TrackerUploadForm(),
        "files_form": files_form or InterchangeUploadForm(),
    }
    status = 422 if tracker_form or files_form else 200
    return render(request, "portfolio/imports.html", context, status=status)


@workspace_role(Role.MEMBER)
def import_list(request: HttpRequest) -> HttpResponse:
    return _import_page(request)


def _within_quota(request: HttpRequest, form, files: dict) -> bool:
    """Uploads wait for their preview in the workspace's share of the storage."""
    used = quota_used(request.workspace)
    quota = quota_bytes()
    if used + sum(f.size for f in files.values()) <= quota:
        return True
    form.add_error(
        None,
        _(
            "This workspace already keeps %(used)s MB of uploads waiting for their preview, "
            "and keeps at most %(quota)s MB. Import or discard those first (below), or wait: "
            "they are removed a day after their upload."
        )
        % {"used": -(-used // (1024 * 1024)), "quota": quota // (1024 * 1024)},
    )
    return False


def _too_large(request: HttpRequest) -> bool:
    return getattr(request, "upload_too_large", False)


@require_POST
@workspace_role(Role.MEMBER)
def import_tracker_upload(request: HttpRequest) -> HttpResponse:
    form = TrackerUploadForm(request.POST, request.FILES, too_large=_too_large(request))
    if not form.is_valid() or not _within_quota(
        request, form, {"tracker": form.cleaned_data["file"]}
    ):
        return _import_page(request, tracker_form=form)
    upload = upload_store(
        workspace=request.workspace,
        user=request.user,
        kind="tracker",
        files={"tracker": form.cleaned_data["file"]},
    )
    preview_start(upload=upload, choices="", language=get_language())
    return redirect("portfolio:import_preview", ws=request.workspace.slug, code=upload.code)


def _own_upload(request: HttpRequest, code) -> ImportUpload:
    # Its files are read a role at a time: fetched once, with it.
    upload = get_in_workspace(request, ImportUpload.objects.prefetch_related("stored"), code=code)
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


@require_POST
@workspace_role(Role.MANAGER)
def import_files_upload(request: HttpRequest) -> HttpResponse:
    form = InterchangeUploadForm(request.POST, request.FILES, too_large=_too_large(request))
    if not form.is_valid() or not _within_quota(request, form, form.cleaned_data["chosen"]):
        return _import_page(request, files_form=form)
    upload = upload_store(
        workspace=request.workspace,
        user=request.user,
        kind="interchange",
        files=form.cleaned_data["chosen"],
    )
    preview_start(upload=upload, choices="", language=get_language())
    return redirect("portfolio:import_preview", ws=request.workspace.slug, code=upload.code)


@workspace_role(Role.VIEWER)
def export_download(request: HttpRequest) -> HttpResponse:
    today = request.workspace.today()
    response = HttpResponse(export_zip(workspace=request.workspace), content_type="application/zip")
    name = f"clientwise-{request.workspace.slug}-{today:%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _preview_url(request: HttpRequest, upload: ImportUpload, choices: str) -> str:
    url = reverse(
        "portfolio:import_preview", kwargs={"ws": request.workspace.slug, "code": upload.code}
    )
    return f"{url}?{choices}" if choices else url


def _waiting(request: HttpRequest, upload: ImportUpload, preview: ImportPreview | None):
    """The preview page while the worker reads the file, or when it could not."""
    if preview is not None and wants_fragment(request) and preview.status != ImportStatus.RUNNING:
        return HttpResponseClientRefresh()  # failed: the whole page changes
    lost = preview is not None and preview_lost(preview)
    context = {
        "upload": upload,
        "preview": preview,
        "running": preview is not None and preview.status == ImportStatus.RUNNING and not lost,
        "lost": lost,
        "names": ", ".join(upload_names(upload)),
    }
    if wants_fragment(request):
        return render(request, "portfolio/import_preview_waiting.html#waiting", context)
    return render(request, "portfolio/import_preview_waiting.html", context)


@workspace_role(Role.MEMBER)
def import_preview(request: HttpRequest, code) -> HttpResponse:
    """GET shows what the import would do, as a worker worked it out (and, meanwhile, how far it
    got). POST with `action=reread` asks for the preview with other choices; any other POST
    imports what the preview showed."""
    upload = _own_upload(request, code)
    if upload.kind == "interchange" and not request.membership.can_manage:
        raise PermissionDenied  # the role may have changed since the upload
    params = request.POST if request.method == "POST" else request.GET
    date_order = params.get("date_order") if params.get("date_order") in DATE_ORDERS else None
    assign_to = _client_or_none(request, params.get("assign_to", ""))
    choices = preview_choices(
        date_order=date_order, assign_to=str(assign_to.code) if assign_to else ""
    )
    preview = upload.previews.filter(choices=choices, language=get_language()).first()
    if request.method == "POST" and (params.get("action") == "reread" or preview is None):
        preview_start(upload=upload, choices=choices, language=get_language(), again=True)
        return redirect(_preview_url(request, upload, choices))
    if preview is None or preview.status != ImportStatus.DONE:
        if request.method == "POST":  # not worked out yet: nothing to import so far
            return redirect(_preview_url(request, upload, choices))
        return _waiting(request, upload, preview)
    if wants_fragment(request):  # the waiting page asking again: the preview is there now
        return HttpResponseClientRefresh()
    summary = summary_shown(preview.summary)
    if upload.kind == "interchange":
        return _files_preview(request, upload, preview, summary)
    return _tracker_preview(request, upload, preview, summary, date_order, assign_to)


def _files_preview(request, upload, preview, summary) -> HttpResponse:
    # A plan that writes nothing is not started: its preview says so and offers no Import.
    if request.method == "POST" and not summary["error_count"] and summary["total"]:
        batch = files_import_start(upload=upload, preview=preview, language=get_language())
        return redirect("portfolio:import_status", ws=request.workspace.slug, code=batch.code)
    return render(
        request,
        "portfolio/import_preview_files.html",
        {"upload": upload, "summary": summary},
        status=422 if request.method == "POST" or summary["error_count"] else 200,
    )


def _tracker_preview(request, upload, preview, summary, date_order, assign_to) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    skip_overlapping = params.get("skip_overlapping") == "yes"
    to_write = summary["to_write_skipping" if skip_overlapping else "to_write"]
    if request.method == "POST" and to_write:
        batch = tracker_import_start(
            upload=upload,
            preview=preview,
            skip_overlapping=skip_overlapping,
            language=get_language(),
        )
        return redirect("portfolio:import_status", ws=request.workspace.slug, code=batch.code)
    clients = Client.objects.for_workspace(request.workspace).alive().order_by("name")
    return render(
        request,
        "portfolio/import_preview_tracker.html",
        {
            "upload": upload,
            "summary": summary,
            "assign_to": assign_to,
            "date_order": date_order,
            "skip_overlapping": skip_overlapping,
            "clients": clients.only("name", "code"),
            # Confirmed with every new entry left out (each overlaps time logged by hand).
            "all_left_out": request.method == "POST" and bool(summary["to_create"]),
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@workspace_role(Role.MEMBER)
def import_upload_discard(request: HttpRequest, code) -> HttpResponse:
    """Leave an upload without importing it: its files are deleted now, not in a day."""
    upload = _own_upload(request, code)
    name = ", ".join(upload_names(upload))
    upload.delete()
    messages.success(request, _("%(files)s discarded: nothing was imported.") % {"files": name})
    return redirect("portfolio:import_list", ws=request.workspace.slug)


KEPT_NAMED = 10  # rows named in the message; the rest are counted


def _kept_message(kept: list[tuple[str, str]]) -> str:
    names = ", ".join(f"“{name}”" for _target, name in kept[:KEPT_NAMED])
    if len(kept) > KEPT_NAMED:
        names += " " + _("and %(count)s more") % {"count": len(kept) - KEPT_NAMED}
    return ngettext(
        "One record was changed since the import (or holds work that was), so the undo left "
        "it as it is: %(names)s.",
        "%(count)s records were changed since the import (or hold work that was), so the undo "
        "left them as they are: %(names)s.",
        len(kept),
    ) % {"count": len(kept), "names": names}


@require_POST
@workspace_role(Role.MEMBER)
def import_undo_view(request: HttpRequest, code) -> HttpResponse:
    batch = get_in_workspace(request, ImportBatch.objects, code=code)
    if batch.created_by_id != request.user.pk and not request.membership.can_manage:
        raise PermissionDenied
    try:
        result = import_undo(batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The import was undone: what it added is in the trash (importing the same "
                "file again brings it back), and what it changed is as it was."
            ),
        )
        if result.kept:
            messages.warning(request, _kept_message(result.kept))
    return redirect("portfolio:import_list", ws=request.workspace.slug)


@workspace_role(Role.MEMBER)
def import_status(request: HttpRequest, code) -> HttpResponse:
    """How an import is going; while it runs, the page asks again every second (HTMX)."""
    batch = get_in_workspace(
        request, ImportBatch.objects.select_related("created_by", "upload"), code=code
    )
    context = {"batch": batch, "running": batch.status == ImportStatus.RUNNING}
    if wants_fragment(request):
        return render(request, "portfolio/import_status.html#status", context)
    return render(request, "portfolio/import_status.html", context)
