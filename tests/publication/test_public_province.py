"""The public results site of the province's published results (issue 11 §3, IV.2.2): the year page's tables, a
unit's page, the files, the multi-year summary; nothing before publication, every version readable, bad
addresses 404.

The world: Bắc Kạn 2021 with ``ready`` (tests/publication/province_world.py): every department and district
at its maximum unless a plan lowers an item; published here through the province's steps. A second year
(2022) is a period whose publication rows are written directly, in the documented content format.
"""

from __future__ import annotations

import copy
import csv
import io
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from parindex.periods.services import create_period
from parindex.publication import province
from parindex.publication.models import Publication

from .province_world import AFTER_START

YEAR = "/cong-bo/2021/"
UNIT = YEAR + "don-vi/{}/"
FILES = [YEAR + "ket-qua.xlsx", YEAR + "ket-qua.csv", YEAR + "ket-qua.pdf"]
# STP: a.1.2 (1.5) at 0 → field a 11.5, criterion a.1 0.5; SYT: a.1.2 at 1 → a 12.5, a.1 1.5; the 17 others full.
PLAN = {"STP": {"a.1.2": "0"}, "SYT": {"a.1.2": "1"}}


def publish(world, persona, *, number="12/QĐ-UBND", day="15/02/2022"):
    province.submit(world, actor=persona("snv.dieuphoi"))
    province.approve(world, number, day, actor=persona("ubnd.lanhdao"))
    return province.publish_province(world, actor=persona("snv.dieuphoi"), at=AFTER_START)


@pytest.fixture
def published(ready, world, persona):
    ready(self=PLAN)
    return publish(world, persona)


@pytest.fixture
def corrected(published, world, persona):
    """Version 2: Sở Y tế recorded as not assessed (a correction with its reason)."""
    coordinator = persona("snv.dieuphoi")
    province.reopen(world, "Sở Y tế sáp nhập trong năm", actor=coordinator)
    province.record_not_assessed(world, "SYT", "Sáp nhập vào Sở Khoa học", actor=coordinator)
    return publish(world, persona, number="20/QĐ-UBND", day="20/02/2022")


def _year_2022(world, persona, changes: dict[str, dict]) -> Publication:
    """A 2022 period with a province publication written directly: 2021's newest content, ``changes`` applied
    to the units named (code → fields of the row)."""
    period = create_period(2022, actor=persona("snv.dieuphoi"))
    content = copy.deepcopy(province.published(world).content)
    content["year"] = 2022
    for group in content["groups"].values():
        for unit in group["units"]:
            unit.update(changes.get(unit["code"], {}))
    return Publication.objects.create(period=period, scope=province.SCOPE, version=1, published_at=timezone.now(),
                                      published_by=persona("snv.dieuphoi"), content=content)


# -- nothing before publication ------------------------------------------------------------------------------

def test_before_publication_the_year_page_has_no_province_tables_and_every_handcrafted_url_is_404(
        client, ready, world, persona):
    ready(self=PLAN)
    province.submit(world, actor=persona("snv.dieuphoi"))
    province.approve(world, "12/QĐ-UBND", "15/02/2022", actor=persona("ubnd.lanhdao"))  # approved, not published
    page = client.get(YEAR).content.decode()
    assert 'id="province-not-published"' in page
    assert 'id="province-results"' not in page and "Sở Tư pháp" not in page
    for url in [UNIT.format("STP"), UNIT.format("065"), *FILES, YEAR + "?phien-ban=1"]:
        assert client.get(url).status_code == 404, url
    assert "Sở Tư pháp" not in client.get("/cong-bo/tong-hop/").content.decode()
    wb = load_workbook(io.BytesIO(client.get("/cong-bo/tong-hop.xlsx").content))
    assert all(ws.max_row <= 3 for ws in wb.worksheets)             # titles and headings only


def test_the_surveys_internal_snapshot_does_not_list_a_year_as_published(client, world, persona):
    Publication.objects.create(period=world, scope="survey", published_at=timezone.now(),
                               published_by=persona("snv.dieuphoi"), content={"year": 2021, "kinds": {}})
    page = client.get("/cong-bo/").content.decode()
    assert 'id="nothing-published"' in page and "Năm 2021" not in page


