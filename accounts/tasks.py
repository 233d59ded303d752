"""Background work of the accounts app (Django's tasks API; a worker runs it in production)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


@task
def send_templated_email(*, to: str, template: str, context: dict, language: str) -> None:
    """Render `<template>_subject.txt`, `_body.txt` and `_body.html` in `language` and send
    them as one message: the text body with the HTML as its alternative. Enqueued only by
    accounts.emails.email_send."""
    with translation.override(language):
        # A header is one line: whatever whitespace the template leaves becomes one space.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, None, [to])
    message.attach_alternative(html, "text/html")
    message.send()


@task
def send_password_reset(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """Django's reset link to every active account with `email`, if there is one. A worker
    looks the address up and sends, so the request that asked takes the same time, and does
    the same queries, whether the address has an account or not. Enqueued only by
    accounts.views.account.PasswordResetView."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
        )


# Queued by the release before the one email mechanism; kept for one release so that rows
# already waiting in the task queue are still sent. Nothing queues it any more.
@task
def send_invitation_email(
    *, email: str, workspace_name: str, inviter_name: str, role_label: str, link: str, language: str
) -> None:
    send_templated_email.call(
        to=email,
        template="accounts/email/invitation",
        context={
            "workspace_name": workspace_name,
            "inviter_name": inviter_name,
            "role_label": role_label,
            "link": link,
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
        language=language,
    )
