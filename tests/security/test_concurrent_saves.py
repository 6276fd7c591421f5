"""Concurrent saves never give HTTP 500 (docs/security.md, "Concurrent saves").

The threaded cases (concurrent_cases.py) need a database that threads share as a deployment's
workers do; the suite's SQLite test database lives in memory, so they run in a child pytest on a
file database (or, on PostgreSQL, under a test-database name of their own).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db.utils import OperationalError

from parindex.assessments import services
from parindex.core.concurrency import is_lock_conflict

HERE = Path(__file__).parent
URL = "/ky/2021/don-vi/02098/tu-danh-gia/muc/a.1.1/"
JSON = {"HTTP_ACCEPT": "application/json"}
BUSY = "Nhiều người đang lưu cùng lúc nên thay đổi của bạn chưa được lưu"


def test_threads_saving_at_once_in_a_child_run(tmp_path):
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    name = str(tmp_path / "concurrency.sqlite3") if sqlite else "test_parindex_concurrency"
    env = {**os.environ, "PARINDEX_CONCURRENCY_DB": name, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
         str(HERE / "concurrent_cases.py")],
        cwd=HERE.parent.parent, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed in" in result.stdout


def test_sqlite_is_configured_for_concurrent_writers():
    import parindex.settings as production

    options = production.DATABASES["default"].get("OPTIONS", {})
    if production.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
        assert "journal_mode=WAL" in options["init_command"] and "synchronous=NORMAL" in options["init_command"]


class FakePgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("message", "sqlstate", "expected"), [
    ("database is locked", None, True), ("database table is locked", None, True),
    ("could not serialize access", "40001", True), ("deadlock detected", "40P01", True),
    ("could not obtain lock", "55P03", True), ("no such table: x", None, False), ("syntax", "42601", False)])
def test_lock_errors_are_recognised_on_both_databases(message, sqlstate, expected):
    exc = OperationalError(message)
    if sqlstate:
        exc.__cause__ = FakePgError(sqlstate)
    assert is_lock_conflict(exc) is expected


@pytest.mark.parametrize("sqlstate", [None, "40001"])
def test_a_locked_database_answers_409_with_a_clear_message_and_saves_nothing(
        assessment_of, login, monkeypatch, sqlstate):
    hoa_muc = assessment_of("02098")

    def locked(*args, **kwargs):
        exc = OperationalError("database is locked" if sqlstate is None else "could not serialize access")
        exc.__cause__ = FakePgError(sqlstate) if sqlstate else None
        raise exc

    monkeypatch.setattr(services, "save_item", locked)
    client = login("hoamuc.canbo")
    response = client.post(URL, {"points": "1", "version": "0"}, **JSON)
    assert response.status_code == 409
    assert response.json()["error"].startswith(BUSY)
    response = client.post(URL, {"points": "1", "version": "0"}, HTTP_REFERER="http://testserver/ky/2021/")
    assert response.status_code == 302
    assert not hoa_muc.scores.exists()


def test_the_sheet_script_keeps_the_typed_value_and_shows_the_message_on_an_error_reply():
    script = (Path(settings.BASE_DIR) / "parindex/assessments/static/assessments/sheet.js").read_text()
    error_branch = script.split("} else {", 1)[1].split("}).catch", 1)[0]
    assert "status.textContent = r.body.error" in error_branch
    assert ".value =" not in error_branch.replace("version.value =", "")  # the typed value is never replaced
