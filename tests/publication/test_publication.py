"""A district publishes its communes' results (IV.2.1, V.2): results page, publication, corrections, public pages."""

import io
import subprocess
import unicodedata
from decimal import Decimal

from openpyxl import load_workbook

from parindex.appraisal import services
from parindex.core import clock
from parindex.publication import services as publication
from parindex.publication.models import Publication
from parindex.units.models import PeriodUnit
from parindex.units.services import change_state
from parindex.units.states import WorkState
from tests.publication.conftest import PLANS

RESULTS = "/ky/2021/huyen/065/ket-qua-xa/"
PUBLISH = RESULTS + "cong-bo/"
PUBLIC = "/cong-bo/2021/huyen/065/"

EXPECTED = {  # code → (total, index shown, class, rank)
    "02086": ("100", "100,00", "Xuất sắc", 1), "02089": ("100", "100,00", "Xuất sắc", 1),
    "02098": ("99.5", "99,50", "Xuất sắc", 3), "02122": ("99.5", "99,50", "Xuất sắc", 3),
    "02125": ("99.5", "99,50", "Xuất sắc", 3), "02131": ("99", "99,00", "Xuất sắc", 6),
    "02092": ("94", "94,00", "Xuất sắc", 7), "02095": ("90", "90,00", "Xuất sắc", 8),
    "02101": ("90", "90,00", "Xuất sắc", 8), "02104": ("89.25", "89,25", "Tốt", 10),
    "02107": ("89", "89,00", "Tốt", 11), "02110": ("75", "75,00", "Khá", 12),
    "02113": ("50", "50,00", "Khá", 13), "02116": ("49", "49,00", "Trung bình", 14),
}


def nfc(text):
    return unicodedata.normalize("NFC", text)


def public_rows(page):
    rows = {}
    for code in PLANS:
        row = page.split(f'id="xa-{code}"')[1].split("</tr>")[0]
        rows[code] = row
    return rows


