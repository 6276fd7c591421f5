"""The file storage refuses a write, or the database fails after the file was stored
(docs/operations.md, "Faults"): a clear message, and no Evidence row or link naming a missing
file, and no file left that no row names."""

from datetime import datetime

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.appraisal import services as appraisal_services
from parindex.appraisal.models import ExplanationEvidence
from parindex.assessments.models import Evidence, ItemEvidence
from parindex.audit.models import AuditEntry
from parindex.periods.timeline import VN
from tests.appraisal.test_rules import full_round1

from .conftest import database_gone

LIBRARY = "/ky/2021/don-vi/02098/tu-danh-gia/tai-lieu/"
EXPLAIN = "/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/tai-lieu/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WINDOW_END = datetime(2026, 11, 27, tzinfo=VN)  # the explanation window, as in tests/appraisal
REFUSED = "Chưa lưu được tệp «bao-cao.pdf»: kho lưu trữ tài liệu đang không nhận tệp; chưa có gì thay đổi"


def stored_files(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def nothing_names_a_missing_file():
    for evidence in Evidence.objects.exclude(file=""):
        assert default_storage.exists(evidence.file.name), evidence.file.name


@pytest.fixture
def storage_full(monkeypatch):
    def refuse(self, name, content):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(FileSystemStorage, "_save", refuse)


@pytest.fixture
def in_explanation(hoa_muc_appraisal, persona):
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), {"c.1.1": ("0", "Chưa niêm yết TTHC đúng quy định")})
    appraisal_services.open_explanation(hoa_muc_appraisal, WINDOW_END, actor=persona("chomoi.noivu"))
    return hoa_muc_appraisal


def test_a_refused_write_in_the_library_says_so_and_saves_nothing(hoa_muc, login, media, storage_full):
    audited = AuditEntry.objects.count()
    response = login("hoamuc.canbo").post(LIBRARY, {"kind": "file", "f-file": SimpleUploadedFile("bao-cao.pdf", PDF)},
                                          follow=True)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not Evidence.objects.exists() and AuditEntry.objects.count() == audited
    assert stored_files(media) == []


def test_a_refused_write_in_the_explanation_round_says_so_and_links_nothing(in_explanation, login, media,
                                                                             monkeypatch):
    evidence_before = set(Evidence.objects.values_list("pk", flat=True))
    files_before = stored_files(media)
    monkeypatch.setattr(FileSystemStorage, "_save", lambda *a: (_ for _ in ()).throw(OSError("read-only file system")))
    response = login("hoamuc.canbo").post(EXPLAIN, {"file": SimpleUploadedFile("bao-cao.pdf", PDF),
                                                    "location": "trang 2"}, follow=True)
    assert REFUSED in response.content.decode()
    assert not ExplanationEvidence.objects.exists()
    assert set(Evidence.objects.values_list("pk", flat=True)) == evidence_before
    assert stored_files(media) == files_before
    nothing_names_a_missing_file()


def test_the_database_failing_after_the_file_was_stored_removes_the_file(hoa_muc, login, media):
    client = login("hoamuc.canbo")
    with database_gone(r"^\s*INSERT INTO \W?assessments_evidence"):
        response = client.post(LIBRARY, {"kind": "file", "f-file": SimpleUploadedFile("bao-cao.pdf", PDF)})
    assert response.status_code == 503
    assert not Evidence.objects.exists()
    assert stored_files(media) == []  # the file was written, then removed with the rollback

    response = client.post(LIBRARY, {"kind": "file", "f-file": SimpleUploadedFile("bao-cao.pdf", PDF)}, follow=True)
    assert "Đã thêm tệp «bao-cao.pdf» vào thư viện" in response.content.decode()
    evidence = Evidence.objects.get()
    assert stored_files(media) == [evidence.file.name]
    nothing_names_a_missing_file()


def test_the_link_failing_after_the_explanation_file_was_stored_removes_the_file(in_explanation, login, media):
    evidence_before = set(Evidence.objects.values_list("pk", flat=True))
    files_before = stored_files(media)
    client = login("hoamuc.canbo")
    # the file and its Evidence row are written; the link's INSERT fails: all of it goes
    with database_gone(r"^\s*INSERT INTO \W?appraisal_explanationevidence"):
        response = client.post(EXPLAIN, {"file": SimpleUploadedFile("bao-cao.pdf", PDF), "location": "trang 2"})
    assert response.status_code == 503
    assert set(Evidence.objects.values_list("pk", flat=True)) == evidence_before
    assert not ExplanationEvidence.objects.exists() and not ItemEvidence.objects.filter(
        evidence__original_name="bao-cao.pdf").exists()
    assert stored_files(media) == files_before

    response = client.post(EXPLAIN, {"file": SimpleUploadedFile("bao-cao.pdf", PDF), "location": "trang 2"},
                           follow=True)
    assert "Đã bổ sung tài liệu «bao-cao.pdf»" in response.content.decode()
    assert ExplanationEvidence.objects.count() == 1
    nothing_names_a_missing_file()
