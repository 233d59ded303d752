"""The drafts a freelancer sends to carry out a review's decision. Pure: no database.

The messages are written in the client's language whatever the interface speaks, so most tests
render them under another interface language and check that every sentence went through
gettext while the client's language was active.

One module (over 400 lines) for the drafts: they share the fixtures that tag each language.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from reviews import messages
from reviews.messages import (
    DRAFTS,
    FAREWELL_REASONS,
    LANGUAGES,
    OFFBOARDING_STEPS,
    TERMS,
    TONE_CHOICES,
    TONES,
    draft_render,
    farewell_draft,
    farewell_subject,
    mailto_link,
    normalize_language,
    reason_sentence,
    terms_message_draft,
    terms_subject,
)

LAST_DAY = dt.date(2025, 3, 14)
REASONS = [code for code, _label in FAREWELL_REASONS]
TERM_CODES = [code for code, _label in TERMS]


def farewell(**overrides):
    arguments = {
        "client_name": "Marina Costa",
        "sender_name": "Júlia Reis",
        "tone": "warm",
        "language": "en",
        "reason": "fit",
        "last_day": LAST_DAY,
    }
    return farewell_draft(**{**arguments, **overrides})


def terms_message(**overrides):
    arguments = {
        "client_name": "Marina Costa",
        "sender_name": "Júlia Reis",
        "terms": ["revision_rounds", "payment_terms"],
        "tone": "neutral",
        "language": "en",
        "decision": "set_boundaries",
    }
    return terms_message_draft(**{**arguments, **overrides})


@pytest.fixture
def tagged(monkeypatch):
    """Every sentence comes out as "[language]msgid", the language active when it was looked up.

    The drafts are templates: their {% translate %} and {% blocktranslate %} blocks look their
    words up through Django's translation machinery, replaced here where every lookup goes."""

    def fake_gettext(message):
        return f"[{translation.get_language()}]{message}"

    def fake_pgettext(context, message):
        return f"[{translation.get_language()}]{message}"

    monkeypatch.setattr(translation._trans, "gettext", fake_gettext)
    monkeypatch.setattr(translation._trans, "pgettext", fake_pgettext)


# The choices ------------------------------------------------------------------------------------


def test_the_choices_are_in_the_agreed_order():
    assert [code for code, _ in OFFBOARDING_STEPS] == [
        "finish_work",
        "final_invoice",
        "hand_back",
        "honest_reasons",
        "thank_them",
    ]
    assert TERM_CODES == [
        "revision_rounds",
        "response_times",
        "working_hours",
        "out_of_scope",
        "written_briefs",
        "payment_terms",
        "rate",
        "single_contact",
    ]
    assert REASONS == ["fit", "capacity", "direction", "terms", "other"]
    assert TONES == ("warm", "neutral", "firm")
    assert [code for code, _ in TONE_CHOICES] == list(TONES)
    assert LANGUAGES == ("en", "pt-br", "es")


@pytest.mark.parametrize("choices", [OFFBOARDING_STEPS, TERMS, FAREWELL_REASONS, TONE_CHOICES])
def test_every_label_is_lazy_and_follows_the_interface_language(choices):
    for _code, label in choices:
        assert not isinstance(label, str)  # lazy: rendered in the language of the request
        with translation.override("en"):
            assert str(label).strip()


@pytest.mark.parametrize(
    ("given", "expected"),
    [("en", "en"), ("pt-BR", "pt-br"), ("pt-br", "pt-br"), ("pt_BR", "pt-br"), ("ES", "es")],
)
def test_the_client_model_s_codes_are_accepted(given, expected):
    assert normalize_language(given) == expected


# Invalid arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "pt", "", None])
def test_an_unknown_language_is_refused_clearly(language):
    with pytest.raises(ValueError, match=r"Unknown language .*en, pt-BR, es"):
        farewell(language=language)
    with pytest.raises(ValueError, match="Unknown language"):
        terms_message(language=language)
    with pytest.raises(ValueError, match="Unknown language"):
        farewell_subject(tone="warm", language=language)


