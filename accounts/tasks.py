"""Background work of the accounts app (Django's tasks API; a worker runs it in production)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


@task
def send_invitation_email(
    *, email: str, workspace_name: str, inviter_name: str, role_label: str, link: str, language: str
) -> None:
    with translation.override(language):
        context = {
            "workspace_name": workspace_name,
            "inviter_name": inviter_name,
            "role_label": role_label,
            "link": link,
            "ttl_days": settings.INVITATION_TTL_DAYS,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [email])
