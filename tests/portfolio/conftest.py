from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

LISBON = ZoneInfo("Europe/Lisbon")


@pytest.fixture
def lisbon(workspace):
    """The workspace, in Lisbon's time zone (working hours 09:00 to 18:00, Monday to Friday)."""
    workspace.time_zone = "Europe/Lisbon"
    workspace.save()
    return workspace
