"""How a workspace weighs its clients' health (with a live preview) and the lines it draws."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import ConflictError
from accounts.models import Role
from accounts.tenancy import get_in_workspace, workspace_role

from .. import selectors, services
from ..forms import WEIGHT_FIELDS, BoundaryForm, ScoringSettingsForm
from ..models import Boundary

PREVIEW_ROWS = 50


def _settings_form(request: HttpRequest, data=None) -> ScoringSettingsForm:
    settings = copy.copy(selectors.scoring_settings(request.workspace))
    return ScoringSettingsForm(data, instance=settings, workspace=request.workspace)


@workspace_role(Role.MANAGER)
def scoring_settings_edit(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    if request.method == "POST":
        form = _settings_form(request, request.POST)
        if form.is_valid():
            try:
                services.scoring_settings_update(
                    workspace=workspace,
                    settings=form.save(commit=False),
                    target_hourly_rate=form.cleaned_data["target_hourly_rate"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Saved. Every client is being rescored with the new settings.")
                )
                return redirect("assessments:scoring_settings", ws=workspace.slug)
        status = 422
    else:
        form = _settings_form(request)
        status = 200
    context = {"form": form, "weight_fields": [form[name] for name in WEIGHT_FIELDS]}
    return render(request, "assessments/scoring_settings.html", context, status=status)


@require_POST
@workspace_role(Role.MANAGER)
def scoring_settings_preview(request: HttpRequest) -> HttpResponse:
    """How the scores would read with the settings being typed, before saving them."""
    form = _settings_form(request, request.POST)
    if not form.is_valid():
        return render(
            request, "assessments/scoring_settings.html#preview", {"form": form, "rows": None}
        )
    workspace = copy.copy(request.workspace)
    workspace.target_hourly_rate = form.cleaned_data["target_hourly_rate"]
    rows = selectors.portfolio_rows(workspace=request.workspace)
    now = {row.client.pk: row for row in rows}
    trial = services.assess_clients(
        workspace=workspace,
        as_of=workspace.today(),
        client_ids=list(now),
        settings=form.save(commit=False),
    )
    preview = sorted(
        (
            {
                "client": now[pk].client,
                "now": now[pk].score,
                "then": assessment.health.score,
                "band": assessment.health.band,
                "change": None
                if now[pk].score is None
                else assessment.health.score - now[pk].score,
            }
            for pk, assessment in trial.items()
        ),
        key=lambda row: -abs(row["change"] or 0),
    )
    context = {
        "form": form,
        "rows": preview[:PREVIEW_ROWS],
        "more": max(0, len(preview) - PREVIEW_ROWS),
    }
    return render(request, "assessments/scoring_settings.html#preview", context)


@workspace_role(Role.MANAGER)
def boundary_list(request: HttpRequest) -> HttpResponse:
    boundaries = (
        Boundary.objects.for_workspace(request.workspace)
        .prefetch_related("muted_clients")
        .order_by("kind")
    )
    return render(request, "assessments/boundaries.html", {"boundaries": boundaries})


@workspace_role(Role.MANAGER)
def boundary_edit(request: HttpRequest, code) -> HttpResponse:
    boundary = get_in_workspace(request, Boundary.objects.select_related("workspace"), code=code)
    if request.method == "POST":
        form = BoundaryForm(request.POST, instance=boundary)
        if form.is_valid():
            data = {
                name: value
                for name, value in form.cleaned_data.items()
                if name not in ("muted_clients", "version")
            }
            try:
                services.boundary_update(
                    boundary=boundary,  # reloaded under a lock: the form's changes are in data
                    version=form.cleaned_data["version"],
                    data=data,
                    muted_clients=form.cleaned_data["muted_clients"],
                )
            except ConflictError:
                form.add_error(
                    None,
                    _(
                        "Someone else changed this line while you were editing. Your changes "
                        "are still here: open the line in a new tab to see theirs, then save "
                        "again."
                    ),
                )
                form.data = form.data.copy()
                form.data["version"] = boundary.version  # as saved by the other person
            else:
                messages.success(request, _("Line saved. Alerts follow it from now on."))
                return redirect("assessments:boundaries", ws=request.workspace.slug)
        status = 422
    else:
        form = BoundaryForm(instance=boundary)
        status = 200
    context = {"boundary": boundary, "form": form}
    return render(request, "assessments/boundary_edit.html", context, status=status)
