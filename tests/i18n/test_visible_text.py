"""No English on a page shown in Brazilian Portuguese or Spanish.

Every page is walked as the isolation tests walk it (their registry of URL patterns and their
objects of workspace A, so a new page is covered as soon as it is registered there), for each
role, then the pages outside workspaces, anonymous and logged in; a page with a form posting
to itself is also sent the form empty, to show its error messages. A text a reader sees (text
nodes, the attributes read aloud or shown, option labels) that is the English original of a
message our catalogue translates differently is a leak: a string evaluated too early or built
outside translation. So is a message of Django's catalogue (form errors, password rules, the
empty choice) unless it is translated as itself. Not leaks: what the fixtures stored (the
users' own words), the brand, cognates ("Total"), a language named in itself where one is
chosen, and text marked with its own `lang` (a message drafted in the client's language).
One run reports every leak, as {page: [texts]}.
"""

from __future__ import annotations

import pprint
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import django
import polib
import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation, Language, User, hash_token
from reviews import questions
from reviews import services as reviews
from tests.factories import ClientFactory
from tests.security.test_isolation import OUTSIDE_WORKSPACES, WORKSPACE_URLS

ROOT = Path(__file__).resolve().parent.parent.parent
DJANGO = Path(django.__file__).resolve().parent
LANGUAGES = {"pt-br": "pt_BR", "es": "es"}
# Django's catalogues whose messages reach our pages (form errors, password rules, dates).
DJANGO_CATALOGUES = ("conf/locale", "contrib/auth/locale")
BRANDS = {"Clientwise"}
# Where a language is chosen, each is named in itself (the switcher, the language fields).
ENDONYMS = {label for _code, label in Language.choices}

DECISIONS = [code for code, _label in questions.DECISIONS]
ANSWERS = {"enjoy": 2, "dread": 4, "change_stress": 4, "before_meeting": 2}

# Review steps each have their own address; a decided review is read on its own page.
VARIANTS = {
    "reviews:review_step": [lambda o, n=n: {"code": o.review.code, "step": n} for n in range(1, 6)],
    "reviews:review_detail": [
        lambda o: {"code": o.review.code},
        lambda o: {"code": o.decided.code},
        *(lambda o, d=d: {"code": o.decisions[d].code} for d in DECISIONS),
    ],
    "reviews:review_begin": [lambda o: {"code": o.client.code}, lambda o: {"code": o.fresh.code}],
}

# Arguments of the pages outside workspaces that take some.
OUTSIDE_KWARGS = {
    "accounts:password_reset_confirm": lambda o: {
        "uidb64": urlsafe_base64_encode(force_bytes(o.owner.pk)),
        "token": default_token_generator.make_token(o.owner),
    },
    "invitation_accept": lambda o: {"token": o.invitation_token},
}

# What follows shows no page of its own on GET: it answers a POST or redirects.
NO_PAGE = {"accounts:logout", "language_set"}

# Text inside these elements is not read as copy: code, or what a person typed.
SKIPPED = {"script", "style", "textarea"}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "hx-confirm"}
BUTTON_INPUTS = {"submit", "button", "reset"}
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w*\}|\{\{\s*\w+\s*\}\}")
SENTENCE_END = re.compile(r"(?<=[.!?…:])\s+| · | — | \| ")
DECORATION = " ←→↑↓·•|–—-×✓✕*()[]\u00a0"
TAG = re.compile(r"<[^>]+>")


def normal(text: str) -> str:
    return " ".join(TAG.sub("", text).split())


