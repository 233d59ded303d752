"""The review's inputs as forms: the fields of a step come from its questions, one field per
kind of question; the plan changes only what was sent; hand-over and follow-up refuse clearly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import translation

from reviews import questions
from reviews.forms import (
    ANSWER_FIELDS,
    DecisionForm,
    FollowUpForm,
    HandOverForm,
    PlanForm,
    StepForm,
    invalid_messages,
)
from tests.factories import UserFactory

TODAY = dt.date(2026, 12, 2)


def sent(**data) -> QueryDict:
    """Data as a browser sends it (a key may repeat)."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def refused(question_code: str) -> str:
    return f"“{questions.QUESTIONS[question_code].text}”: choose one of the answers offered."


# A step's answers ------------------------------------------------------------------------------


@pytest.mark.parametrize("step", sorted(questions.STEP_QUESTIONS))
def test_a_step_has_one_field_per_question_of_the_step(step):
    form = StepForm(step=step)
    assert list(form.fields) == [q.code for q in questions.STEP_QUESTIONS[step]]
    assert {q.kind for q in questions.QUESTIONS.values()} <= set(ANSWER_FIELDS)


def test_a_step_without_questions_has_no_fields_and_saves_no_answer():
    form = StepForm(sent(go="next"), step=5)
    assert form.is_valid() and form.answers() == {}


def test_answers_are_cleaned_to_their_kind_and_unknown_keys_ignored():
    form = StepForm(
        sent(energy_drain="4", absorb_loss="partly", runway_months="0", teammate="7", other="x"),
        step=4,
    )
    assert form.is_valid()
    assert form.answers() == {
        "energy_drain": 4,
        "absorb_loss": "partly",
        "runway_months": 0,
        "teammate": 7,
    }


def test_an_empty_answer_is_unanswered_so_absent():
    form = StepForm(sent(enjoy="", dread="2", feel_notes="   "), step=2)
    assert form.is_valid()
    assert form.answers() == {"dread": 2}


def test_a_long_note_is_refused_saying_which_and_how_long_nothing_cut_unseen():
    form = StepForm(sent(feel_notes="a" * 2500), step=2)
    assert not form.is_valid()
    with translation.override("en"):
        assert invalid_messages(form) == [
            "“Anything else about how it feels? (optional)”: at most 2000 characters, please "
            "(this has 2500)."
        ]
    assert StepForm(sent(feel_notes="a" * 2000), step=2).is_valid()


@pytest.mark.parametrize(
    ("step", "code", "value"),
    [
        (2, "dread", "0"),
        (2, "dread", "6"),
        (2, "enjoy", "lots"),
        (3, "trust", "maybe"),
        (4, "runway_months", "121"),
        (4, "runway_months", "-1"),
        (4, "runway_months", "x"),
        (4, "teammate", "0"),
    ],
)
def test_a_value_outside_the_answers_offered_names_its_question(step, code, value):
    with translation.override("en"):
        form = StepForm(sent(**{code: value}), step=step)
        assert invalid_messages(form) == [refused(code)]


def test_each_refused_answer_has_its_own_message_in_the_order_of_the_questions():
    with translation.override("en"):
        form = StepForm(sent(before_meeting="9", enjoy="9", dread="3"), step=2)
        assert invalid_messages(form) == [refused("enjoy"), refused("before_meeting")]


def test_a_refused_step_shows_what_was_sent_and_an_unbound_one_the_saved_answers():
    saved = StepForm(step=2, initial={"enjoy": 4, "feel_notes": "Fine"})
    assert {item["q"].code: item["value"] for item in saved.shown()} == {
        "enjoy": 4,
        "dread": None,
        "change_stress": None,
        "before_meeting": None,
        "feel_notes": "Fine",
    }
    typed = StepForm(sent(enjoy="2", dread="9", feel_notes="Tired"), step=2)
    typed.is_valid()
    values = {item["q"].code: item["value"] for item in typed.shown()}
    assert (values["enjoy"], values["dread"], values["feel_notes"]) == (2, "9", "Tired")


def test_the_decision_is_one_of_the_options():
    assert DecisionForm(sent(decision="end")).is_valid()
    with translation.override("en"):
        assert invalid_messages(DecisionForm(sent(decision="elope"))) == [
            "Choose one of the options."
        ]
        assert invalid_messages(DecisionForm(sent())) == ["Choose one of the options."]


