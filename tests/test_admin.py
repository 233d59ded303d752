"""The operators' admin: superusers only, read-only where a service owns the writes, no secrets."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.admin import site
from accounts.models import Invitation, Membership, Role, User
from accounts.services import invitation_create
from portfolio.models import ImportBatch, ImportUpload
from tests.factories import (
    PASSWORD,
    ImportUploadFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.security.test_isolation import walk

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
UPLOAD_CONTENT = "Q2xpZW50IGNvbnRlbnQgbm8gb3BlcmF0b3Igc2hvdWxkIHJlYWQ="
TASK_RETURN_VALUE = "returned-data-of-a-customer"
TASK_TRACEBACK = "Traceback: ValueError: secret-in-an-error-message"


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("operator@example.com", PASSWORD)


@pytest.fixture
def staff(db):
    """Staff without superuser: in this app the flag grants nothing, so the admin refuses them."""
    return UserFactory(email="staff@example.com", is_staff=True)


@pytest.fixture
def rows(workspace, owner):
    """One row of every model the admin lists."""
    invitation = Invitation.objects.create(
        workspace=workspace,
        email="pending@example.com",
        role=Role.MEMBER,
        token_hash="f" * 64,
        invited_by=owner,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    upload = ImportUploadFactory(
        workspace=workspace,
        created_by=owner,
        kind="interchange",
        files={"clients": ("clients.csv", UPLOAD_CONTENT.encode())},
    )
    batch = ImportBatch.objects.create(
        workspace=workspace, source="toggl", created_by=owner, status="failed", error="Bad row"
    )
    task = DBTaskResult.objects.create(
        task_path="accounts.tasks.send_invitation_email",
        args_kwargs={"args": [], "kwargs": {"email": "pending@example.com"}},
        backend_name="default",
        run_after=timezone.now(),
        status="FAILED",
        return_value=TASK_RETURN_VALUE,
        exception_class_path="builtins.ValueError",
        traceback=TASK_TRACEBACK,
    )
    attempt = AccessAttempt.objects.create(
        username=owner.email,
        ip_address="192.0.2.7",
        user_agent="Browser",
        path_info="/accounts/login/",
        post_data="username=someone&password=********",
        failures_since_start=5,
    )
    return SimpleNamespace(
        accessattempt=attempt,
        user=owner,
        workspace=workspace,
        membership=Membership.objects.get(user=owner, workspace=workspace),
        invitation=invitation,
        importbatch=batch,
        importupload=upload,
        dbtaskresult=task,
    )


MODELS = sorted(f"{model._meta.app_label}_{model._meta.model_name}" for model in site._registry)
READ_ONLY = [name for name in MODELS if name not in ("accounts_user", "axes_accessattempt")]


def row_of(rows, name: str):
    """The row of `rows` for a model named `app_label_modelname` (model names have no "_")."""
    return getattr(rows, name.rsplit("_", 1)[1])


def admin_url(name: str, view: str, rows=None) -> str:
    if view in ("changelist", "add"):
        return reverse(f"admin:{name}_{view}")
    return reverse(f"admin:{name}_{view}", args=[row_of(rows, name).pk])


def test_the_admin_lists_users_workspaces_memberships_invitations_imports_and_tasks():
    assert MODELS == [
        "accounts_invitation",
        "accounts_membership",
        "accounts_user",
        "accounts_workspace",
        "axes_accessattempt",
        "django_tasks_database_dbtaskresult",
        "portfolio_importbatch",
        "portfolio_importupload",
    ]


@pytest.mark.parametrize("name", MODELS)
def test_a_superuser_sees_every_list_and_every_page(name, rows, superuser, logged_in):
    client = logged_in(superuser)
    assert client.get(admin_url(name, "changelist")).status_code == 200
    assert client.get(admin_url(name, "change", rows)).status_code == 200
    assert client.get(admin_url(name, "history", rows)).status_code == 200


def test_a_superuser_sees_the_index_and_each_app(rows, superuser, logged_in):
    client = logged_in(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    for app_label in ("accounts", "axes", "portfolio", "django_tasks_database"):
        assert client.get(reverse("admin:app_list", args=[app_label])).status_code == 200


def named_admin_urls(rows) -> list[str]:
    """A URL for every named pattern of the admin, built from the rows' keys."""

    def object_id(name: str) -> str:
        model = name.rsplit("_", 1)[0]  # "accounts_user_change"; "view_on_site" names none
        return str((row_of(rows, model) if model in MODELS else rows.user).pk)

    kwargs_for = {
        "object_id": object_id,
        "content_type_id": lambda name: str(ContentType.objects.get_for_model(User).pk),
        "app_label": lambda name: "accounts",
    }
    urls = []
    for name, route in walk(site.get_urls()):
        if name is None:
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
        kwargs = {p or q: kwargs_for[p or q](name) for p, q in params}
        urls.append(reverse(f"admin:{name}", kwargs=kwargs))
    return urls


