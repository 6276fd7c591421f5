"""The appraisal minutes (biên bản thẩm định): one content as page, PDF and .xlsx, exact Decimal totals."""

import io
import subprocess
import unicodedata
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from parindex.appraisal import minutes, services
from parindex.appraisal.models import Appraisal

from .test_rules import full_round1

URL = "/ky/2021/tham-dinh/02098/bien-ban/"
CHANGES = {"a.1.1": ("0,5", "Kế hoạch ban hành chậm"), "c.3.1": ("4", "Tỷ lệ hồ sơ trực tuyến chưa đạt"),
           "g.1": ("3,5", "Giải ngân chưa đủ")}  # a reachable total of g.1's parts (issue 12 §3, item 2)


@pytest.fixture
def finalized(hoa_muc_appraisal, persona):
    lead = persona("chomoi.thamdinh")
    full_round1(hoa_muc_appraisal, lead, CHANGES)
    services.close_explanation(hoa_muc_appraisal, actor=lead)
    services.confirm_unchanged(hoa_muc_appraisal, actor=lead)
    services.appraise(hoa_muc_appraisal, "g.1", "4", "Bổ sung chứng từ giải ngân đủ", actor=lead)
    services.finalize(hoa_muc_appraisal, actor=lead)
    return Appraisal.objects.get(pk=hoa_muc_appraisal.pk)


def nfc(text):
    return unicodedata.normalize("NFC", text)


def test_the_minutes_hold_every_item_and_exact_totals(finalized):
    data = minutes.minutes_data(finalized)
    items = [line for line in data.lines if line.kind == "item"]
    assert len(items) == 53
    assert data.self_total == Decimal(100)
    assert data.final_total == Decimal("97.5")  # 100 − 0,5 − 2; g.1 was put back to 4 in the final round
    assert data.round1_total == Decimal("97")
    assert data.difference_total == Decimal("-2.5")
    assert sum(line.final for line in items) - sum(line.self_points for line in items) == \
        sum(line.difference for line in items) == data.difference_total
    assert all(isinstance(line.final, Decimal) for line in items)
    by_code = {line.code: line for line in data.lines}
    g1 = by_code["g.1"]
    assert (g1.self_points, g1.round1, g1.final, g1.difference) == (Decimal(4), Decimal("3.5"), Decimal(4), 0)
    assert g1.round1_comment == "Giải ngân chưa đủ" and g1.comment == "Bổ sung chứng từ giải ngân đủ"
    assert (by_code["c.3.1"].difference, by_code["c.3.1"].comment) == (Decimal(-2), "Tỷ lệ hồ sơ trực tuyến chưa đạt")
    assert by_code["c"].self_points == Decimal(25) and by_code["c"].final == Decimal(23)
    assert by_code["c.3"].difference == Decimal(-2)
    assert sum(f.final for f in data.fields) == data.final_total
    assert sum(f.difference for f in data.fields) == data.difference_total
    assert data.lead == "Phòng Nội vụ — tổ thẩm định huyện Chợ Mới"
    assert [a.username for a in data.appraisers] == ["chomoi.thamdinh"]
    assert data.appraisers[0].items == 53
    assert data.finalized and data.finalized_at is not None and data.submitted_at is not None
    assert dict(data.dates)["Chốt kết quả"] != "chưa chốt"


def test_the_page_shows_the_minutes_to_those_who_see_the_unit(finalized, login):
    for username in ["hoamuc.canbo", "chomoi.noivu", "chomoi.thamdinh", "snv.dieuphoi", "admin"]:
        assert login(username).get(URL).status_code == 200, username
    page = login("hoamuc.chutich").get(URL).content.decode()
    for text in ["BIÊN BẢN THẨM ĐỊNH",
                 "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2021 của Xã Hoà Mục",
                 '<dd id="minutes-final"><strong>97,5</strong> / 100</dd>', '<dd id="minutes-difference">-2,5</dd>',
                 "Kết quả đã chốt bởi tổ trưởng Phòng Nội vụ — tổ thẩm định huyện Chợ Mới",
                 "Tổ thẩm định Huyện Chợ Mới", "bien-ban.pdf", "bien-ban.xlsx"]:
        assert text in page, text
    row = page.split('id="line-c.3.1"')[1].split("</tr>")[0]
    assert '<td class="num self">6</td>' in row and '<td class="num final">4</td>' in row
    assert '<td class="num diff">-2</td>' in row and "Tỷ lệ hồ sơ trực tuyến chưa đạt" in row
    assert 'class="item changed" id="line-c.3.1"' in page
    assert 'class="item" id="line-g.1"' in page  # back to its self-score


@pytest.mark.parametrize("username", ["kimlu.canbo", "nari.noivu", "stc.thamdinh", "stp.canbo"])
def test_people_who_do_not_see_the_unit_get_404(finalized, login, username):
    client = login(username)
    for suffix in ["", "../bien-ban.pdf", "../bien-ban.xlsx"]:
        assert client.get(URL + suffix).status_code == 404


def test_a_unit_not_yet_appraised_has_a_clear_page_and_no_files(world, login):
    client = login("chomoi.noivu")
    response = client.get(URL)
    assert response.status_code == 200
    assert "Xã Hoà Mục chưa nộp bản tự đánh giá, chưa được thẩm định: chưa có biên bản." in response.content.decode()
    assert client.get("/ky/2021/tham-dinh/02098/bien-ban.pdf").status_code == 404
    assert client.get("/ky/2021/tham-dinh/02098/bien-ban.xlsx").status_code == 404


