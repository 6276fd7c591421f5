"""The self-assessment report (Công văn 383/BNV): printable page and PDF, frozen once submitted."""

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from parindex.assessments import excel, services
from parindex.assessments.models import ItemScore
from tests.meeting import CHAIR, PAR_OFFICER, SPECIALISTS

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"


@pytest.fixture
def hoa_muc(assessment_of, fill, persona):
    """Filled at the maximum; a.1.1 has points and nothing to support them; a.1.2 is explained only;
    a.2.1 has a linked document; the meeting is recorded."""
    assessment = fill(assessment_of("02098"), "hoamuc.canbo")
    officer = persona("hoamuc.canbo")
    services.save_item(assessment, "a.1.1", "1", "", actor=officer, version=None)
    plan = services.add_document(assessment, number="05/BC-UBND", issued_on=date(2021, 6, 30),
                                 issuer="UBND xã Hoà Mục", summary="Báo cáo CCHC 6 tháng", actor=officer)
    services.link_evidence(assessment, "a.2.1", plan, "mục I, trang 2", actor=officer)
    services.set_participants(assessment, [("Nguyễn Văn An", "Chủ tịch UBND xã", CHAIR),
                                           ("Hoàng Thị Bình", "Công chức Văn phòng - Thống kê", PAR_OFFICER),
                                           ("Lục Văn Cường", "Công chức Tư pháp - Hộ tịch", SPECIALISTS)],
                              actor=officer, meeting_date=date(2026, 11, 18),
                              difficulties="Đường truyền Internet ở các thôn vùng cao chưa ổn định.")
    return assessment


def test_the_report_has_its_three_sections_participants_and_flags(hoa_muc, login):
    response = login("hoamuc.canbo").get(URL + "bao-cao/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ["XÃ HOÀ MỤC", "Kết quả tự đánh giá, chấm điểm xác định Chỉ số cải cách hành chính năm 2021",
                 "1. Kết quả tự đánh giá, chấm điểm",
                 "2. Giải trình đối với các tiêu chí chưa có đủ tài liệu kiểm chứng",
                 "3. Khó khăn, vướng mắc, kiến nghị", "Đường truyền Internet ở các thôn vùng cao chưa ổn định.",
                 "Nguyễn Văn An — Chủ tịch UBND xã", "Hoàng Thị Bình — Công chức Văn phòng - Thống kê",
                 "Ngày họp tự đánh giá: 18/11/2026", "Bắc Kạn, ngày 20 tháng 11 năm 2026",
                 "<strong>100</strong> / 100 điểm",
                 "05/BC-UBND ngày 30/06/2021 của UBND xã Hoà Mục: Báo cáo CCHC 6 tháng — mục I, trang 2"]:
        assert text in page, text
    explain_a11 = page.split('id="explain-a.1.1"')[1].split("</tr>")[0]
    assert ("Không có tài liệu kiểm chứng, không có giải trình — tổ thẩm định sẽ cho 0 điểm (mục III.3.2.b)"
            in explain_a11)
    assert 'class="item flagged" id="line-a.1.1"' in page
    assert "Giải trình a.1.2" in page.split('id="explain-a.1.2"')[1].split("</tr>")[0]
    assert 'id="explain-a.2.1"' not in page  # it has evidence: nothing to explain
    assert 'class="item" id="line-a.2.1"' in page


def test_a_department_report_marks_survey_items(assessment_of, fill, login):
    fill(assessment_of("STP"), "stp.canbo")
    page = login("stp.giamdoc").get("/ky/2021/don-vi/STP/tu-danh-gia/bao-cao/").content.decode()
    row = page.split('id="line-a.4.2"')[1].split("</tr>")[0]
    assert "ĐTXHH" in row and "Điểm do Sở Nội vụ xác định qua điều tra xã hội học" in row
    assert "<strong>74</strong> / 74 điểm" in page
    assert "Chưa ghi thành phần tham gia tự đánh giá (mục III.2.2)." in page


def test_after_submission_the_report_shows_the_frozen_version(hoa_muc, persona, login):
    # nothing unsupported may be submitted: a.1.1 gets its explanation first
    services.save_item(hoa_muc, "a.1.1", "1", "Kế hoạch 12/KH-UBND", actor=persona("hoamuc.canbo"), version=None)
    services.send_for_approval(hoa_muc, actor=persona("hoamuc.canbo"))
    services.approve_and_submit(hoa_muc, actor=persona("hoamuc.chutich"))
    ItemScore.objects.filter(assessment=hoa_muc, item_code="c.3.1").update(points=Decimal(0), explanation="đã sửa")
    hoa_muc.participants.update(name="Người khác")
    assert services.totals(hoa_muc).total == Decimal(94)  # the live rows moved…
    page = login("hoamuc.chutich").get(URL + "bao-cao/").content.decode()
    hoa_muc.refresh_from_db()
    assert f"Bản đã nộp lúc {timezone.localtime(hoa_muc.submitted_at):%H:%M %d/%m/%Y}" in page  # …the report did not
    assert "<strong>100</strong> / 100 điểm" in page
    row = page.split('id="line-c.3.1"')[1].split("</tr>")[0]
    assert '<td class="num">6</td>' in row
    assert "Nguyễn Văn An — Chủ tịch UBND xã" in page and "Người khác" not in page
    ws = load_workbook(io.BytesIO(excel.export(hoa_muc)))[excel.SHEET]
    assert ws["D3"].value == "Đã nộp (bản đã nộp)" and ws["B6"].value == 100


def test_the_pdf_is_a_real_pdf_with_vietnamese_text(hoa_muc, login, tmp_path):
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is missing: run scripts/ensure-libreoffice.sh"
    response = login("hoamuc.canbo").get(URL + "bao-cao.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bao-cao-tu-danh-gia-02098-2021.pdf"'
    assert response.content.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(response.content)
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(tmp_path / "r.pdf"), "-"], check=True, timeout=60,
                          capture_output=True).stdout.decode()
    assert "Xã Hoà Mục" in text
    assert "Khó khăn, vướng mắc, kiến nghị" in text
    assert "Nguyễn Văn An — Chủ tịch UBND xã" in text
    # a government document: national heading, issuing body, number line, place and date, signature block
    for part in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND HUYỆN CHỢ MỚI",
                 "UBND XÃ HOÀ MỤC", "Số: ……/BC-UBND", "Bắc Kạn, ngày 20 tháng 11 năm 2026", "BÁO CÁO",
                 "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Ký, ghi rõ họ tên, đóng dấu)"]:
        assert part in text, part
    pages = text.count("\f")
    assert pages > 1 and f"Trang {pages}/{pages}" in text
    # the total once (the facts and the table's last row), not at the foot of every page
    assert text.count("Tổng điểm tự đánh giá") == 2
    assert text.index("(Ký, ghi rõ họ tên, đóng dấu)") > text.index("Thành phần tham gia tự đánh giá")


def test_the_report_is_only_for_those_who_may_see_the_unit(hoa_muc, login):
    assert login("chomoi.noivu").get(URL + "bao-cao/").status_code == 200
    assert login("kimlu.canbo").get(URL + "bao-cao/").status_code == 404
    assert login("kimlu.canbo").get(URL + "bao-cao.pdf").status_code == 404
