"""The one way Clientwise sends email: a text and an HTML template rendered in the reader's
language by a task, enqueued once the transaction that decided to send it commits."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.json import normalize_json

from .models import User, Workspace
from .tasks import send_templated_email


def reader_language(user: User, workspace: Workspace) -> str:
    """The language a workspace's email to `user` is written in: theirs, else the workspace's."""
    return user.language or workspace.language or settings.LANGUAGE_CODE


def email_send(*, to: str, template: str, context: dict, language: str) -> None:
    """Email `to` the templates `<template>_subject.txt`, `_body.txt` and `_body.html`, in
    `language`, after the current transaction commits (never when it rolls back).

    `context` becomes the task's arguments, which the database backend stores as JSON: plain
    strings, numbers, lists and dicts only — words the reader reads are rendered in `language`
    by the caller or translated in the template — and nothing you would not store."""
    # Checked now, inside the caller's transaction: after the commit it would be too late to
    # fail, and a lazy string or a model instance would only break in production's backend.
    context = normalize_json(context)
    transaction.on_commit(
        lambda: send_templated_email.enqueue(
            to=to, template=template, context=context, language=language
        )
    )
