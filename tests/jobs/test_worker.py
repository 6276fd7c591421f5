"""The real thing: jobs queued in the database (django-tasks-db) and run by `manage.py db_worker --batch`.

The rest of the suite runs jobs inside the request (the immediate backend); here the request only
queues, nothing is imported until the worker runs, and the worker's outcome shows on the job's page.
"""

import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from parindex.assessments import excel
from parindex.assessments.models import ItemScore
from parindex.audit.models import AuditEntry
from parindex.jobs.models import Job
from tests.jobs.test_assessment_jobs import with_points

pytestmark = pytest.mark.django_db(transaction=True)  # the worker takes its task in a transaction of its own

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"


@pytest.fixture(autouse=True)
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker():
    """`manage.py db_worker --batch`: every queued task, then exit. Its Ctrl-C handlers are put back after."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)


sheet_with = with_points  # one helper: tests/jobs/test_assessment_jobs.py


def scores(assessment):
    return {s.item_code: (s.points, s.version) for s in ItemScore.objects.filter(assessment=assessment)}


def test_an_import_is_queued_then_done_by_the_worker(world, assessment_of, login):
    from django_tasks_db.models import DBTaskResult

    hoa_muc = assessment_of("02098")
    client = login("hoamuc.canbo")
    data = sheet_with(excel.export(hoa_muc), a_1_1="0,5", a_1_2="1")
    response = client.post(URL + "excel/nhap/", {"f-file": SimpleUploadedFile("diem.xlsx", data)})
    job = Job.objects.get()
    assert response["Location"] == f"/viec/{job.pk}/"
    assert job.status == "queued" and DBTaskResult.objects.filter(status="READY").count() == 1
    assert scores(hoa_muc) == {}  # nothing until the worker runs
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Đang chờ" in page and "<progress" in page and "http-equiv=\"refresh\"" in page

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.message) == ("done", "Đã nhập từ Excel: cập nhật 2 tiêu chí")
    assert str(ItemScore.objects.get(assessment=hoa_muc, item_code="a.1.1").points.normalize()) == "0.5"
    assert AuditEntry.objects.filter(action="assessment.imported", actor__username="hoamuc.canbo").count() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Đã xong" in page and "refresh" not in page


def test_a_bad_file_fails_in_the_worker_and_leaves_the_sheet_as_it_was(world, assessment_of, login):
    hoa_muc = assessment_of("02098")
    client = login("hoamuc.canbo")
    good = sheet_with(excel.export(hoa_muc), a_1_1="1")
    client.post(URL + "excel/nhap/", {"f-file": SimpleUploadedFile("dung.xlsx", good)})
    run_worker()
    before = scores(hoa_muc)
    assert before

    bad = sheet_with(excel.export(hoa_muc), a_1_1="0", a_1_2="abc")  # one good change, one bad: neither is saved
    client.post(URL + "excel/nhap/", {"f-file": SimpleUploadedFile("sai.xlsx", bad)})
    run_worker()

    job = Job.objects.order_by("-pk").first()
    assert job.status == "failed" and job.message == "Tệp Excel có 1 lỗi; chưa nhập điểm nào, hãy sửa rồi nhập lại"
    assert scores(hoa_muc) == before
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Không thành công" in page and "giá trị «abc» không phải là số" in page
