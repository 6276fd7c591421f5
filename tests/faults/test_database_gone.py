"""The database goes away in the middle of a save or an import (docs/operations.md, "Faults").

Expected: a 503 in the site's layout (JSON for the page scripts) saying nothing changed; nothing
half-saved (score, version and audit log as before); the same request works once it is back.
Lock conflicts keep their own answer, 409 (tests/security/test_concurrent_saves.py).
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.utils import OperationalError
from openpyxl import load_workbook

from parindex.assessments import excel
from parindex.assessments.models import ItemScore
from parindex.audit.models import AuditEntry

from .conftest import ERRORS, database_gone

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"
SAVE = URL + "muc/a.1.1/"
JSON = {"HTTP_ACCEPT": "application/json"}
GONE = "Hệ thống tạm thời không kết nối được cơ sở dữ liệu; dữ liệu chưa thay đổi"


def state(assessment):
    scores = {s.item_code: (s.points, s.explanation, s.version, s.updated_at)
              for s in ItemScore.objects.filter(assessment=assessment)}
    return scores, AuditEntry.objects.count()


# the score row's INSERT (first save), or the audit entry's INSERT: the last write of the save
@pytest.mark.parametrize("pattern", [r"^\s*INSERT INTO \W?assessments_itemscore", r"^\s*INSERT INTO \W?audit_"])
@pytest.mark.parametrize("error", ERRORS)
def test_a_save_when_the_database_goes_away_answers_503_and_saves_nothing(hoa_muc, login, pattern, error):
    client = login("hoamuc.canbo")
    before = state(hoa_muc)
    with database_gone(pattern, error=error):
        response = client.post(SAVE, {"points": "1", "version": "0"}, **JSON)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    message = GONE + ", hãy thử lại sau ít phút"
    assert response.json() == {"ok": False, "error": message, "errors": [message]}
    assert state(hoa_muc) == before

    # the same save, the database back
    response = client.post(SAVE, {"points": "1", "version": "0"}, **JSON)
    assert response.status_code == 200 and response.json()["ok"] is True
    assert ItemScore.objects.get(assessment=hoa_muc, item_code="a.1.1").version == 1


def test_the_page_form_gets_the_503_page_in_the_sites_layout(hoa_muc, login):
    client = login("hoamuc.canbo")
    with database_gone(r"^\s*INSERT INTO \W?audit_"):
        response = client.post(SAVE, {"points": "1", "version": "0"}, HTTP_REFERER="http://testserver" + URL)
    body = response.content.decode()
    assert response.status_code == 503
    assert GONE in body and "<h1" in body and 'class="error-code"' in body
    assert f'href="http://testserver{URL}"' in body  # the way back to the sheet
    assert "Traceback" not in body and "server closed" not in body  # nothing leaks
    assert not hoa_muc.scores.exists()


def test_a_lock_conflict_still_answers_409_not_503(hoa_muc, login):
    client = login("hoamuc.canbo")

    locked = lambda _: OperationalError("database is locked")  # noqa: E731
    with database_gone(r"^\s*INSERT INTO \W?assessments_itemscore", error=locked, once=True):
        response = client.post(SAVE, {"points": "1", "version": "0"}, **JSON)
    assert response.status_code == 409
    assert not hoa_muc.scores.exists()


def test_an_import_when_the_database_goes_away_midway_writes_no_row(assessment_of, fill, login):
    hoa_muc = fill(assessment_of("02098"), "hoamuc.canbo")
    client = login("hoamuc.canbo")
    wb = load_workbook(io.BytesIO(excel.export(hoa_muc)))
    ws = wb[excel.SHEET]
    changed = 0
    for row in ws.iter_rows(min_row=9):
        if row[0].value and isinstance(row[3].value, (int, float)) and row[3].value > 0:
            row[3].value = 0
            changed += 1
    out = io.BytesIO()
    wb.save(out)
    assert changed > 10
    before = state(hoa_muc)
    upload = {"f-file": SimpleUploadedFile("bang-diem.xlsx", out.getvalue())}
    # the first five score rows are written, then the database goes away
    with database_gone(r"^\s*UPDATE \W?assessments_itemscore", after=5) as fault:
        response = client.post(URL + "excel/nhap/", upload)
    assert fault["seen"] == 6
    assert response.status_code == 503 and GONE in response.content.decode()
    assert state(hoa_muc) == before  # all or nothing: not five rows out of many

    upload = {"f-file": SimpleUploadedFile("bang-diem.xlsx", out.getvalue())}
    response = client.post(URL + "excel/nhap/", upload, follow=True)
    now = state(hoa_muc)[0]
    rewritten = [code for code, row in now.items() if row[:3] != before[0][code][:3]]
    assert len(rewritten) > 6 and all(now[code][0] == 0 for code in rewritten)
    assert f"cập nhật {len(rewritten)} tiêu chí" in response.content.decode()
    assert AuditEntry.objects.filter(action="assessment.imported").count() == 1


@pytest.mark.parametrize("path", ["/", URL, "/ky/2021/"])
def test_a_page_opened_while_the_database_is_down_answers_503(hoa_muc, login, path):
    client = login("hoamuc.canbo")
    with database_gone(r"."):  # every query, from the session's first
        response = client.get(path)
    assert response.status_code == 503 and GONE in response.content.decode()
    assert client.get(path).status_code == 200  # back


def test_the_database_lost_outside_a_view_still_answers_503_not_500(rf):
    from parindex.core.views import server_error

    request = rf.get("/", HTTP_REFERER="http://testserver/ky/2021/")
    try:
        raise OperationalError("could not connect to server: Connection refused")
    except OperationalError:
        response = server_error(request)  # Django calls handler500 inside its except block
    assert response.status_code == 503 and GONE in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


def test_an_appraisal_save_when_the_database_goes_away_changes_nothing(hoa_muc_appraisal, login):
    from parindex.appraisal.models import ItemAppraisal
    from parindex.units.models import PeriodUnit

    def snapshot():
        row = ItemAppraisal.objects.get(appraisal=hoa_muc_appraisal, item_code="a.1.1")
        unit = PeriodUnit.objects.get(pk=hoa_muc_appraisal.assessment.period_unit_id)
        return row.__dict__.copy() | {"_state": None}, unit.state, AuditEntry.objects.count()

    client = login("chomoi.thamdinh")
    url = "/ky/2021/tham-dinh/02098/muc/a.1.1/"
    before = snapshot()
    with database_gone(r"^\s*INSERT INTO \W?audit_"):
        response = client.post(url, {"points": "1", "comment": ""}, **JSON)
    assert response.status_code == 503 and response.json()["error"].startswith(GONE)
    assert snapshot() == before
    response = client.post(url, {"points": "1", "comment": ""}, **JSON)
    assert response.status_code == 200 and response.json()["ok"] is True
    assert snapshot() != before
