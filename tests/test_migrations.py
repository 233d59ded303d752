"""Migrations that move data: rows written before them are still there after them (run on
SQLite and PostgreSQL like the rest of the suite)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("accounts", "0003_membership_follow_up_emails"),
    ("portfolio", "0003_health_indexes"),
    ("assessments", "0003_reviews"),
]
AFTER = [
    ("accounts", "0003_membership_follow_up_emails"),
    ("portfolio", "0004_out_of_hours_by_rule"),
    ("assessments", "0004_reviews_move_out"),
    ("reviews", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_world(transactional_db):
    """The database as it was before the reviews app existed, with a review and its follow-up,
    and two entries flagged out of hours (one by the rule, one by a person)."""
    apps = _migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    Workspace = apps.get_model("accounts", "Workspace")
    Client = apps.get_model("portfolio", "Client")
    Interaction = apps.get_model("portfolio", "Interaction")
    Review = apps.get_model("assessments", "Review")
    FollowUp = apps.get_model("assessments", "FollowUp")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="assessments", model="review")
    user = User.objects.create(email="ana@example.com", password="!")
    workspace = Workspace.objects.create(
        name="Old", slug="old", time_zone="UTC", working_days=[1, 2, 3, 4, 5]
    )
    client = Client.objects.create(workspace=workspace, name="Kept", code=uuid.uuid4())
    review = Review.objects.create(
        workspace=workspace,
        client=client,
        author=user,
        status="decided",
        decision="end",
        answers={"dread": 5},
        plan={"message": "Goodbye"},
    )
    FollowUp.objects.create(workspace=workspace, review=review, due_on=dt.date(2026, 12, 15))
    tuesday = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    for hour in (21, 10):  # 21:00 by the rule; 10:00 ticked by a person
        Interaction.objects.create(
            workspace=workspace,
            client=client,
            kind="call",
            occurred_at=tuesday.replace(hour=hour),
            flag_out_of_hours=True,
            external_id=f"e{hour}",
        )
    yield review.code
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_reviews_and_follow_ups_move_to_the_reviews_app_without_losing_a_row(old_world):
    apps = _migrate(AFTER)
    Review = apps.get_model("reviews", "Review")
    review = Review.objects.get(code=old_world)
    assert review.decision == "end"
    assert review.answers == {"dread": 5}
    assert review.plan == {"message": "Goodbye"}
    assert review.follow_ups.get().due_on == dt.date(2026, 12, 15)
    ContentType = apps.get_model("contenttypes", "ContentType")
    assert ContentType.objects.filter(app_label="reviews", model="review").exists()
    assert not ContentType.objects.filter(app_label="assessments", model="review").exists()


def test_existing_out_of_hours_flags_that_agree_with_the_working_hours_are_the_rules(old_world):
    apps = _migrate(AFTER)
    Interaction = apps.get_model("portfolio", "Interaction")
    by_rule = dict(Interaction.objects.values_list("external_id", "out_of_hours_by_rule"))
    assert by_rule == {"e21": True, "e10": False}


def test_the_move_can_be_undone(old_world):
    _migrate(AFTER)
    apps = _migrate(BEFORE)
    assert apps.get_model("assessments", "Review").objects.filter(code=old_world).exists()


def test_uploads_waiting_in_the_database_move_to_the_storage_whole(transactional_db):
    import base64

    from django.core.files.storage import default_storage

    before = [("portfolio", "0009_client_text_limits")]
    apps = _migrate(before)
    User = apps.get_model("accounts", "User")
    Workspace = apps.get_model("accounts", "Workspace")
    ImportUpload = apps.get_model("portfolio", "ImportUpload")
    user = User.objects.create(email="ana@example.com", password="!")
    workspace = Workspace.objects.create(name="Old", slug="old", time_zone="UTC")
    content = b"Client,Start date\nPadaria,2026-11-02\n"
    waiting = ImportUpload.objects.create(
        workspace=workspace,
        created_by=user,
        kind="tracker",
        files={"tracker": {"name": "toggl.csv", "data": base64.b64encode(content).decode()}},
    )
    try:
        apps = _migrate([("portfolio", "0010_uploads_in_storage")])
        stored = apps.get_model("portfolio", "ImportFile").objects.get(upload_id=waiting.pk)
        assert (stored.role, stored.name, stored.size) == ("tracker", "toggl.csv", len(content))
        with default_storage.open(stored.file.name) as handle:
            assert handle.read() == content
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
