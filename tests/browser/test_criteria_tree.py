"""End to end: the public criteria tree opens and its totals read 100."""

import re

from playwright.sync_api import expect


def test_criteria_tree_opens_and_totals_read_100(live_server, page, criteria_loaded):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/bo-tieu-chi/$"))
    expect(page.locator("h1")).to_have_text("Bộ tiêu chí xác định Chỉ số CCHC")
    expect(page.locator(".card td.total")).to_have_text(["100", "100", "100"])

    page.locator('[data-set="backan-2021-district"] h2 a').click()
    expect(page.locator("#total-max")).to_have_text("100")
    expect(page.locator("#self-max")).to_have_text("66")
    expect(page.locator("#survey-max")).to_have_text("34")

    item = page.locator("#item-a\\.1\\.1")
    expect(item).to_be_hidden()
    page.locator("#field-a > summary").click()
    criterion = page.locator("#criterion-a\\.1")
    expect(criterion).to_be_visible()
    criterion.locator("> summary").click()
    expect(item).to_be_visible()
    expect(item.locator(".badge.self")).to_have_text("Tự đánh giá")

    page.get_by_role("button", name="Mở tất cả").click()
    survey = page.locator('.item[data-method="survey"]')
    expect(survey.first).to_be_visible()
    expect(survey).to_have_count(34)
    expect(survey.first.locator(".badge.survey")).to_have_text("ĐTXHH")

    page.get_by_role("button", name="Thu gọn tất cả").click()
    expect(item).to_be_hidden()


def test_commune_tree_shows_directly_scored_criteria_and_no_survey(live_server, page, criteria_loaded):
    page.goto(live_server.url + "/bo-tieu-chi/backan-2021-commune/")
    expect(page.locator("#total-max")).to_have_text("100")
    page.locator("#field-e > summary").click()
    expect(page.locator("#field-e > .item")).to_have_count(2)
    expect(page.locator('.item[data-method="survey"]')).to_have_count(0)


def test_criteria_page_is_usable_on_a_phone(live_server, browser, criteria_loaded):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/bo-tieu-chi/backan-2021-department/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    page.locator("#field-h > summary").click()
    expect(page.locator("#criterion-h\\.1")).to_be_visible()
    context.close()
