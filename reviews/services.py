"""Writes of reviews: start or resume, save answers step by step, decide, carry out the plan,
cancel, and the follow-ups that ask later whether it was the right call."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, User
from accounts.versions import lock_fresh
from assessments.ladder import dimension_to_mend
from assessments.scoring import weakest_of
from assessments.selectors import agreed_steps, alerts_showing, latest_snapshots, portfolio_rows
from assessments.services import agreed_step_clear, agreed_step_record, clients_rescore
from portfolio import services as portfolio
from portfolio.models import Client, ClientStatus, EndedBy, Interaction

from . import questions
from .messages import (
    OFFBOARDING_STEPS,
    farewell_draft,
    normalize_language,
    terms_message_draft,
)
from .models import FollowUp, Review, ReviewStatus
from .notify import hand_over_told
from .recommend import Recommendation, ReviewFacts, Teammate, recommend

FOLLOW_UP_DAYS = 14
TEAM_DAYS = 90
LAST_STEP = 6


def team_with_client(*, client: Client) -> dict[int, dict]:
    """Each member's hours and average feeling with the client over the last 90 days."""
    since = timezone.now() - dt.timedelta(days=TEAM_DAYS)
    rows = (
        Interaction.objects.filter(
            workspace_id=client.workspace_id,
            client=client,
            deleted_at__isnull=True,
            occurred_at__gte=since,
            author__isnull=False,
        )
        .order_by()
        .values("author_id")
        .annotate(minutes=Sum("minutes"), feeling=Avg("feeling"))
    )
    return {
        row["author_id"]: {
            "hours": round((row["minutes"] or 0) / 60, 1),
            "feeling": None if row["feeling"] is None else round(float(row["feeling"]), 1),
        }
        for row in rows
    }


