"""In a real browser: a person clicks points and "Lưu" on many items as fast as the page lets them;
no answer is a 500, every item says it was saved, and every value is stored (docs/security.md)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from parindex.assessments.models import ItemScore
from tests.browser.test_self_assessment import HOA_MUC, as_typed, item, log_in, open_sheet

pytestmark = pytest.mark.browser
SAVED = re.compile(r"^Đã lưu lúc \d\d:\d\d:\d\d$")
ITEMS = 24


def test_quick_clicks_on_many_items_never_answer_500_and_lose_nothing(live_server, page, world,  # noqa: F811
                                                                     assessment_of):
    answers = []
    page.on("response", lambda r: answers.append(r.status) if "/tu-danh-gia/muc/" in r.url else None)
    log_in(page, live_server.url, "hoamuc.canbo")
    open_sheet(page, live_server.url + HOA_MUC)
    rows = [row for row in page.locator(".sheet-item:not(.survey)").all()
            if row.locator(".choices input[type=radio]").count()][:ITEMS]
    wanted = {}
    for row in rows:  # no waiting between items: each click starts a save while others are on their way
        code = row.get_attribute("data-code")
        maximum = as_typed(row.get_attribute("data-max"))
        row.locator('.choices input[type=radio][value="0"]').check()
        row.locator(f'.choices input[type=radio][value="{maximum}"]').check()
        row.locator("button.save").click()
        wanted[code] = Decimal(maximum.replace(",", "."))
    for code in wanted:
        expect(item(page, code).locator(".status")).to_have_text(SAVED)
    assert answers and 500 not in answers and set(answers) == {200}
    stored = dict(ItemScore.objects.filter(assessment=assessment_of("02098"), item_code__in=wanted)
                  .values_list("item_code", "points"))
    assert stored == wanted
