"""Every page of the system, in a real browser, for a person allowed to see it.

Each page must answer 200, show its one h1, raise no JavaScript error (nor log one to the console),
fit a 390 px phone screen without horizontal scrolling, and give every visible form field an
accessible name (an associated <label>, aria-label or aria-labelledby).

The state is built through the services, as the people would have left it: Xã Hoà Mục (02098) filled,
with a document in its library linked to a.1.1, approved and submitted; Chợ Mới's team has started
its appraisal and appraised a.1.1 (lower than the self-score, with a comment), so the appraisal,
minutes and explanation pages have content. The clock is frozen at NOW (tests/conftest.py).
"""

from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from parindex.appraisal import services
from parindex.assessments import services as assessment_services
from tests.appraisal import conftest as appraisal_fixtures
from tests.conftest import BEFORE_DEADLINE

# the appraisal fixtures (tests/appraisal/conftest.py), used here as they are
submit = appraisal_fixtures.submit
chomoi_team = appraisal_fixtures.chomoi_team

PHONE = {"width": 390, "height": 844}
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
    ("/ky/", "snv.dieuphoi", "Kỳ đánh giá"),
    ("/ky/2021/", "snv.dieuphoi", "2021"),
    ("/ky/2021/moc-thoi-gian/", "snv.dieuphoi", "Sửa mốc thời gian"),
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


@pytest.fixture
def hoa_muc(assessment_of, persona, submit, chomoi_team):
    """Hoà Mục submitted with a document in its library; its appraisal started, a.1.1 appraised."""
    officer = persona("hoamuc.canbo")
    assessment = assessment_of("02098")
    document = assessment_services.add_document(
        assessment, number="15/KH-UBND", issued_on=date(2021, 1, 12), issuer="UBND xã Hòa Mục",
        summary="Kế hoạch cải cách hành chính năm 2021", actor=officer, at=BEFORE_DEADLINE)
    assessment_services.link_evidence(assessment, "a.1.1", document, "Mục II, trang 2", actor=officer,
                                      at=BEFORE_DEADLINE)
    appraisal = services.get_or_start(submit(assessment, "hoamuc.canbo", "hoamuc.chutich"))
    services.appraise(appraisal, "a.1.1", "0", "Kế hoạch ban hành sau thời hạn", actor=persona("chomoi.thamdinh"))
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
def test_the_page_opens_cleanly_on_a_desktop_and_a_phone(live_server, page, client, persona, hoa_muc,
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

    page.set_viewport_size(PHONE)
    scroll_width = page.evaluate(OVERFLOW)
    unlabelled += [tag for tag in page.evaluate(UNLABELLED) if tag not in unlabelled]

    assert errors == [], f"{path}: JavaScript errors"
    assert unlabelled == [], f"{path}: form fields without an accessible name"
    assert scroll_width <= PHONE["width"] + 1, f"{path}: {scroll_width} px wide on a {PHONE['width']} px phone"


def test_every_page_in_the_list_is_distinct_and_covers_the_appraisal_state(hoa_muc):
    """The list names each page once, and the state gives the appraisal pages something to show."""
    paths = [(path, username) for path, username, _ in PAGES]
    assert len(paths) == len(set(paths))
    row = hoa_muc.items.get(item_code="a.1.1")
    assert row.round1_points == 0 and row.round1_comment
    assert hoa_muc.assessment.evidence.count() == 1
