"""`manage.py health_report`: its JSON shape is an interface, followed to the letter."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory

DIMENSIONS = {"profitability", "energy", "respect", "trust", "scope", "payments"}
METRICS = {
    "revenue",
    "earned",
    "hours",
    "effective_hourly_rate",
    "unbilled_share",
    "revenue_share",
    "hours_share",
}
CLIENT_KEYS = {
    "name",
    "status",
    "score",
    "band",
    "confidence",
    "trend_30d",
    "dimensions",
    "metrics",
    "open_alerts",
    "suggestion",
    "suggestion_reason",
}


def report(*args) -> dict:
    out = io.StringIO()
    call_command("health_report", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_report_has_the_documented_shape_worst_score_first(good_and_bad):
    good, _bad = good_and_bad
    ClientFactory(workspace=good.workspace, name="Gone", status="ended")
    ClientFactory(workspace=good.workspace, name="Binned", deleted_at=timezone.now())
    data = report("--workspace", "aurora")
    assert set(data) == {"workspace", "as_of", "clients"}
    assert data["workspace"] == "aurora"
    assert data["as_of"] == timezone.localdate().isoformat()
    assert [c["name"] for c in data["clients"]] == ["Bad Co", "Good Co"]
    for client in data["clients"]:
        assert set(client) == CLIENT_KEYS
        assert isinstance(client["score"], int) and 0 <= client["score"] <= 100
        assert client["band"] in {"thriving", "healthy", "watch", "at_risk", "critical"}
        assert client["confidence"] in {"low", "medium", "high"}
        assert client["suggestion"] in {"keep", "set_boundaries", "renegotiate", "hand_over", "end"}
        assert isinstance(client["suggestion_reason"], str) and client["suggestion_reason"]
        assert set(client["dimensions"]) == DIMENSIONS
        for dimension in client["dimensions"].values():
            assert set(dimension) == {"score", "evidence"}
            assert dimension["score"] is None or isinstance(dimension["score"], int)
            assert all(isinstance(line, str) and line for line in dimension["evidence"])
        assert set(client["metrics"]) == METRICS
        for alert in client["open_alerts"]:
            assert set(alert) == {"boundary", "severity", "message"}
            assert alert["severity"] in {"info", "warning", "critical"}
    bad = data["clients"][0]
    assert {"disrespect", "low_feeling"} <= {a["boundary"] for a in bad["open_alerts"]}


def test_the_metrics_follow_their_definitions(scored_workspace, owner):
    as_of = dt.date(2026, 6, 30)
    tz = scored_workspace.tzinfo
    one = ClientFactory(workspace=scored_workspace, name="One")
    two = ClientFactory(workspace=scored_workspace, name="Two")
    moment = dt.datetime(2026, 6, 1, 10, tzinfo=tz)
    InteractionFactory(client=one, occurred_at=moment, minutes=90, billable=True)
    InteractionFactory(client=one, occurred_at=moment, minutes=30, billable=False)
    InteractionFactory(client=two, occurred_at=moment, minutes=120, billable=True)
    InteractionFactory(client=two, occurred_at=dt.datetime(2025, 1, 1, tzinfo=tz), minutes=600)
    InvoiceFactory(client=one, issued_on=dt.date(2026, 6, 2), amount=Decimal("300.00"))
    InvoiceFactory(client=one, issued_on=dt.date(2026, 6, 3), amount=Decimal("999"), void=True)
    InvoiceFactory(client=one, issued_on=dt.date(2026, 7, 1), amount=Decimal("999"))  # after D
    InvoiceFactory(client=two, issued_on=dt.date(2026, 1, 2), amount=Decimal("100.00"))
    clients = {
        c["name"]: c for c in report("--workspace", "aurora", "--as-of", "2026-06-30")["clients"]
    }
    assert clients["One"]["metrics"] == {
        "revenue": 300.0,
        "earned": 300.0,  # hourly, but without a rate: nothing more to count
        "hours": 2.0,
        "effective_hourly_rate": 150.0,
        "unbilled_share": 0.25,
        "revenue_share": 0.75,
        "hours_share": 0.5,
    }
    assert clients["Two"]["metrics"] == {
        "revenue": 100.0,
        "earned": 100.0,
        "hours": 2.0,
        "effective_hourly_rate": 50.0,
        "unbilled_share": 0.0,
        "revenue_share": 0.25,
        "hours_share": 0.5,
    }
    assert as_of.isoformat() == "2026-06-30"


def test_earned_adds_billable_work_after_the_latest_invoice_at_the_hourly_rate(
    scored_workspace,
):
    tz = scored_workspace.tzinfo
    hourly = ClientFactory(
        workspace=scored_workspace, name="Hourly", billing_model="hourly", rate=Decimal("80")
    )
    fixed = ClientFactory(
        workspace=scored_workspace, name="Fixed", billing_model="fixed", rate=Decimal("5000")
    )
    for client in (hourly, fixed):
        # Invoiced on 10 June: the work before it is in that invoice, the work after it is not.
        InteractionFactory(
            client=client, occurred_at=dt.datetime(2026, 6, 5, 10, tzinfo=tz), minutes=60,
            billable=True,
        )  # fmt: skip
        InvoiceFactory(client=client, issued_on=dt.date(2026, 6, 10), amount=Decimal("80.00"))
        InvoiceFactory(
            client=client, issued_on=dt.date(2026, 6, 20), amount=Decimal("999"), void=True
        )
        for day, billable in ((11, True), (12, True), (13, False)):
            InteractionFactory(
                client=client, occurred_at=dt.datetime(2026, 6, day, 10, tzinfo=tz),
                minutes=90, billable=billable,
            )  # fmt: skip
    clients = {
        c["name"]: c for c in report("--workspace", "aurora", "--as-of", "2026-06-30")["clients"]
    }
    # 3 billable hours after the invoice of 10 June (the void one does not count) at 80 an hour.
    assert clients["Hourly"]["metrics"]["revenue"] == 80.0
    assert clients["Hourly"]["metrics"]["earned"] == 80.0 + 3 * 80
    assert clients["Hourly"]["metrics"]["effective_hourly_rate"] == round(80 / 5.5, 2)
    assert any(
        "not invoiced yet" in sentence
        for sentence in clients["Hourly"]["dimensions"]["profitability"]["evidence"]
    )
    # A fixed price is paid as invoiced.
    assert clients["Fixed"]["metrics"]["earned"] == 80.0


def test_a_client_without_time_has_no_rate_and_no_evidence_then_means_no_trend(
    scored_workspace,
):
    ClientFactory(workspace=scored_workspace, name="Quiet")
    (client,) = report("--workspace", "aurora")["clients"]
    assert client["metrics"]["effective_hourly_rate"] is None
    assert client["metrics"]["revenue_share"] is None
    assert client["trend_30d"] is None
    assert client["score"] == 60 and client["confidence"] == "low"
    assert all(d["score"] is None for d in client["dimensions"].values())


def test_as_of_a_past_day_reports_that_days_scores_and_alerts(good_and_bad):
    long_ago = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    clients = report("--workspace", "aurora", "--as-of", long_ago)["clients"]
    assert all(c["confidence"] == "low" and not c["open_alerts"] for c in clients)
    assert all(c["trend_30d"] is None for c in clients)


def test_the_table_format_is_for_people(good_and_bad):
    out = io.StringIO()
    call_command("health_report", "--workspace", "aurora", "--format", "table", stdout=out)
    text = out.getvalue()
    assert "Bad Co" in text and "Critical" in text and "→" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--workspace", "nowhere"], "No workspace"),
        (["--workspace", "aurora", "--as-of", "29/11/2026"], "YYYY-MM-DD"),
        (["--workspace", "aurora", "--language", "fr"], "--language"),
    ],
)
def test_bad_arguments_are_refused_clearly(workspace, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("health_report", *args, stdout=io.StringIO())


@pytest.mark.parametrize("language", ["pt-BR", "es"])
def test_evidence_and_reasons_speak_the_chosen_language(good_and_bad, language):
    english = report("--workspace", "aurora", "--language", "en")["clients"][0]
    other = report("--workspace", "aurora", "--language", language)["clients"][0]
    assert other["suggestion_reason"] != english["suggestion_reason"]
    assert (
        other["dimensions"]["respect"]["evidence"] != english["dimensions"]["respect"]["evidence"]
    )
    assert other["suggestion"] == english["suggestion"]  # codes never change
