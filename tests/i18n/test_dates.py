"""Dates read the same way on every page: the language's long form ("Dec. 1, 2026",
"1 de dezembro de 2026", "1 de diciembre de 2026"), never a bare 12/01/2026 that reads as
January in Brazil, and month names in lower case where the language writes them so."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role
from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
CAPITALISED_MONTH = re.compile(
    r"\bde (Janeiro|Fevereiro|Março|Abril|Maio|Junho|Julho|Agosto|Setembro|Outubro|Novembro|"
    r"Dezembro|Enero|Febrero|Marzo|Mayo|Junio|Julio|Septiembre|Octubre|Noviembre|Diciembre)\b"
)
LONG_DATE = {
    "en": re.compile(r"\b[A-Z][a-z]+\.? \d{1,2}, 20\d\d\b"),
    "pt-br": re.compile(r"\b\d{1,2} de [a-zç]+ de 20\d\d\b"),
    "es": re.compile(r"\b\d{1,2} de [a-z]+ de 20\d\d\b"),
}


def visible(html: str) -> str:
    """The page's text, without its markup, scripts and attribute values (a date input's ISO
    value is not text a person reads)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("language", ["en", "pt-br", "es"])
def test_every_date_a_page_shows_is_in_the_languages_long_form(
    logged_in, owner, workspace, language
):
    owner.language = language
    owner.save(update_fields=["language"])
    client = ClientFactory(workspace=workspace, name="Atlas", owner=owner, status="active")
    InteractionFactory(client=client, author=owner, occurred_at=timezone.now())
    InvoiceFactory(client=client)
    Invitation.objects.create(
        workspace=workspace,
        email="new@example.com",
        role=Role.MEMBER,
        invited_by=owner,
        token_hash="x" * 64,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    browser = logged_in(owner)
    pages = {
        name: reverse(name, kwargs={"ws": workspace.slug, **kwargs})
        for name, kwargs in (
            ("home:today", {}),
            ("portfolio:client_list", {}),
            ("portfolio:client_detail", {"code": client.code}),
            ("workspace:members", {}),
        )
    }
    for name, path in pages.items():
        text = visible(browser.get(path).content.decode())
        assert NUMERIC_DATE.findall(text) == [], (language, name)
        assert CAPITALISED_MONTH.findall(text) == [], (language, name)
        assert LONG_DATE[language].search(text), (language, name)


def test_month_names_are_written_as_each_language_writes_them():
    from django.utils import translation
    from django.utils.formats import date_format

    day = dt.date(2026, 12, 1)
    expected = {
        "en": "Dec. 1, 2026",
        "pt-br": "1 de dezembro de 2026",
        "es": "1 de diciembre de 2026",
    }
    for language, text in expected.items():
        with translation.override(language):
            assert date_format(day, "DATE_FORMAT") == text
            months = [date_format(dt.date(2026, m, 1), "F") for m in range(1, 13)]
            if language != "en":
                assert all(month == month.lower() for month in months), language


def test_a_plans_check_again_day_reads_as_a_date(logged_in, owner, viewer, workspace):
    from reviews.services import review_decide, review_start

    client = ClientFactory(workspace=workspace, name="Atlas", owner=owner, status="active")
    review = review_decide(
        review=review_start(client=client, author=owner), user=owner, decision="set_boundaries"
    )
    viewer.language = "pt-br"
    viewer.save(update_fields=["language"])
    path = reverse("reviews:review_detail", kwargs={"ws": workspace.slug, "code": review.code})
    text = visible(logged_in(viewer).get(path).content.decode())
    assert re.findall(r"\b20\d\d-\d\d-\d\d\b", text) == []
    assert LONG_DATE["pt-br"].search(text)