@pytest.mark.parametrize("tone", ["cold", "Warm", ""])
def test_an_unknown_tone_is_refused_clearly(tone):
    with pytest.raises(ValueError, match=r"Unknown tone .*warm, neutral, firm"):
        farewell(tone=tone)
    with pytest.raises(ValueError, match=r"Unknown tone .*warm, neutral, firm"):
        terms_message(tone=tone)
    with pytest.raises(ValueError, match="Unknown tone"):
        farewell_subject(tone=tone, language="en")


def test_an_unknown_reason_term_or_decision_is_refused_clearly():
    with pytest.raises(ValueError, match=r"Unknown farewell reason 'money'.*fit, capacity"):
        farewell(reason="money")
    with pytest.raises(ValueError, match=r"Unknown term\(s\) 'free_beer'"):
        terms_message(terms=["rate", "free_beer"])
    with pytest.raises(ValueError, match="set_boundaries or renegotiate, not 'end'"):
        terms_message(decision="end")
    with pytest.raises(ValueError, match="set_boundaries or renegotiate"):
        terms_subject(decision="keep", language="en")


# The farewell ----------------------------------------------------------------------------------


def test_each_tone_reads_differently():
    drafts = {tone: farewell(tone=tone) for tone in TONES}
    assert len(set(drafts.values())) == 3
    assert "decision is final" in drafts["firm"]
    assert "decision is final" not in drafts["warm"] + drafts["neutral"]
    assert drafts["warm"].startswith("Hi Marina Costa,")
    assert drafts["neutral"].startswith("Hello Marina Costa,")
    # Firm is the shortest; warm the most personal.
    assert len(drafts["firm"]) < len(drafts["neutral"]) < len(drafts["warm"])
    assert "grateful" in drafts["warm"]
    subjects = {tone: farewell_subject(tone=tone, language="en") for tone in TONES}
    assert len(set(subjects.values())) == 3


@pytest.mark.parametrize("tone", TONES)
def test_the_farewell_states_the_decision_and_carries_out_the_checklist(tone):
    draft = farewell(tone=tone)
    assert "Marina Costa" in draft
    assert draft.endswith("\nJúlia Reis")
    assert "decided to end our" in draft
    assert "final invoice" in draft
    assert "access, credentials and files" in draft
    assert "in progress" in draft
    assert "Thank you" in draft
    assert "March 14, 2025" in draft


@pytest.mark.parametrize("tone", TONES)
def test_the_farewell_is_plain_text_in_paragraphs(tone):
    draft = farewell(tone=tone)
    assert draft == draft.strip()
    assert "\n\n\n" not in draft
    assert "<" not in draft and "&" not in draft
    paragraphs = draft.split("\n\n")
    assert len(paragraphs) == 5  # greeting, decision, handover, thanks, signature
    assert paragraphs[-1].split("\n")[-1] == "Júlia Reis"


@pytest.mark.parametrize("reason", REASONS)
def test_the_reason_sentence_of_the_chosen_reason_is_in_the_farewell(reason):
    sentence = reason_sentence(reason, language="en")
    draft = farewell(reason=reason)
    if reason == "other":
        assert sentence == ""
        assert "The main reason" not in draft
    else:
        assert sentence in draft
        others = [reason_sentence(r, language="en") for r in REASONS if r not in (reason, "other")]
        assert not any(other in draft for other in others)


def test_the_reason_sentences_are_distinct_and_blame_no_one():
    sentences = [reason_sentence(r, language="en") for r in REASONS if r != "other"]
    assert len(set(sentences)) == len(sentences)
    for sentence in sentences:
        assert "you never" not in sentence.lower()
        assert "your fault" not in sentence.lower()


def test_the_last_day_appears_only_when_given():
    assert "last working day" in farewell(last_day=LAST_DAY)
    for tone in TONES:
        assert "last working day" not in farewell(tone=tone, last_day=None)


def test_with_no_work_left_it_does_not_promise_to_finish_any():
    for tone in TONES:
        draft = farewell(tone=tone, work_left=False)
        assert "delivered" in draft
        assert "work in progress" not in draft
        assert "final invoice" in draft


def test_missing_names_leave_no_gaps():
    draft = farewell(client_name="  ", sender_name="", tone="neutral")
    assert draft.startswith("Hello,\n\n")
    assert draft.endswith("Kind regards,")
    assert "  " not in draft


