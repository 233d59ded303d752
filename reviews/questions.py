"""The review's questions (steps 2 to 4) and the decisions (step 5), as data.

Answers are stored as {question code: value}; a value is an int on a 1-5 scale, one of
YES/PARTLY/NO, an int (months of runway, a member's user id) or text for the optional notes.
A question left unanswered is absent. The answers of steps 2-4 are private to the person who
gave them (and to the workspace's owners).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.choices import Suggestion

YES, PARTLY, NO = "yes", "partly", "no"


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    kind: str  # "scale" (1-5), "yesno" (yes/partly/no), "number", "member", "text"
    low: str = ""  # scale labels at 1 and 5
    high: str = ""


FEELINGS = (
    Question(
        "enjoy", _("Do you still enjoy talking to them?"), "scale", _("Not at all"), _("Very much")
    ),
    Question("dread", _("Do you dread their messages?"), "scale", _("Never"), _("Every time")),
    Question(
        "change_stress",
        _("Does a change request from them throw you off for the day?"),
        "scale",
        _("Never"),
        _("Every time"),
    ),
    Question(
        "before_meeting",
        _("How do you feel before a meeting with them?"),
        "scale",
        _("I dread it"),
        _("I look forward to it"),
    ),
    Question("feel_notes", _("Anything else about how it feels? (optional)"), "text"),
)

SIDES = (
    Question(
        "terms_clear",
        _("Were the terms — scope, rounds of revisions, response times, price — clearly agreed?"),
        "yesno",
    ),
    Question("told_them", _("Have you told them what is not working?"), "yesno"),
    Question("can_change", _("Could you change or learn something that would fix it?"), "yesno"),
    Question("aligned", _("Are they aligned with how you work and with your values?"), "yesno"),
    Question("trust", _("Is trust still there, both ways?"), "yesno"),
    Question("unlimited_help", _("Do they expect unlimited help for a one-off fee?"), "yesno"),
    Question("side_notes", _("Anything else about whose side it is? (optional)"), "text"),
)

COSTS = (
    Question(
        "energy_drain",
        _("How much energy do they take from your other clients?"),
        "scale",
        _("None"),
        _("A lot"),
    ),
    Question("absorb_loss", _("Could you absorb losing this income?"), "yesno"),
    Question("runway_months", _("How many months could you go without it? (optional)"), "number"),
    Question("teammate", _("Is there a teammate who works well with them?"), "member"),
    Question("cost_notes", _("Anything else about what it costs you? (optional)"), "text"),
)

STEP_QUESTIONS = {2: FEELINGS, 3: SIDES, 4: COSTS}
QUESTIONS = {q.code: q for step in STEP_QUESTIONS.values() for q in step}

YESNO_CHOICES = (
    (YES, pgettext_lazy("answer", "Yes")),
    (PARTLY, _("Partly")),
    (NO, pgettext_lazy("answer", "No")),
)

# Step 5: what the person may decide: the advice ladder's steps (assessments' Suggestion
# codes), and a pause, which only a person can choose. The recommendation picks one of them.
KEEP, SET_BOUNDARIES, RENEGOTIATE, HAND_OVER, END = (
    Suggestion.KEEP.value,
    Suggestion.SET_BOUNDARIES.value,
    Suggestion.RENEGOTIATE.value,
    Suggestion.HAND_OVER.value,
    Suggestion.END.value,
)
PAUSE = "pause"
DECISIONS = (
    (KEEP, _("Keep as is")),
    (SET_BOUNDARIES, _("Set boundaries")),
    (RENEGOTIATE, _("Renegotiate scope or price")),
    (HAND_OVER, _("Hand over to a teammate")),
    (PAUSE, _("Pause")),
    (END, _("End the relationship")),
)
