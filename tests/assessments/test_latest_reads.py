"""Every client's current health, as Today, the portfolio and a health panel's shares read it:
on PostgreSQL from one index alone, never from the table's rows (180 days of snapshots each),
and the table vacuumed soon after a nightly pass so that the index can be read alone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import HealthSnapshot
from assessments.selectors import portfolio_overview, portfolio_row, portfolio_summaries
from assessments.services import clients_rescore

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("reads from an index alone, and autovacuum, are PostgreSQL's")


def plans(read) -> list[str]:
    """The plans of the queries `read()` sends, seq scans disallowed (with a handful of rows
    PostgreSQL would rather read the table; what is asked here is whether it has to)."""
    with CaptureQueriesContext(connection) as queries:
        read()
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query in queries.captured_queries:
                if "assessments_healthsnapshot" in query["sql"]:
                    cursor.execute("EXPLAIN " + query["sql"])
                    found.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            cursor.execute("RESET enable_seqscan")
    return found


def test_the_lists_and_totals_read_the_latest_health_from_the_index_alone(postgresql, good_and_bad):
    good, _bad = good_and_bad
    workspace = good.workspace
    clients_rescore(workspace=workspace)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM assessments_healthsnapshot")
    snapshot = HealthSnapshot.objects.get(client=good, is_latest=True)

    for read in (
        lambda: portfolio_overview(workspace=workspace),
        lambda: portfolio_summaries(workspace=workspace),
        lambda: portfolio_row(workspace=workspace, client=good, snapshot=snapshot),
    ):
        [plan] = plans(read)
        assert "Index Only Scan using snapshot_latest_read_idx" in plan, plan


def test_the_snapshots_are_vacuumed_after_every_thousand_written(postgresql):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'assessments_healthsnapshot'"
        )
        [options] = cursor.fetchone()
    assert set(options) >= {
        "autovacuum_vacuum_insert_threshold=1000",
        "autovacuum_vacuum_insert_scale_factor=0",
        "autovacuum_vacuum_threshold=1000",
        "autovacuum_vacuum_scale_factor=0",
    }
