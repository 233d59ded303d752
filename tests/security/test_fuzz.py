"""Not one reachable server error: every form and htmx request of the app, fuzzed.

The endpoints are those of the isolation registry (tests/security/test_isolation.py), so a new
URL pattern is fuzzed as soon as it is registered there. For each one, the pages a person sees
are read for what they let that person send (tests/security/fuzz_html.py): the forms and htmx
elements that send to the endpoint, with their fields and the values the page offers; the
Django form classes whose fields match add the fields a page renders only sometimes. Hypothesis
then sends a mix of such values and hostile ones (fuzz_values.py), as plain POSTs, as htmx
POSTs, and as GETs with a query string, each example rolled back.

Checked for every request: the status is below 500. Checked for every POST answered 400, 409
or 422: the body tells the person why — a non-blank text/plain body, or HTML with non-blank
visible text inside an element of class invalid-feedback, alert, errorlist or text-danger, or of
role alert or status.

`make test` sends FUZZ_EXAMPLES (default 10) examples per endpoint, the same ones every run;
`make fuzz` sends 250 each (over 20,000 requests), fresh ones unless CI is set. Both print the
number of requests sent at the end of the run.
"""

from __future__ import annotations

import contextlib
import copy
import os
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import Resolver404, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import forms as account_forms
from accounts.models import Invitation, Role, hash_token
from assessments import forms as assessment_forms
from portfolio import forms as portfolio_forms
from reviews import forms as review_forms
from tests.factories import ClientFactory, InteractionFactory
from tests.security.fuzz_html import Field, Target, human_message, page_targets
from tests.security.fuzz_values import Fuzzed, path_value, upload, value_for
from tests.security.test_isolation import (
    OUTSIDE_WORKSPACES,
    POST_DATA,
    WORKSPACE_URLS,
    objects_of_a,  # noqa: F401 - the fixture, used by name
)

pytestmark = pytest.mark.django_db

LARGE_RUN = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (250 if LARGE_RUN else 10))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a request's time varies with the machine, and is not what is tested
    # The modest run is the same every time, so `make test` cannot turn red by chance.
    derandomize=bool(os.environ.get("CI")) or not LARGE_RUN,
    # Huge values are the point, and a page's fields make large examples.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    print_blob=True,
)

FORM_MESSAGE_STATUSES = (400, 409, 422)
QUERY_NAMES = ["page", "q", "sort", "after", "status", "severity", "client", "owner"]
INVITATION_TOKEN = "fuzz-invitation-token-for-the-owner"
# Pages a person sees before logging in: fuzzed anonymously too.
ANONYMOUS_TOO = sorted(OUTSIDE_WORKSPACES)
ENDPOINTS = [(name, "owner") for name in sorted(WORKSPACE_URLS)] + [
    (name, persona) for name in ANONYMOUS_TOO for persona in ("owner", "anonymous")
]


@dataclass
class ServerError:
    endpoint: str
    origin: str  # exception and where it was raised
    request: Fuzzed
    traceback: str = ""


@dataclass
class FuzzReport:
    """Counts every fuzzed request; printed in pytest's terminal summary."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    endpoints: set = field(default_factory=set)
    errors: dict[tuple[str, str], ServerError] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def count(self, endpoint: str, request: Fuzzed, response) -> None:
        self.requests += 1
        self.statuses[response.status_code] += 1
        self.endpoints.add(endpoint.split(" ", 1)[1])
        if response.status_code >= 500:
            where, origin, trace = describe(response)
            known = self.errors.get((endpoint, where))
            if known is None or len(repr(request)) < len(repr(known.request)):
                self.errors[(endpoint, where)] = ServerError(endpoint, origin, request, trace)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.requests:
            return
        write = terminalreporter.write_line
        terminalreporter.write_sep("-", "fuzz")
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        write(
            f"{self.requests} fuzzed requests to {len(self.endpoints)} endpoints "
            f"in {time.monotonic() - self.started:.0f}s ({EXAMPLES} examples each); "
            f"statuses {statuses}"
        )
        for error in self.errors.values():
            write(f"5xx at {error.endpoint}: {error.origin}")
            write(f"    smallest input seen: {shorten(repr(error.request))}")


REPORT = FuzzReport()


def describe(response) -> tuple[str, str, str]:
    """Where a server error was raised (one cause per place), what it said, its traceback."""
    if not response.exc_info:
        where = f"status {response.status_code} without an exception"
        return where, where, ""
    _type, exc, tb = response.exc_info
    frames = traceback.extract_tb(tb)
    ours = [frame for frame in frames if "site-packages" not in frame.filename]
    last = (ours or frames or [None])[-1]  # the project's last frame, else the library's
    at = f" at {last.filename.removeprefix(os.getcwd() + '/')}:{last.lineno}" if last else ""
    trace = "".join(traceback.format_exception(exc)[-12:])
    return f"{type(exc).__name__}{at}", f"{type(exc).__name__}: {shorten(str(exc), 160)}{at}", trace


def shorten(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


@pytest.fixture(scope="session")
def fuzz_report(pytestconfig) -> FuzzReport:
    if not pytestconfig.pluginmanager.is_registered(REPORT):
        pytestconfig.pluginmanager.register(REPORT, "clientwise-fuzz-report")
    return REPORT


@pytest.fixture
def foreign(objects_of_a, other_workspace, outsider, owner):  # noqa: F811 - a fixture
    """Objects of another workspace (their codes are fuzzed into A's forms), and an
    invitation for A's owner to that workspace, whose link is known."""
    stranger = ClientFactory(workspace=other_workspace, name="Client of B")
    InteractionFactory(client=stranger, author=outsider)
    Invitation.objects.create(
        workspace=other_workspace,
        email=owner.email,
        role=Role.MEMBER,
        token_hash=hash_token(INVITATION_TOKEN),
        invited_by=outsider,
        expires_at=objects_of_a.invitation.expires_at,
    )
    codes = [str(obj.code) for obj in vars(objects_of_a).values() if hasattr(obj, "code")]
    codes += [str(stranger.code), str(stranger.interactions.get().code), str(uuid.uuid4())]
    return codes


def outside_kwargs(name: str, owner) -> dict:
    if name == "accounts:password_reset_confirm":
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(owner.pk)),
            "token": default_token_generator.make_token(owner),
        }
    if name == "invitation_accept":
        return {"token": INVITATION_TOKEN}
    return {}


