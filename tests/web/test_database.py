"""The suite runs on the database DATABASE_URL names (SQLite by default, PostgreSQL in CI)."""

import os

from django.db import connection


def test_the_suite_runs_on_the_configured_database(db):
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("show server_version_num")
            assert cursor.fetchone()[0].startswith("15")
