"""The processing report (issue 10 §4; V.1.1.d of 1679/QĐ-UBND) and the results pages."""

import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from parindex.survey import report, results, services
from parindex.survey.models import Answer, Response, Survey
from tests.survey.test_results import resolve_all


@pytest.fixture
def survey(world):
    return services.survey_of(world)


def test_report_numbers_match_the_scores_and_the_answers(survey):
    built = report.build(survey)
    scores = results.current_scores(survey)
    assert [k.kind for k in built.kinds] == list(scores)
    for k in built.kinds:
        ks = scores[k.kind]
        assert [(c, p) for c, _n, p in k.totals] == [(r.code, sum(ks.scores.points_of(r.code).values(), Decimal(0)))
                                                     for r in ks.units]
        # the distribution of an item counts every stored answer about it, for units of this kind
        d = k.distributions[0]
        assert d.total == Answer.objects.filter(response__survey=survey, response__unit__kind=k.kind,
                                                item=d.item).count()
        # response rates: received = stored questionnaires of the group and unit
        title, unit, got, planned = k.rates[0]
        assert got >= 1 and planned >= got
        line = k.lines[0]
        n_valid = sum(g.n_valid for g in line.groups)
        assert n_valid == Answer.objects.filter(response__unit__code=line.unit, item=line.item,
                                                value__isnull=False).count()
        assert "<svg" in k.bar_svg and k.bar_svg.count("<rect") == len(k.totals)
        assert "<svg" in k.stack_svg
    assert sum(got for k in built.kinds for _t, _u, got, _p in k.rates) == Response.objects.count()


def test_the_workbook_reads_back(survey):
    built = report.build(survey)
    wb = load_workbook(BytesIO(report.workbook(built)))
    assert wb.sheetnames == ["Diem theo don vi", "Tieu chi va nhom", "Phan bo tra loi", "Ty le tra loi"]
    rows = list(wb["Diem theo don vi"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 27
    first = built.kinds[0].totals[0]
    assert rows[0][1] == first[0] and Decimal(str(rows[0][3])) == first[2]


def test_pages_show_the_scores_close_and_read_the_report(world, login, survey, persona, tmp_path):
    client = login("snv.dieuphoi")
    page = client.get("/ky/2021/dieu-tra/ket-qua/")
    assert page.status_code == 200
    text = page.content.decode()
    unresolved = [pair for ks in results.current_scores(survey).values() for pair in ks.scores.unresolved]
    if unresolved:
        assert "Tiêu chí chưa có điểm" in text or "chưa có" in text
        # the close is blocked while items are unresolved: the confirmation page lists them, no button
        confirm = client.get("/ky/2021/dieu-tra/chot/").content.decode()
        assert 'name="confirmed"' not in confirm and "không nhóm nào đủ số câu trả lời hợp lệ" in confirm
        # a resolution without a reason is refused, nothing saved
        unit, item = unresolved[0]
        client.post("/ky/2021/dieu-tra/ket-qua/quyet-dinh/", {"unit": unit, "item": item, "points": "1",
                                                              "reason": ""})
        assert not survey.resolutions.exists()
    resolve_all(survey, world, persona("snv.dieuphoi"))
    answer = client.post("/ky/2021/dieu-tra/chot/", {"confirmed": "1"})
    assert answer.status_code == 302 and answer["Location"].endswith("/bao-cao/")
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.CLOSED
    page = client.get("/ky/2021/dieu-tra/bao-cao/")
    assert "Báo cáo xử lý số liệu" in page.content.decode() and "<svg" in page.content.decode()
    pdf = client.get("/ky/2021/dieu-tra/bao-cao.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    pdf_text = subprocess.run([shutil.which("pdftotext"), "-enc", "UTF-8", str(tmp_path / "r.pdf"), "-"],
                              check=True, timeout=60, capture_output=True).stdout.decode()
    assert "BÁO CÁO" in pdf_text and report.build(survey).kinds[0].totals[0][1] in pdf_text
    xlsx = client.get("/ky/2021/dieu-tra/bao-cao.xlsx")
    assert load_workbook(BytesIO(xlsx.content)).sheetnames[0] == "Diem theo don vi"
    # a correction needs its reason
    client.post("/ky/2021/dieu-tra/dinh-chinh/", {"confirmed": "1", "reason": ""})
    assert results.closed_snapshot(world).version == 1
    client.post("/ky/2021/dieu-tra/dinh-chinh/", {"confirmed": "1", "reason": "Sửa lỗi nhập phiếu"})
    assert results.closed_snapshot(world).version == 2


def test_a_resolution_for_another_periods_or_unknown_unit_is_404(login):
    client = login("snv.dieuphoi")
    answer = client.post("/ky/2021/dieu-tra/ket-qua/quyet-dinh/", {"unit": "KHONG", "item": "x", "points": "1",
                                                                   "reason": "r"})
    assert answer.status_code == 404
