"""The texts a freelancer sends to carry out a review's decision, drafted for them to edit.

Pure Python, no database. Every draft is written in the *client's* language (``en``, ``pt-br``
or ``es``), whatever the language of the interface: the whole rendering runs under
``translation.override(language)``, and every sentence is a gettext call with a literal msgid
at the call site so that ``makemessages`` finds it. The drafts are plain text, paragraphs
separated by a blank line, ready for a textarea, the clipboard or a ``mailto:`` link.

Tone changes the wording, never the facts: *warm* is personal and grateful, *neutral* is
professional, *firm* is short and leaves no room for renegotiation — and is still polite.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .questions import RENEGOTIATE, SET_BOUNDARIES

# The offboarding checklist, in the order it is done.
OFFBOARDING_STEPS = (
    ("finish_work", _("Finish the work in progress quickly, without lowering its quality")),
    ("final_invoice", _("Send the final invoice")),
    ("hand_back", _("Hand back access, credentials and files")),
    ("honest_reasons", _("Tell them the real reasons, honestly and kindly")),
    ("thank_them", _("Thank them for the work together")),
)

# Concrete terms to propose when setting boundaries or renegotiating. The labels are both the
# checklist in the plan and the bullets of the message to the client, so they read well in both.
TERMS = (
    ("revision_rounds", _("A set number of revision rounds per deliverable")),
    ("response_times", _("Agreed response times for messages")),
    ("working_hours", _("Contact only within working hours")),
    ("out_of_scope", _("Work outside the agreed scope quoted separately")),
    ("written_briefs", _("Briefs and change requests in writing")),
    ("payment_terms", _("Payment terms: a deposit up front and clear due dates")),
    ("rate", _("A new rate or price")),
    ("single_contact", _("A single contact person for feedback")),
)

# The honest main reason for ending, as the user picks it; "other" adds no reason sentence.
FAREWELL_REASONS = (
    ("fit", _("Our ways of working don't fit")),
    ("capacity", _("I can no longer give the project the attention it deserves")),
    ("direction", _("My work is moving in another direction")),
    ("terms", _("We could not agree on terms that work for both of us")),
    ("other", _("Another reason — I'll write it myself")),
)

WARM, NEUTRAL, FIRM = "warm", "neutral", "firm"
TONES = (WARM, NEUTRAL, FIRM)
TONE_CHOICES = (
    (WARM, pgettext_lazy("message tone", "Warm")),
    (NEUTRAL, pgettext_lazy("message tone", "Neutral")),
    (FIRM, pgettext_lazy("message tone", "Firm")),
)

# The languages a message can be written in (Django's codes). The Client model stores BCP 47
# codes ("pt-BR"); normalize_language() accepts both spellings.
LANGUAGES = ("en", "pt-br", "es")
# Each language named in itself: the user picks the language the *client* reads.
LANGUAGE_CHOICES = (
    ("en", "English"),
    ("pt-br", "Português (Brasil)"),
    ("es", "Español"),
)

TERM_DECISIONS = (SET_BOUNDARIES, RENEGOTIATE)

_TERM_LABELS = dict(TERMS)
_REASON_CODES = tuple(code for code, _label in FAREWELL_REASONS)


def normalize_language(language: str) -> str:
    """``"pt-BR"``, ``"pt_BR"``, ``"pt-br"`` -> ``"pt-br"``; an unknown language is a ValueError."""
    code = str(language or "").strip().replace("_", "-").lower()
    if code not in LANGUAGES:
        raise ValueError(
            f"Unknown language {language!r} for a message: expected one of en, pt-BR, es."
        )
    return code


def _check_tone(tone: str) -> str:
    if tone not in TONES:
        raise ValueError(f"Unknown tone {tone!r}: expected one of {', '.join(TONES)}.")
    return tone


def _check_reason(reason: str) -> str:
    if reason not in _REASON_CODES:
        raise ValueError(
            f"Unknown farewell reason {reason!r}: expected one of {', '.join(_REASON_CODES)}."
        )
    return reason


def _by_tone(tone: str, *, warm: str, neutral: str, firm: str) -> str:
    return {WARM: warm, NEUTRAL: neutral, FIRM: firm}[tone]


def _sentences(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def _greeting(tone: str, name: str) -> str:
    name = name.strip()
    if not name:
        return _by_tone(
            tone,
            warm=pgettext("greeting in a message to a client", "Hi,"),
            neutral=pgettext("greeting in a message to a client", "Hello,"),
            firm=pgettext("greeting in a message to a client", "Hello,"),
        )
    return _by_tone(
        tone,
        warm=pgettext("greeting in a message to a client", "Hi %(name)s,"),
        neutral=pgettext("greeting in a message to a client", "Hello %(name)s,"),
        firm=pgettext("greeting in a message to a client", "Hello %(name)s,"),
    ) % {"name": name}


def _signature(tone: str, sender_name: str) -> str:
    closing = _by_tone(
        tone,
        warm=pgettext("closing of a message to a client", "Warm regards,"),
        neutral=pgettext("closing of a message to a client", "Kind regards,"),
        firm=pgettext("closing of a message to a client", "Best regards,"),
    )
    sender_name = sender_name.strip()
    return f"{closing}\n{sender_name}" if sender_name else closing


def _format_day(day: datetime.date) -> str:
    """``day`` as the active language writes a date: "March 14, 2025", "14 de março de 2025"."""
    text = date_format(day, "DATE_FORMAT")
    # Portuguese and Spanish write month names in lower case (Django's pt_BR names are capitalised).
    return text if translation.get_language() == "en" else text.lower()


def _reason_sentence(reason: str) -> str:
    if reason == "fit":
        return gettext(
            "The main reason is that our ways of working don't fit well together. That is "
            "nobody's fault, and I believe you will be better served by someone whose way of "
            "working is closer to yours."
        )
    if reason == "capacity":
        return gettext(
            "The main reason is that I can no longer give your project the attention it "
            "deserves, and I would rather tell you so than let the work suffer."
        )
    if reason == "direction":
        return gettext(
            "The main reason is that my work is moving in another direction, and your project "
            "deserves someone whose focus is fully on this kind of work."
        )
    if reason == "terms":
        return gettext(
            "The main reason is that we have not been able to agree on terms that work for "
            "both of us, and I would rather we part well now than let that strain the work."
        )
    return ""


def reason_sentence(reason: str, *, language: str) -> str:
    """The sentence that states ``reason`` in a farewell ("" for "other"), in ``language``."""
    _check_reason(reason)
    with translation.override(normalize_language(language)):
        return _reason_sentence(reason)


def farewell_subject(*, tone: str = NEUTRAL, language: str) -> str:
    """The subject of the farewell email, in ``language``."""
    _check_tone(tone)
    with translation.override(normalize_language(language)):
        return _by_tone(
            tone,
            warm=pgettext("subject of a farewell message", "About our work together"),
            neutral=pgettext("subject of a farewell message", "Ending our collaboration"),
            firm=pgettext("subject of a farewell message", "Ending our working relationship"),
        )


def farewell_draft(
    *,
    client_name: str,
    sender_name: str,
    tone: str,
    language: str,
    reason: str = "other",
    last_day: datetime.date | None = None,
    work_left: bool = True,
) -> str:
    """The farewell message: the decision, its reason, the handover, thanks — in ``language``."""
    _check_tone(tone)
    _check_reason(reason)
    with translation.override(normalize_language(language)):
        decision = _by_tone(
            tone,
            warm=gettext(
                "I wanted you to hear this from me directly: after a lot of thought, I've "
                "decided to end our work together."
            ),
            neutral=gettext(
                "I am writing to let you know that I have decided to end our working relationship."
            ),
            firm=gettext("I have decided to end our working relationship."),
        )
        final = gettext("I have considered this carefully, and my decision is final.")
        opening = _sentences(decision, _reason_sentence(reason), final if tone == FIRM else "")

        if work_left:
            work = _by_tone(
                tone,
                warm=gettext(
                    "I'll finish the work in progress with the same care as always — nothing "
                    "will be left half done."
                ),
                neutral=gettext(
                    "I will complete the work currently in progress to the usual standard."
                ),
                firm=gettext(
                    "I will complete the work in progress as agreed and will not take on new "
                    "requests."
                ),
            )
        else:
            work = _by_tone(
                tone,
                warm=gettext(
                    "Everything we agreed on has already been delivered, so you won't be left with "
                    "anything half done."
                ),
                neutral=gettext("All the agreed work has been delivered."),
                firm=gettext("All the agreed work has been delivered."),
            )
        last = ""
        if last_day is not None:
            last = _by_tone(
                tone,
                # Translators: %(date)s is a date, already written the way your language writes it.
                warm=gettext("My last working day with you will be %(date)s."),
                neutral=gettext("My last working day will be %(date)s."),
                firm=gettext("My last working day will be %(date)s."),
            ) % {"date": _format_day(last_day)}
        returns = _by_tone(
            tone,
            warm=gettext(
                "I'll send the final invoice and hand back all access, credentials and files, "
                "so you have everything you need to carry on smoothly."
            ),
            neutral=gettext(
                "I will send the final invoice and return all access, credentials and files."
            ),
            firm=gettext(
                "The final invoice will follow, and I will return all access, credentials "
                "and files."
            ),
        )
        questions = _by_tone(
            tone,
            warm=gettext(
                "If anything about the handover is unclear, just tell me and I'll sort it out."
            ),
            neutral=gettext("If you need anything for the handover, please let me know."),
            firm=gettext("Please send any questions about the handover by email."),
        )
        handover = _sentences(work, last, returns, questions)

        thanks = _by_tone(
            tone,
            warm=gettext(
                "Thank you for the trust you placed in me and for everything we did together — "
                "I'm genuinely grateful for it. I hope what comes next goes really well for you."
            ),
            neutral=gettext(
                "Thank you for the work we have done together and for the trust you placed in "
                "me. I wish you all the best with your projects."
            ),
            firm=gettext("Thank you for the work we have done together. I wish you well."),
        )
        return _paragraphs(
            _greeting(tone, client_name),
            opening,
            handover,
            thanks,
            _signature(tone, sender_name),
        )


def _check_terms(terms: list[str]) -> list[str]:
    unknown = [term for term in terms if term not in _TERM_LABELS]
    if unknown:
        raise ValueError(
            f"Unknown term(s) {', '.join(map(repr, unknown))}: expected among "
            f"{', '.join(_TERM_LABELS)}."
        )
    return list(dict.fromkeys(terms))  # in the order given, each once


def _check_term_decision(decision: str) -> str:
    if decision not in TERM_DECISIONS:
        raise ValueError(f"A terms message is for {' or '.join(TERM_DECISIONS)}, not {decision!r}.")
    return decision


def terms_subject(*, decision: str, language: str) -> str:
    """The subject of the email proposing new terms, in ``language``."""
    _check_term_decision(decision)
    with translation.override(normalize_language(language)):
        if decision == SET_BOUNDARIES:
            return pgettext("subject of a message proposing terms", "How we work together")
        return pgettext("subject of a message proposing terms", "Reviewing our agreement")


def terms_message_draft(
    *,
    client_name: str,
    sender_name: str,
    terms: list[str],
    tone: str,
    language: str,
    decision: str,
) -> str:
    """What is not working, the terms proposed as a list, a request to talk — in ``language``."""
    _check_tone(tone)
    _check_term_decision(decision)
    terms = _check_terms(terms)
    with translation.override(normalize_language(language)):
        if decision == SET_BOUNDARIES:
            problem = _by_tone(
                tone,
                warm=gettext(
                    "I enjoy working on your projects and want to keep doing my best work for "
                    "you. To do that, I need to be open with you: lately, requests, changes and "
                    "revisions have been taking much more of my time than we planned, and it is "
                    "starting to affect the quality of what I deliver."
                ),
                neutral=gettext(
                    "I would like to raise a few points about how we work together. Requests, "
                    "changes and revisions have recently been taking much more time than we "
                    "planned, and clearer agreements would help us both."
                ),
                firm=gettext(
                    "I need to set clearer terms for how we work together. Requests, changes "
                    "and revisions have gone well beyond what we agreed, and the current "
                    "arrangement is not sustainable for me."
                ),
            )
        else:
            problem = _by_tone(
                tone,
                warm=gettext(
                    "I've really valued working with you, and I'd like us to carry on in a way "
                    "that works for both of us. Over the past months the work has grown beyond "
                    "what our agreement covers, and the current scope and price no longer "
                    "match it."
                ),
                neutral=gettext(
                    "I would like to review our current agreement. The work involved has "
                    "changed since we set the terms, and the current scope and price no longer "
                    "reflect it."
                ),
                firm=gettext(
                    "Our current agreement no longer reflects the work involved, and I cannot "
                    "continue on the present terms."
                ),
            )
        proposal = ""
        if terms:
            intro = _by_tone(
                tone,
                warm=gettext("Here is what I'd like to propose:"),
                neutral=gettext("I propose the following:"),
                firm=gettext("To continue working together, I need the following:"),
            )
            bullets = "\n".join(f"- {_TERM_LABELS[term]}" for term in terms)
            proposal = f"{intro}\n{bullets}"
        talk = _by_tone(
            tone,
            warm=gettext(
                "Could we find half an hour in the next few days to talk it through? I'd like "
                "to hear what would work on your side too."
            ),
            neutral=gettext(
                "Could we schedule a short call to discuss these points? I am also open to "
                "hearing what would work on your side."
            ),
            firm=gettext(
                "Please let me know when you are available for a short call to agree on how we "
                "put this in place."
            ),
        )
        thanks = _by_tone(
            tone,
            warm=gettext(
                "Thank you for hearing me out — I'm looking forward to continuing our work "
                "together."
            ),
            neutral=gettext("Thank you, and I look forward to your reply."),
            firm=gettext("Thank you for your understanding."),
        )
        return _paragraphs(
            _greeting(tone, client_name),
            problem,
            proposal,
            talk,
            thanks,
            _signature(tone, sender_name),
        )


def handover_subject(*, client_name: str, to_name: str, language: str) -> str:
    """The subject of the hand-over note, in ``language``."""
    with translation.override(normalize_language(language)):
        return gettext("%(client)s is now with %(to_name)s") % {
            "client": client_name,
            "to_name": to_name,
        }


def handover_note(*, client_name: str, from_name: str, to_name: str, language: str) -> str:
    """The note telling both members that a client was handed over, in ``language``."""
    names = {"client": client_name, "from_name": from_name, "to_name": to_name}
    with translation.override(normalize_language(language)):
        return _paragraphs(
            pgettext("greeting in a note to two members", "Hello %(from_name)s and %(to_name)s,")
            % names,
            _sentences(
                gettext(
                    "After a review of the relationship, %(from_name)s has handed %(client)s "
                    "over to %(to_name)s."
                )
                % names,
                gettext(
                    "From now on, %(to_name)s is responsible for %(client)s and is their main "
                    "contact."
                )
                % names,
            ),
            _sentences(
                gettext("The review's notes are in the client's history."),
                gettext(
                    "Take a moment together to go through the work in progress, open invoices "
                    "and any access the client has shared."
                ),
            ),
            gettext("Thank you both for making the change smooth for the client."),
        )


def mailto_link(*, email: str, subject: str, body: str) -> str:
    """A ``mailto:`` URL (RFC 6068) with the subject and body percent-encoded; email may be ""."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    address = quote(email.strip(), safe="@")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
