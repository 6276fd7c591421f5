"""The audit log is append-only: nothing in the application, the admin or the database edits it."""

import pytest
from django.db import DatabaseError, connection, transaction

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
    assert 'data-action="test.done"' in html
    assert "snv.dieuphoi" in html


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
