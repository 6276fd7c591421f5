"""The lock design on every database (docs/decisions.md, "Locks").

- The submission builds its snapshot before it locks the sheet, then checks in a short locked
  transaction that the sheet did not change meanwhile (here the change is made while the snapshot
  is being built: it must be refused, nothing frozen).
- Every row lock of the application goes through ``parindex.core.locks`` (its own table only,
  bounded wait, a Conflict past the timeout).
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.db.utils import OperationalError

from parindex.assessments import services
from parindex.assessments.models import Assessment, Status
from parindex.audit.models import AuditEntry
from parindex.core import locks
from parindex.core.errors import Conflict
from parindex.units.models import PeriodUnit
from tests.conftest import BEFORE_DEADLINE
from tests.meeting import full_meeting

HEAD_OF_HOA_MUC = "hoamuc.chutich"


@pytest.fixture
def awaiting(persona, assessment_of, fill):
    sheet = fill(assessment_of("02098"), "hoamuc.canbo")
    services.set_participants(sheet, full_meeting(sheet), actor=persona("hoamuc.canbo"), at=BEFORE_DEADLINE)
    services.send_for_approval(sheet, actor=persona("hoamuc.canbo"), at=BEFORE_DEADLINE)
    return services.get_or_create(sheet.period_unit)


def changed_while_built(monkeypatch, change):
    """``build_snapshot`` runs ``change`` first (once): the sheet changes while its snapshot is built."""
    original = services.build_snapshot
    done = []

    def build(assessment):
        snapshot = original(assessment)
        if not done:
            done.append(True)
            change()
        return snapshot

    monkeypatch.setattr(services, "build_snapshot", build)


@pytest.mark.parametrize("what", ["a score", "the participants"])
def test_a_sheet_changed_while_its_snapshot_was_built_is_not_submitted(persona, awaiting, monkeypatch, what):
    officer, head = persona("hoamuc.canbo"), persona(HEAD_OF_HOA_MUC)
    code = next(iter(services.item_views(awaiting)))

    def change():  # the head sends it back, the officer changes it and sends it again (the same state)
        services.send_back(awaiting, "Sửa lại", actor=head)
        if what == "a score":
            services.save_item(awaiting, code, "0", "Sửa", actor=officer, version=None, at=BEFORE_DEADLINE)
        else:
            services.set_participants(awaiting, full_meeting(awaiting, ("Người B",)), actor=officer, at=BEFORE_DEADLINE)
        services.send_for_approval(awaiting, actor=officer, at=BEFORE_DEADLINE)

    changed_while_built(monkeypatch, change)
    submitted_before = AuditEntry.objects.filter(action="assessment.submitted").count()
    with pytest.raises(Conflict) as refused:
        services.approve_and_submit(awaiting, actor=head, at=BEFORE_DEADLINE)
    assert "vừa thay đổi trong lúc nộp" in refused.value.message and "Hoà Mục" in refused.value.message
    stored = Assessment.objects.get(pk=awaiting.pk)
    assert stored.status == Status.AWAITING_APPROVAL and stored.snapshot is None
    assert PeriodUnit.objects.get(pk=awaiting.period_unit_id).state != "submitted"
    assert AuditEntry.objects.filter(action="assessment.submitted").count() == submitted_before
    # looked at again, the sheet is submitted with what it holds now
    submitted = services.approve_and_submit(awaiting, actor=head, at=BEFORE_DEADLINE)
    if what == "a score":
        assert submitted.snapshot["items"][code]["points"] == "0"
    else:
        assert [p["name"] for p in submitted.snapshot["participants"]] == ["Người B"] * 3  # all three roles


def test_a_sheet_sent_back_and_resent_unchanged_is_submitted(persona, awaiting, monkeypatch):
    officer, head = persona("hoamuc.canbo"), persona(HEAD_OF_HOA_MUC)
    changed_while_built(monkeypatch, lambda: (services.send_back(awaiting, "Xem lại", actor=head),
                                              services.send_for_approval(awaiting, actor=officer,
                                                                         at=BEFORE_DEADLINE)))
    submitted = services.approve_and_submit(awaiting, actor=head, at=BEFORE_DEADLINE)
    assert submitted.status == Status.SUBMITTED and submitted.snapshot == services.build_snapshot(submitted)


def test_a_lock_wait_past_the_timeout_becomes_a_conflict_and_other_errors_stay_errors(db, monkeypatch):
    class PgError(Exception):
        sqlstate = "55P03"

    def timed_out():
        exc = OperationalError("canceling statement due to lock timeout")
        exc.__cause__ = PgError()
        raise exc

    def broken():
        raise OperationalError("no such table: x")

    monkeypatch.setattr(locks, "bound_wait", lambda: None)
    with pytest.raises(Conflict) as busy:
        locks._run(timed_out)
    assert busy.value.message.startswith("Nhiều người đang lưu cùng lúc")
    with pytest.raises(OperationalError):
        locks._run(broken)


def test_every_row_lock_goes_through_core_locks():
    """``select_for_update`` appears only in parindex/core/locks.py, so every lock names its own table
    (``of=("self",)``), waits a bounded time and answers a Conflict (docs/decisions.md, "Locks")."""
    root = Path(settings.BASE_DIR) / "parindex"
    found = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
                found.append(str(path.relative_to(root)))
    assert found == ["core/locks.py"]
    source = (root / "core/locks.py").read_text(encoding="utf-8")
    assert 'select_for_update(of=("self",), no_key=True)' in source