@pytest.mark.parametrize("username", [None, "stp.canbo", "snv.dieuphoi", "ubnd.lanhdao"])
def test_everybody_reads_the_published_pages(published, client, persona, username):
    if username:
        client.force_login(persona(username))
    for url in [YEAR, UNIT.format("STP"), UNIT.format("065"), *FILES, "/cong-bo/tong-hop/", "/cong-bo/tong-hop.xlsx"]:
        assert client.get(url).status_code == 200, url


# -- the year page ---------------------------------------------------------------------------------------------

def test_the_year_page_shows_both_ranked_groups_the_decision_and_the_classes(client, published):
    page = client.get(YEAR).content.decode()
    assert page.index('id="bang-department"') < page.index('id="bang-district"') < page.index('id="publications"')
    assert "Theo Quyết định số 12/QĐ-UBND ngày 15/02/2022 của UBND tỉnh." in page
    # STP 98.5 is last of the departments (rank 19), SYT 99.5 is 18th, the 17 others tie at 1
    assert '<tr id="dv-STP"><td class="num rank">19</td>' in page
    assert '<tr id="dv-SYT"><td class="num rank">18</td>' in page
    assert '<td class="num index">98,50</td>' in page
    # the classes per group: 19 departments Xuất sắc, as a table beside the chart
    assert '<tr class="xl-xuat_sac"><td>Xuất sắc</td><td class="num">19</td></tr>' in page
    assert '<svg class="chart"' in page and "Số đơn vị theo xếp loại — Sở, ban, ngành" in page
    assert 'src="/static/publication/sortable.js"' in page


def test_a_district_links_its_communes_reaching_its_class_to_its_published_commune_results(client, published):
    page = client.get(YEAR).content.decode()
    row = page[page.index('<tr id="dv-065">'):]
    row = row[:row.index("</tr>")]
    assert '<a href="/cong-bo/2021/huyen/065/"' in row and ">14/14</a>" in row


def test_the_heat_map_shades_each_field_by_its_share_of_the_maximum(client, published):
    page = client.get(YEAR).content.decode()
    heat = page[page.index('id="nhiet-department"'):]
    heat = heat[:heat.index("</table>")]
    # STP's field a: 11.5 of 13 = 88 % → band 3 (80–89 %); a full field → band 4
    assert '<td class="num band-3" title="88%">11,5</td>' in heat
    assert '<td class="num band-4" title="100%">13</td>' in heat
    assert "Lĩnh vực A (13)" in heat
    assert "50–69%" in page and "≥ 90%" in page                         # the legend


def test_a_unit_not_assessed_is_shown_with_its_reason_never_as_zero(client, corrected):
    page = client.get(YEAR).content.decode()
    row = page[page.index('<tr id="dv-SYT">'):]
    row = row[:row.index("</tr>")]
    assert "Không đánh giá năm nay" in row and "Sáp nhập vào Sở Khoa học" in row
    assert '<td class="num rank">—</td>' in row and '<td class="num index">—</td>' in row
    assert '<tr class="xl-khong_danh_gia"><td>Không đánh giá năm nay</td><td class="num">1</td></tr>' in page


# -- versions ------------------------------------------------------------------------------------------------

