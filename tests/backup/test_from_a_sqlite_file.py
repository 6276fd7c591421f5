"""A period exported from a SQLite file database by the command line loads into the suite's database.

A child process does what an operator does on the SQLite installation (`migrate`, `load_criteria`,
`demo_setup`, `export_period 2021 DIR` with ``DATABASE_URL=sqlite:///…``); this process imports the
directory into the suite's database. Under `make test-postgres` that is the SQLite → PostgreSQL
move of docs/operations.md ("From SQLite to PostgreSQL"); under `make test` it is SQLite → SQLite
through the same commands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from parindex.backup.exporting import export_period
from parindex.backup.importing import import_period
from parindex.backup.tables import MANIFEST, TABLES
from parindex.periods.models import Period
from parindex.publication.models import Publication
from parindex.publication.services import commune_results

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sqlite_export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-source")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PARINDEX_"))}
    env.update(DEBUG="1", DEMO="1", DATABASE_URL=f"sqlite:///{folder / 'source.sqlite3'}",
               MEDIA_ROOT=str(folder / "media"), DJANGO_SETTINGS_MODULE="parindex.settings")
    for command in (["migrate", "--noinput", "-v", "0"], ["load_criteria"], ["demo_setup"],
                    ["export_period", "2021", str(folder / "export")]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600, check=False)
        assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return folder / "export"


def test_a_sqlite_export_loads_into_the_suite_database_with_the_same_results(sqlite_export, db, tmp_path):
    manifest = json.loads((sqlite_export / MANIFEST).read_text())
    assert manifest["source_database"] == "sqlite"
    import_period(sqlite_export)
    assert {t.name: t.model.objects.count() for t in TABLES} == manifest["counts"]
    # the published snapshot was computed on SQLite; the engine recomputes it here from the restored rows
    period = Period.objects.get(year=2021)
    published = Publication.objects.get(period=period, scope="district:062")
    assert commune_results(period.units.get(code="062")) == published.content
    # and the suite's database gives back exactly the rows it was given
    export_period(2021, tmp_path / "again")
    again = json.loads((tmp_path / "again" / MANIFEST).read_text())
    assert again["source_database"] == connection.vendor
    assert again["data_files"] == manifest["data_files"]
    assert again["evidence_files"] == manifest["evidence_files"]
