"""Tasks queued by the release before the one email mechanism may still wait in the queue when
the new code starts: the worker can still run them, and they send what they carried."""

from __future__ import annotations

from accounts.tasks import send_invitation_email
from assessments.tasks import send_email


def test_a_queued_invitation_of_the_old_release_is_still_sent(mailoutbox):
    send_invitation_email.call(
        email="new@example.com",
        workspace_name="Aurora",
        inviter_name="Ana",
        role_label="membro",
        link="https://clientwise.example/invitations/abc/",
        language="pt-br",
    )
    (message,) = mailoutbox
    assert message.to == ["new@example.com"]
    assert "https://clientwise.example/invitations/abc/" in message.body
    assert message.alternatives  # the HTML version too


def test_a_queued_plain_email_of_the_old_release_is_still_sent(mailoutbox):
    send_email.call(to="ana@example.com", subject="Olá", body="Texto")
    (message,) = mailoutbox
    assert (message.subject, message.body) == ("Olá", "Texto")
