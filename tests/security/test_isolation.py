"""No one sees another workspace: every URL of the project, walked from the resolver.

Each named URL pattern must be listed here, either as a workspace page (with how to build its
arguments from workspace A's objects, and what a viewer gets) or as a page outside workspaces
(with the reason it holds no workspace data); an admin site is listed whole. A new pattern
that is not listed fails `test_every_url_pattern_is_covered`, so it cannot ship without its
isolation checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from accounts.admin import site as operators_site
from accounts.models import Invitation, Membership, Role, Workspace
from assessments.models import Alert, Boundary, ScoringSettings
from portfolio.models import (
    Client,
    ImportBatch,
    ImportChange,
    ImportPreview,
    ImportUpload,
    Interaction,
    Invoice,
)
from portfolio.previews import tracker_summary
from portfolio.trackers.importer import tracker_import_plan
from reviews.models import FollowUp, Review
from tests.factories import (
    ClientFactory,
    InteractionFactory,
    InvoiceFactory,
    MembershipFactory,
    UserFactory,
)

# A small Toggl export with a new client, an entry without one and a read date order.
TRACKER_EXPORT = (
    Path(__file__).resolve().parent.parent / "data" / "trackers" / "toggl.csv"
).read_bytes()


@dataclass(frozen=True)
class WorkspaceURL:
    kwargs: callable  # objects of workspace A -> URL kwargs (besides `ws`)
    viewer_get: int  # what a viewer of A gets on GET: 200, or 403 where the role is too low
    viewer_may_post: bool = False  # only "leave": even a viewer may leave
    # objects of workspace A -> form data a POST adds to POST_DATA (what names A's objects)
    post_data: callable = None


def no_kwargs(objects):
    return {}


WORKSPACE_URLS: dict[str, WorkspaceURL] = {
    "home:today": WorkspaceURL(no_kwargs, 200),
    "home:portfolio": WorkspaceURL(no_kwargs, 200),
    "workspace:settings": WorkspaceURL(no_kwargs, 200),
    "workspace:leave": WorkspaceURL(no_kwargs, 200, viewer_may_post=True),
    "workspace:delete": WorkspaceURL(no_kwargs, 403),
    "workspace:members": WorkspaceURL(no_kwargs, 200),
    "workspace:member_role": WorkspaceURL(lambda o: {"code": o.membership.code}, 403),
    "workspace:member_remove": WorkspaceURL(lambda o: {"code": o.membership.code}, 403),
    "workspace:invitation_revoke": WorkspaceURL(lambda o: {"code": o.invitation.code}, 403),
    "portfolio:client_list": WorkspaceURL(no_kwargs, 200),
    "portfolio:client_create": WorkspaceURL(no_kwargs, 403),
    "portfolio:client_suggestions": WorkspaceURL(no_kwargs, 403),
    "portfolio:client_trash": WorkspaceURL(no_kwargs, 200),
    "portfolio:client_detail": WorkspaceURL(lambda o: {"code": o.client.code}, 200),
    "portfolio:client_edit": WorkspaceURL(lambda o: {"code": o.client.code}, 403),
    "portfolio:client_status": WorkspaceURL(lambda o: {"code": o.client.code}, 403),
    "portfolio:client_hand_over": WorkspaceURL(lambda o: {"code": o.client.code}, 403),
    "portfolio:client_trash_move": WorkspaceURL(lambda o: {"code": o.client.code}, 403),
    "portfolio:client_restore": WorkspaceURL(lambda o: {"code": o.trashed_client.code}, 403),
    "portfolio:client_delete": WorkspaceURL(lambda o: {"code": o.trashed_client.code}, 403),
    "portfolio:invoice_create": WorkspaceURL(lambda o: {"code": o.client.code}, 403),
    "portfolio:interaction_create": WorkspaceURL(no_kwargs, 403),
    "portfolio:interaction_edit": WorkspaceURL(lambda o: {"code": o.interaction.code}, 403),
    "portfolio:interaction_delete": WorkspaceURL(lambda o: {"code": o.interaction.code}, 403),
    "portfolio:interaction_restore": WorkspaceURL(
        lambda o: {"code": o.deleted_interaction.code}, 403
    ),
    "portfolio:invoice_edit": WorkspaceURL(lambda o: {"code": o.invoice.code}, 403),
    "portfolio:invoice_paid": WorkspaceURL(lambda o: {"code": o.invoice.code}, 403),
    "portfolio:invoice_void": WorkspaceURL(lambda o: {"code": o.invoice.code}, 403),
    "portfolio:invoice_restore": WorkspaceURL(lambda o: {"code": o.trashed_invoice.code}, 403),
    "portfolio:import_list": WorkspaceURL(no_kwargs, 403),
    "portfolio:import_tracker_upload": WorkspaceURL(no_kwargs, 403),
    "portfolio:import_files_upload": WorkspaceURL(no_kwargs, 403),
    "portfolio:export": WorkspaceURL(no_kwargs, 200),
    "portfolio:import_preview": WorkspaceURL(lambda o: {"code": o.upload.code}, 403),
    "portfolio:import_upload_discard": WorkspaceURL(lambda o: {"code": o.upload.code}, 403),
    "portfolio:import_undo": WorkspaceURL(lambda o: {"code": o.batch.code}, 403),
    "portfolio:import_status": WorkspaceURL(lambda o: {"code": o.batch.code}, 403),
    "home:client_health": WorkspaceURL(lambda o: {"code": o.client.code}, 200),
    # GET the page, POST acknowledge the alerts named.
    "home:alerts": WorkspaceURL(no_kwargs, 200, post_data=lambda o: {"alerts": [o.alert.code]}),
    "assessments:alert_menu": WorkspaceURL(lambda o: {"code": o.alert.code}, 403),
    "assessments:alert_action": WorkspaceURL(
        lambda o: {"code": o.alert.code, "action": "resolve"}, 405
    ),
    "assessments:scoring_settings": WorkspaceURL(no_kwargs, 403),
    "assessments:scoring_settings_preview": WorkspaceURL(no_kwargs, 403),
    "assessments:boundaries": WorkspaceURL(no_kwargs, 403),
    # A member's own preference, like leaving: even a viewer may set it.
    "assessments:digest_set": WorkspaceURL(no_kwargs, 405, viewer_may_post=True),
    "reviews:review_begin": WorkspaceURL(lambda o: {"code": o.client.code}, 200),
    "reviews:decisions": WorkspaceURL(no_kwargs, 200),
    "reviews:review_detail": WorkspaceURL(lambda o: {"code": o.review.code}, 200),
    "reviews:review_step": WorkspaceURL(lambda o: {"code": o.review.code, "step": 2}, 403),
    "reviews:review_cancel": WorkspaceURL(lambda o: {"code": o.review.code}, 405),
    "reviews:review_plan": WorkspaceURL(lambda o: {"code": o.decided.code}, 405),
    "reviews:review_check": WorkspaceURL(
        lambda o: {"code": o.decided.code, "item": "final_invoice"}, 405
    ),
    "reviews:review_hand_over": WorkspaceURL(lambda o: {"code": o.decided.code}, 405),
    "reviews:follow_up": WorkspaceURL(lambda o: {"code": o.follow_up.code}, 403),
    "portfolio:client_departure": WorkspaceURL(lambda o: {"code": o.client.code}, 403),
    "assessments:boundary_edit": WorkspaceURL(lambda o: {"code": o.boundary.code}, 403),
    # The audit trail: a client's changes, which its page shows a viewer too; the whole
    # workspace's log, for owners only.
    "audit:client_history": WorkspaceURL(lambda o: {"code": o.client.code}, 200),
    "audit:activity": WorkspaceURL(no_kwargs, 403),
}

# Pages outside any workspace, and why they hold no workspace data.
OUTSIDE_WORKSPACES: dict[str, str] = {
    "home": "redirects to one of the user's own workspaces",
    "healthz": "reports only that the app is up",
    "language_set": "stores the visitor's own language",
    "accounts:login": "authentication",
    "accounts:logout": "authentication",
    "accounts:signup": "creates a new user with their own workspace",
    "accounts:profile": "the user's own account",
    "accounts:password_change": "the user's own account",
    "accounts:password_reset": "authentication",
    "accounts:password_reset_done": "authentication",
    "accounts:password_reset_confirm": "authentication, by a signed one-time token",
    "accounts:password_reset_complete": "authentication",
    "invitation_accept": "reached by an unguessable single-use token sent by email",
    "workspace_create": "creates a new workspace owned by the user",
}

# Admin sites outside workspaces, listed whole (by route: Django leaves some of their patterns
# unnamed, such as the catch-all), and why. tests/test_admin.py proves that every page of the
# operators' site refuses anyone but a superuser.
OUTSIDE_WORKSPACE_SITES = {operators_site: "operators only: superusers"}

# Form data for POSTs: plausible enough that only the access check can stop them.
POST_DATA = {
    "role": Role.OWNER,
    "email": "newcomer@example.com",
    "confirmation": "aurora",
    "name": "Renamed",
    "status": "ended",
    "client": "Client of A",
    "kind": "call",
    "minutes": "30",
    "number": "INV-999",
    "issued_on": "2026-01-01",
    "amount": "100",
    "paid_on": "2026-01-02",
    "void": "yes",
    "until": "2099-01-01",
    "go": "next",
    "dread": "5",
    "decision": "end",
    "feeling": "5",
    "right_call": "yes",
    "ended_on": "2026-01-01",
    "departure_reason": "budget",
    "message": "Changed",
    "done": "on",
    "enabled": "on",
    "threshold": "3",
    "span": "10",
    "severity": "info",
    "weight_trust": "5",
    "weight_energy": "1",
    "weight_profitability": "1",
    "weight_respect": "1",
    "weight_scope": "1",
    "weight_payments": "1",
    "half_life_days": "30",
    "window_days": "90",
}


def walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, prefix + str(entry.pattern)


def all_patterns():
    return list(walk(get_resolver().url_patterns))


def site_routes() -> set[str]:
    """Every route of the admin sites outside workspaces, where each is mounted."""
    routes = set()
    for site in OUTSIDE_WORKSPACE_SITES:
        mount = reverse(f"{site.name}:index").removeprefix("/")
        routes |= {mount + route for _name, route in walk(site.get_urls())}
    return routes


def test_every_url_pattern_is_covered():
    site_pages = site_routes()
    uncovered = [
        (name, route)
        for name, route in all_patterns()
        if name not in WORKSPACE_URLS and name not in OUTSIDE_WORKSPACES and route not in site_pages
    ]
    assert not uncovered, f"URL patterns without isolation checks: {uncovered}"


def test_every_pattern_under_a_workspace_is_checked_as_a_workspace_page():
    misfiled = [
        name for name, route in all_patterns() if ("<slug:ws>" in route) != (name in WORKSPACE_URLS)
    ]
    assert not misfiled


def test_the_registry_lists_no_pattern_that_does_not_exist():
    names = {name for name, _route in all_patterns()}
    assert set(WORKSPACE_URLS) | set(OUTSIDE_WORKSPACES) <= names
    assert site_routes() <= {route for _name, route in all_patterns()}


@pytest.fixture
def objects_of_a(workspace, owner, viewer):
    """Workspace A with one object of every kind that has a URL."""
    membership = MembershipFactory(
        workspace=workspace, role=Role.MEMBER, user=UserFactory(email="teammate@example.com")
    )
    invitation = Invitation.objects.create(
        workspace=workspace,
        email="pending@example.com",
        role=Role.MEMBER,
        token_hash="a" * 64,
        invited_by=owner,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    client = ClientFactory(workspace=workspace, name="Client of A")
    trashed_client = ClientFactory(
        workspace=workspace, name="Trashed client of A", deleted_at=timezone.now()
    )
    interaction = InteractionFactory(client=client, author=owner)
    deleted_interaction = InteractionFactory(client=client, author=owner, deleted_at=timezone.now())
    invoice = InvoiceFactory(client=client)
    trashed_invoice = InvoiceFactory(client=client, deleted_at=timezone.now())
    upload = ImportUpload.objects.create(workspace=workspace, created_by=owner, kind="tracker")
    for language in ("en", "pt-br", "es"):  # its preview, worked out in each language
        with translation.override(language):
            plan = tracker_import_plan(workspace=workspace, user=owner, data=TRACKER_EXPORT)
            ImportPreview.objects.create(
                upload=upload, language=language, status="done", summary=tracker_summary(plan)
            )
    batch = ImportBatch.objects.create(
        workspace=workspace, source="toggl", created_by=owner, status="done"
    )
    ImportChange.objects.create(batch=batch, target="client", object_id=client.pk, action="created")
    boundary = Boundary.objects.get(workspace=workspace, kind="disrespect")
    alert = Alert.objects.create(
        workspace=workspace, client=client, boundary=boundary, severity="critical"
    )
    review = Review.objects.create(workspace=workspace, client=client, author=owner, step=2)
    decided = Review.objects.create(
        workspace=workspace,
        client=client,
        author=owner,
        status="decided",
        decision="end",
        step=6,
        plan={
            "checklist": {"final_invoice": False},
            "message": "",
            "tone": "warm",
            "language": "en",
            "reason": "other",
            "last_day": "",
        },
    )
    follow_up = FollowUp.objects.create(
        workspace=workspace, review=decided, due_on=timezone.localdate()
    )
    return SimpleNamespace(
        review=review,
        decided=decided,
        follow_up=follow_up,
        boundary=boundary,
        alert=alert,
        upload=upload,
        batch=batch,
        workspace=workspace,
        membership=membership,
        invitation=invitation,
        client=client,
        trashed_client=trashed_client,
        interaction=interaction,
        deleted_interaction=deleted_interaction,
        invoice=invoice,
        trashed_invoice=trashed_invoice,
    )


def snapshot():
    """Everything a request could change in workspace data, to prove nothing did."""
    return (
        sorted(Workspace.objects.values_list("slug", "name", "currency", "time_zone")),
        sorted(Membership.objects.values_list("workspace__slug", "user__email", "role")),
        sorted(Invitation.objects.values_list("workspace__slug", "email", "role")),
        sorted(
            Client.objects.values_list("code", "name", "status", "owner", "deleted_at", "version")
        ),
        sorted(Interaction.objects.values_list("code", "client", "kind", "deleted_at", "version")),
        sorted(
            Invoice.objects.values_list(
                "code", "number", "paid_on", "void", "deleted_at", "version"
            )
        ),
        sorted(ImportBatch.objects.values_list("code", "status")),
        ImportUpload.objects.count(),
        sorted(Boundary.objects.values_list("code", "enabled", "threshold", "span", "severity")),
        sorted(Boundary.muted_clients.through.objects.values_list("boundary_id", "client_id")),
        sorted(Alert.objects.values_list("code", "status", "snoozed_until")),
        sorted(
            ScoringSettings.objects.values_list("workspace_id", "weight_trust", "half_life_days")
        ),
        sorted(Review.objects.values_list("code", "status", "step", "decision")),
        sorted(str(row) for row in Review.objects.values_list("plan", "answers")),
        sorted(FollowUp.objects.values_list("code", "feeling", "right_call", "answered_at")),
    )


def url_for(name, slug, objects):
    return reverse(name, kwargs={"ws": slug, **WORKSPACE_URLS[name].kwargs(objects)})


def post_data_for(name, objects):
    extra = WORKSPACE_URLS[name].post_data
    return {**POST_DATA, **(extra(objects) if extra else {})}


@pytest.mark.parametrize("name", sorted(WORKSPACE_URLS))
def test_an_outsider_gets_404_for_every_page_of_another_workspace(
    name, objects_of_a, outsider, logged_in
):
    client = logged_in(outsider)
    before = snapshot()
    url = url_for(name, objects_of_a.workspace.slug, objects_of_a)
    assert client.get(url).status_code == 404
    assert client.post(url, post_data_for(name, objects_of_a)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "name", sorted(n for n, spec in WORKSPACE_URLS.items() if spec.kwargs is not no_kwargs)
)
def test_objects_of_another_workspace_are_404_under_the_outsiders_own_workspace(
    name, objects_of_a, outsider, other_workspace, logged_in
):
    """The outsider owns workspace B: A's object codes under B's address must not resolve."""
    client = logged_in(outsider)
    before = snapshot()
    url = url_for(name, other_workspace.slug, objects_of_a)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, POST_DATA).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "name", sorted(n for n, spec in WORKSPACE_URLS.items() if spec.post_data is not None)
)
def test_objects_of_another_workspace_named_in_a_post_are_left_alone(
    name, objects_of_a, outsider, other_workspace, logged_in
):
    """The outsider owns workspace B: A's objects named in a form posted to B's own page are
    ignored (B's page answers as for codes that do not exist) and stay as they were."""
    client = logged_in(outsider)
    before = snapshot()
    url = url_for(name, other_workspace.slug, objects_of_a)
    assert client.post(url, post_data_for(name, objects_of_a)).status_code in (200, 302, 404)
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(WORKSPACE_URLS))
def test_a_viewer_can_read_but_change_nothing(name, objects_of_a, viewer, logged_in):
    client = logged_in(viewer)
    spec = WORKSPACE_URLS[name]
    url = url_for(name, objects_of_a.workspace.slug, objects_of_a)
    assert client.get(url).status_code == spec.viewer_get
    if spec.viewer_may_post:
        pytest.skip("a viewer may leave the workspace; tested in test_workspaces")
    before = snapshot()
    assert client.post(url, post_data_for(name, objects_of_a)).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(WORKSPACE_URLS))
def test_anonymous_visitors_are_sent_to_login(name, objects_of_a, client):
    url = url_for(name, objects_of_a.workspace.slug, objects_of_a)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_missing_workspace_and_a_foreign_one_look_the_same(objects_of_a, outsider, logged_in):
    client = logged_in(outsider)
    foreign = client.get(reverse("home:today", kwargs={"ws": objects_of_a.workspace.slug}))
    missing = client.get(reverse("home:today", kwargs={"ws": "no-such-workspace"}))
    assert foreign.status_code == missing.status_code == 404
    assert objects_of_a.workspace.name not in foreign.content.decode()
