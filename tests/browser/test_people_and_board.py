"""End to end: the demo personas log in through the real form, see their «Việc cần làm», and
the status board filters and scopes units as the permissions say.

The world (tests/conftest.py) is built at a fixed NOW while the live server runs on the real
clock, so the time left before a deadline is checked by its shape, never its exact words.
"""

import re

import pytest
from playwright.sync_api import expect

from parindex.core.demo import DEMO_PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"
BOARD_PROVINCE = "/ky/2021/bang-theo-doi/tinh/"
BOARD_COMMUNE = "/ky/2021/bang-theo-doi/xa/"
# Django's AuthenticationForm "invalid_login" message, as Django's own Vietnamese catalogue reads it.
INVALID_LOGIN = re.compile(r"Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác")
TIME_LEFT = re.compile(r"\((còn|quá hạn) \d+ (ngày|giờ|phút)")


def submit_login(page, base_url, username, password):
    """Fill the login form as a person would, and send it."""
    page.goto(base_url + LOGIN)
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def log_in(page, base_url, username):
    submit_login(page, base_url, username, DEMO_PASSWORD)
    expect(page.locator("h1")).to_have_text("Việc cần làm")


def column(page, index):
    return page.locator(f"tr.unit-row > td:nth-child({index})")


def test_coordinator_logs_in_through_the_form_sees_todos_and_logs_out(live_server, page, world):
    submit_login(page, live_server.url, "snv.dieuphoi", DEMO_PASSWORD)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("Việc cần làm")
    expect(page.locator("header.site .who")).to_have_text("Điều phối viên Sở Nội vụ")
    todos = page.locator(".todo-item")
    expect(todos.first).to_be_visible()
    expect(todos.first).to_contain_text("Theo dõi sở, ban, ngành và cấp huyện")
    expect(page.get_by_role("navigation").get_by_role("link", name="Việc cần làm")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/bo-tieu-chi/$"))
    expect(page.locator("h1")).to_have_text("Bộ tiêu chí xác định Chỉ số CCHC")
    expect(page.locator("header.site .account").get_by_role("link", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)

    # the home link now leads the public to the criteria, with no to-dos and no «Việc cần làm»
    page.locator("header.site .brand").click()
    expect(page).to_have_url(re.compile(r"/bo-tieu-chi/$"))
    expect(page.locator(".todo-item")).to_have_count(0)
    expect(page.get_by_role("link", name="Việc cần làm")).to_have_count(0)


def test_wrong_password_shows_the_error_in_vietnamese_and_stays_on_the_login_form(live_server, page, world):
    submit_login(page, live_server.url, "snv.dieuphoi", DEMO_PASSWORD + "-sai")
    expect(page).to_have_url(live_server.url + LOGIN)
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    expect(page.locator("form.stack .errors[role=alert]")).to_have_text(INVALID_LOGIN)
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("snv.dieuphoi")
    expect(page.get_by_label("Mật khẩu")).to_have_value("")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_five_failed_logins_lock_the_account_even_against_the_right_password(live_server, page, world):
    for _attempt in range(4):
        submit_login(page, live_server.url, "hoamuc.canbo", "khong-dung")
        expect(page.locator("h1")).to_have_text("Đăng nhập")
        expect(page.locator("form.stack .errors")).to_have_text(INVALID_LOGIN)
    submit_login(page, live_server.url, "hoamuc.canbo", "khong-dung")  # the fifth failure

    submit_login(page, live_server.url, "hoamuc.canbo", DEMO_PASSWORD)
    expect(page.locator("h1")).to_have_text("Tạm khoá đăng nhập")
    expect(page.get_by_role("alert")).to_contain_text("tạm thời bị khoá")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/bo-tieu-chi/$"))  # still anonymous

    # the lock is per username + address: another person from the same address still gets in
    log_in(page, live_server.url, "hoamuc.chutich")


@pytest.mark.parametrize(("username", "role", "text"), [
    ("snv.dieuphoi", "province", "Theo dõi sở, ban, ngành và cấp huyện"),
    ("chomoi.noivu", "district", "Huyện Chợ Mới"),
    ("stp.canbo", "unit", "Sở Tư pháp"),
    ("hoamuc.chutich", "unit", "Xã Hoà Mục"),
    ("stc.thamdinh", "appraiser", "Thẩm định kết quả tự đánh giá"),
    ("khaosat", "surveyor", "Nhập phiếu điều tra xã hội học"),
])
def test_each_role_sees_its_own_todos_on_the_home_page(live_server, page, world, username, role, text):
    log_in(page, live_server.url, username)
    items = page.locator(".todo-item")
    mine = page.locator(f'.todo-item[data-role="{role}"]')
    expect(mine.first).to_be_visible()
    expect(mine.filter(has_text=text).first).to_be_visible()
    # each demo persona holds one role, so every item on the page is of that role
    expect(items).to_have_count(mine.count())
    if role == "unit":
        expect(mine.first).to_contain_text(TIME_LEFT)
    if role == "unit" and username.endswith("chutich"):
        expect(mine.first).to_contain_text("Duyệt và nộp kết quả tự đánh giá")


def test_province_board_filters_by_state_and_commune_board_by_district(live_server, page, world):
    log_in(page, live_server.url, "snv.dieuphoi")
    page.goto(live_server.url + BOARD_PROVINCE)
    expect(page.locator("h1")).to_have_text("Bảng theo dõi sở, ban, ngành và cấp huyện")
    rows = page.locator("tr.unit-row")
    expect(rows).to_have_count(27)
    expect(column(page, 2).filter(has_text="Sở, ban, ngành")).to_have_count(19)
    expect(page.locator('.counts li[data-state="not_started"] strong')).to_have_text("27")
    expect(rows.first.locator("td.left")).to_have_text(re.compile(r"^(còn|quá hạn) \d+ (ngày|giờ|phút)"))

    page.locator('select[name="trang_thai"]').select_option(label="Chưa bắt đầu")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"[?&]trang_thai=not_started"))
    expect(page.locator('select[name="trang_thai"]')).to_have_value("not_started")
    expect(rows).to_have_count(27)
    expect(page.locator('tr.unit-row[data-state="not_started"]')).to_have_count(27)

    page.goto(live_server.url + BOARD_COMMUNE)
    expect(page.locator("h1")).to_have_text("Bảng theo dõi cấp xã")
    expect(rows).to_have_count(108)
    page.locator('select[name="huyen"]').select_option(label="Huyện Chợ Mới")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"[?&]huyen=065"))
    expect(rows).to_have_count(14)
    expect(column(page, 2)).to_have_text(["Huyện Chợ Mới"] * 14)
    expect(page.locator("tr.unit-row[data-code='02098']")).to_contain_text("Xã Hoà Mục")