def test_the_newest_version_by_default_and_the_older_one_readable_and_marked_superseded(client, corrected):
    newest = client.get(YEAR).content.decode()
    assert "Theo Quyết định số 20/QĐ-UBND ngày 20/02/2022" in newest and 'id="superseded"' not in newest
    assert "Sở Y tế sáp nhập trong năm" in newest                         # the correction's reason
    old = client.get(YEAR + "?phien-ban=1").content.decode()
    assert "Bản này đã được thay thế bởi bản công bố lần 2" in old
    assert "Theo Quyết định số 12/QĐ-UBND" in old
    syt = old[old.index('<tr id="dv-SYT">'):]
    assert '<td class="num rank">18</td>' in syt[:syt.index("</tr>")]
    assert 'href="/cong-bo/2021/ket-qua.xlsx?phien-ban=1"' in old
    unit_old = client.get(UNIT.format("SYT") + "?phien-ban=1").content.decode()
    assert "Bản này đã được thay thế bởi bản công bố lần 2" in unit_old and "99,50" in unit_old
    wb = load_workbook(io.BytesIO(client.get(YEAR + "ket-qua.xlsx?phien-ban=1").content))
    names = [row[1] for row in wb["Sở, ban, ngành"].iter_rows(min_row=5, values_only=True)]
    ws = wb["Sở, ban, ngành"]
    assert ws.cell(5 + names.index("Sở Y tế"), 7).value == 18
    assert "20/QĐ-UBND" in load_workbook(io.BytesIO(client.get(YEAR + "ket-qua.xlsx").content))[
        "Sở, ban, ngành"]["A2"].value


@pytest.mark.parametrize("query", ["?phien-ban=abc", "?phien-ban=3", "?phien-ban=0", "?phien-ban=-1",
                                   "?phien-ban=" + "9" * 5000, "?phien-ban=1e3", "?phien-ban=%C2%B2",
                                   "?phien-ban=", "?phien-ban=1.0"])
def test_hostile_version_numbers_are_404_never_500(client, corrected, query):
    for url in [YEAR, UNIT.format("STP"), *FILES, "/cong-bo/2021/huyen/065/"]:
        assert client.get(url + query).status_code == 404, url + query


@pytest.mark.parametrize("url", ["/cong-bo/1999/", "/cong-bo/1999/don-vi/STP/", "/cong-bo/1999/ket-qua.xlsx",
                                 "/cong-bo/2021/don-vi/KHONGCO/", "/cong-bo/2021/don-vi/02098/",
                                 "/cong-bo/99999999999999999999/", "/cong-bo/99999999999999999999/don-vi/STP/",
                                 "/cong-bo/99999999999999999999/ket-qua.pdf", "/cong-bo/0/ket-qua.csv",
                                 "/cong-bo/2021/don-vi/" + "X" * 300 + "/"])
def test_unknown_year_or_unit_is_404(client, published, url):
    assert client.get(url).status_code == 404


# -- a unit's page -------------------------------------------------------------------------------------------

def test_a_units_page_has_its_class_rank_points_and_fields_against_its_group(client, published):
    page = client.get(UNIT.format("STP")).content.decode()
    assert '<dd id="unit-class">Xuất sắc</dd>' in page
    assert '<dd id="unit-rank">19/19 trong nhóm</dd>' in page
    assert '<dd id="unit-index">98,50</dd>' in page
    # field a: STP 11.5; average (17 × 13 + 11.5 + 12.5) / 19 = 245 / 19 = 12.894… → 12.89; best 13
    field_a = page[page.index('<tr id="lv-a">'):]
    field_a = field_a[:field_a.index("</tr>")]
    assert '<td class="num points">11,5</td><td class="num average">12,89</td><td class="num best">13</td>' in field_a
    # criterion a.1: (17 × 2 + 0.5 + 1.5) / 19 = 36 / 19 = 1.894… → 1.89
    a1 = page[page.index('<tr id="tc-a1">'):]
    assert '<td class="num points">0,5</td><td class="num average">1,89</td><td class="num best">2</td>' in a1[:300]


def test_a_district_page_links_its_communes(client, published):
    page = client.get(UNIT.format("065")).content.decode()
    assert 'id="unit-communes">14/14 — <a href="/cong-bo/2021/huyen/065/"' in page


