from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .views import account, members, workspaces

account_patterns = [
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.logout_view, name="logout"),
    path("signup/", account.signup, name="signup"),
    path("profile/", account.profile, name="profile"),
    path(
        "password/change/",
        account.password_change,
        name="password_change",
    ),
    path(
        "password/reset/",
        account.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

workspace_patterns = [
    path("settings/", workspaces.workspace_settings, name="settings"),
    path("leave/", workspaces.workspace_leave, name="leave"),
    path("delete/", workspaces.workspace_delete_view, name="delete"),
    path("members/", members.members, name="members"),
    path("members/<uuid:code>/role/", members.member_role, name="member_role"),
    path("members/<uuid:code>/remove/", members.member_remove, name="member_remove"),
    path("invitations/<uuid:code>/revoke/", members.invitation_revoke, name="invitation_revoke"),
]
