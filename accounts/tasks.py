"""Background work of the accounts app (Django's tasks API; a worker runs it in production)."""

from __future__ import annotations

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
