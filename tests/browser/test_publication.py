"""Published results can be found: by anyone from the header, and by a commune on its own home page."""

import re

from django.test import Client
from playwright.sync_api import expect

from tests.browser.test_every_page import sign_in, watch_errors
from tests.publication import conftest as publication_fixtures

# the publication fixtures (tests/publication/conftest.py), used here as they are
submit = publication_fixtures.submit
chomoi_team = publication_fixtures.chomoi_team
chomoi_finalized = publication_fixtures.chomoi_finalized

RESULTS = "/ky/2021/huyen/065/ket-qua-xa/"


def publish_in_the_browser(page, base):
    """The district's coordinator publishes from the results page, through the confirmation page."""
    page.goto(base + RESULTS)
    page.get_by_role("button", name="Công bố kết quả cấp xã").click()
    expect(page.locator("h1")).to_have_text("Công bố kết quả Chỉ số CCHC cấp xã — Huyện Chợ Mới")
    summary = page.locator("dl.summary")
    expect(summary).to_contain_text("Xuất sắc: 9 · Tốt: 2 · Khá: 2 · Trung bình: 1")
    expect(summary).to_contain_text("Thị trấn Đồng Tâm — hạng 1, chỉ số 100,00")
    expect(summary).to_contain_text("Xã Yên Hân — hạng 14, chỉ số 49,00")
    page.get_by_role("button", name="Công bố kết quả", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã công bố kết quả Chỉ số CCHC cấp xã của Huyện Chợ Mới (lần 1)")


def test_an_anonymous_visitor_finds_a_districts_results_from_the_header_in_three_clicks(
        live_server, browser, page, client, persona, chomoi_finalized):
    base = live_server.url
    sign_in(page, client, base, persona("chomoi.noivu"))
    publish_in_the_browser(page, base)

    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})  # a phone
    try:
        visitor = context.new_page()
        visitor.set_default_timeout(10_000)
        errors = watch_errors(visitor)
        visitor.goto(base + "/")
        expect(visitor.get_by_role("button", name="Đăng xuất")).to_have_count(0)
        visitor.locator("header.site details.menu summary").click()  # the phone's «Menu» (not a page)
        visitor.locator("header.site nav").get_by_role("link", name="Kết quả công bố").click()    # 1
        expect(visitor.locator("h1")).to_have_text("Kết quả công bố Chỉ số CCHC")
        visitor.get_by_role("link", name="Năm 2021").click()                                       # 2
        expect(visitor.locator("h1")).to_have_text("Kết quả công bố Chỉ số CCHC năm 2021")
        visitor.get_by_role("link", name="Huyện Chợ Mới").click()                                  # 3
        expect(visitor).to_have_url(re.compile(r"/cong-bo/2021/huyen/065/$"))
        expect(visitor.locator("article.published h1")).to_contain_text("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021")
        expect(visitor.locator("#ranking tbody tr")).to_have_count(14)
        expect(visitor.locator("#xa-02098 td.class")).to_have_text("Xuất sắc")
        # the face shows no hash; the details line holds it
        assert "SHA-256" not in visitor.locator("article.published").inner_text()
        expect(visitor.locator("details.technical p")).to_be_hidden()
        visitor.locator("details.technical summary").click()
        expect(visitor.locator("details.technical p")).to_be_visible()
        expect(visitor.locator("details.technical p")).to_contain_text("SHA-256")
        assert errors == []
    finally:
        context.close()


def test_a_commune_officer_sees_its_result_on_its_home_page_after_publication(
        live_server, browser, page, client, persona, chomoi_finalized):
    base = live_server.url
    officer = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    try:
        home = officer.new_page()
        home.set_default_timeout(10_000)
        sign_in(home, Client(), base, persona("hoamuc.canbo"))  # its own session, not the coordinator's
        home.goto(base + "/")
        expect(home.locator("#published-results")).to_have_count(0)

        sign_in(page, client, base, persona("chomoi.noivu"))
        publish_in_the_browser(page, base)

        home.reload()
        result = home.locator("#published-results")
        expect(result).to_contain_text("Đã công bố kết quả: Xã Hoà Mục đạt 99,5 điểm, chỉ số 99,50, "
                                       "xếp loại Xuất sắc, xếp hạng 3/14 trong huyện")
        result.get_by_role("link").click()
        expect(home.locator("#xa-02098 td.rank")).to_have_text("3")
    finally:
        officer.close()
