"""The province's published results on a phone: a visitor sorts a table by a column, opens a unit's page and
downloads the results as Excel."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from parindex.core import clock
from parindex.publication.models import Publication
from tests.browser.test_every_page import OVERFLOW, PHONE, PROVINCE_PLAN, watch_errors
from tests.publication.province_world import province_content


def test_a_visitor_on_a_phone_sorts_the_ranking_opens_a_unit_and_downloads_the_xlsx(
        live_server, browser, world, persona):
    coordinator = persona("snv.dieuphoi")
    Publication.objects.create(period=world, scope="province", published_at=clock.now(), published_by=coordinator,
                               content=province_content(world, coordinator, PROVINCE_PLAN))
    context = browser.new_context(locale="vi-VN", viewport=PHONE, accept_downloads=True)
    try:
        visitor = context.new_page()
        visitor.set_default_timeout(10_000)
        errors = watch_errors(visitor)
        visitor.goto(live_server.url + "/cong-bo/2021/")
        table = visitor.locator("#bang-department")
        first_name = table.locator("tbody tr").first.locator("td.name")
        expect(first_name).to_have_text("Ban Dân tộc")                   # rank order (no JavaScript needed)
        expect(table.locator("tbody tr").last.locator("td.name")).to_have_text("Sở Tư pháp")

        index_header = table.locator("thead th").nth(4)
        index_header.get_by_role("button", name="Chỉ số").click()         # the lowest index first
        expect(index_header).to_have_attribute("aria-sort", "ascending")
        expect(first_name).to_have_text("Sở Tư pháp")
        expect(table.locator("tbody tr").nth(1).locator("td.name")).to_have_text("Sở Y tế")
        index_header.get_by_role("button", name="Chỉ số").click()         # and back
        expect(index_header).to_have_attribute("aria-sort", "descending")
        expect(table.locator("tbody tr").last.locator("td.name")).to_have_text("Sở Tư pháp")
        assert visitor.evaluate(OVERFLOW) <= PHONE["width"] + 1

        table.get_by_role("link", name="Sở Tư pháp").click()
        expect(visitor.locator("h1")).to_have_text("Sở Tư pháp: Chỉ số CCHC năm 2021")
        expect(visitor.locator("#unit-rank")).to_have_text("19/19 trong nhóm")
        expect(visitor.locator("#lv-a td.average")).to_have_text("12,89")
        assert visitor.evaluate(OVERFLOW) <= PHONE["width"] + 1

        visitor.go_back()
        with visitor.expect_download() as info:
            visitor.locator("#province-xlsx").click()
        download = info.value
        assert download.suggested_filename == "chi-so-cchc-2021-lan-1.xlsx"
        wb = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
        ws = wb["Sở, ban, ngành"]
        assert ws["A1"].value == "Kết quả Chỉ số CCHC năm 2021 của các sở, ban, ngành"
        assert [c.value for c in ws[4 + 19]][1:7] == ["Sở Tư pháp", 70.5, 26, 96.5, "Xuất sắc", 19]
        assert errors == []
    finally:
        context.close()
