"""The demo shows the review at work the moment `make run` starts."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_OWNER
from accounts.models import User
from reviews.models import Review


def test_the_demo_gets_an_ended_a_decided_and_a_half_way_review_once(db, client):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_reviews", stdout=io.StringIO())
    call_command("seed_demo", "--force", stdout=io.StringIO())
    call_command("seed_demo_reviews", stdout=io.StringIO())
    call_command("seed_demo_reviews", stdout=io.StringIO())
    statuses = sorted(Review.objects.values_list("client__name", "status"))
    assert statuses == [
        ("Grupo Vértice", "in_progress"),
        ("Meridian Capital", "decided"),
        ("Norte Construções", "done"),
    ]
    client.force_login(User.objects.get(email=DEMO_OWNER[0]))
    page = client.get("/w/demo/").content.decode()
    assert "Look back on your decision about Meridian Capital" in page
    assert "Finish your review of Grupo Vértice" in page
    waiting = page.split("Waiting for you")[1].split("</section>")[0]
    assert "Norte Construções" not in waiting  # its follow-up was answered
