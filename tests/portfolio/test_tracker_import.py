from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError

from portfolio import services
from portfolio.models import Client, ImportBatch, Interaction
from portfolio.trackers.importer import tracker_import_apply, tracker_import_plan
from tests.factories import ClientFactory, ImportBatchFactory
from tests.portfolio.conftest import LISBON

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "trackers"


def plan_for(workspace, user, name, **options):
    return tracker_import_plan(
        workspace=workspace, user=user, data=(DATA / name).read_bytes(), filename=name, **options
    )


def test_a_toggl_export_becomes_work_sessions_and_new_clients(lisbon, owner):
    ClientFactory(workspace=lisbon, name="padaria estrela")
    plan = plan_for(lisbon, owner, "toggl.csv")

    assert plan.is_valid and plan.source == "toggl"
    assert plan.read_as == "UTF-8 with a byte-order mark, comma-separated"
    assert plan.new_clients == ["Nova Cliente"]
    assert [e.description for e in plan.without_client] == ["Invoicing and admin"]
    assert len(plan.to_create) == 3

    batch = tracker_import_apply(plan=plan)

    sessions = Interaction.objects.order_by("occurred_at")
    assert [s.client.name for s in sessions] == ["padaria estrela"] * 2 + ["Nova Cliente"]
    first = sessions[0]
    assert first.kind == "work_session" and first.minutes == 151 and first.billable
    assert first.occurred_at == dt.datetime(2026, 11, 2, 9, 15, tzinfo=LISBON)
    assert first.summary == "[Menu site] Homepage layout"
    assert first.flags == []  # own work is never "out of hours"
    assert Client.objects.get(name="Nova Cliente").status == "active"
    assert batch.summary == {"client": {"created": 1}, "interaction": {"created": 3}}


def test_importing_the_same_export_again_creates_nothing(lisbon, owner):
    tracker_import_apply(plan=plan_for(lisbon, owner, "toggl.csv"))
    again = plan_for(lisbon, owner, "toggl.csv")
    assert again.to_create == [] and again.already_imported == 3 and again.new_clients == []
    tracker_import_apply(plan=again)
    assert Interaction.objects.count() == 3
    assert Client.objects.count() == 2


def test_rows_without_a_client_can_be_given_one(lisbon, owner):
    admin = ClientFactory(workspace=lisbon, name="Internal")
    plan = plan_for(lisbon, owner, "toggl.csv", assign_to=admin)
    assert plan.without_client == []
    tracker_import_apply(plan=plan)
    assert Interaction.objects.filter(client=admin).count() == 1


def test_time_already_logged_by_hand_is_shown_and_can_be_skipped(lisbon, owner):
    client = ClientFactory(workspace=lisbon, name="Atlas Logistics")
    services.interaction_log(
        client=client, author=owner, kind="work_session", minutes=60,
        occurred_at=dt.datetime(2026, 11, 2, 14, 0, tzinfo=LISBON),
    )  # fmt: skip
    plan = plan_for(lisbon, owner, "clockify.csv")
    assert [p.entry.description for p in plan.overlapping] == ["Tracking page"]
    tracker_import_apply(plan=plan, skip_overlapping=True)
    assert Interaction.objects.count() == 1 + 2


def test_ambiguous_dates_are_asked_for_and_nothing_is_written(lisbon, owner):
    plan = plan_for(lisbon, owner, "clockify_variant_br.csv")
    assert plan.needs_date_order and not plan.is_valid
    with pytest.raises(ValueError):
        tracker_import_apply(plan=plan)
    assert not Interaction.objects.exists()
    plan = plan_for(lisbon, owner, "clockify_variant_br.csv", date_order="dmy")
    assert plan.read_as == "UTF-8, semicolon-separated"
    tracker_import_apply(plan=plan)
    assert Interaction.objects.get(minutes=90).occurred_at.date() == dt.date(2026, 4, 3)


def test_a_harvest_export_saved_by_excel_in_portuguese(lisbon, owner):
    plan = plan_for(lisbon, owner, "harvest_excel_pt.csv")
    assert plan.read_as == "Windows-1252, semicolon-separated"
    tracker_import_apply(plan=plan)
    entry = Interaction.objects.get(minutes=1200)
    assert entry.date_only and entry.summary == "[Site novo] Página de matrículas"
    assert entry.client.name == "Escola Semear"


