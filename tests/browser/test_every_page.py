"""Every page of the system, in a real browser, for a person allowed to see it.

Each page must answer 200, show its one h1, raise no JavaScript error (nor log one to the console),
fit a 390 px phone screen without horizontal scrolling, and give every visible form field an
accessible name (an associated <label>, aria-label or aria-labelledby). On the phone, the site's
header is one row and no table cell (nor dt, dd) is narrower than its longest word (a table too
wide scrolls inside its own box). Each page is photographed at 1280 px and 390 px into var/screenshots/
(tests/browser/conftest.py) for a person to look at.

The state is built through the services, as the people would have left it: Xã Hoà Mục (02098) filled,
with a document in its library linked to a.1.1, approved and submitted; Chợ Mới's team has started
its appraisal and appraised a.1.1 (lower than the self-score, with a comment), so the appraisal,
minutes and explanation pages have content; Chợ Mới's current ranking is stored as a publication.
The clock is frozen at NOW (tests/conftest.py).
"""

from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from parindex.appraisal import services
from parindex.assessments import services as assessment_services
from parindex.core import clock
from parindex.publication import services as publication
from parindex.publication.models import Publication
from parindex.units.models import PeriodUnit
from tests.appraisal import conftest as appraisal_fixtures
from tests.conftest import BEFORE_DEADLINE
from tests.publication.province_world import province_content

# the appraisal fixtures (tests/appraisal/conftest.py), used here as they are
submit = appraisal_fixtures.submit
chomoi_team = appraisal_fixtures.chomoi_team

PHONE = {"width": 390, "height": 844}
PROVINCE_PLAN = {"STP": {"a.1.2": "0", "b.1.1": "0"}, "SYT": {"a.1.2": "1"}}  # a spread of points and ranks
HOA_MUC = "/ky/2021/don-vi/02098/"
SHEET = HOA_MUC + "tu-danh-gia/"
APPRAISAL = "/ky/2021/tham-dinh/"