class VisibleText(HTMLParser):
    """The texts a reader of the page in ``language`` sees, each stripped.

    Text nodes are read as runs across inline elements (a message with a link in it is one
    text) and also one by one; an element marked with another ``lang`` is skipped (the
    language switcher names each language in itself).
    """

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language.lower()
        self.texts: set[str] = set()
        self.options: set[str] = set()  # the labels of <option>s
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from this check)
        self.run: list[str] = []
        self.forms: list[tuple[str, str]] = []  # (method, action)

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def flush(self) -> None:
        if text := normal("".join(self.run)):
            self.texts.add(text)
        self.run = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in INLINE:
            self.flush()
        if tag == "form":
            self.forms.append(
                ((attributes.get("method") or "get").lower(), attributes.get("action") or "")
            )
        lang = (attributes.get("lang") or "").lower()
        hidden = (
            self.hidden
            or tag in SKIPPED
            or (tag != "html" and lang != "" and not self.language.startswith(lang.split("-")[0]))
        )
        if not hidden:
            for name, value in attributes.items():
                if value and (name in SHOWN_ATTRIBUTES or name.startswith("data-")):
                    self.texts.add(normal(value))
            shows_value = tag == "button" or (
                tag == "input" and (attributes.get("type") or "") in BUTTON_INPUTS
            )
            if shows_value and attributes.get("value"):
                self.texts.add(normal(attributes["value"]))
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in INLINE:
            self.flush()
        if any(open_tag == tag for open_tag, _hidden in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if self.hidden:
            return
        self.run.append(data)
        if text := normal(data):
            self.texts.add(text)
            if any(tag == "option" for tag, _hidden in self.stack):
                self.options.add(text)

    def close(self):
        super().close()
        self.flush()


def pieces(text: str) -> set[str]:
    """The text, each of its sentences, and each without the arrows and dots around it."""
    found = {text, *(part for part in SENTENCE_END.split(text))}
    return {p for piece in found for p in (piece.strip(), piece.strip(DECORATION)) if p}


@dataclass
class English:
    """The English texts a page in one language must not show."""

    exact: set[str]
    pattern: re.Pattern  # messages with placeholders, each filled with anything

    def leaks(self, text: str) -> bool:
        return text in self.exact or self.pattern.fullmatch(text) is not None


def _translated_differently(entry: polib.POEntry) -> bool:
    """Translated as something else than the English, or not translated at all."""
    translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
    return any(t != entry.msgid for t in translations) or not any(translations)


def _as_pattern(msgid: str) -> str | None:
    """A message with placeholders as a pattern, if its words are enough to recognise it."""
    literal = PLACEHOLDER.sub(" ", msgid)
    if not re.search(r"[A-Za-z]{3,}", literal):
        return None
    parts = (TAG.sub("", part).split(" ") for part in PLACEHOLDER.split(" ".join(msgid.split())))
    return ".+?".join(r"\s+".join(map(re.escape, words)) for words in parts)


def english_for(locale: str) -> English:
    ours = polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"))
    djangos = [
        entry
        for folder in DJANGO_CATALOGUES
        if (path := DJANGO / folder / locale / "LC_MESSAGES" / "django.po").exists()
        for entry in polib.pofile(str(path))
    ]
    # Cognates ("Email", "Total") are the same in both languages: never a leak.
    same = {normal(e.msgid) for e in ours if e.msgid and not _translated_differently(e)}
    # Ours are leaks when translated differently; Django's also when left untranslated.
    entries = [e for e in ours if e.translated()] + djangos
    exact, patterns = set(), set()
    for entry in entries:
        if not entry.msgid or not _translated_differently(entry) or entry.obsolete:
            continue
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            if PLACEHOLDER.search(msgid):
                if pattern := _as_pattern(msgid):
                    patterns.add(pattern)
            elif normal(msgid) not in same:
                exact.add(normal(msgid))
    exact -= BRANDS
    return English(exact, re.compile("|".join(sorted(patterns))))


def user_data() -> set[str]:
    """Every text the fixtures stored: names, emails, notes are the users' own words."""
    found = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                found |= {normal(str(value)) for value in row if value}
    # A page greets a person by the first word of their name, which Faker may draw from English
    # words ("April", "Grace"): theirs, not the app's.
    found |= {normal(user.get_short_name()) for user in User.objects.all()}
    return found


class Walk:
    """Visits pages and keeps, per address, the English texts each shows."""

    def __init__(self, language: str, english: English, excused: set[str]) -> None:
        self.language = language
        self.english = english
        self.excused = excused
        self.leaks: dict[str, list[str]] = {}
        self.statuses: dict[tuple[str, str, str], int] = {}  # (who, method, url) -> status

    def read(self, who: str, method: str, response) -> VisibleText | None:
        url = response.request["PATH_INFO"]
        if (who, method, url) in self.statuses:
            return None
        self.statuses[who, method, url] = response.status_code
        if 300 <= response.status_code < 400:
            return None
        if not response.get("Content-Type", "").startswith("text/html"):
            return None
        assert response["Content-Language"] == self.language, url
        parser = VisibleText(self.language)
        parser.feed(response.content.decode())
        parser.close()
        excused = self.excused | (parser.options & ENDONYMS)
        found = sorted(
            {
                piece
                for text in parser.texts
                if text not in excused
                for piece in pieces(text)
                if piece not in excused and self.english.leaks(piece)
            }
        )
        if found:
            key = f"{method} {url} ({who})"
            self.leaks[key] = sorted({*self.leaks.get(key, []), *found})
        return parser

    def visit(self, client, who: str, url: str, *, follow: bool = False, post_forms: bool = False):
        parser = self.read(who, "GET", client.get(url, follow=follow))
        if parser is None or not post_forms:
            return
        # A form sent empty shows its error messages; whatever it changed is rolled back.
        if any(method == "post" and action in ("", url) for method, action in parser.forms):
            with transaction.atomic():
                self.read(who, "POST", client.post(url, {}))
                transaction.set_rollback(True)


@pytest.fixture
def pages_of_a(objects_of_a, owner, manager, member, viewer, good_and_bad):
    """Workspace A as the isolation tests build it, plus clients with a history (scores,
    charts, reasons), one without any review, a review in progress with answers, and a
    decided review of each kind, made as people make them."""
    good, bad = good_and_bad
    fresh = ClientFactory(workspace=objects_of_a.workspace, name="Fresh client of A")
    decisions = {}
    for decision in DECISIONS:
        review = reviews.review_start(client=good, author=owner)
        reviews.review_answer(review=review, user=owner, step=2, answers=ANSWERS, go_to=5)
        decisions[decision] = reviews.review_decide(review=review, user=owner, decision=decision)
    in_progress = reviews.review_start(client=bad, author=owner)
    reviews.review_answer(review=in_progress, user=owner, step=2, answers=ANSWERS, go_to=3)
    token = "visible-text-invitation-token"
    Invitation.objects.filter(pk=objects_of_a.invitation.pk).update(token_hash=hash_token(token))
    return SimpleNamespace(
        **{**vars(objects_of_a), "review": in_progress},
        roles={"owner": owner, "manager": manager, "member": member, "viewer": viewer},
        owner=owner,
        good=good,
        bad=bad,
        fresh=fresh,
        decisions=decisions,
        invitation_token=token,
    )


def workspace_urls(objects) -> list[str]:
    urls = []
    for name, spec in sorted(WORKSPACE_URLS.items()):
        for kwargs in VARIANTS.get(name, [spec.kwargs]):
            for client in (objects.client, objects.good, objects.bad):
                chosen = SimpleNamespace(**{**vars(objects), "client": client})
                url = reverse(name, kwargs={"ws": objects.workspace.slug, **kwargs(chosen)})
                if url not in urls:
                    urls.append(url)
    return urls


def outside_urls(objects) -> list[str]:
    return [
        reverse(name, kwargs=OUTSIDE_KWARGS[name](objects) if name in OUTSIDE_KWARGS else None)
        for name in sorted(OUTSIDE_WORKSPACES)
        if name not in NO_PAGE
    ]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_no_page_shows_english_in_another_language(language, pages_of_a):
    for user in pages_of_a.roles.values():
        user.language = language
        user.save(update_fields=["language"])
    walk = Walk(language, english_for(LANGUAGES[language]), user_data() | BRANDS)
    client = Client(headers={"Accept-Language": language})

    for url in outside_urls(pages_of_a):
        walk.visit(client, "anonymous", url, follow=True, post_forms=True)
    walk.read("anonymous", "GET", client.get("/no-such-page/"))

    urls = workspace_urls(pages_of_a)
    for who, user in pages_of_a.roles.items():
        client.force_login(user)
        for url in urls:
            walk.visit(client, who, url, post_forms=who == "owner")
    # Outside workspaces the role changes nothing: the owner stands for every user.
    client.force_login(pages_of_a.owner)
    for url in outside_urls(pages_of_a):
        walk.visit(client, "owner", url, follow=True, post_forms=True)
    walk.read("owner", "GET", client.get(reverse("home:today", kwargs={"ws": "no-such"})))

    # The owner reaches every workspace page (or is sent on, or it takes only POSTs): objects
    # the walk could not open would hide their pages from it.
    refused = {url for url in urls if walk.statuses["owner", "GET", url] not in (200, 302, 405)}
    assert not refused
    assert not walk.leaks, pprint.pformat(walk.leaks, width=100)
