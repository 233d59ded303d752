"""Every client's current health, as Today, the portfolio and a health panel's shares read it:
on PostgreSQL from one index alone, never from the table's rows (180 days of snapshots each),
and the table vacuumed soon after a nightly pass (the index is read alone on pages vacuumed
since they changed)."""

from __future__ import annotations

import pytest
from django.db import connection

from assessments import portfolio_reads
from assessments.models import HealthSnapshot
from assessments.selectors import portfolio_row
from assessments.services import clients_rescore
from tests.index_reads import columns_read, covered_by


def test_the_lists_and_totals_read_nothing_of_the_latest_health_but_its_index(good_and_bad):
    good, _bad = good_and_bad
    workspace = good.workspace
    clients_rescore(workspace=workspace)
    snapshot = HealthSnapshot.objects.get(client=good, is_latest=True)
    index = covered_by(HealthSnapshot, "snapshot_latest_read_idx")

    figures = portfolio_reads.portfolio_figures(workspace=workspace)
    for read in (
        lambda: portfolio_reads.portfolio_figures(workspace=workspace),
        lambda: portfolio_reads.portfolio_table(workspace=workspace, sort="score", figures=figures)[
            0:25
        ],
        lambda: portfolio_reads.portfolio_clients_named(workspace=workspace, figures=figures),
        lambda: portfolio_row(workspace=workspace, client=good, snapshot=snapshot),
    ):
        read_now = columns_read(read, HealthSnapshot)
        assert {"band", "client_id"} & read_now  # it does read the snapshots
        assert read_now <= index, read_now - index


def test_the_snapshots_are_vacuumed_after_every_thousand_written(db):
    if connection.vendor != "postgresql":
        pytest.skip("autovacuum is PostgreSQL's")
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
