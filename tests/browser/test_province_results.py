"""The province's results in a real browser (issue 11 §5): the coordinator builds the draft, sees a blocking
unit, records it as not assessed, submits; the approver approves on a phone; the coordinator publishes; a
correction creates version 2."""

from django.test import Client
from playwright.sync_api import expect

from parindex.core import clock
from parindex.periods.models import Period
from parindex.publication import province
from parindex.publication.models import Publication
from tests.browser.test_every_page import sign_in, watch_errors
from tests.publication.province_world import AFTER_START

PAGE = "/ky/2021/ket-qua-tinh/"
PHONE = {"width": 390, "height": 844}


def test_draft_blocking_unit_submit_approve_publish_and_correct(live_server, browser, page, persona, ready):
    ready(skip=("SYT",))
    base = live_server.url
    errors = watch_errors(page)
    sign_in(page, Client(), base, persona("snv.dieuphoi"))
    page.goto(base + PAGE)
    expect(page.locator("#blocking h2")).to_have_text("1 đơn vị chưa đủ kết quả")
    expect(page.locator("#thieu-SYT")).to_contain_text("chưa chốt kết quả thẩm định")
    page.locator("#thieu-SYT summary").click()
    page.locator("#ly-do-SYT").fill("Sở Y tế sáp nhập trong năm, không đánh giá năm 2021")
    page.locator("#thieu-SYT").get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận Sở Y tế không đánh giá năm nay")
    expect(page.locator("#blocking")).to_have_count(0)
    expect(page.locator("#dv-SYT td.class")).to_have_text("Không đánh giá năm nay")

    page.locator("#submit").click()
    expect(page.locator("h1")).to_have_text("Trình UBND tỉnh kết quả Chỉ số CCHC năm 2021")
    page.get_by_role("button", name="Trình UBND tỉnh").click()
    expect(page.locator("#status")).to_have_text("Đã trình UBND tỉnh")

    context = browser.new_context(locale="vi-VN", viewport=PHONE)
    try:
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        phone_errors = watch_errors(phone)
        sign_in(phone, Client(), base, persona("ubnd.lanhdao"))
        phone.goto(base + PAGE)
        expect(phone.locator("#next-step")).to_contain_text("phê duyệt")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        phone.get_by_label("Số quyết định").fill("12/QĐ-UBND")
        phone.get_by_label("Ngày quyết định (ngày/tháng/năm)").fill("15/02/2022")
        phone.get_by_role("button", name="Phê duyệt kết quả").click()
        expect(phone.locator("#status")).to_have_text("UBND tỉnh đã phê duyệt")
        expect(phone.locator("#decision")).to_have_text("Số 12/QĐ-UBND ngày 15/02/2022")
        assert phone_errors == []
    finally:
        context.close()

    clock.freeze(AFTER_START)     # V.5's window
    page.goto(base + PAGE)
    page.locator("#publish").click()
    page.get_by_role("button", name="Công bố kết quả", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã công bố kết quả Chỉ số CCHC năm 2021 (lần 1)")
    expect(page.locator("#history #lan-1")).to_be_visible()

    page.locator("#correct").click()
    page.get_by_label("Lý do đính chính (bắt buộc)").fill("Sửa điểm điều tra của Sở Tư pháp")
    page.get_by_role("button", name="Mở lại để đính chính").click()
    expect(page.locator("#correcting")).to_contain_text("Sửa điểm điều tra của Sở Tư pháp")
    page.locator("#submit").click()
    page.get_by_role("button", name="Trình UBND tỉnh").click()
    province.approve(Period.objects.get(year=2021), "20/QĐ-UBND", "20/02/2022", actor=persona("ubnd.lanhdao"))
    page.goto(base + PAGE)
    page.locator("#publish").click()
    page.get_by_role("button", name="Công bố kết quả", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("(lần 2)")
    expect(page.locator("#history #lan-2")).to_contain_text("Sửa điểm điều tra của Sở Tư pháp")
    assert Publication.objects.filter(scope="province").count() == 2
    assert errors == []
