"""Addresses people already have (in bookmarks and in emails sent before the reviews and the
home page moved to apps of their own) keep working: the paths are part of the interface."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

CODE = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(
    "name, kwargs, path",
    [
        ("home:today", {}, "/w/acme/"),
        ("home:portfolio", {}, "/w/acme/portfolio/"),
        ("home:client_health", {"code": CODE}, f"/w/acme/clients/{CODE}/health/"),
        ("home:alerts", {}, "/w/acme/alerts/"),
        ("reviews:review_begin", {"code": CODE}, f"/w/acme/clients/{CODE}/review/"),
        ("reviews:decisions", {}, "/w/acme/reviews/"),
        ("reviews:review_detail", {"code": CODE}, f"/w/acme/reviews/{CODE}/"),
        ("reviews:review_step", {"code": CODE, "step": 3}, f"/w/acme/reviews/{CODE}/step/3/"),
        ("reviews:review_plan", {"code": CODE}, f"/w/acme/reviews/{CODE}/plan/"),
        ("reviews:follow_up", {"code": CODE}, f"/w/acme/follow-ups/{CODE}/"),
        (
            "assessments:alert_action",
            {"code": CODE, "action": "mute"},
            f"/w/acme/alerts/{CODE}/mute/",
        ),
        ("assessments:boundaries", {}, "/w/acme/boundaries/"),
    ],
)
def test_moved_pages_keep_their_addresses(name, kwargs, path):
    assert reverse(name, kwargs={"ws": "acme", **kwargs}) == path
