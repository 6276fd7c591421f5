"""The appendix tables in the site (issue 12 §2): the coordinator downloads a draft as the appendix workbook,
loads the province's official tables into it (all or nothing, every problem with its sheet and row), and the
comparison shows what changed; anyone downloads an approved set's workbook, which reads back to the same set."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.audit.models import AuditEntry
from parindex.criteria.models import CriteriaSetRecord
from parindex.rulebook.appendix import canonical_sha256, export_xlsx, import_xlsx

SET = "backan-2022-commune"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(data: bytes, name="phu-luc-chinh-thuc.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def _with_title(data: bytes, code: str, title: str) -> bytes:
    """The workbook with the title of item ``code`` typed over, as a person would in Excel."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Phụ lục"]
    row = next(r for r in ws.iter_rows() if r[1].value == code)
    row[2].value = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def editor(client, coordinator, draft):
    client.force_login(coordinator)
    return client


def test_the_coordinator_downloads_edits_and_loads_the_appendix_and_the_diff_shows_it(editor, draft):
    page = editor.get(reverse("criteria:edition", args=[SET])).content.decode()
    assert "Tải bảng phụ lục (.xlsx)" in page and "Nạp bảng phụ lục chính thức (.xlsx)…" in page
    response = editor.get(reverse("criteria:edition_appendix", args=[SET]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert canonical_sha256(import_xlsx(data)) == canonical_sha256(draft.parsed())   # reads back to the same set

    # the official tables word a.1.1 otherwise
    official = _with_title(data, "a.1.1", "Ban hành Kế hoạch CCHC năm của UBND xã đúng thời hạn (văn bản chính thức)")
    done = editor.post(reverse("criteria:edition_appendix_import", args=[SET]),
                       {"version": "1", "workbook": _upload(official)}, follow=True)
    assert "Đã nạp bảng phụ lục «phu-luc-chinh-thuc.xlsx» vào dự thảo backan-2022-commune" in done.content.decode()
    record = CriteriaSetRecord.objects.get(set_id=SET)
    assert record.version == 2
    assert next(i for i in record.parsed().items if i.code == "a.1.1").title.endswith("(văn bản chính thức)")
    entry = AuditEntry.objects.get(action="criteria.appendix_imported", object_id=str(record.pk))
    assert entry.reason == "phu-luc-chinh-thuc.xlsx" and entry.after["sha256"] == record.sha256
    diff = editor.get(reverse("criteria:edition_diff", args=[SET])).content.decode()
    assert "a.1.1" in diff and "(văn bản chính thức)" in diff

    # the same workbook again changes nothing (no new version)
    editor.post(reverse("criteria:edition_appendix_import", args=[SET]),
                {"version": "2", "workbook": _upload(official)})
    assert CriteriaSetRecord.objects.get(set_id=SET).version == 2


@pytest.mark.parametrize(("data", "message"), [
    (lambda d: b"not a workbook", "Chưa nạp: bảng phụ lục «phu-luc-chinh-thuc.xlsx» có lỗi"),
    (lambda d: _with_title(d, "a.1.1", ""), "a.1.1"),
    (lambda d: b"x" * 5_000_001, "Tệp «phu-luc-chinh-thuc.xlsx» nặng 5000001 byte, tối đa 5000000 byte"),
])
def test_a_bad_workbook_is_refused_with_its_problems_and_nothing_changes(editor, draft, data, message):
    before = CriteriaSetRecord.objects.get(set_id=SET)
    response = editor.post(reverse("criteria:edition_appendix_import", args=[SET]),
                           {"version": "1", "workbook": _upload(data(export_xlsx(draft.parsed())))})
    body = response.content.decode()
    assert response.status_code == 200 and message in body and 'class="errors"' in body
    after = CriteriaSetRecord.objects.get(set_id=SET)
    assert (after.version, after.sha256) == (before.version, before.sha256)
    assert not AuditEntry.objects.filter(action="criteria.appendix_imported").exists()


def test_another_sets_workbook_is_refused(editor, criteria_loaded):
    other = export_xlsx(CriteriaSetRecord.objects.get(set_id="backan-2021-department").parsed())
    response = editor.post(reverse("criteria:edition_appendix_import", args=[SET]),
                           {"version": "1", "workbook": _upload(other)})
    assert re.search(r"là bộ backan-2021-department \(department, năm 2021\), không phải dự thảo "
                     r"backan-2022-commune \(commune, năm 2022\): chưa nạp gì", response.content.decode())
    assert CriteriaSetRecord.objects.get(set_id=SET).version == 1


def test_a_stale_version_is_a_conflict(editor, draft):
    data = export_xlsx(draft.parsed())
    response = editor.post(reverse("criteria:edition_appendix_import", args=[SET]),
                           {"version": "7", "workbook": _upload(_with_title(data, "a.1.1", "Khác"))})
    assert response.status_code == 409 and CriteriaSetRecord.objects.get(set_id=SET).version == 1


def test_anyone_downloads_an_approved_sets_workbook_but_not_a_draft(client, draft):
    response = client.get(reverse("criteria:appendix", args=["backan-2021-commune"]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    approved = CriteriaSetRecord.objects.get(set_id="backan-2021-commune").parsed()
    assert canonical_sha256(import_xlsx(data)) == canonical_sha256(approved)
    assert client.get(reverse("criteria:appendix", args=[SET])).status_code == 404
    assert client.get(reverse("criteria:edition_appendix", args=[SET])).status_code == 302   # to the login page
