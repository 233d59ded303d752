"""The operators' admin: Django's admin for the people who run the instance, superusers only.

Customers never use it; they manage their workspaces through the app. Most rows here change only
through a service that enforces a rule (owners, roles, emailed invitations, settings that rescore
clients), so the admin shows them read-only: a write from here would skip the rule.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_tasks_db.models import DBTaskResult

from .models import WORKSPACE_SETTINGS, Invitation, Membership, User, Workspace


class OperatorLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)  # active and staff
        if not user.is_superuser:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class OperatorSite(admin.AdminSite):
    """Django's admin with one difference: `is_staff` alone does not let anyone in.

    Staff flags carry no permissions in this app, so the only operators are active staff
    superusers (`manage.py createsuperuser` makes one).
    """

    site_header = "Clientwise"
    site_title = "Clientwise"
    login_form = OperatorLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.is_superuser

    def password_change(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # One place to change a password: the app's own page (its template also has the name the
        # admin's would use, registration/password_change_form.html).
        return redirect("accounts:password_change")


site = OperatorSite(name="admin")

# The default site is never mounted; django_tasks_db's own admin on it shows task arguments and
# return values, so it is taken off in case someone mounts the default site one day.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class NoWrites:
    """Rows that change only through a service: here they can be looked at, never written.

    `fields` lists what is shown; anything else on the model (hashes, file contents) is not.
    """

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.fields


class ReadOnlyAdmin(NoWrites, admin.ModelAdmin):
    pass


class ReadOnlyInline(NoWrites, admin.TabularInline):
    extra = 0
    show_change_link = True


class UserMembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"
    fields = ("workspace", "role", "created_at")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("workspace")


class WorkspaceMembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "workspace"
    fields = ("user", "role", "created_at")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("user")


@admin.register(User, site=site)
class UserAdmin(admin.ModelAdmin):
    """People sign up, are invited, or are created by `createsuperuser` and `create_workspace`:
    no user is made here, and none deleted (that would take memberships, even a workspace's only
    owner, with it). An operator may only switch the flags: deactivate an account, or make or
    unmake an operator. The password hash is never shown."""

    list_display = ("email", "name", "is_active", "is_staff", "is_superuser", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    ordering = ("email",)
    fields = (
        "email",
        "name",
        "language",
        "date_joined",
        "last_login",
        "last_workspace",
        "is_active",
        "is_staff",
        "is_superuser",
    )
    readonly_fields = ("email", "name", "language", "date_joined", "last_login", "last_workspace")
    inlines = (UserMembershipInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Workspace, site=site)
class WorkspaceAdmin(ReadOnlyAdmin):
    # Created by workspace_create (with its owner and defaults), changed by
    # workspace_settings_update (which rescores), deleted by workspace_delete (owners only).
    list_display = ("name", "slug", "currency", "language", "time_zone", "created_at")
    list_filter = ("currency", "language")
    search_fields = ("name", "slug")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    fields = (
        "slug",
        *WORKSPACE_SETTINGS,
        "created_at",
        "updated_at",
    )
    inlines = (WorkspaceMembershipInline,)


@admin.register(Membership, site=site)
class MembershipAdmin(ReadOnlyAdmin):
    # Roles change through membership_change_role and members leave through membership_remove,
    # which keep every workspace with an owner.
    list_display = ("user", "workspace", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__name", "workspace__name", "workspace__slug")
    list_select_related = ("user", "workspace")
    ordering = ("-created_at",)
    fields = (
        "user",
        "workspace",
        "role",
        "weekly_digest",
        "follow_up_emails",
        "created_at",
        "updated_at",
    )


@admin.register(Invitation, site=site)
class InvitationAdmin(ReadOnlyAdmin):
    # Made by invitation_create, which emails the only copy of the token; its hash is not shown.
    list_display = ("email", "workspace", "role", "invited_by", "created_at", "expires_at")
    list_filter = ("role", ("accepted_at", admin.EmptyFieldListFilter))
    search_fields = ("email", "workspace__name", "workspace__slug")
    list_select_related = ("workspace", "invited_by")
    ordering = ("-created_at",)
    fields = (
        "email",
        "workspace",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    )


@admin.register(DBTaskResult, site=site)
class TaskResultAdmin(ReadOnlyAdmin):
    """The task queue, for spotting stuck or failing work. Arguments hold invitation links and
    email addresses, and return values and tracebacks can hold data too: none of them is shown
    (the worker's log has the traceback)."""

    list_display = (
        "task_path",
        "status",
        "queue_name",
        "enqueued_at",
        "started_at",
        "finished_at",
        "exception_class_path",
    )
    list_filter = ("status", "queue_name", "backend_name")
    search_fields = ("task_path", "exception_class_path")
    ordering = ("-enqueued_at",)
    date_hierarchy = "enqueued_at"
    fields = (
        "id",
        "task_path",
        "status",
        "priority",
        "queue_name",
        "backend_name",
        "enqueued_at",
        "run_after",
        "started_at",
        "finished_at",
        "worker_ids",
        "exception_class_path",
    )

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("args_kwargs", "return_value", "traceback")


@admin.register(AccessAttempt, site=site)
class LoginLockoutAdmin(AccessAttemptAdmin):
    """django-axes' count of wrong passwords per account and address (settings
    LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES). A lock lifts by itself after its cool-off;
    deleting the row lifts it at once, for someone who proved who they are another way.

    The form data axes keeps is not shown: it is the attempt's own, typed by whoever tried."""

    fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "ip_address",
                    "user_agent",
                    "path_info",
                    "failures_since_start",
                    "attempt_time",
                    "expiration",
                )
            },
        ),
    )
