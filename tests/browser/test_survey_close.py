"""Issue 10 §3–4 in a browser: the coordinator resolves an item, closes the survey and reads the report."""

from playwright.sync_api import expect

from parindex.survey import results, services
from parindex.survey.models import Survey
from tests.browser.test_every_page import sign_in, watch_errors


def test_the_coordinator_resolves_closes_and_reads_the_report(live_server, page, client, persona, world):
    base = live_server.url
    errors = watch_errors(page)
    sign_in(page, client, base, persona("snv.dieuphoi"))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    survey = services.survey_of(world)
    pending = [(kind, pair) for kind, ks in results.current_scores(survey).items() for pair in ks.scores.unresolved]
    assert pending, "the demo's seed leaves items to resolve"
    for kind, _pair in pending:
        page.goto(f"{base}/ky/2021/dieu-tra/ket-qua/?loai={kind}")
        row = page.locator("li.unresolved").first
        row.locator("input[name=points]").fill("0,5")
        row.locator("textarea[name=reason]").fill("Không đủ phiếu hợp lệ; lấy mức trung bình")
        row.get_by_role("button", name="Ghi quyết định").click()
        expect(page.locator(".messages")).to_contain_text("Đã ghi quyết định điểm tiêu chí")
    page.get_by_role("link", name="Chốt kết quả điều tra XHH").click()
    expect(page.locator("h1")).to_contain_text("Chốt kết quả điều tra xã hội học 2021")
    page.get_by_role("button", name="Chốt kết quả điều tra").click()
    expect(page.locator(".messages")).to_contain_text("Đã chốt kết quả điều tra xã hội học")
    expect(page.locator("h1")).to_contain_text("Báo cáo xử lý số liệu điều tra xã hội học 2021")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.CLOSED
    # nothing overflows the phone's width except inside the table wrappers
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width
    assert not errors, errors
