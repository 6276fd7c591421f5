"""The child process of test_killed_import.py: one phase per run, on a database of its own.

    python -m tests.faults.killed_import_child setup|import|dump|drop WORKDIR

The database is the suite's engine under another name (``PARINDEX_CONCURRENCY_DB``, the hook
of tests/settings.py): a SQLite file, or a PostgreSQL database created by ``setup`` and removed
by ``drop``. ``import`` posts the Excel file to the real import page; with ``PARINDEX_STALL_AFTER``
set, it writes WORKDIR/marker after that many score rows (inside the import's transaction) and
then waits to be killed.
"""

import io
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"


def use_own_database():
    connection.close()
    connection.settings_dict["NAME"] = os.environ["PARINDEX_CONCURRENCY_DB"]


def hoa_muc():
    from parindex.assessments import services
    from parindex.units.models import PeriodUnit

    return services.get_or_create(PeriodUnit.objects.get(period__year=2021, code="02098"))


def setup(workdir: Path):
    """The demo world, Hòa Mục filled at every maximum, and the Excel file that sets it all to 0."""
    from openpyxl import load_workbook

    from parindex.assessments import excel
    from parindex.core import demo
    from parindex.criteria.services import load_criteria_files
    from tests.conftest import NOW

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    load_criteria_files()
    demo.populate(NOW)
    from django.contrib.auth import get_user_model

    from parindex.assessments import services
    from tests.conftest import BEFORE_DEADLINE, best_value

    officer = get_user_model().objects.get(username="hoamuc.canbo")
    assessment = hoa_muc()
    for code, view in services.item_views(assessment).items():
        services.save_item(assessment, code, best_value(view.item), f"Giải trình {code}", actor=officer,
                           version=None, at=BEFORE_DEADLINE)
    wb = load_workbook(io.BytesIO(excel.export(assessment)))
    ws = wb[excel.SHEET]
    for row in ws.iter_rows(min_row=9):
        if row[0].value and isinstance(row[3].value, (int, float)) and row[3].value > 0:
            row[3].value = 0
    out = io.BytesIO()
    wb.save(out)
    (workdir / "zero.xlsx").write_bytes(out.getvalue())


def run_import(workdir: Path):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from parindex.assessments.models import ItemScore

    stall_after = int(os.environ.get("PARINDEX_STALL_AFTER") or 0)
    if stall_after:
        original, saved = ItemScore.save, []

        def save(self, *args, **kwargs):
            original(self, *args, **kwargs)  # the row is written, in the open transaction
            saved.append(self.item_code)
            if len(saved) == stall_after:
                (workdir / "marker").write_text(json.dumps(saved))
                time.sleep(600)  # the parent kills this process here
        ItemScore.save = save
    client = Client()
    client.force_login(get_user_model().objects.get(username="hoamuc.canbo"))
    with (workdir / "zero.xlsx").open("rb") as upload:
        response = client.post(URL + "excel/nhap/", {"f-file": upload})
    print(json.dumps({"status": response.status_code, "location": response.get("Location", "")}))


def dump(workdir: Path):
    from parindex.audit.models import AuditEntry

    assessment = hoa_muc()
    print(json.dumps({
        "scores": {s.item_code: [str(s.points), s.explanation, s.version] for s in assessment.scores.all()},
        "imports": AuditEntry.objects.filter(action="assessment.imported").count(),
        "audit": AuditEntry.objects.count(),
    }, sort_keys=True))


def drop(workdir: Path):
    if connection.vendor != "sqlite":
        connection.creation.destroy_test_db(os.environ["PARINDEX_CONCURRENCY_DB"], verbosity=0)


if __name__ == "__main__":
    from parindex.core import clock
    from tests.conftest import NOW

    clock.freeze(NOW)
    phase, workdir = sys.argv[1], Path(sys.argv[2])
    if phase == "setup":
        setup(workdir)
    else:
        use_own_database()
        {"import": run_import, "dump": dump, "drop": drop}[phase](workdir)
