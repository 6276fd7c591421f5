"""The audit log is append-only: nothing in the application, the admin or the database edits it."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from parindex.audit.formatting import ACTIONS, show
from parindex.audit.models import AuditEntry, AuditImmutable
from parindex.audit.services import record
from parindex.periods.models import Period


@pytest.fixture
def entry(world, persona):
    return record("test.done", world, actor=persona("snv.dieuphoi"), before={"a": 1}, after={"a": 2}, reason="thử")


def test_an_entry_records_who_when_what_before_after_and_why(entry):
    assert entry.actor_label == "snv.dieuphoi"
    assert entry.object_type == "periods.period"
    assert entry.object_repr == "Kỳ đánh giá 2021"
    assert entry.changes() == [("a", 1, 2)]
    assert entry.at is not None


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.reason = "sửa"
    with pytest.raises(AuditImmutable):
        entry.save()
    with pytest.raises(AuditImmutable):
        entry.delete()
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="sửa")
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "thử"


def test_the_database_itself_refuses_changes_on_postgresql(entry):
    """Migration audit.0002 installs a trigger on PostgreSQL (SQLite relies on the ORM guards)."""
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"
        return
    for sql in ("UPDATE audit_auditentry SET reason = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).reason == "thử"


def test_the_admin_shows_the_log_read_only(entry, login):
    client = login("admin")
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"reason": "x"}).status_code == 403
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).reason == "thử"


def test_the_history_include_shows_an_objects_entries(entry, login):
    html = login("snv.dieuphoi").get("/ky/2021/").content.decode()
    history = html.split('class="history"')[1]
    assert "Điều phối viên Sở Nội vụ (snv.dieuphoi)" in history
    assert "Thay đổi khác" in history      # an unknown code reads as a generic phrase…
    assert "test.done" not in html          # …never as the code
    assert "Mở kỳ đánh giá" in history and "Trạng thái: Chuẩn bị → Đang diễn ra" in history


SOURCE = Path(__file__).resolve().parents[2] / "parindex"


def recorded_actions() -> set[str]:
    """Every action code written anywhere: ``record("…"`` calls, and codes passed on to a helper
    that records them (``_reopen(…, "assessment.withdrawn", …)``)."""
    codes = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_0-9]+)"', text))
        if "record(action" in text:
            codes |= set(re.findall(r'"([a-z]+\.[a-z_]+)", reason', text))
    return codes


def test_every_action_code_in_the_code_base_has_a_vietnamese_phrase():
    codes = recorded_actions()
    assert {"unit.state_changed", "assessment.score_changed", "appraisal.item_appraised",
            "publication.published", "assessment.withdrawn", "assessment.reopened"} <= codes
    missing = sorted(codes - set(ACTIONS))
    assert missing == [], f"add a phrase to parindex/audit/formatting.py ACTIONS for: {missing}"


def test_the_history_shows_labels_dates_and_before_after_lines(world, persona):
    from parindex.units.models import PeriodUnit
    unit = PeriodUnit.objects.get(period=world, code="02098")
    e = record("unit.state_changed", unit, actor=persona("chomoi.noivu"), before={"state": "submitted"},
               after={"state": "self_assessing"}, reason="Sai sót")
    shown = show([e])[0]
    assert shown.what == "Chuyển trạng thái"
    assert shown.lines == ["Trạng thái: Đã nộp → Đang tự đánh giá"]
    assert re.fullmatch(r"\d\d:\d\d ngày \d\d/\d\d/\d{4}", shown.at)
    assert shown.who == "Phòng Nội vụ huyện Chợ Mới (chomoi.noivu)"
    score = record("assessment.score_changed", unit, actor=None,
                   before={"item": "a.1.1", "points": None, "explanation": ""},
                   after={"item": "a.1.1", "points": Decimal("0.5"), "explanation": "Kế hoạch 12"})
    assert show([score])[0].lines == ["Tiêu chí: a.1.1", "Điểm: — → 0,5", "Giải trình: — → Kế hoạch 12"]
    assert show([score])[0].who == "Hệ thống"
    opened = record("appraisal.explanation_opened", unit, after={"until": datetime(2021, 12, 3, 7, 5, tzinfo=UTC)})
    assert show([opened])[0].lines == ["Hạn giải trình: 14:05 ngày 03/12/2021"]
    role = AuditEntry.objects.filter(action="role.granted", after__user="stc.thamdinh").get()
    lines = show([role])[0].lines
    assert "Vai trò: Thành viên tổ thẩm định" in lines and "Lĩnh vực: g" in lines
    for line in lines + shown.lines:
        assert "{" not in line and "_" not in line, line


def test_role_grants_are_logged(world):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"period.created", "period.timeline_changed", "period.opened", "role.granted", "units.loaded"} <= actions
    grant = AuditEntry.objects.filter(action="role.granted", after__user="stc.thamdinh").get()
    assert grant.after["agency"] == "STC"
    assert grant.after["fields"] == ["g"]


def test_the_ip_address_is_recorded_for_web_actions(world, login):
    client = login("chomoi.noivu")
    response = client.post("/ky/2021/don-vi/02098/gia-han/", {"new_due": "2026-12-20T00:00", "reason": "Bão lũ"},
                           REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="extension.granted")
    assert (entry.ip, entry.actor_label, entry.reason) == ("10.1.2.3", "chomoi.noivu", "Bão lũ")
    assert Period.objects.get(year=2021).units.get(code="02098").extensions.count() == 1
