"""Scenario tests: every client archetype of `archetypes` through the whole pipeline (SQL
aggregates, pure scoring, suggestion), in one workspace, so their order by score is tested too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Role
from assessments.services import assess_clients
from tests.assessments.archetypes import ARCHETYPES, build
from tests.factories import ClientFactory, MembershipFactory

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def assessed(workspace, owner):
    workspace.target_hourly_rate = Decimal("60")
    workspace.save()
    MembershipFactory(workspace=workspace, role=Role.MEMBER)  # a teammate to hand over to
    clients = {}
    for seed, archetype in enumerate(ARCHETYPES):
        client = ClientFactory(workspace=workspace, name=archetype.name, owner=owner)
        build(archetype, client, owner, AS_OF, seed)
        clients[client.pk] = archetype
    assessments = assess_clients(workspace=workspace, as_of=AS_OF, client_ids=list(clients))
    return {clients[pk].name: (clients[pk], a) for pk, a in assessments.items()}


def _trend_matches(expected: str, trend: int | None) -> bool:
    return {
        "up": trend is not None and trend >= 5,
        "down": trend is not None and trend <= -5,
        "flat": trend is not None and abs(trend) <= 4,
        "none": trend is None,
        "any": True,
    }[expected]


@pytest.mark.parametrize("name", [a.name for a in ARCHETYPES])
def test_each_archetype_gets_its_band_weakest_dimension_trend_and_suggestion(assessed, name):
    archetype, assessment = assessed[name]
    health = assessment.health
    bands = (archetype.band,) if isinstance(archetype.band, str) else archetype.band
    dimensions = {name: d.score for name, d in health.dimensions.items()}
    summary = (health.score, health.band, health.weakest, assessment.trend_30d,
               assessment.suggestion, dimensions)  # fmt: skip
    assert health.band in bands, summary
    weakest = (archetype.weakest,) if isinstance(archetype.weakest, str) else archetype.weakest
    assert health.weakest in weakest, summary
    assert _trend_matches(archetype.trend, assessment.trend_30d), summary
    assert assessment.suggestion == archetype.suggestion, summary
    assert health.confidence == archetype.confidence, summary


def test_the_archetypes_rank_from_the_dream_client_to_the_eternal_conflict(assessed):
    ranked = sorted(assessed, key=lambda name: -assessed[name][1].health.score)
    scores = {name: assessed[name][1].health.score for name in ranked}
    assert ranked[0] == "dream", scores
    assert set(ranked[-3:]) >= {"eternal conflict", "conflict-ridden, half of everything"}, scores
    position = {name: index for index, name in enumerate(ranked)}
    assert position["good client with one bad week"] < position["declining"], scores
    assert position["recovering"] < position["declining"], scores
    assert position["lovely but unprofitable"] < position["apprentice"], scores
    assert position["late payer"] < position["distrustful"], scores


def test_the_client_who_pays_half_of_everything_is_not_simply_told_to_end(assessed):
    _, assessment = assessed["conflict-ridden, half of everything"]
    assert assessment.revenue_share >= 0.35
    assert assessment.reason.code == "end_but_dependent"
    assert assessment.reason.params["percent"] == round(100 * assessment.revenue_share)
