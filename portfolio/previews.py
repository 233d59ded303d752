"""What the preview page shows, as plain data a worker stores on an ImportPreview: the counts,
the first problems and the few rows worth naming, never the planned rows themselves. The page
reads it back without touching the file (portfolio.tasks.run_import_preview writes it)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from .interchange import ImportPlan
from .trackers.importer import TrackerPlan

SHOWN_ERRORS = 200  # problems listed; the rest are counted
SHOWN_WITHOUT_CLIENT = 10
SHOWN_OVERLAPPING = 20
DATE_ORDERS = ("dmy", "mdy")


def preview_choices(*, date_order: str | None = None, assign_to: str = "") -> str:
    """The choices a preview was worked out with, as one key: "" when none were made."""
    chosen = {"date_order": date_order or "", "assign_to": assign_to}
    return urlencode({name: value for name, value in chosen.items() if value})


def files_summary(plan: ImportPlan) -> dict[str, Any]:
    return {
        "files": [
            {
                "file": file_plan.file,
                "read_as": file_plan.read_as,
                "counts": file_plan.counts,
                "held_back": [
                    {
                        "client": held.client,
                        "client_line": held.client_line,
                        "count": len(held.lines),
                    }
                    for held in file_plan.held_back
                ],
            }
            for file_plan in plan.files.values()
        ],
        "errors": [str(error) for error in plan.errors[:SHOWN_ERRORS]],
        "error_count": len(plan.errors),
        "total": plan.total,
        "rows": plan.rows,
    }


def tracker_summary(plan: TrackerPlan) -> dict[str, Any]:
    overlapping = plan.overlapping
    return {
        "filename": plan.filename,
        "source": plan.source,
        "source_label": plan.source_label,
        "read_as": plan.read_as,
        "date_order": plan.date_order or "",
        "needs_date_order": plan.needs_date_order,
        "problems": [
            {"line": p.line, "column": p.column, "message": p.message}
            for p in plan.problems[:SHOWN_ERRORS]
        ],
        "problem_count": len(plan.problems),
        "to_create": len(plan.to_create),
        "to_restore": len(plan.to_restore),
        "already_imported": plan.already_imported,
        "new_clients": plan.new_clients,
        "without_client_count": len(plan.without_client),
        "without_client": [
            {"day": e.day.isoformat(), "summary": e.summary, "minutes": e.minutes}
            for e in plan.without_client[:SHOWN_WITHOUT_CLIENT]
        ],
        "overlapping_count": len(overlapping),
        "overlapping": [
            {
                "client_name": p.client_name,
                "occurred_at": p.occurred_at.isoformat(),
                "summary": p.entry.summary,
                "minutes": p.entry.minutes,
            }
            for p in overlapping[:SHOWN_OVERLAPPING]
        ],
        # What an import would write, with the overlapping entries or without them.
        "to_write": len(plan.to_write()) + len(plan.to_restore),
        "to_write_skipping": len(plan.to_write(skip_overlapping=True)) + len(plan.to_restore),
    }


def summary_shown(summary: dict[str, Any]) -> dict[str, Any]:
    """The stored summary with its dates as dates again, for the template's date filters."""
    shown = dict(summary)
    # The problems left out of the list, counted.
    if "errors" in shown:
        shown["more"] = summary["error_count"] - len(summary["errors"])
    if "problems" in shown:
        shown["more"] = summary["problem_count"] - len(summary["problems"])
    if "without_client" in shown:
        shown["without_client"] = [
            {**entry, "day": dt.date.fromisoformat(entry["day"])}
            for entry in summary["without_client"]
        ]
    if "overlapping" in shown:
        shown["overlapping"] = [
            {**entry, "occurred_at": dt.datetime.fromisoformat(entry["occurred_at"])}
            for entry in summary["overlapping"]
        ]
    return shown