# path, persona (None: anonymous), the h1 it shows (a part of it)
PAGES = [
    ("/bo-tieu-chi/", None, "Bộ tiêu chí xác định Chỉ số CCHC"),
    ("/bo-tieu-chi/backan-2021-commune/", None, "(2021)"),
    ("/tai-khoan/dang-nhap/", None, "Đăng nhập"),
    ("/tai-khoan/mat-khau/quen/", None, "Quên mật khẩu"),
    ("/", "snv.dieuphoi", "Việc cần làm"),
    ("/", "hoamuc.canbo", "Việc cần làm"),
    ("/", "chomoi.noivu", "Việc cần làm"),
    ("/", "chomoi.thamdinh", "Việc cần làm"),
    ("/ky/", "snv.dieuphoi", "Kỳ đánh giá"),
    ("/ky/2021/", "snv.dieuphoi", "2021"),
    ("/ky/2021/moc-thoi-gian/", "snv.dieuphoi", "Sửa mốc thời gian"),
    ("/ky/2021/danh-sach-don-vi/", "snv.dieuphoi", "Danh sách đơn vị kỳ 2021"),
    ("/ky/2021/bang-theo-doi/tinh/", "snv.dieuphoi", "Bảng theo dõi sở, ban, ngành và cấp huyện"),
    ("/ky/2021/bang-theo-doi/xa/", "snv.dieuphoi", "Bảng theo dõi cấp xã"),
    ("/ky/2021/tong-hop-xa/", "snv.dieuphoi", "Kết quả cấp xã theo huyện"),
    (HOA_MUC, "chomoi.noivu", "Xã Hoà Mục"),
    (HOA_MUC + "gia-han/", "chomoi.noivu", "Gia hạn"),
    (SHEET, "hoamuc.canbo", "Tự đánh giá, chấm điểm"),
    (SHEET + "tai-lieu/", "hoamuc.canbo", "Thư viện tài liệu kiểm chứng"),
    (SHEET + "thanh-phan/", "hoamuc.canbo", "Thành phần tham gia tự đánh giá"),
    (SHEET + "bao-cao/", "hoamuc.canbo", "BÁO CÁO"),
    (SHEET + "excel/nhap/", "hoamuc.canbo", "Nhập điểm từ Excel"),
    ("/tai-khoan/mat-khau/doi/", "hoamuc.canbo", "Đổi mật khẩu"),
    (APPRAISAL, "chomoi.thamdinh", "Đơn vị cần thẩm định (2021)"),
    (APPRAISAL + "02098/", "chomoi.thamdinh", "Thẩm định: "),
    (APPRAISAL + "02098/bien-ban/", "chomoi.thamdinh", "BIÊN BẢN THẨM ĐỊNH"),
    (APPRAISAL + "02098/chot/", "chomoi.thamdinh", "Chốt kết quả thẩm định"),
    (APPRAISAL + "to/", "chomoi.noivu", "Tổ thẩm định và phân công thẩm định"),
    (HOA_MUC + "giai-trinh/", "hoamuc.canbo", "Giải trình ý kiến thẩm định"),
    ("/ky/2021/huyen/065/ket-qua-xa/", "chomoi.noivu", "Chỉ số CCHC năm 2021 của UBND cấp xã"),
    ("/ky/2021/huyen/065/ket-qua-xa/cong-bo/", "chomoi.noivu", "Đính chính kết quả Chỉ số CCHC cấp xã"),
    ("/cong-bo/", None, "Kết quả công bố Chỉ số CCHC"),
    ("/cong-bo/2021/", None, "Kết quả công bố Chỉ số CCHC năm 2021"),
    ("/cong-bo/2021/huyen/065/", None, "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021"),
    # issue 11 §3: the province's published results (the year page above shows them too)
    ("/cong-bo/2021/don-vi/STP/", None, "Sở Tư pháp: Chỉ số CCHC năm 2021"),
    ("/cong-bo/2021/don-vi/065/", None, "Huyện Chợ Mới: Chỉ số CCHC năm 2021"),
    ("/cong-bo/2021/", "stp.canbo", "Kết quả công bố Chỉ số CCHC năm 2021"),
    ("/cong-bo/tong-hop/", None, "Tổng hợp Chỉ số CCHC qua các năm"),

    # issue 8 (flow): confirmation pages, people and roles, a new period
    ("/ky/2021/don-vi/STP/tu-danh-gia/trinh/", "stp.canbo", "Trình thủ trưởng duyệt"),
    ("/tai-khoan/nguoi-dung/", "snv.dieuphoi", "Người dùng và vai trò"),
    ("/ky/tao/", "snv.dieuphoi", "Tạo kỳ đánh giá"),

    # issue 10 §1: the survey's design (the demo's, open)
    ("/ky/2021/dieu-tra/", "snv.dieuphoi", "Điều tra xã hội học 2021"),
    ("/ky/2021/dieu-tra/", "khaosat", "Điều tra xã hội học 2021"),
    ("/ky/2021/dieu-tra/thiet-ke/", "snv.dieuphoi", "Nhóm đối tượng và bảng hỏi"),
    ("/ky/2021/dieu-tra/thiet-ke/nhom/lanhdao-xa/", "khaosat", "Lãnh đạo UBND cấp xã"),
    ("/ky/2021/dieu-tra/tieu-chi-chua-hoi/", "snv.dieuphoi", "Tiêu chí điều tra chưa có câu hỏi"),
    ("/ky/2021/dieu-tra/co-mau/", "snv.dieuphoi", "Kế hoạch cỡ mẫu"),
    ("/ky/2021/dieu-tra/co-mau/?loai=district", "snv.dieuphoi", "Kế hoạch cỡ mẫu"),
    ("/ky/2021/dieu-tra/thiet-ke/sua/", "snv.dieuphoi", "Sửa thiết kế điều tra"),
    ("/ky/2021/dieu-tra/mo/", "snv.dieuphoi", "Mở đợt thu phiếu"),
    # -- survey: paper (issue 10 §2)
    ("/ky/2021/dieu-tra/phieu-giay/nhap/", "khaosat", "Nhập phiếu giấy"),
    ("/ky/2021/dieu-tra/phieu-giay/doi-chieu/", "khaosat", "Phiếu cần đối chiếu"),
    ("/ky/2021/dieu-tra/phieu-giay/phat-hanh/", "snv.dieuphoi", "Phát hành phiếu giấy"),
    ("/ky/2021/dieu-tra/nhap-tep/", "snv.dieuphoi", "Nhập phiếu từ tệp"),
    ("/ky/2021/dieu-tra/tien-do/", "snv.dieuphoi", "Tiến độ thu phiếu"),
    ("/ky/2021/dieu-tra/tien-do/?loai=district", "khaosat", "Tiến độ thu phiếu"),
    # issue 11 §1–2: the province's results (the draft, blocked: nothing is finalized in the world)
    ("/ky/2021/ket-qua-tinh/", "snv.dieuphoi", "Kết quả Chỉ số CCHC năm 2021 của sở, ban, ngành"),
    ("/ky/2021/ket-qua-tinh/", "ubnd.lanhdao", "Kết quả Chỉ số CCHC năm 2021 của sở, ban, ngành"),
    ("/ky/2021/ket-qua-tinh/trinh/", "snv.dieuphoi", "Trình UBND tỉnh kết quả Chỉ số CCHC năm 2021"),
]

