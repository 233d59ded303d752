"""The demo tells the same stories whichever day it is seeded: what it shows a newcomer must not
depend on the weekday or the month (a story that held on Tuesday and broke on Thursday did)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import Workspace
from assessments.services import Assessment, assess_clients
from portfolio.models import Client

pytestmark = pytest.mark.django_db

# The stories the demo exists to tell: a client's suggestion and the reason given for it.
STORIES = {
    "Brightwater Events": ("hand_over", "hand_over"),
    "Kestrel Media": ("set_boundaries", "out_of_hours_pressure"),
    "Sunday Studio": ("keep", "healthy"),
}


def _readings() -> dict[str, Assessment]:
    workspace = Workspace.objects.get(slug="demo")
    clients = {c.pk: c.name for c in Client.objects.filter(workspace=workspace)}
    readings = assess_clients(
        workspace=workspace, as_of=workspace.today(), client_ids=list(clients)
    )
    return {clients[pk]: reading for pk, reading in readings.items()}


def test_the_demo_tells_the_same_stories_on_every_day_of_a_week():
    seen = {}
    start = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)  # a week over a month's end
    for offset in range(7):
        with time_machine.travel(start + dt.timedelta(days=offset), tick=False):
            call_command("seed_demo", "--force", stdout=StringIO())
            readings = _readings()
            Workspace.objects.filter(slug="demo").delete()
        seen[offset] = {name: (r.suggestion, r.reason.code) for name, r in readings.items()}
        for name, story in STORIES.items():
            assert seen[offset][name] == story, (offset, name)
        # It goes well with the teammate, badly with the owner: clearly, not by a hair.
        clash = readings["Brightwater Events"].reason.params
        assert clash["feeling"] >= 1.0 and clash["yours"] <= -1.0, (offset, clash)
    for offset, suggestions in seen.items():
        assert suggestions == seen[0], f"day {offset} differs from day 0"
