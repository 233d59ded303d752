"""Every input of a review as a form: a step's answers (its fields made from the step's
questions), the decision, the plan, an offboarding step ticked, the hand-over, the follow-up.

The templates draw their own inputs (built for accessibility and autosave); the names of the
fields here are the names of those inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.dates import day_check
from accounts.models import User

from . import messages as drafts
from . import questions
from .questions import Question

# What any field may refuse a value with; each field here says one thing for all of them.
_REFUSALS = ("required", "invalid", "invalid_choice", "min_value", "max_value", "step_size")


def _refusals(message) -> dict:
    return dict.fromkeys(_REFUSALS, message)


class LimitedCharField(forms.CharField):
    """Text of at most ``limit`` characters. Longer text is refused with a message that says so,
    and comes back in the form as typed: nothing is cut away unseen."""

    def __init__(self, *, limit: int, **kwargs) -> None:
        super().__init__(max_length=limit, **kwargs)
        self.error_messages.setdefault(
            "max_length",
            _("At most %(limit_value)s characters here, please: this has %(show_value)s."),
        )


class KnownChoicesField(forms.MultipleChoiceField):
    """The known choices among those sent; an unknown one (say, a term removed since the page
    was drawn) is dropped, not refused."""

    def to_python(self, value) -> list[str]:
        known = {str(code) for code, _label in self.choices}
        return [v for v in super().to_python(value) if v in known]


# The field of each kind of question. A new kind is a line here and its input in _question.html.
ANSWER_FIELDS: dict[str, Callable[..., forms.Field]] = {
    "scale": partial(forms.IntegerField, min_value=1, max_value=5),
    "yesno": partial(forms.ChoiceField, choices=questions.YESNO_CHOICES),
    "number": partial(forms.IntegerField, min_value=0, max_value=120),
    "member": partial(forms.IntegerField, min_value=1, max_value=2**62),  # a user id
    "text": partial(LimitedCharField, limit=2000),
}


def answer_field(question: Question) -> forms.Field:
    """The field of ``question``: optional (unanswered is an answer too), and whatever it
    refuses, it says which question and to choose an answer offered."""
    refused = gettext("“%(question)s”: choose one of the answers offered.") % {
        "question": question.text
    }
    messages = _refusals(refused) | {
        "max_length": gettext(
            "“%(question)s”: at most %%(limit_value)s characters, please (this has "
            "%%(show_value)s)."
        )
        % {"question": question.text}
    }
    return ANSWER_FIELDS[question.kind](
        required=False, label=question.text, error_messages=messages
    )


def invalid_messages(form: forms.Form) -> list[str]:
    """What is wrong with a submitted form, one message per problem; [] when it is valid."""
    if form.is_valid():
        return []
    return [message for errors in form.errors.values() for message in errors]


class StepForm(forms.Form):
    """The answers of one step of the review; unbound, it shows the answers saved."""

    def __init__(self, *args, step: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.step_questions = questions.STEP_QUESTIONS.get(step, ())
        for question in self.step_questions:
            self.fields[question.code] = answer_field(question)

    def answers(self) -> dict:
        """The answers given; an empty one is unanswered, so absent."""
        return {code: v for code, v in self.cleaned_data.items() if v is not None and v != ""}

    def shown(self) -> list[dict]:
        """Each question with its value to show: what was sent (so a refused form keeps what
        was typed), or else the answer saved."""
        return [{"q": q, "value": self._shown(q.code)} for q in self.step_questions]

    def _shown(self, code: str):
        if not self.is_bound:
            return self.initial.get(code)
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned[code] if code in cleaned else self[code].data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=questions.DECISIONS, error_messages=_refusals(_("Choose one of the options."))
    )


def _date_field() -> forms.DateField:
    # <input type="date"> always sends ISO dates, whatever the language.
    return forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a valid date.")},
    )


class PlanForm(forms.Form):
    """The plan's choices. Each plan form sends some of them: only those sent change (the terms
    when the form says it holds them, since no box ticked sends nothing)."""

    tone = forms.ChoiceField(
        choices=drafts.TONE_CHOICES, error_messages=_refusals(_("Choose a tone."))
    )
    language = forms.ChoiceField(
        choices=drafts.LANGUAGE_CHOICES, error_messages=_refusals(_("Choose a language."))
    )
    reason = forms.ChoiceField(
        choices=drafts.FAREWELL_REASONS, error_messages=_refusals(_("Choose a reason."))
    )
    last_day = _date_field()
    check_on = _date_field()
    terms = KnownChoicesField(choices=drafts.TERMS, required=False)
    message = LimitedCharField(limit=10000, strip=False, required=False)
    notes = LimitedCharField(limit=10000, strip=False, required=False)
    # The button pressed: "draft" writes the message again from the choices; "restore" brings
    # back the person's own message that a new draft replaced.
    action = forms.ChoiceField(choices=(("draft", "draft"), ("restore", "restore")), required=False)
    # The review's version the form was drawn at (accounts.versions).
    version = forms.IntegerField(
        min_value=1,
        required=False,
        error_messages=_refusals(
            _("This form is out of date: reload the page and make your change again.")
        ),
    )

    def __init__(self, data, *, today: dt.date, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.today = today
        sent = set(self.data) - {"terms"}
        if "terms_present" in sent:  # no box ticked sends no "terms" at all
            sent.add("terms")
        for name in set(self.fields) - sent:
            del self.fields[name]

    def clean_last_day(self):
        return day_check(self.cleaned_data["last_day"], today=self.today, days_ahead=366)

    def clean_check_on(self):
        return day_check(self.cleaned_data["check_on"], today=self.today, days_ahead=366)

    @property
    def redraft(self) -> bool:
        return self.cleaned_data.get("action") == "draft"

    @property
    def restore(self) -> bool:
        return self.cleaned_data.get("action") == "restore"

    def changes(self) -> dict:
        return {
            name: v for name, v in self.cleaned_data.items() if name not in ("action", "version")
        }

    def typed(self) -> dict:
        """What was sent, as the plan keeps it, to draw a refused form again."""
        return {name: self[name].data for name in self.fields if name not in ("action", "version")}


class CheckForm(forms.Form):
    done = forms.BooleanField(required=False)


class HandOverForm(forms.Form):
    """To whom among the review's teammates, and what they need to know."""

    to = forms.TypedChoiceField(
        coerce=int,
        error_messages=_refusals(_("Choose the teammate who takes the client over.")),
    )
    notes = LimitedCharField(limit=4000, required=False)

    def __init__(self, *args, teammates: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(m["user_id"], m["name"]) for m in teammates]

    def clean_to(self) -> User:
        user = User.objects.filter(pk=self.cleaned_data["to"]).first()
        if user is None:  # gone since the review began
            raise forms.ValidationError(self.fields["to"].error_messages["invalid_choice"])
        return user


class FollowUpForm(forms.Form):
    """Looking back on a decision: any of the three answers, but at least one."""

    feeling = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages=_refusals(_("Choose how you feel, from 1 to 5.")),
    )
    right_call = forms.ChoiceField(
        choices=questions.YESNO_CHOICES,
        required=False,
        error_messages=_refusals(_("Choose yes, partly or no.")),
    )
    notes = LimitedCharField(limit=4000, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        answered = cleaned.get("feeling") is not None or cleaned.get("right_call")
        if not self.errors and not answered and not cleaned.get("notes"):
            raise forms.ValidationError(_("Answer at least one question."))
        return cleaned
