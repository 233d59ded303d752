from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("bulk writes are recorded by PostgreSQL's triggers; SQLite's signals miss them")