def _facts(client: Client, author: User) -> dict:
    """The numbers at the start of a review, kept with it (JSON-simple)."""
    workspace = client.workspace
    snapshot = latest_snapshots(workspace=workspace, client_ids=[client.pk]).get(client.pk)
    if snapshot is None or snapshot.stale_since:  # never scored yet, or its rescore is queued
        clients_rescore(workspace=workspace, client_ids=[client.pk])
        snapshot = latest_snapshots(workspace=workspace, client_ids=[client.pk])[client.pk]
    row = next((r for r in portfolio_rows(workspace=workspace) if r.client.pk == client.pk), None)
    team = team_with_client(client=client)
    members = (
        Membership.objects.for_workspace(workspace)
        .exclude(role=Role.VIEWER)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    return {
        "as_of": snapshot.as_of.isoformat(),
        "score": snapshot.score,
        "band": snapshot.band,
        "confidence": snapshot.confidence,
        "trend_30d": snapshot.trend_30d,
        "dimensions": snapshot.dimensions,
        "weights": snapshot.settings.get("weights"),
        "suggestion": snapshot.suggestion,
        "suggestion_reason": snapshot.suggestion_reason,
        "revenue_share": row.revenue_share if row else None,
        "hours_share": row.hours_share if row else None,
        "alerts": [
            {"kind": a.boundary.kind, "severity": a.severity, "evidence": a.evidence}
            for a in alerts_showing(workspace=workspace, client=client)
        ],
        "team": [
            {"user_id": m.user_id, "name": m.user.display_name, **team.get(m.user_id, {})}
            for m in members
        ],
        "author_id": author.pk,
    }


def review_facts(review: Review) -> ReviewFacts:
    """The stored numbers as the recommendation reads them."""
    facts = review.facts
    dimensions = {name: d.get("score") for name, d in facts.get("dimensions", {}).items()}
    mine = next((m for m in facts.get("team", []) if m["user_id"] == review.author_id), {})
    teammates = tuple(
        Teammate(m["user_id"], m["name"], m.get("hours") or 0.0, m.get("feeling"))
        for m in review_teammates(review)
    )
    return ReviewFacts(
        score=facts.get("score", 60),
        band=facts.get("band", "watch"),
        confidence=facts.get("confidence", "low"),
        trend_30d=facts.get("trend_30d"),
        dimensions=dimensions,
        weakest=weakest_of(dimensions, review.facts.get("weights")),
        revenue_share=facts.get("revenue_share"),
        hours_share=facts.get("hours_share"),
        open_alerts=len(facts.get("alerts", [])),
        reviewer_feeling=mine.get("feeling"),
        teammates=teammates,
        advice=facts.get("suggestion") or questions.KEEP,
        advice_reason=facts.get("suggestion_reason") or None,
    )


def review_recommendation(review: Review) -> Recommendation:
    return recommend(review_facts(review), review.answers)


@transaction.atomic
def review_start(*, client: Client, author: User) -> Review:
    """The client's review in progress, or a new one. One in progress per client."""
    if client.status == ClientStatus.ENDED:
        raise ValidationError(_("This client has ended; there is nothing left to review."))
    current = Review.objects.filter(client=client, status=ReviewStatus.IN_PROGRESS).first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return Review.objects.create(
                workspace_id=client.workspace_id,
                client=client,
                author=author,
                facts=_facts(client, author),
            )
    except IntegrityError:  # someone started one at the same moment
        return Review.objects.get(client=client, status=ReviewStatus.IN_PROGRESS)


def _check_author(review: Review, user: User) -> None:
    if review.author_id != user.pk:
        raise PermissionDenied


def _check_open(review: Review) -> None:
    if review.status != ReviewStatus.IN_PROGRESS:
        raise ValidationError(_("This review is already decided; its plan can still change."))


@transaction.atomic
def review_answer(
    *,
    review: Review,
    user: User,
    step: int,
    answers: dict | None = None,
    go_to: int | None = None,
) -> Review:
    """Save one step's answers, as StepForm cleans them (the whole step: a cleared answer is
    removed), and where the person is. Saved on every change, so nothing typed is lost.

    Only the author writes answers. Saves wait for each other (a row lock) and each merges its
    own step into the answers as saved, so two tabs on different steps both keep theirs; on
    one step, the later save is the author's latest word."""
    _check_author(review, user)
    lock_fresh(review)
    _check_open(review)
    answers = answers or {}
    codes = {q.code for q in questions.STEP_QUESTIONS.get(step, ())}
    review.answers = {k: v for k, v in review.answers.items() if k not in codes} | answers
    if go_to is not None:
        review.step = max(1, min(LAST_STEP, go_to))
    review.save(update_fields=["answers", "step", "updated_at"])
    return review


@transaction.atomic
def review_decide(*, review: Review, user: User, decision: str) -> Review:
    """The person's decision (the recommendation is only advice). Schedules the follow-up and
    moves the client where the decision says: paused, or offboarding when ending. Of two
    decisions sent at once, the first is taken and the other is told the review is decided."""
    _check_author(review, user)
    lock_fresh(review)
    _check_open(review)
    if decision not in dict(questions.DECISIONS):
        raise ValidationError(_("Choose one of the options."))
    if decision == questions.HAND_OVER and not review_teammates(review):
        raise ValidationError(_("There is no teammate in this workspace to hand the client to."))
    advice = review_recommendation(review)
    review.decision = decision
    review.recommendation = {
        "decision": advice.decision,
        "reasons": [_reason_json(r) for r in advice.reasons],
        "would_change": [_reason_json(r) for r in advice.would_change],
    }
    review.status = ReviewStatus.DECIDED
    review.step = LAST_STEP
    review.decided_at = timezone.now()
    review.plan = _initial_plan(review)
    review.save()
    FollowUp.objects.create(
        workspace_id=review.workspace_id,
        review=review,
        due_on=review.client.workspace.today() + dt.timedelta(days=FOLLOW_UP_DAYS),
    )
    client = review.client
    if decision == questions.PAUSE and client.status != ClientStatus.PAUSED:
        portfolio.client_change_status(client=client, status=ClientStatus.PAUSED)
    if decision == questions.END and client.status != ClientStatus.OFFBOARDING:
        portfolio.client_change_status(client=client, status=ClientStatus.OFFBOARDING)
    if decision in (questions.KEEP, questions.PAUSE):
        review.status = ReviewStatus.DONE
        review.closed_at = timezone.now()
        review.save(update_fields=["status", "closed_at", "updated_at"])
    _agreed_step_follow(review)
    return review


def _agreed_step_follow(review: Review) -> None:
    """Tell the advice which step was agreed and when to check it (set boundaries and
    renegotiate); any other decision replaces an earlier agreed step."""
    client = review.client
    later = Review.objects.filter(client=client, decided_at__gt=review.decided_at)
    if later.exists():
        return  # a later decision speaks for the client now
    check_on = review.plan.get("check_on")
    if review.decision not in (questions.SET_BOUNDARIES, questions.RENEGOTIATE) or not check_on:
        agreed_step_clear(client=client)
        return
    agreed_on = review.decided_at.astimezone(client.workspace.tzinfo).date()
    known = agreed_steps(client.workspace, [client.pk]).get(client.pk)
    if known is not None and (known.step, known.agreed_on) == (review.decision, agreed_on):
        # The same step, its check day moved: judged against where it started.
        dimension, score = known.dimension or None, known.dimension_score
    else:
        # What the step is meant to mend, as the client's health reads now.
        snapshot = latest_snapshots(workspace=client.workspace, client_ids=[client.pk]).get(
            client.pk
        )
        scores = {n: d.get("score") for n, d in (snapshot.dimensions if snapshot else {}).items()}
        dimension = dimension_to_mend(review.decision, scores)
        score = scores.get(dimension) if dimension else None
    agreed_step_record(
        client=client,
        step=review.decision,
        agreed_on=agreed_on,
        check_on=dt.date.fromisoformat(check_on),
        dimension=dimension,
        score=score,
    )


def _reason_json(reason) -> dict:
    return {
        "code": reason.code,
        "params": reason.params,
        "points_to": reason.points_to,
        "source": reason.source,
    }


def review_teammates(review: Review) -> list[dict]:
    """The members (as the review's facts saw them) who could take the client over."""
    return [m for m in review.facts.get("team", []) if m["user_id"] != review.author_id]


def _sender(review: Review) -> str:
    return review.author.display_name if review.author else review.client.workspace.name


def _drafted_message(review: Review, plan: dict) -> str:
    """The plan's message written from its choices, in the language it names."""
    client = review.client
    if review.decision == questions.END:
        last_day = plan.get("last_day")
        return farewell_draft(
            client_name=client.name,
            sender_name=_sender(review),
            tone=plan.get("tone", "warm"),
            language=plan.get("language") or "en",
            reason=plan.get("reason", "other"),
            last_day=dt.date.fromisoformat(last_day) if last_day else None,
        )
    return terms_message_draft(
        client_name=client.name,
        sender_name=_sender(review),
        terms=plan.get("terms", []),
        tone=plan.get("tone", "warm"),
        language=plan.get("language") or "en",
        decision=review.decision,
    )


def _initial_plan(review: Review) -> dict:
    """The plan a decision starts from, its message already drafted in the client's language
    (the person edits it; nothing is sent by itself)."""
    client = review.client
    language = normalize_language(client.language or "en")
    check_on = client.workspace.today() + dt.timedelta(days=FOLLOW_UP_DAYS)
    if review.decision in (questions.SET_BOUNDARIES, questions.RENEGOTIATE):
        terms = ["rate"] if review.decision == questions.RENEGOTIATE else ["revision_rounds"]
        plan = {"terms": terms, "tone": "warm", "language": language}
        return {**plan, "message": _drafted_message(review, plan), "check_on": check_on.isoformat()}
    if review.decision == questions.HAND_OVER:
        return {"to": None, "notes": "", "confirmed": False}
    if review.decision == questions.END:
        plan = {
            "checklist": {code: False for code, _label in OFFBOARDING_STEPS},
            "tone": "warm",
            "language": language,
            "reason": "other",
            "last_day": "",
        }
        return {**plan, "message": _drafted_message(review, plan)}
    return {"notes": ""}


# Where a plan keeps the person's own message while a fresh draft stands in its place.
KEPT_MESSAGE = "kept_message"


def may_edit_plan(review: Review, membership: Membership) -> bool:
    return review.author_id == membership.user_id or membership.can_manage


@transaction.atomic
def review_plan_save(
    *,
    review: Review,
    membership: Membership,
    changes: dict,
    version: int | None = None,
    redraft: bool = False,
    restore: bool = False,
) -> Review:
    """Change the plan (its author, or a manager); only the keys the decision's plan has. With
    ``redraft``, its message is written again from the plan's choices (an edited one is kept
    aside); with ``restore``, the message kept aside comes back. Refused with ConflictError
    if someone saved the plan since `version` (the author and a manager may both edit it)."""
    if not may_edit_plan(review, membership):
        raise PermissionDenied
    lock_fresh(review, version=version)
    if review.status not in (ReviewStatus.DECIDED, ReviewStatus.DONE):
        raise ValidationError(_("Decide first; the plan follows from the decision."))
    before = dict(review.plan)
    plan = dict(before)
    for key, value in changes.items():
        if key in plan and key not in ("checklist", "confirmed", KEPT_MESSAGE):
            plan[key] = _json(value)
    if redraft and "message" in plan:
        # Words the person wrote are never thrown away: a message that is not the draft of the
        # choices it was written from is kept, one click from coming back.
        if plan["message"].strip() != _drafted_message(review, before).strip():
            plan[KEPT_MESSAGE] = plan["message"]
        plan["message"] = _drafted_message(review, plan)
    elif restore and plan.get(KEPT_MESSAGE):
        plan["message"] = plan.pop(KEPT_MESSAGE)
    elif "message" in changes:
        plan.pop(KEPT_MESSAGE, None)  # the message on screen is the one saved: nothing aside
    review.plan = plan
    review.version += 1
    review.save(update_fields=["plan", "version", "updated_at"])
    if plan.get("check_on"):
        # "Check again on" is when the follow-up asks how it is going, and when the advice
        # looks at whether the step worked.
        review.follow_ups.filter(answered_at__isnull=True).update(
            due_on=dt.date.fromisoformat(plan["check_on"]), emailed_at=None
        )
        _agreed_step_follow(review)
    return review


def _json(value):
    """A plan's value as the plan keeps it: a date in ISO, no date as ""."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


@transaction.atomic
def review_check(*, review: Review, membership: Membership, step: str, done: bool) -> Review:
    """Tick an offboarding step; with every step done the client has ended (we ended it)."""
    if not may_edit_plan(review, membership):
        raise PermissionDenied
    lock_fresh(review)  # ticks of two steps at once both stay ticked
    checklist = dict(review.plan.get("checklist", {}))
    if step not in checklist:
        raise ValidationError(_("Unknown step."))
    checklist[step] = bool(done)
    review.plan = {**review.plan, "checklist": checklist}
    client = review.client
    if all(checklist.values()) and review.status == ReviewStatus.DECIDED:
        review.status = ReviewStatus.DONE
        review.closed_at = timezone.now()
        portfolio.client_update(
            client=client,
            version=client.version,
            status=ClientStatus.ENDED,
            ended_by=EndedBy.WE_ENDED,
            ended_on=client.ended_on or client.workspace.today(),
        )
    review.save(update_fields=["plan", "status", "closed_at", "updated_at"])
    return review


@transaction.atomic
def review_hand_over(*, review: Review, membership: Membership, to: User, notes: str) -> Review:
    """Confirm the hand-over: the client's owner changes and both people are told."""
    if not may_edit_plan(review, membership):
        raise PermissionDenied
    lock_fresh(review)
    if review.decision != questions.HAND_OVER or review.status != ReviewStatus.DECIDED:
        raise ValidationError(_("This review did not decide a hand-over."))
    allowed = Membership.objects.for_workspace(review.client.workspace).exclude(
        Q(role=Role.VIEWER) | Q(user=review.author)
    )
    if not allowed.filter(user=to).exists():
        raise ValidationError({"to": _("Choose a teammate of this workspace.")})
    client = review.client
    previous = client.owner
    portfolio.client_hand_over(
        client=client,
        to=to,
        version=client.version,
        by=membership.user,
        note=notes,
        review_code=review.code,
    )
    review.plan = {**review.plan, "to": to.pk, "notes": notes.strip()[:4000], "confirmed": True}
    review.status = ReviewStatus.DONE
    review.closed_at = timezone.now()
    review.save(update_fields=["plan", "status", "closed_at", "updated_at"])
    hand_over_told(review=review, previous=previous, to=to)
    return review


@transaction.atomic
def review_cancel(*, review: Review, user: User) -> None:
    _check_author(review, user)
    lock_fresh(review)
    _check_open(review)
    review.status = ReviewStatus.CANCELLED
    review.closed_at = timezone.now()
    review.save(update_fields=["status", "closed_at", "updated_at"])


RIGHT_CALL = (questions.YES, questions.PARTLY, questions.NO)


@transaction.atomic
def follow_up_answer(
    *, follow_up: FollowUp, user: User, feeling: int | None, right_call: str, notes: str
) -> FollowUp:
    if follow_up.review.author_id != user.pk:
        raise PermissionDenied
    if feeling is not None and not 1 <= feeling <= 5:
        raise ValidationError({"feeling": _("Choose how you feel, from 1 to 5.")})
    if right_call and right_call not in RIGHT_CALL:
        raise ValidationError({"right_call": _("Choose yes, partly or no.")})
    if feeling is None and not right_call and not notes.strip():
        raise ValidationError(_("Answer at least one question."))
    follow_up.feeling = feeling
    follow_up.right_call = right_call
    follow_up.notes = notes.strip()[:4000]
    follow_up.answered_at = timezone.now()
    follow_up.save()
    return follow_up