def test_results_publication_correction_and_public_pages(chomoi_finalized, login, client, persona, unit_of):
    district = chomoi_finalized
    # the district's own results page
    page = login("chomoi.noivu").get(RESULTS).content.decode()
    assert 'id="complete"' in page and "14/14 xã" in page
    assert 'id="not-published"' in page
    for code, (_total, index, klass, rank) in EXPECTED.items():
        row = page.split(f'id="xa-{code}"')[1].split("</tr>")[0]
        assert f'<td class="num rank">{rank}</td>' in row, code
        assert f'<td class="num index">{index}</td>' in row and f'<td class="class">{klass}</td>' in row, code
    # who else may see it, who may publish
    assert login("snv.dieuphoi").get(RESULTS).status_code == 200
    assert login("admin").get(RESULTS).status_code == 200
    assert login("snv.dieuphoi").post(PUBLISH).status_code == 403
    assert login("admin").post(PUBLISH).status_code == 403
    assert login("nari.noivu").get(RESULTS).status_code == 404
    assert login("nari.noivu").post(PUBLISH).status_code == 404
    for username in ["hoamuc.canbo", "chomoi.thamdinh", "stc.thamdinh"]:
        assert login(username).get(RESULTS).status_code == 403, username
        assert login(username).post(PUBLISH).status_code == 403, username
    assert not Publication.objects.exists()
    # nothing published: no public page
    client.logout()
    assert client.get(PUBLIC).status_code == 404
    assert client.get(PUBLIC + "ket-qua.xlsx").status_code == 404

    # first publication, without a reason
    response = login("chomoi.noivu").post(PUBLISH, {"confirmed": "1"}, follow=True)
    assert "Đã công bố kết quả Chỉ số CCHC cấp xã của Huyện Chợ Mới (lần 1)" in response.content.decode()
    first = Publication.objects.get(scope="district:065")
    assert (first.version, first.reason, first.published_by) == (1, "", persona("chomoi.noivu"))
    assert set(district.children.values_list("state", flat=True)) == {WorkState.PUBLISHED}
    page = response.content.decode()
    assert 'id="lan-1"' in page and "Đính chính kết quả đã công bố" in page

    # anyone reads the public page, built from the frozen content
    client.logout()
    response = client.get(PUBLIC)
    assert response.status_code == 200
    page = response.content.decode()
    assert "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021" in page and "Công bố lần 1" in page
    for code, row in public_rows(page).items():
        _total, index, klass, rank = EXPECTED[code]
        assert f'<td class="num rank">{rank}</td>' in row and f'<td class="num index">{index}</td>' in row, code
        assert f'<td class="class">{klass}</td>' in row, code
    assert 'href="/cong-bo/2021/huyen/065/ket-qua.xlsx"' in page
    assert 'href="/cong-bo/2021/huyen/065/ket-qua.pdf"' in page

    # a correction needs a reason
    response = login("chomoi.noivu").post(PUBLISH, {"reason": "  ", "confirmed": "1"}, follow=True)
    assert "Đính chính kết quả đã công bố phải ghi lý do" in response.content.decode()
    assert Publication.objects.count() == 1

    # the coordinator re-opens Xã Yên Cư after publication, the lead corrects c.3.1, finalizes again
    yen_cu = unit_of("02110")
    change_state(yen_cu, WorkState.APPRAISED, actor=persona("chomoi.noivu"), reason="Đính chính sau công bố")
    appraisal = yen_cu.assessment.appraisal
    services.reopen(appraisal, "Khiếu nại về tiêu chí c.3.1", actor=persona("chomoi.noivu"))
    services.appraise(appraisal, "c.3.1", "6", "Đã kiểm tra lại hồ sơ", actor=persona("chomoi.thamdinh"))
    services.finalize(appraisal, actor=persona("chomoi.thamdinh"))
    assert publication.commune_results(district)["units"][11]["total"] == "81"
    response = login("chomoi.noivu").post(PUBLISH, {"reason": "Xã Yên Cư: sửa điểm tiêu chí c.3.1", "confirmed": "1"},
                                          follow=True)
    assert "Đã đính chính kết quả Chỉ số CCHC cấp xã của Huyện Chợ Mới (lần 2)" in response.content.decode()
    assert list(Publication.objects.values_list("version", flat=True)) == [2, 1]
    assert unit_of("02110").state == WorkState.PUBLISHED
    history = response.content.decode().split('id="history"')[1].split("</table>")[0]
    assert "Xã Yên Cư: sửa điểm tiêu chí c.3.1" in history and 'id="lan-1"' in history

    client.logout()
    latest = client.get(PUBLIC).content.decode()
    row = public_rows(latest)["02110"]
    assert '<td class="num index">81,00</td>' in row and '<td class="class">Tốt</td>' in row
    assert "Xã Yên Cư: sửa điểm tiêu chí c.3.1" in latest and 'id="old-version"' not in latest
    old = client.get(PUBLIC + "?phien-ban=1")
    assert old.status_code == 200
    old_page = old.content.decode()
    row = public_rows(old_page)["02110"]
    assert '<td class="num index">75,00</td>' in row and '<td class="class">Khá</td>' in row
    assert "Đây là bản công bố lần 1, đã được đính chính; bản hiện hành là lần 2." in old_page
    assert 'href="/cong-bo/2021/huyen/065/ket-qua.xlsx?phien-ban=1"' in old_page
    for bad in ["3", "0", "abc", ""]:
        assert client.get(PUBLIC + f"?phien-ban={bad}").status_code == 404, bad

    # the .xlsx of both versions, exact numbers
    def sheet(query=""):
        response = client.get(PUBLIC + "ket-qua.xlsx" + query)
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(response.content)).active
        return ws, {row[1]: row for row in ws.iter_rows(values_only=True) if row[1] in PLANS}

    ws, rows = sheet()
    assert ws["C2"].value == 2 and ws["C4"].value == "Xã Yên Cư: sửa điểm tiêu chí c.3.1"
    assert len(rows) == 14
    assert (Decimal(str(rows["02110"][3])), Decimal(str(rows["02110"][4])), rows["02110"][5]) == \
        (Decimal(81), Decimal(81), "Tốt")
    assert (rows["02098"][0], Decimal(str(rows["02098"][3])), rows["02098"][5]) == (3, Decimal("99.5"), "Xuất sắc")
    hoa_muc_row = next(r for r in range(1, 40) if ws.cell(r, 2).value == "02098")
    assert ws.cell(row=hoa_muc_row, column=5).number_format == "0.00"
    ws, rows = sheet("?phien-ban=1")
    assert ws["C2"].value == 1
    assert (Decimal(str(rows["02110"][3])), rows["02110"][5], rows["02110"][0]) == (Decimal(75), "Khá", 12)
    assert sum(Decimal(str(r[3])) for r in rows.values()) == sum(Decimal(v[0]) for v in EXPECTED.values())

    # the PDF
    response = client.get(PUBLIC + "ket-qua.pdf?phien-ban=1")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = nfc(subprocess.run(["/usr/bin/pdftotext", "-", "-"], input=response.content, capture_output=True,
                              check=True).stdout.decode())
    for expected in ["UBND HUYỆN CHỢ MỚI", "Công bố lần 1", "Xã Hoà Mục", "99,50", "Trung bình"]:
        assert nfc(expected) in text, expected


def test_after_the_deadline_a_first_publication_is_refused(chomoi_finalized, login, world):
    clock.freeze(world.district_publish_due)
    response = login("chomoi.noivu").post(PUBLISH, {"confirmed": "1"}, follow=True)
    page = response.content.decode()
    assert "Đã quá hạn «UBND cấp huyện thẩm định, công bố Chỉ số cấp xã»: hạn cuối hết ngày 17/12/2026" in page
    assert not Publication.objects.exists()
    assert set(PeriodUnit.objects.filter(parent__code="065").values_list("state", flat=True)) == {WorkState.APPRAISED}


def test_an_incomplete_district_cannot_publish_and_says_why(hoa_muc_appraisal, login):
    page = login("chomoi.noivu").get(RESULTS).content.decode()
    assert 'id="incomplete"' in page
    assert '<td class="num rank">—</td>' in page.split('id="xa-02098"')[1].split("</tr>")[0]
    assert "Chưa có kết quả đánh giá" in page
    response = login("chomoi.noivu").post(PUBLISH, {"confirmed": "1"}, follow=True)
    assert "Chưa công bố được: 14 xã chưa chốt kết quả thẩm định" in response.content.decode()
    assert not Publication.objects.exists()


def test_public_pages_of_unknown_places_are_404(world, client):
    for url in ["/cong-bo/2021/huyen/999/", "/cong-bo/2021/huyen/02098/", "/cong-bo/1999/huyen/065/",
                "/cong-bo/2021/huyen/065/ket-qua.pdf", "/cong-bo/2021/huyen/065/ket-qua.xlsx"]:
        assert client.get(url).status_code == 404, url
    assert client.get(RESULTS).status_code == 302  # the district's page needs a login
    assert client.get("/ky/2021/huyen/999/ket-qua-xa/").status_code == 302