def url_kwargs(name: str, objects, owner) -> dict:
    if name in WORKSPACE_URLS:
        return {"ws": objects.workspace.slug, **WORKSPACE_URLS[name].kwargs(objects)}
    return outside_kwargs(name, owner)


def name_of(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def django_form_fields() -> list[dict[str, Field]]:
    """The fields of every form class of the apps, as fuzz_html would have read them."""
    found = []
    for module in (account_forms, portfolio_forms, assessment_forms, review_forms):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.base_fields:
                found.append({name: as_field(name, f) for name, f in value.base_fields.items()})
    return found


def as_field(name: str, form_field: forms.Field) -> Field:
    values = []
    if isinstance(form_field, forms.ChoiceField) and not isinstance(
        form_field, forms.ModelChoiceField
    ):
        values = [str(key) for key, label in form_field.choices if not isinstance(label, list)]
    for kind, types in {
        "date": forms.DateField,
        "number": (forms.IntegerField, forms.DecimalField, forms.FloatField),
        "email": forms.EmailField,
        "checkbox": forms.BooleanField,
        "file": forms.FileField,
    }.items():
        if isinstance(form_field, types):
            return Field(name, kind, values)
    return Field(name, "select" if values else "text", values)


FORM_CLASS_FIELDS = django_form_fields()
# Pages where forms to each endpoint were seen, found once per run: (persona, endpoint) ->
# [(page, its other URL arguments)]. Forms are read again from those pages in each test, for
# that test's objects.
SOURCES: dict[tuple[str, str], list[tuple[str, object]]] = {}
# Pages read for forms besides the endpoints' own: the decided review's plan, the other steps.
MORE_PAGES = [
    ("reviews:review_detail", "owner", lambda o: {"code": o.decided.code}),
    *[("reviews:review_step", "owner", lambda o, s=step: {"step": s}) for step in (1, 3, 4, 5)],
]


class Browser:
    """The test clients of the personas, and what their pages let them send."""

    def __init__(self, objects, owner) -> None:
        self.objects, self.owner = objects, owner
        self.clients = {"owner": HttpClient(raise_request_exception=False)}
        self.clients["owner"].force_login(owner)
        self.clients["anonymous"] = HttpClient(raise_request_exception=False)

    def page(self, persona: str, name: str, extra=None) -> list[Target]:
        kwargs = url_kwargs(name, self.objects, self.owner)
        try:
            path = reverse(name, kwargs={**kwargs, **(extra(self.objects) if extra else {})})
        except NoReverseMatch:
            return []
        response = self.clients[persona].get(path, follow=True)
        cache.clear()  # what discovery used counts towards no rate limit
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return []
        return page_targets(response.content.decode(), response.request["PATH_INFO"])

    def discover_sources(self) -> None:
        for page, persona, extra in [(*endpoint, None) for endpoint in ENDPOINTS] + MORE_PAGES:
            for target in self.page(persona, page, extra):
                sources = SOURCES.setdefault((persona, name_of(target.path)), [])
                if (page, extra) not in sources:
                    sources.append((page, extra))

    def targets(self, persona: str, name: str) -> list[Target]:
        if not SOURCES:
            self.discover_sources()
        pages = [(name, None), *[p for p in SOURCES.get((persona, name), []) if p[0] != name][:3]]
        return [
            target
            for page, extra in pages
            for target in self.page(persona, page, extra)
            if name_of(target.path) == name
        ]


def synthetic_targets(name: str, path: str, found: list[Target]) -> list[Target]:
    """Beyond what the pages send: every field seen, the known form data of the isolation
    tests, and the fields of each Django form class that shares fields with the endpoint."""
    post = Target(path, "post", False)
    get = Target(path, "get", False)
    for target in found:
        for spec in target.fields.values():
            (post if target.method == "post" else get).add(copy.deepcopy(spec))
    if not found:  # nothing on any page sends here: the isolation tests' vocabulary
        for key, value in POST_DATA.items():
            post.add(Field(key, "text", [value]))
    seen = set(post.fields) | set(get.fields)
    for form_fields in FORM_CLASS_FIELDS:
        if len(seen & set(form_fields)) * 2 >= len(form_fields):
            for spec in form_fields.values():
                post.add(copy.deepcopy(spec))
    for key in QUERY_NAMES:
        get.add(Field(key, "query"))
    return [post, get]


@st.composite
def fuzzed_requests(draw, targets: list[Target], path_kwargs: dict, codes: list[str]) -> Fuzzed:
    target = draw(st.sampled_from(targets))
    method = draw(st.sampled_from([target.method] * 4 + ["get", "post"]))
    request = Fuzzed(
        path=target.path,
        method=method,
        htmx=draw(st.booleans()) if not target.htmx else draw(st.sampled_from([True, True, False])),
        hx_target=target.hx_target,
        encoding=draw(st.sampled_from(["multipart", "urlencoded"])),
    )
    for name, spec in target.fields.items():
        presence = draw(st.sampled_from(["once"] * 6 + ["missing", "repeated"]))
        if presence == "missing":
            continue
        if spec.kind == "file":
            request.files[name] = draw(upload())
            continue
        count = draw(st.integers(2, 4)) if presence == "repeated" else 1
        request.data[name] = [draw(value_for(spec, codes)) for _ in range(count)]
    extra = draw(st.lists(st.sampled_from(sorted(QUERY_NAMES + list(POST_DATA))), max_size=2))
    for name in extra:
        request.data.setdefault(name, [draw(value_for(Field(name, "text"), codes))])
    if method == "get" and draw(st.integers(0, 9)) == 9:
        request.raw_query = draw(st.sampled_from(["%FF%FE=%00", "a=%C0%AF", "%=%", "page=%ZZ"]))
    if path_kwargs and draw(st.integers(0, 4)) == 4:
        key = draw(st.sampled_from(sorted(path_kwargs)))
        request.path_kwargs = {key: draw(path_value(path_kwargs[key], codes))}
    return request


def send(http: HttpClient, name: str, kwargs: dict, request: Fuzzed):
    path = request.path
    if request.path_kwargs:
        with contextlib.suppress(NoReverseMatch):
            path = reverse(name, kwargs={**kwargs, **request.path_kwargs})
    headers = {}
    if request.htmx:
        headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{path}"}
        if request.hx_target:
            headers["HX-Target"] = request.hx_target
    if request.method == "get":
        return http.get(f"{path}?{request.query_string()}", headers=headers)
    if request.encoding == "urlencoded" and not request.files:
        body = request.query_string()
        content_type = "application/x-www-form-urlencoded"
        return http.post(path, body, content_type=content_type, headers=headers)
    data = {key: values if len(values) > 1 else values[0] for key, values in request.data.items()}
    for key, (filename, content) in request.files.items():
        data[key] = SimpleUploadedFile(filename, content)
    return http.post(path, data, headers=headers)


@pytest.mark.parametrize(("name", "persona"), ENDPOINTS)
def test_no_input_reaches_a_server_error(name, persona, objects_of_a, owner, foreign, fuzz_report):  # noqa: F811
    browser = Browser(objects_of_a, owner)
    http = browser.clients[persona]
    kwargs = url_kwargs(name, objects_of_a, owner)
    path = reverse(name, kwargs=kwargs)
    found = browser.targets(persona, name)
    targets = found + synthetic_targets(name, path, found)
    path_kwargs = {k: v for k, v in kwargs.items() if k != "ws"}

    # @given inside the test: pytest's function-scoped fixtures are built once for all the
    # examples, and each example is undone by its own savepoint, cookies and cache included.
    @FUZZ_SETTINGS
    @given(request=fuzzed_requests(targets, path_kwargs, foreign))
    def example(request: Fuzzed) -> None:
        cookies = copy.deepcopy(http.cookies)
        cache.clear()  # rate limits and login lockouts would hide the forms behind them
        mail.outbox.clear()
        with transaction.atomic():
            response = send(http, name, kwargs, request)
            transaction.set_rollback(True)
        http.cookies = cookies
        fuzz_report.count(f"{request.method.upper()} {name} ({persona})", request, response)
        if response.status_code >= 500:
            cause = response.exc_info[1] if response.exc_info else None
            raise AssertionError(
                f"{response.status_code} from {request.method.upper()} {name} as {persona}"
            ) from cause
        if request.method == "post" and response.status_code in FORM_MESSAGE_STATUSES:
            body = response.content.decode(errors="replace")
            message = human_message(response.get("Content-Type", ""), body)
            assert message, (
                f"{response.status_code} from POST {name} as {persona} tells no one why: "
                f"{shorten(body, 300)!r}"
            )

    example._hypothesis_internal_database_key = f"fuzz:{name}:{persona}".encode()
    example()