def test_a_file_that_is_no_tracker_export_is_refused(lisbon, owner):
    plan = tracker_import_plan(workspace=lisbon, user=owner, data=b"name,company\nA,B\n")
    assert not plan.is_valid
    assert "not a detailed export" in plan.problems[0].message


def test_an_import_never_matches_another_workspaces_clients(lisbon, owner, other_workspace):
    ClientFactory(workspace=other_workspace, name="Padaria Estrela")
    plan = plan_for(lisbon, owner, "toggl.csv")
    assert "Padaria Estrela" in plan.new_clients
    tracker_import_apply(plan=plan)
    assert Client.objects.filter(workspace=other_workspace).get().interactions.count() == 0
    assert ImportBatch.objects.get().workspace == lisbon


def test_an_import_fills_the_batch_it_is_given_and_reports_progress(lisbon, owner):
    batch = ImportBatchFactory(workspace=lisbon, created_by=owner, status="running", summary={})
    steps = []
    applied = tracker_import_apply(
        plan=plan_for(lisbon, owner, "clockify.csv"),
        batch=batch,
        on_progress=lambda done, total: steps.append((done, total)),
    )
    assert applied == batch and ImportBatch.objects.count() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.source, batch.filenames) == ("done", "clockify", "clockify.csv")
    assert (batch.progress_done, batch.progress_total) == (3, 3)
    assert steps == [(3, 3)]
    assert batch.changes.filter(target="interaction").count() == 3


def test_entries_left_out_are_not_counted_in_the_progress(lisbon, owner):
    client = ClientFactory(workspace=lisbon, name="Atlas Logistics")
    services.interaction_log(
        client=client, author=owner, kind="work_session", minutes=60,
        occurred_at=dt.datetime(2026, 11, 2, 14, 0, tzinfo=LISBON),
    )  # fmt: skip
    plan = plan_for(lisbon, owner, "clockify.csv")
    batch = tracker_import_apply(plan=plan, skip_overlapping=True)
    assert (batch.progress_done, batch.progress_total) == (2, 2)


def toggl_export(rows: int) -> bytes:
    header = (
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
        "End time,Duration,Tags,Amount ()\n"
    )
    lines = [
        f"A,a@x.com,Client {n % 7},P,,Entry {n},Yes,2026-10-{1 + n % 28:02d},09:{n % 60:02d}:00,"
        f"2026-10-{1 + n % 28:02d},10:00:00,00:30:00,,0\n"
        for n in range(rows)
    ]
    return (header + "".join(lines)).encode()


def test_the_preview_costs_the_same_queries_for_10_or_500_rows(
    lisbon, owner, django_assert_num_queries
):
    ClientFactory(workspace=lisbon, name="Client 1")
    with django_assert_num_queries(3):
        small = tracker_import_plan(workspace=lisbon, user=owner, data=toggl_export(10))
    with django_assert_num_queries(3):
        large = tracker_import_plan(workspace=lisbon, user=owner, data=toggl_export(500))
    assert (len(small.to_create), len(large.to_create)) == (10, 500)


# Identical rows: two people on one meeting, two identical meetings on one day

TOGGL_HEADER = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
    "End time,Duration,Tags\n"
)
STANDUP = (
    "Padaria Estrela,Menu site,,Stand-up,No,2026-11-02,09:00:00,2026-11-02,09:15:00,00:15:00,\n"
)
CLOCKIFY_HEADER = (
    '"Project","Client","Description","Task","User","Group","Email","Tags","Billable",'
    '"Start Date","Start Time","End Date","End Time","Duration (h)","Duration (decimal)"\n'
)
HARVEST_HEADER = "Date,Client,Project,Task,Notes,Hours,Billable?,First Name,Last Name\n"


def plan_of(workspace, user, text: str):
    return tracker_import_plan(workspace=workspace, user=user, data=text.encode(), filename="x.csv")