def test_before_finalization_the_minutes_are_a_draft(hoa_muc_appraisal, persona, login):
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), CHANGES)
    page = login("chomoi.noivu").get(URL).content.decode()
    assert "Bản dự thảo — giai đoạn «Thẩm định vòng 1», chưa chốt kết quả; còn 53 tiêu chí chưa có điểm thẩm định" \
        in page
    assert '<td class="num round1">3,5</td>' in page.split('id="line-g.1"')[1].split("</tr>")[0]


def test_the_xlsx_reads_back_with_exact_numbers(finalized, login):
    response = login("chomoi.noivu").get("/ky/2021/tham-dinh/02098/bien-ban.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban-tham-dinh-02098-2021.xlsx"'
    ws = load_workbook(io.BytesIO(response.content))[minutes.SHEET]
    rows = {row[0]: row for row in ws.iter_rows(values_only=True) if row[0]}
    assert ws["A1"].value == "BIÊN BẢN THẨM ĐỊNH KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2021"
    assert ws["C2"].value == "Xã Hoà Mục (mã 02098)"
    c31 = rows["c.3.1"]
    assert c31[2] == "VPHU" and [Decimal(str(v)) for v in (c31[3], c31[4], c31[8], c31[9])] == \
        [Decimal(6), Decimal(6), Decimal(4), Decimal(-2)]
    assert c31[10] == "Tỷ lệ hồ sơ trực tuyến chưa đạt"
    g1 = rows["g.1"]
    assert (Decimal(str(g1[5])), g1[6], g1[10]) == \
        (Decimal("3.5"), "Giải ngân chưa đủ", "Bổ sung chứng từ giải ngân đủ")
    total = next(row for row in ws.iter_rows(values_only=True) if row[1] == minutes.TOTAL_LABEL)
    self_total, round1, final, diff = (Decimal(str(total[i])) for i in (4, 5, 8, 9))
    assert (self_total, round1, final, diff) == (Decimal(100), Decimal("97"), Decimal("97.5"), Decimal("-2.5"))
    assert final - self_total == diff
    items = [row for code, row in rows.items() if isinstance(code, str) and code.count(".") >= 1 and row[8] is not None
             and code in {line.code for line in minutes.minutes_data(finalized).lines if line.kind == "item"}]
    assert len(items) == 53
    assert sum(Decimal(str(r[8])) for r in items) - sum(Decimal(str(r[4])) for r in items) == \
        sum(Decimal(str(r[9])) for r in items) == diff


def test_the_pdf_is_a_pdf_with_the_unit_name(finalized, login, tmp_path):
    response = login("hoamuc.canbo").get("/ky/2021/tham-dinh/02098/bien-ban.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "bien-ban.pdf"
    path.write_bytes(response.content)
    text = nfc(subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                              text=True).stdout)
    for expected in ["Xã Hoà Mục", "BIÊN BẢN THẨM ĐỊNH", "Tổng điểm phần tự đánh giá", "97,5", "-2,5"]:
        assert nfc(expected) in text, expected
    # a government document: the team under its district, the number line, the national heading, the date
    # of finalization, both signature blocks (the lead's name under the lead's), a page number, no running total
    issued = timezone.localtime(finalized.finalized_at)
    for expected in ["UBND HUYỆN CHỢ MỚI", "TỔ THẨM ĐỊNH CHỈ SỐ CCHC", "Số: ……/BB-TTĐ",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     f"Bắc Kạn, ngày {issued:%d} tháng {issued:%m} năm {issued:%Y}",
                     "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC THẨM ĐỊNH", "TỔ TRƯỞNG TỔ THẨM ĐỊNH", "(Ký, ghi rõ họ tên, đóng dấu)"]:
        assert nfc(expected) in text, expected
    pages = text.count("\f")
    assert f"Trang {pages}/{pages}" in text
    assert text.count("Tổng điểm phần tự đánh giá") == 1
    assert text.rindex("(Ký, ghi rõ họ tên, đóng dấu)") > text.index("Tổng hợp theo lĩnh vực")


def test_a_departments_minutes_leave_the_survey_to_so_noi_vu(assessment_of, submit, persona, login):
    appraisal = services.get_or_start(submit(assessment_of("STP"), "stp.canbo", "stp.giamdoc"))
    stc = persona("stc.thamdinh")
    code = next(r.item_code for r in appraisal.items.all() if r.agency == "STC")
    services.appraise(appraisal, code, "0", "Chưa có báo cáo quyết toán", actor=stc)
    data = minutes.minutes_data(appraisal)
    assert (data.maximum, data.survey_max, data.self_total) == (Decimal(74), Decimal(26), Decimal(74))
    assert data.final_total == 0 and data.missing_final == len([x for x in data.lines if x.kind == "item"])
    assert [a.username for a in data.appraisers] == ["stc.thamdinh"]
    page = login("stp.giamdoc").get("/ky/2021/tham-dinh/STP/bien-ban/").content.decode()
    assert "Phần điều tra xã hội học (26 điểm) do Sở Nội vụ xác định, không thuộc biên bản thẩm định." in page
    assert '<td class="num" colspan="2">ĐTXHH</td>' in page.split('id="line-a.4.2"')[1].split("</tr>")[0]
    assert "Tổ thẩm định tỉnh" in page and "chưa chọn" in page
    assert login("chomoi.noivu").get("/ky/2021/tham-dinh/STP/bien-ban/").status_code == 404
