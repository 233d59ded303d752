"""The texts a freelancer sends to carry out a review's decision, drafted for them to edit.

No database. Every draft is written in the *client's* language (``en``, ``pt-br`` or ``es``),
whatever the language of the interface: its template in ``templates/reviews/messages/`` is
rendered under ``translation.override(language)``, its wording in ``{% blocktranslate %}`` blocks
that ``makemessages`` finds. The drafts are plain text, paragraphs separated by one blank line,
ready for a textarea, the clipboard or a ``mailto:`` link.

Tone changes the wording, never the facts: *warm* is personal and grateful, *neutral* is
professional, *firm* is short and leaves no room for renegotiation — and is still polite.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import quote

from django.template import Context, engines
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

# The drafts, each a template in templates/reviews/messages/ (the subjects are one line).
DRAFTS = ("farewell", "farewell_subject", "farewell_reason", "terms", "terms_subject")

_TERM_LABELS = dict(TERMS)
_REASON_CODES = tuple(code for code, _label in FAREWELL_REASONS)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


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


def _sentences(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def _plain(text: str) -> str:
    """The rendered text without what the template tags leave behind: runs of spaces, spaces at
    the ends of lines, more than one blank line between paragraphs, blank lines around it."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def draft_render(kind: str, *, language: str, **context) -> str:
    """The draft ``kind`` (one of ``DRAFTS``) written in ``language``, as plain text.

    Nothing is HTML-escaped: a client called "Smith & Co" stays so in an email."""
    if kind not in DRAFTS:
        raise ValueError(f"Unknown draft {kind!r}: expected one of {', '.join(DRAFTS)}.")
    template = engines["django"].engine.get_template(f"reviews/messages/{kind}.txt")
    with translation.override(normalize_language(language)):
        return _plain(template.render(Context(context, autoescape=False)))


def _format_day(day: datetime.date) -> str:
    """``day`` as the active language writes a date: "March 14, 2025", "14 de março de 2025"."""
    text = date_format(day, "DATE_FORMAT")
    # Portuguese and Spanish write month names in lower case (Django's pt_BR names are capitalised).
    return text if translation.get_language() == "en" else text.lower()


def reason_sentence(reason: str, *, language: str) -> str:
    """The sentence that states ``reason`` in a farewell ("" for "other"), in ``language``."""
    return draft_render("farewell_reason", language=language, reason=_check_reason(reason))


def farewell_subject(*, tone: str = NEUTRAL, language: str) -> str:
    """The subject of the farewell email, in ``language``."""
    return draft_render("farewell_subject", language=language, tone=_check_tone(tone))


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
    language = normalize_language(language)
    with translation.override(language):
        day = _format_day(last_day) if last_day is not None else ""
    return draft_render(
        "farewell",
        language=language,
        tone=tone,
        client_name=client_name.strip(),
        sender_name=sender_name.strip(),
        reason_sentence=reason_sentence(reason, language=language),
        last_day=day,
        work_left=work_left,
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
    return draft_render("terms_subject", language=language, decision=_check_term_decision(decision))


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
    return draft_render(
        "terms",
        language=language,
        decision=decision,
        tone=tone,
        client_name=client_name.strip(),
        sender_name=sender_name.strip(),
        terms=[_TERM_LABELS[term] for term in _check_terms(terms)],
    )


def mailto_link(*, email: str, subject: str, body: str) -> str:
    """A ``mailto:`` URL (RFC 6068) with the subject and body percent-encoded; email may be ""."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    address = quote(email.strip(), safe="@")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