# The templates ---------------------------------------------------------------------------------


def test_an_unknown_draft_is_refused_clearly():
    with pytest.raises(ValueError, match=r"Unknown draft 'poem'.*farewell"):
        draft_render("poem", language="en")
    with pytest.raises(ValueError, match="Unknown language"):
        draft_render("farewell_subject", language="fr", tone="warm")
    assert set(DRAFTS) >= {"farewell", "farewell_subject", "terms", "terms_subject"}


def test_a_draft_is_plain_text_nothing_is_escaped():
    draft = farewell(client_name="Smith & <Sons>", sender_name="Ana O'Neil")
    assert draft.startswith("Hi Smith & <Sons>,\n\n")
    assert draft.endswith("\nAna O'Neil")
    assert "&amp;" not in draft and "&#x27;" not in draft
    message = terms_message(client_name="Smith & <Sons>")
    assert message.startswith("Hello Smith & <Sons>,\n\n")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_draft_keeps_one_blank_line_between_paragraphs_and_no_stray_spaces(language):
    drafts = [
        farewell(language=language, tone=tone, reason=reason, last_day=day, work_left=work)
        for tone in TONES
        for reason in REASONS
        for day in (None, LAST_DAY)
        for work in (True, False)
    ] + [
        terms_message(language=language, tone=tone, decision=decision, terms=terms)
        for tone in TONES
        for decision in ("set_boundaries", "renegotiate")
        for terms in ([], ["rate"], TERM_CODES)
    ]
    for draft in drafts:
        assert draft == draft.strip()
        assert "\n\n\n" not in draft
        assert "  " not in draft
        assert all(line == line.strip() for line in draft.splitlines())
    for tone in TONES:
        subject = farewell_subject(tone=tone, language=language)
        assert subject and "\n" not in subject and subject == subject.strip()
    for decision in ("set_boundaries", "renegotiate"):
        subject = terms_subject(decision=decision, language=language)
        assert subject and "\n" not in subject and subject == subject.strip()


# The language of the message -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "date"),
    [("en", "March 14, 2025"), ("pt-BR", "14 de março de 2025"), ("es", "14 de marzo de 2025")],
)
@pytest.mark.parametrize("interface", ["en", "pt-br", "es"])
def test_the_last_day_is_written_the_way_the_client_s_language_writes_dates(
    language, date, interface
):
    with translation.override(interface):
        draft = farewell(language=language)
        assert date in draft
        assert translation.get_language() == interface  # the interface language is untouched


@pytest.mark.parametrize("language", ["pt-BR", "es"])
def test_every_sentence_of_the_farewell_is_looked_up_in_the_client_s_language(tagged, language):
    expected = normalize_language(language)
    with translation.override("en"):
        for tone in TONES:
            for work_left in (True, False):
                draft = farewell(tone=tone, language=language, work_left=work_left)
                tags = draft.count("[")
                assert tags >= 6
                assert draft.count(f"[{expected}]") == tags
                # Each paragraph but the signature's name line starts with a translated string.
                for paragraph in draft.split("\n\n"):
                    assert paragraph.startswith(f"[{expected}]")
        assert farewell_subject(tone="firm", language=language).startswith(f"[{expected}]")
        assert reason_sentence("capacity", language=language).startswith(f"[{expected}]")
        assert translation.get_language() == "en"


def test_the_message_language_does_not_follow_the_interface(tagged):
    with translation.override("pt-br"):
        assert "[en]" in farewell(language="en")
        assert "[pt-br]" not in farewell(language="en")


# Setting boundaries and renegotiating ---------------------------------------------------------


def test_the_terms_message_lists_each_chosen_term_and_no_other():
    chosen = ["working_hours", "rate", "single_contact"]
    labels = dict(TERMS)
    message = terms_message(terms=chosen)
    bullets = [line for line in message.splitlines() if line.startswith("- ")]
    with translation.override("en"):
        assert bullets == [f"- {labels[code]}" for code in chosen]
    assert "Marina Costa" in message
    assert message.endswith("\nJúlia Reis")