@pytest.mark.parametrize("persona", ["staff", "owner", "anonymous"])
def test_no_one_but_a_superuser_gets_past_the_login(persona, rows, staff, client, logged_in):
    """Staff without superuser, a workspace owner, a visitor: every admin page, named or not."""
    if persona != "anonymous":
        client = logged_in(staff if persona == "staff" else rows.user)
    login = reverse("admin:login")
    unnamed = [f"/admin/accounts/user/{rows.user.pk}/", "/admin/no-such-page/"]
    for url in named_admin_urls(rows) + unnamed:
        if url == login:
            continue
        for response in (client.get(url), client.post(url, {"is_superuser": "on"})):
            assert response.status_code == 302, url
            assert response.url.startswith(login) or response.url == reverse("admin:index"), url
    assert not User.objects.filter(is_superuser=True).exists()


def test_a_workspace_owner_is_not_an_operator(rows, logged_in):
    client = logged_in(rows.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_cannot_log_in_to_the_admin_without_being_superuser(staff, client):
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_superuser_logs_in_to_the_admin_with_their_email(superuser, client):
    response = client.post(
        reverse("admin:login"),
        {"username": "Operator@Example.com", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_inactive_superuser_is_refused(superuser, logged_in):
    client = logged_in(superuser)
    User.objects.filter(pk=superuser.pk).update(is_active=False)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("name", READ_ONLY)
def test_rows_a_service_owns_cannot_be_added_changed_or_deleted(name, rows, superuser, logged_in):
    client = logged_in(superuser)
    model = type(row_of(rows, name))
    before = list(model.objects.values())
    assert client.get(admin_url(name, "add")).status_code == 403
    assert client.post(admin_url(name, "add"), {"name": "x", "role": "owner"}).status_code == 403
    change = client.post(admin_url(name, "change", rows), {"name": "x", "role": "owner"})
    assert change.status_code == 403
    assert client.post(admin_url(name, "delete", rows), {"post": "yes"}).status_code == 403
    assert list(model.objects.values()) == before


def test_no_user_is_added_or_deleted_from_the_admin(rows, superuser, logged_in):
    client = logged_in(superuser)
    count = User.objects.count()
    add = client.post(admin_url("accounts_user", "add"), {"email": "x@example.com"})
    delete = client.post(admin_url("accounts_user", "delete", rows), {"post": "yes"})
    assert add.status_code == delete.status_code == 403
    assert User.objects.count() == count


def test_an_operator_deactivates_a_user_and_changes_nothing_else(rows, superuser, logged_in):
    client = logged_in(superuser)
    user = rows.user
    before = (user.email, user.name, user.password)
    response = client.post(
        admin_url("accounts_user", "change", rows),
        {
            "is_staff": "",
            "is_superuser": "",
            "email": "hijacked@example.com",
            "password": "plain",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert (user.email, user.name, user.password) == before
    assert Membership.objects.filter(user=user).exists()


def test_the_user_page_never_shows_the_password_hash(rows, superuser, logged_in):
    page = logged_in(superuser).get(admin_url("accounts_user", "change", rows)).content.decode()
    assert rows.user.email in page
    assert rows.user.password.split("$")[-1] not in page
    assert 'name="password"' not in page


def test_the_invitation_page_never_shows_the_token_hash(rows, superuser, logged_in):
    client = logged_in(superuser)
    for view in ("changelist", "change"):
        page = client.get(admin_url("accounts_invitation", view, rows)).content.decode()
        assert "pending@example.com" in page
        assert "f" * 64 not in page


def test_an_upload_never_shows_its_files(rows, superuser, logged_in):
    client = logged_in(superuser)
    for view in ("changelist", "change"):
        page = client.get(admin_url("portfolio_importupload", view, rows)).content.decode()
        assert UPLOAD_CONTENT not in page


def test_the_task_admin_never_shows_arguments_return_values_or_tracebacks(
    rows, superuser, owner, workspace, logged_in, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            workspace=workspace,
            email="invitee@example.com",
            role=Role.MEMBER,
            invited_by=Membership.objects.get(user=owner, workspace=workspace),
            base_url="http://testserver/",
        )
    queued = DBTaskResult.objects.exclude(pk=rows.dbtaskresult.pk).get()
    assert invitation.token in str(queued.args_kwargs)

    client = logged_in(superuser)
    pages = [
        client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")),
        client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[queued.pk])),
        client.get(admin_url("django_tasks_database_dbtaskresult", "change", rows)),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        for secret in (
            invitation.token,
            "invitee@example.com",
            "pending@example.com",
            TASK_RETURN_VALUE,
            TASK_TRACEBACK,
        ):
            assert secret not in html
    assert queued.task_path in pages[1].content.decode()
    assert "builtins.ValueError" in pages[2].content.decode()


def test_the_tasks_own_admin_is_not_left_on_the_default_site():
    from django.contrib import admin

    assert not admin.site.is_registered(DBTaskResult)
    assert not admin.site.is_registered(AccessAttempt)


def test_an_operator_lifts_a_login_lock_before_its_cool_off(superuser, owner, logged_in, client):
    login = {"username": owner.email, "password": "wrong"}
    for _ in range(6):
        client.post(reverse("accounts:login"), login)
    right = {"username": owner.email, "password": PASSWORD}
    assert client.post(reverse("accounts:login"), right).status_code == 429

    attempt = AccessAttempt.objects.get(username=owner.email)
    operator = logged_in(superuser)
    page = operator.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
    assert owner.email in page.content.decode()
    assert "password=" not in page.content.decode()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert operator.post(delete, {"post": "yes"}).status_code == 302

    assert client.post(reverse("accounts:login"), right).status_code == 302


@pytest.mark.parametrize("name", MODELS)
def test_a_list_costs_the_same_queries_for_one_row_or_many(name, rows, superuser, logged_in):
    client = logged_in(superuser)
    url = admin_url(name, "changelist")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        more_rows(n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one)


def more_rows(n: int) -> None:
    membership = MembershipFactory(
        workspace=WorkspaceFactory(), role=Role.OWNER, user=UserFactory()
    )
    workspace, user = membership.workspace, membership.user
    Invitation.objects.create(
        workspace=workspace,
        email=f"more{n}@example.com",
        token_hash=f"{n}" * 64,
        invited_by=user,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    ImportUpload.objects.create(workspace=workspace, created_by=user, kind="tracker")
    ImportBatch.objects.create(workspace=workspace, source="toggl", created_by=user)
    DBTaskResult.objects.create(
        task_path="accounts.tasks.send_invitation_email",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize("view", ["changelist", "change"])
def test_admin_pages_keep_the_content_security_policy(view, rows, superuser, logged_in):
    """No inline script, style element or style attribute: the strict CSP would block them."""
    client = logged_in(superuser)
    for name in MODELS:
        response = client.get(admin_url(name, view, rows))
        assert response.status_code == 200
        assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), name
        assert "<style" not in html and ' style="' not in html, name


def test_the_admin_login_page_renders_under_the_csp(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_an_operator_changes_their_password_on_the_apps_own_page(superuser, logged_in):
    response = logged_in(superuser).get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