# The plan --------------------------------------------------------------------------------------


def test_only_the_plan_fields_sent_change():
    form = PlanForm(today=TODAY, data=sent(tone="firm", message="Edited "))
    assert form.is_valid()
    assert form.changes() == {"tone": "firm", "message": "Edited "}  # the message as typed
    assert not form.redraft


def test_the_plan_cleans_dates_languages_and_a_redraft():
    form = PlanForm(
        today=TODAY,
        data=sent(
            language="pt-br", reason="fit", last_day="2025-03-14", check_on="", action="draft"
        ),
    )
    assert form.is_valid()
    assert form.changes() == {
        "language": "pt-br",
        "reason": "fit",
        "last_day": dt.date(2025, 3, 14),
        "check_on": None,
    }
    assert form.redraft


def test_terms_change_only_with_their_marker_and_unknown_ones_are_dropped():
    assert (
        "terms" not in PlanForm(today=TODAY, data=sent(terms=["rate"])).fields
    )  # no marker: not this form
    form = PlanForm(
        today=TODAY, data=sent(terms_present="1", terms=["rate", "bogus", "working_hours"])
    )
    assert form.is_valid()
    assert form.changes() == {"terms": ["rate", "working_hours"]}
    none_ticked = PlanForm(today=TODAY, data=sent(terms_present="1"))
    assert none_ticked.is_valid() and none_ticked.changes() == {"terms": []}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tone": "cold"}, "Choose a tone."),
        ({"tone": ""}, "Choose a tone."),
        ({"language": "fr"}, "Choose a language."),
        ({"reason": "money"}, "Choose a reason."),
        ({"check_on": "someday"}, "Enter a valid date."),
        ({"last_day": "14/03/2025"}, "Enter a valid date."),
        ({"check_on": "2099-01-01"}, "Choose a day no later than Dec. 3, 2027."),
        ({"last_day": "1900-01-01"}, "Choose a day from Jan. 1, 2000 on."),
    ],
)
def test_a_refused_plan_says_what_to_fix(data, message):
    with translation.override("en"):
        assert invalid_messages(PlanForm(today=TODAY, data=sent(**data))) == [message]


def test_a_refused_plan_gives_back_what_was_typed():
    form = PlanForm(
        today=TODAY,
        data=sent(message="My words", check_on="someday", terms_present="1", terms="rate"),
    )
    assert not form.is_valid()
    assert form.typed() == {"message": "My words", "check_on": "someday", "terms": ["rate"]}


def test_a_long_message_is_refused_and_comes_back_as_typed():
    form = PlanForm(today=TODAY, data=sent(message="a" * 12000))
    assert not form.is_valid()
    with translation.override("en"):
        assert invalid_messages(form) == ["At most 10000 characters here, please: this has 12000."]
    assert form.typed()["message"] == "a" * 12000


# Hand-over and follow-up -----------------------------------------------------------------------


def test_a_hand_over_goes_to_one_of_the_review_s_teammates(db):
    bruno, stranger = UserFactory(name="Bruno"), UserFactory()
    teammates = [{"user_id": bruno.pk, "name": "Bruno"}]
    form = HandOverForm(sent(to=str(bruno.pk), notes="  Short calls. "), teammates=teammates)
    assert form.is_valid()
    assert form.cleaned_data == {"to": bruno, "notes": "Short calls."}
    with translation.override("en"):
        for to in ("", str(stranger.pk), "x"):
            form = HandOverForm(sent(to=to), teammates=teammates)
            assert invalid_messages(form) == ["Choose the teammate who takes the client over."]


def test_a_follow_up_needs_one_answer_of_those_offered():
    form = FollowUpForm(sent(feeling="4", right_call="", notes=""))
    assert form.is_valid()
    assert form.cleaned_data == {"feeling": 4, "right_call": "", "notes": ""}
    assert FollowUpForm(sent(notes="Calmer.")).is_valid()
    with translation.override("en"):
        assert invalid_messages(FollowUpForm(sent(notes="  "))) == ["Answer at least one question."]
        assert invalid_messages(FollowUpForm(sent(feeling="9"))) == [
            "Choose how you feel, from 1 to 5."
        ]
        assert invalid_messages(FollowUpForm(sent(right_call="maybe"))) == [
            "Choose yes, partly or no."
        ]