def test_a_term_chosen_twice_is_listed_once():
    message = terms_message(terms=["rate", "rate"])
    assert len([line for line in message.splitlines() if line.startswith("- ")]) == 1


def test_with_no_term_chosen_it_still_asks_to_talk():
    message = terms_message(terms=[])
    assert "- " not in message
    assert "call" in message


@pytest.mark.parametrize("decision", ["set_boundaries", "renegotiate"])
def test_each_tone_of_the_terms_message_differs_and_asks_to_talk(decision):
    drafts = {tone: terms_message(tone=tone, decision=decision) for tone in TONES}
    assert len(set(drafts.values())) == 3
    for draft in drafts.values():
        assert "?" in draft or "let me know" in draft.lower()
        assert "\n\n\n" not in draft


def test_the_decision_changes_what_is_said_not_working():
    boundaries = terms_message(decision="set_boundaries")
    renegotiation = terms_message(decision="renegotiate")
    assert boundaries != renegotiation
    assert "agreement" in renegotiation
    assert terms_subject(decision="set_boundaries", language="en") != terms_subject(
        decision="renegotiate", language="en"
    )


def test_the_terms_are_rendered_in_the_client_s_language(tagged, monkeypatch):
    class Label:
        def __str__(self):
            return f"[{translation.get_language()}]label"

    monkeypatch.setattr(messages, "_TERM_LABELS", {"rate": Label()})
    with translation.override("en"):
        message = terms_message(terms=["rate"], language="es", tone="firm")
    assert "- [es]label" in message
    assert "[en]" not in message
    for paragraph in message.split("\n\n"):
        assert paragraph.startswith("[es]")


# Handing over ---------------------------------------------------------------------------------


def _hand_over_email(language: str) -> tuple[str, str, str]:
    context = {"client": "Acme", "from_name": "Ana", "to_name": "Bruno", "notes": ""}
    with translation.override(language):
        return tuple(
            render_to_string(f"reviews/email/hand_over_{part}", context)
            for part in ("subject.txt", "body.txt", "body.html")
        )


def test_the_handover_email_says_who_owns_the_client_now():
    subject, text, html = _hand_over_email("en")
    assert "Acme" in subject and "Bruno" in subject
    assert "Bruno is responsible for Acme" in text
    assert (
        "The hand-over, with the decision, the plan and the note below, is in the client's history."
        in text
    )
    assert "Bruno is responsible for Acme" in html


def test_the_handover_email_is_written_in_the_readers_language():
    _subject, text, _html = _hand_over_email("pt-br")
    assert "Bruno" in text
    assert "responsible for" not in text
    assert text != _hand_over_email("en")[1]


# mailto: ---------------------------------------------------------------------------------------


def test_mailto_encodes_spaces_newlines_accents_and_ampersands():
    link = mailto_link(
        email="marina@example.com",
        subject="Fim da parceria & próximos passos",
        body="Olá, Marina,\n\nObrigada & até já.",
    )
    assert link.startswith("mailto:marina@example.com?subject=")
    query = link.split("?", 1)[1]
    assert " " not in link and "\n" not in link
    assert "%20" in query
    assert "%0D%0A%0D%0A" in query  # RFC 6068: line breaks are CRLF
    assert "pr%C3%B3ximos" in query and "Ol%C3%A1" in query
    subject, body = query.split("&")  # the only raw "&" separates the two fields
    assert subject.startswith("subject=") and body.startswith("body=")
    assert unquote(subject.removeprefix("subject=")) == "Fim da parceria & próximos passos"
    assert unquote(body.removeprefix("body=")) == "Olá, Marina,\r\n\r\nObrigada & até já."


def test_mailto_allows_an_empty_address_and_a_whole_draft():
    draft = farewell(language="es")
    link = mailto_link(email="", subject=farewell_subject(tone="warm", language="es"), body=draft)
    assert link.startswith("mailto:?subject=")
    body = link.split("&body=", 1)[1]
    assert unquote(body) == draft.replace("\n", "\r\n")


def test_mailto_keeps_an_address_from_breaking_the_url():
    link = mailto_link(email="a?b@example.com ", subject="x", body="y")
    assert link.startswith("mailto:a%3Fb@example.com?subject=x&body=y")
