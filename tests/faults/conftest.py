"""Fixtures for the fault tests: the appraisal fixtures (a submitted sheet in its explanation round)."""

import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.utils import InterfaceError, OperationalError

from tests.appraisal.conftest import chomoi_team, hoa_muc_appraisal, submit  # noqa: F401 (fixtures)

__all__ = ["chomoi_team", "hoa_muc_appraisal", "submit"]


@contextmanager
def database_gone(pattern: str, *, error=OperationalError, after: int = 0, once: bool = False):
    """From the first query matching ``pattern`` (a regex on the SQL, case-insensitive), skipping
    ``after`` matches, every query of this connection fails as a lost connection does — until the
    block ends: the database is back. Only the rollback to the service's savepoint still reaches
    the database (the suite runs each test in a transaction of its own); a real lost connection
    rolls the whole transaction back on the server, which is the same for the data."""
    state = {"seen": 0, "gone": False}
    wanted = re.compile(pattern, re.IGNORECASE | re.DOTALL)

    def wrapper(execute, sql, params, many, context):
        if not state["gone"] and wanted.search(sql):
            state["seen"] += 1
            state["gone"] = state["seen"] > after
        if state["gone"] and not sql.lstrip().upper().startswith(("ROLLBACK", "SAVEPOINT", "RELEASE")):
            state["failed"] = state.get("failed", 0) + 1
            state["gone"] = not once  # ``once``: only that query fails (a lock timeout, not a lost server)
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield state
    assert state.get("failed"), f"no query matched {pattern!r}: the fault was never injected"


@pytest.fixture
def hoa_muc(assessment_of):
    return assessment_of("02098")


ERRORS = [OperationalError, InterfaceError]
