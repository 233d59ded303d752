"""Small pure rules of the portfolio, shared by the quick log, edits and imports."""

from __future__ import annotations

import datetime as dt

from accounts.models import Workspace

from .models import OWN_WORK_KINDS


def is_out_of_hours(
    *, occurred_at: dt.datetime, kind: str, workspace: Workspace, date_only: bool = False
) -> bool:
    """Contact outside the workspace's working days and hours, in its time zone.

    The user's own work (work sessions, deliverables) is never "out of hours" by itself, nor
    is an entry logged with a date alone (its time of day is not known).
    """
    if date_only or kind in OWN_WORK_KINDS:
        return False
    local = occurred_at.astimezone(workspace.tzinfo)
    if local.isoweekday() not in workspace.working_days:
        return True
    return not (workspace.work_starts_at <= local.time() < workspace.work_ends_at)


def noon_in(workspace: Workspace, day: dt.date) -> dt.datetime:
    """An entry given only a date happened at noon in the workspace's time zone."""
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=workspace.tzinfo)