@pytest.mark.parametrize(
    "text",
    [
        TOGGL_HEADER
        + f"Ana Ribeiro,ana@example.com,{STANDUP}"
        + f"Carla Dias,carla@example.com,{STANDUP}"
        + f"Ana Ribeiro,ana@example.com,{STANDUP}",
        CLOCKIFY_HEADER
        + "".join(
            f'"Web","Atlas","Sync","","{who}","","{who}@example.com","","Yes","11/13/2026",'
            f'"09:00:00 AM","11/13/2026","09:30:00 AM","00:30:00","0.50"\n'
            for who in ("Bruno", "Carla", "Bruno")
        ),
        HARVEST_HEADER
        + "".join(
            f"2026-11-05,Quill,Covers,Meetings,Review,0.5,No,{first},Ribeiro\n"
            for first in ("Ana", "Carla", "Ana")
        ),
    ],
    ids=["toggl", "clockify", "harvest"],
)
def test_every_row_is_its_own_entry_even_when_rows_are_identical(lisbon, owner, text):
    plan = plan_of(lisbon, owner, text)
    assert plan.is_valid and len(plan.to_create) == 3
    assert len({p.external_id for p in plan.to_create}) == 3

    batch = tracker_import_apply(plan=plan)
    assert batch.status == "done"
    assert Interaction.objects.filter(kind="work_session").count() == 3

    again = plan_of(lisbon, owner, text)  # the same export again adds nothing
    assert again.to_create == [] and again.already_imported == 3


def test_entries_of_an_earlier_import_keep_matching_when_a_teammate_s_row_joins_them(lisbon, owner):
    alone = TOGGL_HEADER + f"Ana Ribeiro,ana@example.com,{STANDUP}"
    tracker_import_apply(plan=plan_of(lisbon, owner, alone))
    both = alone + f"Carla Dias,carla@example.com,{STANDUP}"
    plan = plan_of(lisbon, owner, both)
    assert plan.already_imported == 1 and len(plan.to_create) == 1
    tracker_import_apply(plan=plan)
    assert Interaction.objects.filter(kind="work_session").count() == 2


def test_a_failure_while_importing_never_shows_a_database_message(lisbon, owner):

    plan = plan_of(lisbon, owner, TOGGL_HEADER + f"Ana Ribeiro,ana@example.com,{STANDUP}")
    taken = plan.to_create[0].external_id
    # Someone imported the same entry between the preview and the confirm.
    Interaction.objects.create(
        workspace=lisbon,
        client=ClientFactory(workspace=lisbon, name="Elsewhere"),
        author=owner,
        kind="work_session",
        occurred_at=plan.to_create[0].occurred_at,
        minutes=15,
        external_id=taken,
    )
    with pytest.raises(IntegrityError):
        tracker_import_apply(plan=plan)
    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    for database_words in ("duplicate key", "UNIQUE constraint", "IntegrityError", "violates"):
        assert database_words not in batch.error
    assert "nothing was imported" in batch.error


def test_an_undone_tracker_import_comes_back_from_the_trash_when_imported_again(lisbon, owner):
    from portfolio.interchange import import_undo

    first = tracker_import_apply(plan=plan_for(lisbon, owner, "toggl.csv"))
    import_undo(batch=first)
    assert not Interaction.objects.filter(deleted_at=None).exists()
    assert Client.objects.get(name="Nova Cliente").in_trash

    again = plan_for(lisbon, owner, "toggl.csv")
    assert again.is_valid and again.to_create == [] and len(again.to_restore) == 3
    assert again.new_clients == []
    batch = tracker_import_apply(plan=again)

    assert batch.summary["interaction"] == {"created": 0, "restored": 3}
    assert Interaction.objects.filter(deleted_at=None).count() == 3
    assert Client.objects.filter(name="Nova Cliente", deleted_at=None).count() == 1
    assert "3 interactions back from the trash" in batch.summary_lines


def test_entries_for_a_client_someone_put_in_the_trash_are_refused_naming_it(lisbon, owner):
    ClientFactory(
        workspace=lisbon, name="Nova Cliente", deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    plan = plan_for(lisbon, owner, "toggl.csv")
    assert not plan.is_valid
    assert any("“Nova Cliente” is in the trash" in str(problem) for problem in plan.problems)