def test_district_coordinator_sees_only_its_communes_and_not_another_districts(live_server, page, world):
    log_in(page, live_server.url, "chomoi.noivu")
    page.goto(live_server.url + BOARD_COMMUNE)
    expect(page.locator("tr.unit-row")).to_have_count(14)
    expect(column(page, 2)).to_have_text(["Huyện Chợ Mới"] * 14)
    expect(page.locator('select[name="huyen"] option')).to_have_text(["Tất cả", "Huyện Chợ Mới"])

    response = page.goto(live_server.url + "/ky/2021/don-vi/02158/")  # xã Kim Lư, Na Rì
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Kim Lư")

    response = page.goto(live_server.url + "/ky/2021/don-vi/02098/")  # xã Hoà Mục, Chợ Mới
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("Xã Hoà Mục")


def test_department_officer_reaches_its_own_card_but_not_another_department(live_server, page, world):
    log_in(page, live_server.url, "syt.canbo")
    response = page.goto(live_server.url + "/ky/2021/don-vi/STP/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Sở Tư pháp")

    response = page.goto(live_server.url + "/ky/2021/don-vi/SYT/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("Sở Y tế")
    expect(page.locator("#unit-deadline")).to_contain_text(re.compile(r"— (còn|quá hạn) \d+"))


def test_home_and_status_board_fit_a_phone_without_page_overflow(live_server, browser, world):
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server.url, "snv.dieuphoi")
        expect(page.locator(".todo-item").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 376

        for url, count in [(BOARD_PROVINCE, 27), (BOARD_COMMUNE, 108)]:
            page.goto(live_server.url + url)
            expect(page.locator("tr.unit-row")).to_have_count(count)
            assert page.evaluate("document.documentElement.scrollWidth") <= 376, url
            wrap = page.locator(".table-wrap")
            expect(wrap.locator("table.board")).to_have_count(1)
            expect(wrap).to_have_css("overflow-x", "auto")
            sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth, w.getBoundingClientRect().right]")
            assert sizes[2] <= 376, (url, sizes)
            if sizes[0] > sizes[1]:  # a wider table scrolls inside its wrapper, not the page
                wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
                assert wrap.evaluate("w => w.scrollLeft") > 0
                assert page.evaluate("document.documentElement.scrollWidth") <= 376, url
    finally:
        context.close()
