"""An import writes its rows while it plans them, a chunk at a time, in one transaction: it
holds a chunk of rows however long the file, and an error found after rows were written leaves
nothing of the import behind."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import pytest

from portfolio.interchange import import_files
from portfolio.interchange.writing import CHUNK
from portfolio.models import Client, ImportChange, ImportStatus, Interaction
from portfolio.tasks import run_files_import
from tests.factories import ClientFactory, ImportBatchFactory, ImportUploadFactory

pytestmark = pytest.mark.django_db

HEADER = "client,occurred_at,kind,minutes,billable,feeling,flags,summary,author_email"


def _lines(rows: int, *, client: str = "Client", clients: int = 7) -> list[str]:
    start = dt.datetime(2025, 1, 1, 9, 0)
    return [
        f"{client} {i % clients},{start + dt.timedelta(minutes=30 * i):%Y-%m-%dT%H:%M},"
        f"call,15,no,,,Call {i},"
        for i in range(rows)
    ]


def _csv(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


@pytest.fixture
def running(workspace, manager):
    return ImportBatchFactory(
        workspace=workspace, created_by=manager, status=ImportStatus.RUNNING, summary={}
    )


def test_an_error_found_after_rows_were_written_leaves_nothing(running, workspace, manager):
    clients = "name,status\n" + "".join(f"New {i},active\n" for i in range(7))
    lines = _lines(3 * CHUNK, client="New")
    lines.append("New 1,2025-13-40T09:00,call,15,no,,,A day that is not,")
    upload = ImportUploadFactory(
        workspace=workspace,
        created_by=manager,
        kind="interchange",
        files={
            "clients": ("clients.csv", clients.encode()),
            "interactions": ("interactions.csv", _csv(lines)),
        },
    )
    run_files_import.call(upload_code=str(upload.code), batch_code=str(running.code))

    running.refresh_from_db()
    assert running.status == ImportStatus.FAILED
    assert running.error.startswith(f"interactions.csv, line {len(lines) + 1}, column occurred_at")
    assert not Client.objects.exists()
    assert not Interaction.objects.exists()
    assert not ImportChange.objects.exists()


def test_an_import_longer_than_a_chunk_is_written_whole(running, workspace, manager):
    for number in range(7):
        ClientFactory(workspace=workspace, name=f"Client {number}")
    plan = import_files(
        workspace=workspace,
        user=manager,
        files={"interactions": _csv(_lines(2 * CHUNK + 7))},
        filenames={"interactions": "march.csv"},
        batch=running,
    )
    running.refresh_from_db()
    assert plan.is_valid
    assert running.status == ImportStatus.DONE and running.filenames == "march.csv"
    assert running.summary == {"interaction": {"created": 2 * CHUNK + 7, "updated": 0}}
    assert Interaction.objects.count() == ImportChange.objects.count() == 2 * CHUNK + 7


def _peak_bytes(workspace, user, rows: int) -> int:
    data = _csv(_lines(rows))
    batch = ImportBatchFactory(
        workspace=workspace, created_by=user, status=ImportStatus.RUNNING, summary={}
    )
    tracemalloc.start()
    try:
        plan = import_files(
            workspace=workspace, user=user, files={"interactions": data}, batch=batch
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert plan.is_valid


def test_an_import_holds_a_chunk_of_its_rows_not_all_of_them(manager, workspace):
    """Planning every row before writing kept each as a model instance (several kilobytes
    with its change record); writing as it plans, memory grows with the file's text alone."""
    for number in range(7):
        ClientFactory(workspace=workspace, name=f"Client {number}")
    small = _peak_bytes(workspace, manager, 4_000)
    Interaction.objects.all().delete()
    large = _peak_bytes(workspace, manager, 16_000)
    per_row = (large - small) / 12_000
    line = len(_csv(_lines(2))) // 3  # about the length of one line of the file
    assert per_row < 4 * line, per_row


def test_an_error_in_the_clients_stops_the_writing_and_is_named(running, workspace, manager):
    """Once a line is refused nothing more is written (the entries of a client that was never
    written could not be), and the import says which line, not that it stopped."""
    clients = "name,status\nNew 0,active\nBad,sleeping\n"
    upload = ImportUploadFactory(
        workspace=workspace,
        created_by=manager,
        kind="interchange",
        files={
            "clients": ("clients.csv", clients.encode()),
            "interactions": ("interactions.csv", _csv(_lines(2 * CHUNK, client="New", clients=1))),
        },
    )
    run_files_import.call(upload_code=str(upload.code), batch_code=str(running.code))

    running.refresh_from_db()
    assert running.status == ImportStatus.FAILED
    assert running.error.startswith("clients.csv, line 3, column status")
    assert not Client.objects.exists()
    assert not Interaction.objects.exists()
