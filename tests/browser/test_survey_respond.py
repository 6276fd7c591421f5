"""A respondent answers the survey on a 390 px phone through his link, without JavaScript, and resumes later
(issue 10 §2 online; V.1.1.c of 1679/QĐ-UBND)."""

from playwright.sync_api import expect

from parindex.survey import collect, services
from parindex.survey.models import Invitation, Response
from tests.browser.test_every_page import watch_errors

PHONE = {"width": 390, "height": 844}


def phone(browser):
    context = browser.new_context(locale="vi-VN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def choose_all(page, nth):
    """The nth option (a big label: the tap lands on the text) of every question of the screen."""
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("label.option").nth(nth).click()


def test_a_respondent_answers_on_a_phone_and_resumes_later(live_server, browser, unanswered, persona, unit_of,
                                                          screenshot):
    survey = unanswered
    design = services.design_of(survey)
    token = collect.create_invitations(survey, "hdnd-so", unit_of("SYT"), 1, actor=persona("snv.dieuphoi"),
                                       design=design)[0].token
    total = len(design.group("hdnd-so").sections())
    link = f"{live_server.url}/phieu/{token}/"

    context, page = phone(browser)
    errors = watch_errors(page)
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Điều tra xã hội học")
    expect(page.get_by_role("link", name="Đăng nhập")).to_have_count(0)
    no_horizontal_scroll(page)
    page.get_by_role("link", name="Bắt đầu trả lời").click()
    expect(page.locator(".progress")).to_contain_text(f"Phần 1/{total}")
    no_horizontal_scroll(page)
    choose_all(page, 1)
    screenshot(page, "survey-respond-390-section-1")
    page.get_by_role("button", name="Lưu và tiếp").click()
    expect(page.locator(".progress")).to_contain_text(f"Phần 2/{total}")
    context.close()                                          # the phone is put away

    context, page = phone(browser)                           # later, a fresh browser with the same link
    page.goto(link)
    expect(page.locator(".msg.info")).to_contain_text("đã trả lời")
    page.get_by_role("link", name="Làm tiếp").click()                # where he stopped: part 2
    expect(page.locator(".progress")).to_contain_text(f"Phần 2/{total}")
    page.get_by_role("button", name="Quay lại").click()               # part 1 still has his answers
    expect(page.locator(".progress")).to_contain_text(f"Phần 1/{total}")
    questions = page.locator("fieldset.question")
    expect(page.locator("fieldset.question input:checked")).to_have_count(questions.count())
    expect(questions.first.locator("label.option").nth(1).locator("input")).to_be_checked()
    page.get_by_role("button", name="Lưu và tiếp").click()
    for n in range(2, total + 1):
        expect(page.locator(".progress")).to_contain_text(f"Phần {n}/{total}")
        choose_all(page, n % 4)
        no_horizontal_scroll(page)
        page.get_by_role("button", name="Lưu và tiếp").click()
    expect(page.locator("h1")).to_have_text("Xem lại và gửi phiếu")
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.locator("h1")).to_have_text("Cảm ơn ông/bà")
    screenshot(page, "survey-respond-390-thanks")
    context.close()
    assert Invitation.objects.get(token=token).completed_on is not None
    assert Response.objects.filter(survey=survey, group="hdnd-so", source="online").count() == 1
    assert errors == []
