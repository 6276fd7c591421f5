"""Background jobs (issue 9 §5; parindex/jobs): the service API, the job's pages, who sees what.

Under tests.settings a job runs inside the request that starts it (django-tasks' immediate backend);
test_worker.py runs the real database backend with its worker.
"""

import json

import pytest
from django.core.files.storage import default_storage

from parindex.core.errors import DomainError
from parindex.jobs import services as jobs
from parindex.jobs.models import Job

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"


@pytest.fixture
def kinds():
    """Three handlers for the tests: one that works and writes a file, one refused, one that breaks."""
    def works(job, *, n):
        for i in range(n):
            jobs.progress(job, i, n, f"Bước {i + 1}")
        return jobs.Output(message="Xong rồi", file=("ket-qua.txt", "text/plain", jobs.read_input(job) * n))

    def refused(job):
        raise DomainError("Tệp có 2 lỗi", errors=["Dòng 9: sai", "Dòng 10: sai"])

    def breaks(job):
        raise ZeroDivisionError

    added = {"test.works": works, "test.refused": refused, "test.breaks": breaks}
    jobs.HANDLERS.update(added)
    yield
    for kind in added:
        jobs.HANDLERS.pop(kind)


def test_a_job_runs_its_handler_and_keeps_its_file_then_drops_the_upload(kinds, persona):
    job = jobs.start("test.works", actor=persona("hoamuc.canbo"), title="Thử", args={"n": 3}, upload=("a.txt", b"ab"))
    assert (job.status, job.done, job.total, job.message) == ("done", 3, 3, "Xong rồi")
    assert job.percent == 100 and job.finished_at is not None and job.task_id
    assert (job.result_filename, job.result_content_type) == ("ket-qua.txt", "text/plain")
    assert default_storage.open(job.result_name).read() == b"ababab"
    assert not default_storage.exists(job.input_name)  # the upload is removed once the job ends


def test_a_refused_job_fails_with_the_services_message_and_each_problem(kinds, persona):
    job = jobs.start("test.refused", actor=persona("hoamuc.canbo"), title="Thử")
    assert (job.status, job.message, job.errors) == ("failed", "Tệp có 2 lỗi", ["Dòng 9: sai", "Dòng 10: sai"])


def test_an_unexpected_error_fails_the_job_with_a_general_message_and_is_logged(kinds, persona, caplog):
    job = jobs.start("test.breaks", actor=persona("hoamuc.canbo"), title="Thử", upload=("a.txt", b"x"))
    assert job.status == "failed" and "lỗi ngoài dự kiến" in job.message and job.errors == []
    assert "ZeroDivisionError" in caplog.text
    assert not default_storage.exists(job.input_name)


def test_an_unknown_kind_is_refused_at_once(persona):
    with pytest.raises(ValueError, match="no handler"):
        jobs.start("test.nothing", actor=persona("hoamuc.canbo"), title="Thử")
    assert not Job.objects.exists()


def test_a_job_already_taken_is_not_run_twice(kinds, persona):
    job = jobs.start("test.works", actor=persona("hoamuc.canbo"), title="Thử", args={"n": 1}, upload=("a", b"a"))
    assert jobs.run(job.pk) == "skipped"


# -- the pages --------------------------------------------------------------------------------------

def running_job(persona, username="hoamuc.canbo", **fields):
    return Job.objects.create(started_by=persona(username), kind="test.works", title="Nhập điểm thử",
                              status=Job.Status.RUNNING, done=1, total=4, message="Đang lưu điểm…", **fields)


def test_a_running_jobs_page_shows_its_bar_and_refreshes_itself_without_inline_script(persona, login):
    job = running_job(persona)
    page = login("hoamuc.canbo").get(f"/viec/{job.pk}/").content.decode()
    assert '<progress data-job-field="bar" max="100" value="25">' in page
    assert "Đang chạy" in page and "Đang lưu điểm…" in page and "1 / 4 bước" in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page  # without script
    assert "jobs/progress.js" in page and f'data-job-state="/viec/{job.pk}/trang-thai/"' in page
    assert "<script>" not in page


def test_the_state_is_json_for_the_pages_script(persona, login):
    job = running_job(persona)
    response = login("hoamuc.canbo").get(f"/viec/{job.pk}/trang-thai/")
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {"status": "running", "status_label": "Đang chạy", "finished": False,
                                            "done": 1, "total": 4, "percent": 25, "message": "Đang lưu điểm…"}


def test_a_finished_job_stops_refreshing_and_offers_its_file(kinds, persona, login):
    job = jobs.start("test.works", actor=persona("hoamuc.canbo"), title="Thử", args={"n": 2}, upload=("a", b"z"),
                     back=(URL, "Về bảng tự đánh giá"))
    client = login("hoamuc.canbo")
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "refresh" not in page and "progress.js" not in page
    assert f'href="/viec/{job.pk}/tai-ve/"' in page and "ket-qua.txt" in page
    assert f'Tiếp theo: <a href="{URL}">Về bảng tự đánh giá</a>' in page
    response = client.get(f"/viec/{job.pk}/tai-ve/")
    assert b"".join(response.streaming_content) == b"zz"
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_failed_jobs_page_lists_its_errors_and_has_no_file(kinds, persona, login):
    job = jobs.start("test.refused", actor=persona("hoamuc.canbo"), title="Thử")
    client = login("hoamuc.canbo")
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Không thành công" in page and "Tệp có 2 lỗi" in page and "<li>Dòng 10: sai</li>" in page
    assert client.get(f"/viec/{job.pk}/tai-ve/").status_code == 404


def test_another_persons_job_answers_404_whoever_asks(kinds, persona, login, client):
    job = jobs.start("test.works", actor=persona("hoamuc.canbo"), title="Thử", args={"n": 1}, upload=("a", b"a"))
    for username in ("kimlu.canbo", "chomoi.noivu", "snv.dieuphoi", "admin"):
        other = login(username)
        for path in ("", "trang-thai/", "tai-ve/"):
            assert other.get(f"/viec/{job.pk}/{path}").status_code == 404, (username, path)
        assert "Thử" not in other.get("/viec/").content.decode()
    client.logout()
    assert client.get(f"/viec/{job.pk}/").status_code == 302  # to the login page


def test_my_jobs_lists_only_mine_newest_first(kinds, persona, login):
    first = running_job(persona)
    Job.objects.filter(pk=first.pk).update(title="Việc cũ")
    second = running_job(persona)
    running_job(persona, "kimlu.canbo")
    page = login("hoamuc.canbo").get("/viec/").content.decode()
    assert page.count("<tr><td><a href=\"/viec/") == 2
    assert page.index(f'href="/viec/{second.pk}/"') < page.index(f'href="/viec/{first.pk}/"')
    assert "Đang chạy (25%)" in page