# Visible form fields with no accessible name: their opening tags (at most 160 characters each).
UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea")).filter(el => {
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (["hidden", "submit", "button", "reset", "image"].includes(type)) return false;
    const style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === "hidden" || style.display === "none") return false;
    const named = (attr) => (el.getAttribute(attr) || "").trim() !== "";
    const labelled = named("aria-labelledby") && el.getAttribute("aria-labelledby").trim().split(/\\s+/)
        .every(id => document.getElementById(id) && document.getElementById(id).textContent.trim());
    const byLabel = Array.from(el.labels || []).some(l => l.textContent.trim() || l.querySelector("img[alt]"));
    return !(byLabel || named("aria-label") || labelled);
}).map(el => el.outerHTML.slice(0, 160))"""
OVERFLOW = "() => document.documentElement.scrollWidth"
HEADER_HEIGHT = "() => document.querySelector('header.site').getBoundingClientRect().height"
MAX_HEADER = 64  # one row on a phone: the brand and the «Menu» button

# Table cells (td, th) and definition terms and details (dt, dd: the facts beside the tables)
# narrower than the longest word of their text: each word measured with its
# own element's font (canvas measureText), against the cell's width minus its padding, 1 px allowed.
# A word ends at a space or after a hyphen, where browsers break lines anyway («15/KH-|UBND»).
NARROW_CELLS = """() => {
    const ctx = document.createElement("canvas").getContext("2d");
    const found = [];
    for (const cell of document.querySelectorAll("td, th, dt, dd")) {
        if (!cell.getClientRects().length) continue;
        const cs = getComputedStyle(cell);
        const room = cell.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const owner = node.parentElement;
            if (!owner.getClientRects().length) continue;
            const style = getComputedStyle(owner);
            ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            ctx.letterSpacing = style.letterSpacing === "normal" ? "0px" : style.letterSpacing;
            for (const raw of node.data.split(/\\s+|(?<=-)/)) {
                if (!raw) continue;
                const word = style.textTransform === "uppercase" ? raw.toUpperCase() : raw;
                const width = ctx.measureText(word).width;
                if (width > room + 1) {
                    found.push(`«${word}» ${Math.ceil(width)} px in a ${Math.floor(room)} px cell: ` +
                               `«${cell.innerText.trim().replace(/\\s+/g, " ").slice(0, 60)}»`);
                }
            }
        }
    }
    return found;
}"""


@pytest.fixture
def hoa_muc(assessment_of, persona, submit, chomoi_team):
    """Hoà Mục submitted with a document in its library; its appraisal started, a.1.1 appraised."""
    officer = persona("hoamuc.canbo")
    assessment = assessment_of("02098")
    document = assessment_services.add_document(
        assessment, number="15/KH-UBND", issued_on=date(2021, 1, 12), issuer="UBND xã Hoà Mục",
        summary="Kế hoạch cải cách hành chính năm 2021", actor=officer, at=BEFORE_DEADLINE)
    assessment_services.link_evidence(assessment, "a.1.1", document, "Mục II, trang 2", actor=officer,
                                      at=BEFORE_DEADLINE)
    appraisal = services.get_or_start(submit(assessment, "hoamuc.canbo", "hoamuc.chutich"))
    services.appraise(appraisal, "a.1.1", "0", "Kế hoạch ban hành sau thời hạn", actor=persona("chomoi.thamdinh"))
    # Chợ Mới's publication, frozen from the ranking as it stands (so the public pages and the correction's
    # confirmation page have content; publishing itself is proved in tests/publication)
    district = PeriodUnit.objects.get(period=appraisal.assessment.period_unit.period, code="065")
    Publication.objects.create(period=district.period, scope="district:065", published_at=clock.now(),
                               published_by=persona("chomoi.noivu"), content=publication.commune_results(district))
    # the province's results published (issue 11 §3's public pages), written directly from the content the
    # province's steps would publish (tests/publication/province_world.py)
    Publication.objects.create(period=district.period, scope="province", published_at=clock.now(),
                               published_by=persona("snv.dieuphoi"),
                               content=province_content(district.period, persona("snv.dieuphoi"), PROVINCE_PLAN))
    return appraisal


def sign_in(page, client, base_url, user):
    """The browser carries the session of ``user`` (logged in through Django's test client)."""
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def watch_errors(page):
    """JavaScript exceptions and console errors, but not the browser asking for a missing favicon."""
    errors = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_console(msg):
        if msg.type == "error" and "favicon" not in (msg.location or {}).get("url", "") + msg.text:
            errors.append(f"console: {msg.text} ({(msg.location or {}).get('url', '')})")
    page.on("console", on_console)
    return errors


@pytest.mark.parametrize(("path", "username", "h1"), PAGES, ids=[f"{p} [{u or 'anon'}]" for p, u, _ in PAGES])
def test_the_page_opens_cleanly_on_a_desktop_and_a_phone(live_server, page, client, persona, hoa_muc, screenshot,
                                                          path, username, h1):
    base = live_server.url
    if username:
        sign_in(page, client, base, persona(username))
    errors = watch_errors(page)

    response = page.goto(base + path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    assert page.url == base + path, f"{path} led to {page.url}"
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_contain_text(h1)
    page.wait_for_load_state("load")
    unlabelled = page.evaluate(UNLABELLED)
    name = f"{path.strip('/') or 'home'} {username or 'anon'}"
    screenshot(page, f"{name} 1280")

    page.set_viewport_size(PHONE)
    scroll_width = page.evaluate(OVERFLOW)
    unlabelled += [tag for tag in page.evaluate(UNLABELLED) if tag not in unlabelled]
    narrow_cells = page.evaluate(NARROW_CELLS)
    header_height = page.evaluate(HEADER_HEIGHT)
    screenshot(page, f"{name} 390")

    assert errors == [], f"{path}: JavaScript errors"
    assert unlabelled == [], f"{path}: form fields without an accessible name"
    assert scroll_width <= PHONE["width"] + 1, f"{path}: {scroll_width} px wide on a {PHONE['width']} px phone"
    assert narrow_cells == [], f"{path}: cells (td, th, dt, dd) narrower than a word on a phone: {narrow_cells}"
    assert header_height <= MAX_HEADER, f"{path}: the header is {header_height} px tall on a phone"


def test_the_cell_check_finds_a_word_broken_across_lines(page):
    """The check above is not vacuous: a cell forced narrower than «Huyện» is reported."""
    page.set_content('<table style="width:60px"><tr><td style="overflow-wrap:anywhere">Huyện Chợ Mới</td>'
                     '<td>Ổn</td></tr></table>')
    found = page.evaluate(NARROW_CELLS)
    assert found and found[0].startswith("«Huyện»"), found
    page.set_content('<table><tr><td>Huyện Chợ Mới</td></tr></table>')
    assert page.evaluate(NARROW_CELLS) == []


def test_every_page_in_the_list_is_distinct_and_covers_the_appraisal_state(hoa_muc):
    """The list names each page once, and the state gives the appraisal pages something to show."""
    paths = [(path, username) for path, username, _ in PAGES]
    assert len(paths) == len(set(paths))
    row = hoa_muc.items.get(item_code="a.1.1")
    assert row.round1_points == 0 and row.round1_comment
    assert hoa_muc.assessment.evidence.count() == 1


@pytest.mark.parametrize(("path", "username", "status"), [("/khong-co-trang-nay/", None, 404),
                                                          ("/ky/2021/bang-theo-doi/tinh/", "hoamuc.canbo", 403)])
def test_the_error_pages_show_the_site_layout_on_a_desktop_and_a_phone(live_server, page, client, persona, world,
                                                                       screenshot, path, username, status):
    if username:
        sign_in(page, client, live_server.url, persona(username))
    errors = watch_errors(page)
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == status
    expect(page.locator("header.site .gov")).to_have_text("UBND TỈNH BẮC KẠN · SỞ NỘI VỤ")
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    screenshot(page, f"error {status} 1280")
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= PHONE["width"] + 1
    assert page.evaluate(HEADER_HEIGHT) <= MAX_HEADER
    screenshot(page, f"error {status} 390")
    assert [e for e in errors if path not in e] == []  # the console reports the page's own status


def test_on_a_phone_the_menu_opens_with_the_links_the_account_and_the_language(live_server, page, client, persona,
                                                                             world):
    sign_in(page, client, live_server.url, persona("snv.dieuphoi"))
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    header = page.locator("header.site")
    nav_link = header.get_by_role("link", name="Kỳ đánh giá")
    expect(nav_link).to_be_hidden()
    expect(header.locator(".brand")).to_contain_text("UBND tỉnh Bắc Kạn")

    header.get_by_text("Menu").click()
    expect(nav_link).to_be_visible()
    expect(header.get_by_role("button", name="Đăng xuất")).to_be_visible()
    expect(header.get_by_label("Ngôn ngữ")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= PHONE["width"] + 1
    page.keyboard.press("Escape")
    expect(nav_link).to_be_hidden()

    header.get_by_text("Menu").click()
    nav_link.click()
    expect(page.locator("h1")).to_have_text("Kỳ đánh giá")
    expect(nav_link).to_be_hidden()  # a new page opens with the menu closed

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(nav_link).to_be_visible()  # on a wide screen the links are in the header itself
    expect(header.get_by_text("Menu")).to_be_hidden()
