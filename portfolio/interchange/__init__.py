"""The interchange format: a workspace as three CSV files (clients, interactions, invoices),
exported deterministically and imported with a preview, in one transaction, undoably.

    plan = import_plan(workspace=…, user=…, files={"clients": data, "interactions": None, …})
    plan.errors, plan.read_as, plan.files["clients"].to_create / .to_update / .unchanged
    batch = import_apply(plan=plan, on_progress=…)
    plan = import_files(workspace=…, user=…, files=…, batch=…)  # plan and write in one pass
    import_undo(batch=batch)
    export_files(workspace=…) -> {"clients.csv": bytes, …}; export_zip(workspace=…) -> bytes
"""

from __future__ import annotations

from .exporter import export_files, export_zip
from .importer import import_apply, import_files, import_plan
from .plan import FilePlan, ImportPlan, RowError, Update
from .undo import import_undo

__all__ = [
    "FilePlan",
    "ImportPlan",
    "RowError",
    "Update",
    "export_files",
    "export_zip",
    "import_apply",
    "import_files",
    "import_plan",
    "import_undo",
]
