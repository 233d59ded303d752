"""The guided review: begin or resume, six steps each at its own address (so the browser's back
button works), answers saved on every change, the decision, the plan, and the follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts import ratelimit
from accounts.errors import ConflictError
from accounts.htmx import render_fragment, wants_fragment
from accounts.models import Role
from accounts.tenancy import get_in_workspace, workspace_role
from portfolio.models import Client, ClientStatus

from . import messages as drafts
from . import questions
from . import services as reviews
from .forms import (
    CheckForm,
    DecisionForm,
    FollowUpForm,
    HandOverForm,
    PlanForm,
    StepForm,
    invalid_messages,
)
from .models import FollowUp, Review, ReviewStatus
from .reasons import decision_sentence, sentence
from .selectors import may_read_answers, visible_reasons

# Lazy: read at import time, they are rendered in each reader's language.
STEP_TITLES = {
    1: gettext_lazy("The numbers"),
    2: gettext_lazy("How it feels"),
    3: gettext_lazy("Whose side it is"),
    4: gettext_lazy("What it costs"),
    5: gettext_lazy("Options"),
    6: gettext_lazy("The plan"),
}

# The review's page lists this many of the reasons its reader may see, strongest first.
ADVICE_REASONS = 5


def _review(request: HttpRequest, code) -> Review:
    return get_in_workspace(
        request,
        Review.objects.select_related("client", "author").filter(client__deleted_at__isnull=True),
        code=code,
    )


def _step_url(review: Review, step: int) -> str:
    return reverse(
        "reviews:review_step",
        kwargs={"ws": review.client.workspace.slug, "code": review.code, "step": step},
    )


@workspace_role(Role.VIEWER, write=Role.MEMBER)
def review_begin(request: HttpRequest, code) -> HttpResponse:
    """Resume the client's review in progress, or explain the review and start one."""
    client = get_in_workspace(request, Client.objects.alive(), code=code)
    current = Review.objects.filter(client=client, status=ReviewStatus.IN_PROGRESS).first()
    if request.method == "POST":
        try:
            review = reviews.review_start(client=client, author=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("portfolio:client_detail", ws=request.workspace.slug, code=client.code)
        if review.author_id != request.user.pk:
            messages.info(
                request,
                _("%(name)s is reviewing this client already.")
                % {"name": review.author.display_name if review.author else _("Someone")},
            )
            return redirect("reviews:review_detail", ws=request.workspace.slug, code=review.code)
        return redirect(_step_url(review, review.step))
    if current is not None and current.author_id == request.user.pk:
        return redirect(_step_url(current, current.step))
    context = {
        "client": client,
        "current": current,
        "past": client.reviews.exclude(status=ReviewStatus.IN_PROGRESS).count(),
    }
    return render(request, "reviews/begin.html", context)


def _step_context(
    request: HttpRequest, review: Review, step: int, form: StepForm | None = None, errors=()
) -> dict:
    """The step's page; a refused ``form`` shows what was sent, else the answers saved."""
    facts = review.facts
    context = {
        "review": review,
        "client": review.client,
        "step": step,
        "steps": list(STEP_TITLES.items()),
        "title": STEP_TITLES[step],
        "facts": facts,
        "errors": list(errors),
    }
    if step == 1:
        dims = [
            (name, d)
            for name, d in facts.get("dimensions", {}).items()
            if d.get("score") is not None
        ]
        context["weakest"] = sorted(dims, key=lambda item: item[1]["score"])[:2]
    if step in questions.STEP_QUESTIONS:
        form = form or StepForm(step=step, initial=review.answers)
        context["questions"] = form.shown()
        context["yesno"] = questions.YESNO_CHOICES
        context["teammates"] = reviews.review_teammates(review)
        context["me"] = next(
            (m for m in facts.get("team", []) if m["user_id"] == review.author_id), None
        )
    if step == 5:
        advice = reviews.review_recommendation(review)
        shown = visible_reasons(review, request.membership, advice=advice)
        context["advice"] = advice
        context["advice_text"] = decision_sentence(advice.decision)
        context["reasons"] = [(r, sentence(r)) for r in shown.reasons]
        context["would_change"] = [(r, sentence(r)) for r in shown.would_change]
        context["decisions"] = [
            (code, label)
            for code, label in questions.DECISIONS
            if code != questions.HAND_OVER or reviews.review_teammates(review)
        ]
        context["decision_labels"] = dict(questions.DECISIONS)
    return context


@workspace_role(Role.VIEWER, write=Role.MEMBER)
def review_step(request: HttpRequest, code, step: int) -> HttpResponse:
    review = _review(request, code)
    if review.author_id != request.user.pk:
        raise PermissionDenied  # the steps hold private answers
    if review.status != ReviewStatus.IN_PROGRESS:
        return redirect("reviews:review_detail", ws=request.workspace.slug, code=review.code)
    if step not in STEP_TITLES or step == 6:
        raise Http404
    if request.method != "POST":
        return render(request, "reviews/step.html", _step_context(request, review, step))
    go = request.POST.get("go", "")
    target = {"next": step + 1, "back": step - 1}.get(go, step)
    deciding = step == 5 and go == "decide"
    form = DecisionForm(request.POST) if deciding else StepForm(request.POST, step=step)
    errors = invalid_messages(form)
    if not errors:
        try:
            if deciding:
                reviews.review_decide(
                    review=review, user=request.user, decision=form.cleaned_data["decision"]
                )
                return redirect(
                    "reviews:review_detail", ws=request.workspace.slug, code=review.code
                )
            reviews.review_answer(
                review=review,
                user=request.user,
                step=step,
                answers=form.answers(),
                go_to=max(target, 1),
            )
        except ValidationError as error:
            errors = error.messages
    if errors:
        if wants_fragment(request):
            return render_fragment(request, "reviews/_saved.html", {"errors": errors}, status=422)
        shown = None if deciding else form
        context = _step_context(request, review, step, form=shown, errors=errors)
        return render(request, "reviews/step.html", context, status=422)
    if wants_fragment(request) and not go:
        return render(request, "reviews/_saved.html", {"errors": []})
    return redirect(_step_url(review, max(1, min(target, 5))))


@require_POST
@workspace_role(Role.VIEWER, write=Role.MEMBER)
def review_cancel(request: HttpRequest, code) -> HttpResponse:
    review = _review(request, code)
    try:
        reviews.review_cancel(review=review, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review cancelled. Nothing about the client changed."))
    return redirect("portfolio:client_detail", ws=request.workspace.slug, code=review.client.code)


def _plan_context(
    request: HttpRequest, review: Review, typed: dict | None = None, hand_over: dict | None = None
) -> dict:
    """The decision and its plan; ``typed`` (the plan form) and ``hand_over`` (the hand-over
    form) are what a refused form sent, drawn again as it was."""
    plan = {**review.plan, **(typed or {})}
    teammates = reviews.review_teammates(review)
    read_answers = may_read_answers(review, request.membership)
    # The teammate the author named in the answers is offered first, to those who may read them.
    named = str(review.answers.get("teammate", "")) if read_answers else ""
    advice = visible_reasons(review, request.membership)
    context = {
        "review": review,
        "client": review.client,
        "plan": plan,
        "decision_label": dict(questions.DECISIONS).get(review.decision, ""),
        "may_edit": reviews.may_edit_plan(review, request.membership),
        "read_answers": read_answers,
        "follow_ups": list(review.follow_ups.order_by("due_on")),
        "tones": drafts.TONE_CHOICES,
        "languages": drafts.LANGUAGE_CHOICES,
        "terms": drafts.TERMS,
        "reasons": drafts.FAREWELL_REASONS,
        "checklist": [
            (code, label, plan.get("checklist", {}).get(code, False))
            for code, label in drafts.OFFBOARDING_STEPS
        ],
        "teammates": teammates,
        "hand_over": hand_over or {"to": named, "notes": plan.get("notes", "")},
        "advice": advice,
        "advice_reasons": [(r, sentence(r)) for r in advice.reasons[:ADVICE_REASONS]],
        "decision_labels": dict(questions.DECISIONS),
        "right_call_labels": dict(questions.YESNO_CHOICES),
    }
    if read_answers:
        context["answers"] = [
            (questions.QUESTIONS[code], value)
            for code, value in review.answers.items()
            if code in questions.QUESTIONS
        ]
        context["yesno_labels"] = dict(questions.YESNO_CHOICES)
    saved = review.plan  # the email app gets the message saved, never a refused one
    if review.decision == questions.END and saved.get("message"):
        context["mailto"] = drafts.mailto_link(
            email=review.client.email,
            subject=drafts.farewell_subject(
                tone=saved.get("tone", "warm"), language=saved.get("language", "en")
            ),
            body=saved["message"],
        )
    return context


@workspace_role(Role.VIEWER, write=Role.MEMBER)
def review_detail(request: HttpRequest, code) -> HttpResponse:
    """A review's decision and plan, for everyone in the workspace; the answers, and the
    reasons drawn from them, only for its author and the owners."""
    review = _review(request, code)
    if review.status == ReviewStatus.IN_PROGRESS and review.author_id == request.user.pk:
        return redirect(_step_url(review, review.step))
    return render(request, "reviews/detail.html", _plan_context(request, review))


@require_POST
@workspace_role(Role.VIEWER, write=Role.MEMBER)
def review_plan(request: HttpRequest, code) -> HttpResponse:
    """Save the plan; "draft" writes the message again from the plan's choices."""
    review = _review(request, code)
    form = PlanForm(request.POST, today=request.workspace.today())
    errors = invalid_messages(form)
    if not errors:
        try:
            reviews.review_plan_save(
                review=review,
                membership=request.membership,
                changes=form.changes(),
                version=form.cleaned_data.get("version"),
                redraft=form.redraft,
                restore=form.restore,
            )
        except ValidationError as error:
            errors = error.messages
        except ConflictError:
            # The review now holds the latest version: saving again keeps what was typed.
            errors = [
                _(
                    "Someone else changed this plan while you were editing. Your changes are "
                    "still here: open the review in a new tab to see theirs, then save again."
                )
            ]
    if errors:
        messages.error(request, " ".join(errors))
        context = _plan_context(request, review, typed=form.typed())
        if wants_fragment(request):
            return render_fragment(request, "reviews/detail.html#plan", context, status=422)
        return render(request, "reviews/detail.html", context, status=422)
    if not (form.redraft or form.restore):
        messages.success(request, _("Plan saved."))
    if wants_fragment(request):
        return render_fragment(request, "reviews/detail.html#plan", _plan_context(request, review))
    return redirect("reviews:review_detail", ws=request.workspace.slug, code=review.code)


@require_POST
@workspace_role(Role.VIEWER, write=Role.MEMBER)
def review_check(request: HttpRequest, code, item: str) -> HttpResponse:
    review = _review(request, code)
    form = CheckForm(request.POST)
    form.is_valid()  # a box is ticked or not: nothing to refuse
    try:
        reviews.review_check(
            review=review, membership=request.membership, step=item, done=form.cleaned_data["done"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if review.status == ReviewStatus.DONE:
            messages.success(
                request,
                _(
                    "Every step is done: %(client)s has ended. Well done — "
                    "many people feel relief within days."
                )
                % {"client": review.client.name},
            )
    if wants_fragment(request):
        return render_fragment(request, "reviews/detail.html#plan", _plan_context(request, review))
    return redirect("reviews:review_detail", ws=request.workspace.slug, code=review.code)


def _hand_over_limit_reached(request: HttpRequest) -> list[str]:
    """Each hand-over emails two people: capped per person a day like every email sent."""
    cap = ratelimit.limit("hand_over_member")
    if ratelimit.hit(cap, str(request.user.pk)):
        return []
    return [
        ngettext(
            "You have handed over the most clients allowed in a day (%(count)s). "
            "Try again tomorrow.",
            "You have handed over the most clients allowed in a day (%(count)s). "
            "Try again tomorrow.",
            cap.count,
        )
        % {"count": cap.count}
    ]


@require_POST
@workspace_role(Role.VIEWER, write=Role.MEMBER)
def review_hand_over(request: HttpRequest, code) -> HttpResponse:
    review = _review(request, code)
    form = HandOverForm(request.POST, teammates=reviews.review_teammates(review))
    errors = invalid_messages(form) or _hand_over_limit_reached(request)
    if not errors:
        try:
            reviews.review_hand_over(
                review=review, membership=request.membership, **form.cleaned_data
            )
        except ValidationError as error:
            errors = error.messages
    if errors:
        messages.error(request, " ".join(errors))
        typed = {"to": form["to"].data or "", "notes": form["notes"].data or ""}
        context = _plan_context(request, review, hand_over=typed)
        return render(request, "reviews/detail.html", context, status=422)
    messages.success(
        request,
        _("%(client)s is now looked after by %(name)s; you both get an email.")
        % {"client": review.client.name, "name": form.cleaned_data["to"].display_name},
    )
    return redirect("reviews:review_detail", ws=request.workspace.slug, code=review.code)


@workspace_role(Role.VIEWER, write=Role.MEMBER)
def follow_up(request: HttpRequest, code) -> HttpResponse:
    item = get_in_workspace(
        request, FollowUp.objects.select_related("review__client", "review__author"), code=code
    )
    if item.review.author_id != request.user.pk:
        raise PermissionDenied
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    errors = invalid_messages(form) if form.is_bound else []
    if form.is_bound and not errors:
        try:
            reviews.follow_up_answer(follow_up=item, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Thank you. Your answer is kept with the review."))
            return redirect(
                "reviews:review_detail", ws=request.workspace.slug, code=item.review.code
            )
    context = {
        "item": item,
        "review": item.review,
        "client": item.review.client,
        "errors": errors,
        "yesno": questions.YESNO_CHOICES,
        "data": form.data,
    }
    return render(request, "reviews/follow_up.html", context, status=422 if errors else 200)


@workspace_role(Role.VIEWER)
def decisions(request: HttpRequest) -> HttpResponse:
    """Every decision taken in a review, and how it turned out."""
    rows = (
        Review.objects.for_workspace(request.workspace)
        .exclude(status__in=(ReviewStatus.IN_PROGRESS, ReviewStatus.CANCELLED))
        .select_related("client", "author")
        .prefetch_related("follow_ups")
        .filter(client__deleted_at__isnull=True)
        .order_by("-decided_at")[:200]
    )
    rows = list(rows)
    for row in rows:
        # How the author felt afterwards is theirs, like the review's answers.
        row.feelings_shown = may_read_answers(row, request.membership)
    context = {
        "rows": rows,
        "decision_labels": dict(questions.DECISIONS),
        "right_call": dict(questions.YESNO_CHOICES),
        "statuses": dict(ClientStatus.choices),
    }
    return render(request, "reviews/decisions.html", context)
