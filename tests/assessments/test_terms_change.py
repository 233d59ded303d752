"""A change of a client's terms (its rate, how it is billed, whether it is a prospect) is read
on every past day too: the trend compares like with like, never old terms with new ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from assessments.models import HealthSnapshot
from assessments.selectors import latest_snapshots
from assessments.services import history_rebuild
from portfolio import services as portfolio
from tests.factories import ClientFactory, InteractionFactory


def test_raising_an_hourly_rate_does_not_make_a_rise_out_of_nothing(
    scored_workspace, owner, django_capture_on_commit_callbacks
):
    client = ClientFactory(
        workspace=scored_workspace, owner=owner, billing_model="hourly", rate=Decimal("10")
    )
    now = dt.datetime.now(tz=scored_workspace.tzinfo)
    for days in range(0, 90, 3):  # billable work, nothing invoiced yet
        InteractionFactory(
            client=client, author=owner, kind="work_session", minutes=120, billable=True,
            feeling=1, occurred_at=now - dt.timedelta(days=days, hours=2),
        )  # fmt: skip
    history_rebuild(workspace=scored_workspace, client_ids=[client.pk])
    before = latest_snapshots(workspace=scored_workspace, client_ids=[client.pk])[client.pk]
    assert before.dimensions["profitability"]["score"] < 30

    with django_capture_on_commit_callbacks(execute=True):
        portfolio.client_update(client=client, version=client.version, rate=Decimal("100"))

    after = latest_snapshots(workspace=scored_workspace, client_ids=[client.pk])[client.pk]
    assert after.dimensions["profitability"]["score"] > 90
    assert after.score > before.score
    # Thirty days ago the client paid 100 an hour too: no rise of forty points in a month.
    assert after.trend_30d is not None and abs(after.trend_30d) <= 10, after.trend_30d
    # ...and the history charts are replayed with the new rate (by the worker, here at once).
    month_ago = HealthSnapshot.objects.get(
        client=client, as_of=scored_workspace.today() - dt.timedelta(days=30)
    )
    assert month_ago.dimensions["profitability"]["score"] > 90
