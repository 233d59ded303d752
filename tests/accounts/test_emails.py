"""The one way Clientwise sends email: accounts.emails.email_send, a task on commit rendering
a text and an HTML template in the reader's language. Every email of the product goes
through it: the invitation, the weekly digest, the follow-up reminder and the hand-over."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts import emails
from accounts.emails import email_send
from accounts.models import Role
from accounts.services import invitation_create
from assessments.digests import digests_send
from assessments.explain import sentence
from assessments.models import Alert
from assessments.services import clients_rescore
from reviews.models import FollowUp, Review, ReviewStatus
from reviews.notify import follow_ups_send, hand_over_told
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITATION = "accounts/email/invitation"


def invitation_context(**overrides) -> dict:
    return {
        "workspace_name": "Aurora Studio",
        "inviter_name": "Ana",
        "role_label": "Member",
        "link": "https://clientwise.example/invitations/abc/",
        "ttl_days": 7,
        **overrides,
    }


def html_of(message) -> str:
    (alternative,) = message.alternatives
    assert alternative.mimetype == "text/html"
    return alternative.content


@pytest.fixture
def queued(monkeypatch):
    """The arguments of every send_templated_email task enqueued, which then runs as usual."""
    calls = []
    task = emails.send_templated_email

    class Recording:
        def enqueue(self, **kwargs):
            calls.append(kwargs)
            return task.enqueue(**kwargs)

    monkeypatch.setattr(emails, "send_templated_email", Recording())
    return calls


def test_an_email_waits_for_its_transaction_to_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            email_send(
                to="new@example.com",
                template=INVITATION,
                context=invitation_context(),
                language="en",
            )
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert [m.to for m in mailoutbox] == [["new@example.com"]]


def test_no_email_leaves_when_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        email_send(
            to="new@example.com", template=INVITATION, context=invitation_context(), language="en"
        )
        raise Undo
    assert callbacks == []
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_an_email_leaves_after_a_real_commit_and_never_after_a_real_rollback():
    with transaction.atomic():
        email_send(
            to="kept@example.com", template=INVITATION, context=invitation_context(), language="en"
        )
        assert mail.outbox == []
    with pytest.raises(RuntimeError), transaction.atomic():
        email_send(
            to="undone@example.com",
            template=INVITATION,
            context=invitation_context(),
            language="en",
        )
        raise RuntimeError
    assert [m.to for m in mail.outbox] == [["kept@example.com"]]


def test_the_subject_is_one_line_even_when_the_context_breaks_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_send(
            to="new@example.com",
            template=INVITATION,
            context=invitation_context(workspace_name="Aurora\nStudio\r\n"),
            language="en",
        )
    assert mailoutbox[0].subject == "Ana invited you to Aurora Studio on Clientwise"


def test_the_email_has_a_text_body_and_an_accessible_escaped_html_alternative(
    mailoutbox, django_capture_on_commit_callbacks
):
    link = "https://clientwise.example/invitations/abc/"
    with django_capture_on_commit_callbacks(execute=True):
        email_send(
            to="new@example.com",
            template=INVITATION,
            context=invitation_context(inviter_name="Ana <b>& Co</b>", link=link),
            language="en",
        )
    (message,) = mailoutbox
    html = html_of(message)
    assert "Ana <b>& Co</b> invited you to join Aurora Studio" in message.body  # plain text
    assert "<html" not in message.body
    assert '<html lang="en">' in html
    assert "<h1" in html
    assert f'<a href="{link}"' in html
    assert "Ana &lt;b&gt;&amp; Co&lt;/b&gt;" in html and "<b>" not in html


def test_the_context_must_be_json_simple_and_nothing_is_queued_otherwise(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(TypeError):
        email_send(
            to="new@example.com",
            template=INVITATION,
            context=invitation_context(role_label=gettext_lazy("Member")),
            language="en",
        )
    assert callbacks == [] and mailoutbox == []


def test_an_invitation_is_written_in_the_language_of_the_person_invited(
    workspace, owner, mailoutbox, queued, django_capture_on_commit_callbacks
):
    UserFactory(email="ana@example.com", language="pt-br")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            workspace=workspace,
            email="ana@example.com",
            role=Role.MEMBER,
            invited_by=owner.memberships.get(workspace=workspace),
            base_url="https://clientwise.example",
        )
    (message,) = mailoutbox
    assert message.subject == f"{owner.display_name} convidou você para Aurora Studio no Clientwise"
    assert "Aceite o convite aqui:" in message.body
    assert "como Membro." in message.body  # the role too, not in the inviter's language
    assert '<html lang="pt-BR">' in html_of(message)
    assert "Aceite o convite aqui:" in html_of(message)
    assert [(c["template"], c["language"]) for c in queued] == [(INVITATION, "pt-br")]


def test_the_weekly_digest_goes_through_it_in_the_members_language(
    good_and_bad, owner, mailoutbox, queued, django_capture_on_commit_callbacks
):
    good, bad = good_and_bad
    workspace = good.workspace
    owner.language = "pt-br"
    owner.save()
    membership = owner.memberships.get(workspace=workspace)
    membership.weekly_digest = True
    membership.save()
    clients_rescore(workspace=workspace)
    alert = Alert.objects.filter(client=bad).select_related("boundary").first()
    with translation.override("pt-br"):
        evidence, kind = sentence(alert.evidence), alert.boundary.get_kind_display()
    with translation.override("en"):
        assert sentence(alert.evidence) != evidence  # the evidence has a Portuguese version

    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(workspace=workspace, today=workspace.today()) == 1
        assert digests_send(workspace=workspace, today=workspace.today()) == 0  # once a week

    (call,) = queued
    assert (call["template"], call["language"]) == ("assessments/email/digest", "pt-br")
    assert json.loads(json.dumps(call["context"])) == call["context"]
    (message,) = mailoutbox
    assert message.to == [owner.email]
    assert "nesta semana" in message.subject and "\n" not in message.subject
    assert "Veja o que precisa da sua atenção em Aurora Studio nesta semana." in message.body
    assert f"Bad Co · {kind}: {evidence}" in message.body
    html = html_of(message)
    assert '<html lang="pt-BR">' in html and "Bad Co" in html


def test_a_follow_up_reminder_goes_through_it_in_the_authors_language(
    workspace, owner, mailoutbox, queued, django_capture_on_commit_callbacks
):
    owner.language = "pt-br"
    owner.save()
    membership = owner.memberships.get(workspace=workspace)
    membership.follow_up_emails = True
    membership.save()
    client = ClientFactory(workspace=workspace, name="Storm Ltd", owner=owner)
    review = Review.objects.create(
        workspace=workspace, client=client, author=owner, status=ReviewStatus.DONE, decision="keep"
    )
    follow_up = FollowUp.objects.create(
        workspace=workspace, review=review, due_on=workspace.today()
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert follow_ups_send(workspace=workspace, today=workspace.today()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_ups_send(workspace=workspace, today=workspace.today()) == 0

    assert [(c["template"], c["language"]) for c in queued] == [
        ("reviews/email/follow_up", "pt-br")
    ]
    (message,) = mailoutbox
    assert message.subject == "Como você se sente em relação à sua decisão sobre Storm Ltd?"
    link = f"/w/{workspace.slug}/"
    assert link in message.body and str(follow_up.code) in message.body
    html = html_of(message)
    assert '<html lang="pt-BR">' in html
    assert f'href="{queued[0]["context"]["link"]}"' in html


def test_a_hand_over_is_told_through_it_to_each_person_in_their_language(
    workspace, owner, member, mailoutbox, queued, django_capture_on_commit_callbacks
):
    member.language = "pt-br"
    member.save()
    client = ClientFactory(workspace=workspace, name="Storm Ltd", owner=owner)
    review = Review(
        workspace=workspace, client=client, author=owner, plan={"notes": "They like <short> calls."}
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hand_over_told(review=review, previous=owner, to=member)
        assert mailoutbox == []

    assert sorted((c["to"], c["language"]) for c in queued) == sorted(
        [(member.email, "pt-br"), (owner.email, owner.language or workspace.language)]
    )
    assert {c["template"] for c in queued} == {"reviews/email/hand_over"}
    told = {m.to[0]: m for m in mailoutbox}
    portuguese = told[member.email]
    assert portuguese.subject == f"Storm Ltd agora está com {member.display_name}"
    assert f"Olá, {owner.display_name} e {member.display_name}," in portuguese.body
    assert "They like <short> calls." in portuguese.body
    assert "They like &lt;short&gt; calls." in html_of(portuguese)
    english = told[owner.email]
    assert english.subject == f"Storm Ltd is now with {member.display_name}"
    assert "the note below, is in the client's history." in english.body
