"""The self-assessment's jobs: the Excel import (checked again when it runs) and the report's PDF."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from parindex.assessments import excel
from parindex.assessments.jobs import start_import
from parindex.assessments.models import ItemScore
from parindex.jobs.models import Job
from tests.conftest import NOW

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"


def with_points(data: bytes, **values) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[excel.SHEET]
    rows = {str(r[0].value): r[0].row for r in ws.iter_rows(min_row=9) if r[0].value}
    for code, value in values.items():
        ws[f"D{rows[code.replace('_', '.')]}"] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_deadline_is_checked_again_when_the_import_runs(assessment_of, persona, settings):
    """Queued before the deadline, run by the worker after it: refused with the deadline's message."""
    from parindex.core import clock
    from parindex.jobs import services as jobs

    hoa_muc = assessment_of("02098")
    data = with_points(excel.export(hoa_muc), a_1_1="0,5")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    job = start_import(hoa_muc, "diem.xlsx", data, actor=persona("hoamuc.canbo"))
    assert Job.objects.get(pk=job.pk).status == "queued"
    clock.freeze(NOW + timedelta(days=400))
    assert jobs.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "hạn" in job.message, job.message
    assert not ItemScore.objects.filter(assessment=hoa_muc).exists()


def test_the_report_pdf_is_made_by_a_job_and_downloaded_from_its_page(assessment_of, login):
    assessment_of("02098")
    client = login("chomoi.noivu")  # the district's coordinator sees the commune's report
    response = client.post(URL + "bao-cao-pdf/tao/", follow=True)
    job = Job.objects.get()
    assert response.redirect_chain == [(f"/viec/{job.pk}/", 302)]
    page = response.content.decode()
    assert "Tạo tệp PDF báo cáo tự đánh giá: Xã Hoà Mục (2021)" in page and "Đã xong" in page
    assert "bao-cao-tu-danh-gia-02098-2021.pdf" in page
    download = client.get(f"/viec/{job.pk}/tai-ve/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert client.get(URL + "bao-cao-pdf/tao/").status_code == 405  # a GET starts nothing
    assert login("kimlu.canbo").post(URL + "bao-cao-pdf/tao/").status_code == 404
    assert Job.objects.count() == 1


def test_the_report_page_offers_to_make_the_pdf(assessment_of, login):
    assessment_of("02098")
    page = login("hoamuc.canbo").get(URL + "bao-cao/").content.decode()
    assert f'action="{URL}bao-cao-pdf/tao/"' in page and "Tạo tệp PDF" in page


def test_a_refused_upload_starts_no_job(assessment_of, login):
    assessment_of("02098")
    response = login("hoamuc.canbo").post(URL + "excel/nhap/", {"f-file": SimpleUploadedFile("rong.xlsx", b"")})
    assert response.status_code == 200 and "rỗng (0 byte)" in response.content.decode()
    assert not Job.objects.exists()

