"""A client's health badge and its trend, as every page draws them: never colour alone (a sign
and a word), the states shown instead of a band (a prospect, too little evidence, not scored
yet), and every word in the reader's language."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from assessments.models import Band, HealthSnapshot
from portfolio.models import Client, ClientStatus


def render(source: str, **context) -> str:
    return Template("{% load assessments %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("band", "sign"),
    [("thriving", "▲▲"), ("healthy", "▲"), ("watch", "●"), ("at_risk", "▼"), ("critical", "▼▼")],
)
def test_each_band_has_its_sign_and_its_word(band, sign):
    html = render("{% health_badge snapshot client %}", snapshot=_snapshot(band), client=_client())
    assert html == (
        f'<span class="badge band band-{band}"><span aria-hidden="true">{sign}</span> '
        f"{Band(band).label}</span>"
    )


def _snapshot(band: str, confidence: str = "high") -> HealthSnapshot:
    return HealthSnapshot(band=band, confidence=confidence, score=50)


def _client(status: str = ClientStatus.ACTIVE) -> Client:
    return Client(name="Acme <b>", status=status)


@pytest.mark.parametrize(
    ("snapshot", "status", "shown"),
    [
        (None, ClientStatus.ACTIVE, "Not scored yet"),
        (_snapshot("critical", "low"), ClientStatus.ACTIVE, "○</span> Not enough data yet"),
        (_snapshot("critical"), ClientStatus.PROSPECT, "◇</span> Prospect"),
        (None, ClientStatus.PROSPECT, "◇</span> Prospect"),
    ],
)
def test_a_guess_a_prospect_and_a_client_not_scored_show_no_band(snapshot, status, shown):
    html = render("{% health_badge snapshot client %}", snapshot=snapshot, client=_client(status))
    assert shown in html
    assert "Critical" not in html and "▼" not in html


@pytest.mark.parametrize(
    ("trend", "arrow", "points"),
    [(7, "↗", "+7"), (-12, "↘", "-12"), (0, "→", "0")],
)
def test_a_trend_shows_its_direction_and_says_it_in_words(trend, arrow, points):
    html = render("{% trend_badge trend %}", trend=trend)
    assert f'<span aria-hidden="true">{arrow}</span> {points}' in html
    assert '<span class="visually-hidden"> in 30 days</span>' in html


def test_no_trend_is_a_dash_that_says_why():
    assert render("{% trend_badge None %}") == (
        '<span class="text-body-secondary" title="No score 30 days ago">—</span>'
    )


@pytest.mark.parametrize("language", ["pt-br", "es"])
def test_the_badges_speak_the_readers_language(language):
    with translation.override(language):
        shown = [
            render("{% health_badge None client %}", client=_client()),
            render("{% band_badge 'not_enough_data' %}"),
            render("{% band_badge 'prospect' %}"),
            render(
                "{% health_badge snapshot client %}",
                snapshot=_snapshot("at_risk"),
                client=_client(),
            ),
            render("{% trend_badge 3 %}"),
            render("{% trend_badge None %}"),
        ]
    for english in ("Not scored yet", "Not enough data yet", "Prospect", "At risk", "in 30 days"):
        # The whole word: "Prospecto" begins with "Prospect".
        assert all(f" {english}<" not in html for html in shown), english
    assert "No score 30 days ago" not in shown[-1]
