"""Pages about the person rather than a workspace: home, sign-up, profile, language."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import ratelimit
from ..demo import DEMO_OWNER, DEMO_PASSWORD
from ..forms import CurrentPasswordChangeForm, EmailAuthenticationForm, ProfileForm, SignUpForm
from ..models import Language, User
from ..selectors import invitation_by_token, user_memberships
from ..services import (
    invitation_accept,
    password_reset_request,
    user_language_set,
    user_profile_update,
    user_sign_up,
)


def home(request: HttpRequest) -> HttpResponse:
    """Send a visitor where they belong: their last workspace, any workspace, or the login."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    memberships = user_memberships(user=request.user)
    membership = memberships.filter(workspace_id=request.user.last_workspace_id).first()
    membership = membership or memberships.first()
    if membership is None:
        messages.info(request, _("You are not in any workspace yet. Create one to begin."))
        return redirect("workspace_create")
    return redirect("home:today", ws=membership.workspace.slug)


def _safe_next(request: HttpRequest) -> str | None:
    """`next` when it is an address on this site (a path: never another site, and never a bare
    word that `redirect()` would take for a view's name)."""
    target = request.POST.get("next") or request.GET.get("next")
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return None


def _invitation_from_next(next_url: str | None):
    """An invitation link in `next` lets the sign-up page pre-fill and lock the invited email."""
    prefix = "/invitations/"
    if next_url and next_url.startswith(prefix):
        token = next_url[len(prefix) :].strip("/")
        invitation = invitation_by_token(token=token)
        if invitation is not None and invitation.is_usable:
            return invitation
    return None


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    next_url = _safe_next(request)
    invitation = _invitation_from_next(next_url)
    invited_email = invitation.email if invitation else None
    form = SignUpForm(request.POST or None, invited_email=invited_email)
    # Counted per attempt, valid or not: the form says when an email already has an account,
    # and this caps how fast anyone can ask it.
    if request.method == "POST" and not ratelimit.hit(
        ratelimit.limit("signup_ip"), ratelimit.client_ip(request)
    ):
        return render(
            request,
            "registration/signup.html",
            {
                # Unbound, so nothing is checked; what was typed (but the passwords) stays.
                "form": SignUpForm(
                    initial={k: request.POST.get(k, "") for k in ("email", "name")},
                    invited_email=invited_email,
                ),
                "next": next_url or "",
                "invitation": invitation,
                "limited": True,
            },
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        # A language picked with the switcher before signing up becomes the preference; one
        # merely sent by the browser does not (the account keeps following the browser).
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        user, workspace = user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            name=form.cleaned_data["name"],
            language=chosen if chosen in Language.values else "",
            workspace_language=translation.get_language(),
            personal_workspace=invitation is None,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if invitation is not None:
            membership = invitation_accept(invitation=invitation, user=user)
            messages.success(
                request,
                _("Welcome to Clientwise! You joined %(workspace)s.")
                % {"workspace": membership.workspace.name},
            )
            return redirect("home:today", ws=membership.workspace.slug)
        messages.success(
            request,
            _("Welcome to Clientwise! This is your workspace; add your clients to begin."),
        )
        return redirect("home:today", ws=workspace.slug)
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": next_url or "", "invitation": invitation},
        status=422 if form.errors else 200,
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "current_password"}
        user = user_profile_update(user=request.user, **changes)
        # This session stays signed in; the person's other sessions end with the old email.
        update_session_auth_hash(request, user)
        response = redirect("accounts:profile")
        _remember_language(response, user.language)
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        return response
    return render(
        request, "accounts/profile.html", {"form": form}, status=422 if form.errors else 200
    )


def _remember_language(response: HttpResponse, language: str) -> None:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            httponly=True,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: saved on the account when logged in, in a cookie always."""
    language = request.POST.get("language", "")
    if language not in Language.values:
        messages.error(request, _("That language is not available."))
        return HttpResponseRedirect(_safe_next(request) or reverse("home"))
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    response = HttpResponseRedirect(_safe_next(request) or "/")
    _remember_language(response, language)
    return response


def _paused(request: HttpRequest, *, reason: str, minutes: int) -> HttpResponse:
    response = render(
        request,
        "accounts/login_paused.html",
        {"reason": reason, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def login_locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): this account, from this address."""
    return _paused(request, reason="account", minutes=settings.LOGIN_COOLOFF_MINUTES)


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Before the form: a flood from one address stops here, never reaching a password hash.
        limit = ratelimit.limit("login_ip")
        if ratelimit.exceeded(limit, ratelimit.client_ip(request)):
            return _paused(request, reason="address", minutes=limit.minutes)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # `make run` loads the demo workspace; say how to get in without reading the terminal.
        if settings.DEBUG and User.objects.filter(email=DEMO_OWNER[0]).exists():
            context["demo_login"] = (DEMO_OWNER[0], DEMO_PASSWORD)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Welcome back, %(name)s.") % {"name": self.request.user.get_short_name()},
        )
        return response

    def form_invalid(self, form):
        if form.data.get("username") and form.data.get("password"):  # a password was checked
            ratelimit.hit(ratelimit.limit("login_ip"), ratelimit.client_ip(self.request))
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, capped per address and per email. Whether the email has an account,
    and whether a limit was reached, the visitor sees the same "check your inbox" page."""

    def form_valid(self, form):
        by_address = ratelimit.hit(
            ratelimit.limit("password_reset_ip"), ratelimit.client_ip(self.request)
        )
        by_email = by_address and ratelimit.hit(
            ratelimit.limit("password_reset_email"), form.cleaned_data["email"]
        )
        if by_address and by_email:
            password_reset_request(
                email=form.cleaned_data["email"],
                domain=self.request.get_host(),
                use_https=self.request.is_secure(),
                language=translation.get_language(),
            )
        return HttpResponseRedirect(self.get_success_url())


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are logged out. See you soon."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = CurrentPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("accounts:profile")
    return render(
        request,
        "registration/password_change_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )
