"""The server is killed (SIGKILL) in the middle of an Excel import: after the restart nothing of
the import is visible — the import is one transaction (docs/operations.md, "Faults").

Real processes on a database of their own (a SQLite file, or on PostgreSQL a database under
another name), as test_concurrent_saves.py does: the suite's own test database lives in one
process (in memory on SQLite) and could not outlive a killed child.
"""

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
STALL_AFTER = 10


def child(phase, workdir, env, timeout=300, check=True):
    result = subprocess.run([sys.executable, "-m", "tests.faults.killed_import_child", phase, str(workdir)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0 or not check, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]) if phase in {"import", "dump"} else None


def test_an_import_killed_midway_leaves_nothing_after_the_restart(tmp_path):
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT),
           "PARINDEX_CONCURRENCY_DB": str(tmp_path / "killed.sqlite3") if sqlite else "test_parindex_faults_kill",
           "MEDIA_ROOT": str(tmp_path / "media")}
    try:
        child("setup", tmp_path, env)
        before = child("dump", tmp_path, env)
        assert len(before["scores"]) > STALL_AFTER * 2 and before["imports"] == 0

        process = subprocess.Popen([sys.executable, "-m", "tests.faults.killed_import_child", "import", str(tmp_path)],
                                   cwd=ROOT, env={**env, "PARINDEX_STALL_AFTER": str(STALL_AFTER)},
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 180
            while not (tmp_path / "marker").exists():
                assert process.poll() is None, process.communicate()[1][-3000:].decode()
                assert time.monotonic() < deadline, "the import never reached its tenth row"
                time.sleep(0.1)
            time.sleep(0.2)  # the marker is written: the child sleeps inside the import's transaction
            written = json.loads((tmp_path / "marker").read_text())
            assert len(written) == STALL_AFTER
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL

        after = child("dump", tmp_path, env)  # a new process: the restarted server
        assert after == before  # no row of the ten written, no audit entry: nothing partial
        assert all(Decimal(before["scores"][code][0]) > 0 for code in written)

        # after the restart the same import goes through, whole
        assert child("import", tmp_path, env)["status"] == 302
        done = child("dump", tmp_path, env)
        assert done["imports"] == 1
        assert all(Decimal(done["scores"][code][0]) == 0 for code in written)
    finally:
        child("drop", tmp_path, env, timeout=120, check=False)  # never hides the failure above