def test_history_over_the_published_years_with_the_change_from_the_year_before(client, published, world, persona):
    _year_2022(world, persona, {"STP": {"index": "99.75", "rank": 5}, "SYT": {"index": "98.00", "rank": 19}})
    stp = client.get("/cong-bo/2022/don-vi/STP/").content.decode()
    row = stp[stp.index('<tr id="nam-2022">'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num index">99,75</td>' in row
    assert '<span class="change up">+1,25</span>' in row                  # 99.75 − 98.50
    assert "↑ 14 bậc" in row                                             # 19 → 5
    first = stp[stp.index('<tr id="nam-2021">'):]
    assert '<td class="num index-change">—</td>' in first[:first.index("</tr>")]
    syt = client.get("/cong-bo/2022/don-vi/SYT/").content.decode()
    row = syt[syt.index('<tr id="nam-2022">'):]
    row = row[:row.index("</tr>")]
    assert '<span class="change down">-1,50</span>' in row and "↓ 1 bậc" in row


# -- the files -------------------------------------------------------------------------------------------------

def test_the_xlsx_has_a_sheet_per_group_in_the_decisions_layout(client, published):
    response = client.get(YEAR + "ket-qua.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="chi-so-cchc-2021-lan-1.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Sở, ban, ngành", "UBND cấp huyện"]
    ws = wb["Sở, ban, ngành"]
    assert ws["A1"].value == "Kết quả Chỉ số CCHC năm 2021 của các sở, ban, ngành"
    assert ws["A2"].value == "(Kèm theo Quyết định số 12/QĐ-UBND ngày 15/02/2022 của UBND tỉnh)"
    assert [c.value for c in ws[4]] == ["STT", "Đơn vị", "Điểm tự đánh giá", "Điểm điều tra XHH", "Tổng điểm/Chỉ số",
                                        "Xếp loại", "Xếp hạng", "Ghi chú"]
    last = [c.value for c in ws[4 + 19]]
    assert last[:7] == [19, "Sở Tư pháp", Decimal("72.5"), Decimal("26"), Decimal("98.5"), "Xuất sắc", 19]
    assert ws.max_row == 4 + 19
    districts = wb["UBND cấp huyện"]
    assert districts["A1"].value == "Kết quả Chỉ số CCHC năm 2021 của UBND cấp huyện"
    assert any("Số xã đạt loại của huyện: 14/14" in (row[7] or "")
               for row in districts.iter_rows(min_row=5, values_only=True))


def test_the_csv_is_utf8_with_a_bom_one_row_per_unit(client, corrected):
    response = client.get(YEAR + "ket-qua.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Nhóm", "STT", "Mã", "Đơn vị"]
    assert len(rows) == 1 + 19 + 8
    by_code = {r[2]: r for r in rows[1:]}
    assert by_code["STP"][4:10] == ["72.5", "26", "98.5", "98.50", "Xuất sắc", "18"]   # SYT left the ranking
    assert by_code["SYT"][8] == "Không đánh giá năm nay" and "Sáp nhập vào Sở Khoa học" in by_code["SYT"][11]
    assert by_code["065"][0] == "UBND cấp huyện" and by_code["065"][10] == "14/14"


def test_the_pdf_report_reads_back_with_the_tables_and_the_chart(client, published, tmp_path):
    response = client.get(YEAR + "ket-qua.pdf")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "BÁO CÁO" in text and "Kết quả Chỉ số CCHC năm 2021" in text
    assert "Theo Quyết định số 12/QĐ-UBND ngày 15/02/2022" in text
    assert "1. Kết quả của các sở, ban, ngành" in text and "2. Kết quả của UBND cấp huyện" in text
    stp = next(line for line in text.splitlines() if "Sở Tư pháp" in line)
    assert stp.split()[0] == "19" and "72,5" in stp and "98,50" in stp and stp.split()[-1] == "19"
    assert "Số xã đạt loại" in text and "14/14" in text
    assert "Số đơn vị theo xếp loại" in text
    chart = [line.split() for line in text.splitlines() if line.startswith("Xuất sắc")]
    assert ["Xuất", "sắc", "19"] in chart                               # the bar's label and count (the SVG)


# -- the summary over the years ----------------------------------------------------------------------------------

def test_the_summary_has_every_published_year_per_unit_and_its_xlsx(client, published, world, persona):
    _year_2022(world, persona, {"STP": {"index": "99.75", "rank": 5, "class_label": "Xuất sắc"}})
    page = client.get("/cong-bo/tong-hop/").content.decode()
    row = page[page.index('<tr id="th-STP">'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num y2021 index">98,50</td>' in row and '<td class="num y2021 rank">19</td>' in row
    assert '<td class="num y2022 index">99,75</td>' in row and '<td class="num y2022 rank">5</td>' in row
    assert 'href="/cong-bo/2022/don-vi/STP/"' in row                    # its newest year's page
    assert 'href="/cong-bo/tong-hop/"' in client.get("/cong-bo/").content.decode()
    wb = load_workbook(io.BytesIO(client.get("/cong-bo/tong-hop.xlsx").content))
    ws = wb["Sở, ban, ngành"]
    assert [c.value for c in ws[3]][:5] == ["STT", "Đơn vị", "Chỉ số 2021", "Xếp loại 2021", "Xếp hạng 2021"]
    stp = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] == "Sở Tư pháp")
    assert stp[2:] == (Decimal("98.5"), "Xuất sắc", 19, Decimal("99.75"), "Xuất sắc", 5)


def test_the_summary_uses_each_years_newest_version(client, corrected):
    page = client.get("/cong-bo/tong-hop/").content.decode()
    row = page[page.index('<tr id="th-SYT">'):]
    assert '<td class="num y2021 rank">—</td>' in row[:row.index("</tr>")]


def test_a_long_group_is_shown_page_by_page_and_the_files_hold_every_unit(client, published, monkeypatch):
    """At national scale a group has 1,700 departments: the year page shows GROUP_PAGE of them at a time."""
    from parindex.publication import views_public
    monkeypatch.setattr(views_public, "GROUP_PAGE", 5)
    first = client.get(YEAR).content.decode()
    table = first[first.index('id="bang-department"'):first.index('id="bang-district"')]
    assert table.count('<tr id="dv-') == 5 and "trang-department=2" in first
    last = client.get(YEAR + "?trang-department=4").content.decode()
    assert '<tr id="dv-STP"><td class="num rank">19</td>' in last      # 19th of 19, on the 4th page
    assert client.get(YEAR + "?trang-department=abc").status_code == 200   # a bad number: the nearest page
    rows = list(csv.reader(io.StringIO(client.get(YEAR + "ket-qua.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 19 + 8


def test_a_unit_that_succeeds_merged_ones_shows_their_published_years(client, published, world, persona):
    """Issue 12 §1: a unit of a new period may name the units it succeeded; its page shows their published results
    (each under its own name, never added to its own)."""
    from parindex.units.models import PeriodUnit

    period = create_period(2022, actor=persona("snv.dieuphoi"))
    content = copy.deepcopy(province.published(world).content)
    content["year"] = 2022
    for group in content["groups"].values():  # Sở Thông tin và Truyền thông merged into Sở KH&CN
        group["units"] = [dict(u, predecessors=["STTTT"]) if u["code"] == "SKHCN" else u
                          for u in group["units"] if u["code"] != "STTTT"]
    Publication.objects.create(period=period, scope=province.SCOPE, version=1, published_at=timezone.now(),
                               published_by=persona("snv.dieuphoi"), content=content)
    page = client.get("/cong-bo/2022/don-vi/SKHCN/").content.decode()
    assert "Kết quả của các đơn vị trước sáp nhập" in page
    table = page[page.index('id="truoc-stttt"'):]
    assert "<h3>Sở Thông tin và Truyền thông</h3>" in page
    assert 'href="/cong-bo/2021/don-vi/STTTT/">2021</a>' in table[:600]
    assert client.get("/cong-bo/2022/don-vi/STP/").content.decode().count("trước sáp nhập") == 0
    # the province's results carry the predecessors named in the unit list
    PeriodUnit.objects.filter(period=world, code="SKHCN").update(predecessors=["dept:STTTT"])
    rows = {u["code"]: u for u in province.province_results(world)["groups"]["department"]["units"]}
    assert rows["SKHCN"]["predecessors"] == ["STTTT"] and "predecessors" not in rows["STP"]
