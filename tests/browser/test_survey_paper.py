"""In a real browser (issue 10 §2): a surveyor types a paper form, a second surveyor types it with one answer
different, a third settles the mismatch from the paper; the coordinator imports a file and reads the rates."""

import csv

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from parindex.accounts.models import Role, RoleAssignment
from parindex.core.demo import DEMO_PASSWORD
from parindex.survey import paper
from parindex.survey.models import PaperForm, Response
from parindex.survey.services import design_of
from parindex.units.models import PeriodUnit
from tests.browser.test_self_assessment import log_in, log_out

pytestmark = pytest.mark.browser
DAY = "15/11/2026"


def surveyor(username):
    user = get_user_model().objects.create_user(username=username, password=DEMO_PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.SURVEYOR)
    return user


def type_form(page, base, serial, group, first_key):
    page.goto(f"{base}/ky/2021/dieu-tra/phieu-giay/nhap/")
    page.get_by_label("Số phiếu").fill(serial)
    page.get_by_label("Số phiếu").press("Enter")
    expect(page.locator("h2")).to_contain_text(serial)
    page.get_by_label("Ngày nhận phiếu").fill(DAY)
    page.get_by_label("Ngày nhận phiếu").press("Enter")  # Enter moves on (entry.js)
    for n, _q in enumerate(group.questions):
        page.keyboard.type(first_key if n == 0 else "1")
        page.keyboard.press("Enter")
    expect(page.locator(".messages, .msg").first).to_be_visible()


def test_double_entry_with_a_mismatch_settled_then_an_import_and_the_rates(live_server, page, world, unanswered,
                                                                           persona, tmp_path, screenshot):
    survey = unanswered
    design = design_of(survey)
    group = next(g for g in design.groups if "paper" in g.modes)
    unit = PeriodUnit.objects.filter(period=world, kind=group.evaluates).order_by("code").first()
    serial = paper.issue_forms(survey, group.code, unit, 1, actor=persona("snv.dieuphoi"), design=design)[0]
    surveyor("khaosat2")
    surveyor("khaosat3")
    base = live_server.url

    log_in(page, base, "khaosat")
    type_form(page, base, serial, group, "1")
    log_out(page)
    log_in(page, base, "khaosat2")
    type_form(page, base, serial, group, "9")
    expect(page.get_by_text("không khớp").first).to_be_visible()
    log_out(page)
    assert PaperForm.objects.get(serial=serial).status == PaperForm.Status.MISMATCH

    log_in(page, base, "khaosat3")
    page.goto(f"{base}/ky/2021/dieu-tra/phieu-giay/doi-chieu/")
    page.get_by_role("link", name="Đối chiếu", exact=True).click()
    expect(page.locator("h1")).to_contain_text(serial)
    screenshot(page, "survey-paper-resolve")
    page.locator(f"#q-{group.questions[0].code}").fill("1")
    page.get_by_label("Lý do").fill("Phiếu gốc đánh dấu ô 1")
    page.get_by_role("button", name="Lưu câu trả lời đúng, tính phiếu").click()
    expect(page.get_by_text("đã được đối chiếu và tính")).to_be_visible()
    log_out(page)
    assert PaperForm.objects.get(serial=serial).status == PaperForm.Status.COUNTED

    path = tmp_path / "kobo.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Đơn vị", "Ngày", *[q.code for q in group.questions]])
        writer.writerow([unit.name, DAY, *["2" for _q in group.questions]])
        writer.writerow([unit.code, "16/11/2026", *["kb" for _q in group.questions]])
    log_in(page, base, "snv.dieuphoi")
    page.goto(f"{base}/ky/2021/dieu-tra/nhap-tep/")
    page.get_by_label("Tệp phiếu").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên, chọn cột").click()
    page.get_by_label("Nhóm đối tượng của tệp").select_option(group.code)
    page.get_by_role("button", name="Đổi nhóm").click()
    page.get_by_role("button", name="Kiểm tra và nhập toàn bộ").click()
    expect(page.get_by_text("Đã nhập 2 phiếu")).to_be_visible()
    page.goto(f"{base}/ky/2021/dieu-tra/tien-do/?loai={group.evaluates}")
    row = page.locator("table.monitor tbody tr", has_text=unit.name).first
    expect(row).to_contain_text("1 / 2")  # online / paper / file: 0 / 1 / 2
    screenshot(page, "survey-monitor")
    assert Response.objects.filter(survey=survey, unit=unit).count() == 3
