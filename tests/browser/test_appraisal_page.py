"""The appraisal page of a unit as a team member uses it (issue 8, section 2): a sticky progress bar
«đã thẩm định X/Y» updated after each save, and accepting the self-score of many items at once in
round 1 (each recorded on its own; III.3.2.b: an item with neither evidence nor explanation is not
offered). Finalizing through its confirmation page is walked in test_appraisal.py (``finalize``).
"""

import re

import pytest
from playwright.sync_api import expect

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal.models import Appraisal, ItemAppraisal, Team
from parindex.assessments import services as assessment_services
from parindex.audit.models import AuditEntry
from parindex.units.models import PeriodUnit, Unit
from tests.meeting import full_meeting

from .test_appraisal import HOA_MUC_PAGE, item, log_in, messages, save, saved


@pytest.fixture
def hoa_muc(world, persona, assessment_of, fill):
    """Xã Hoà Mục submitted, a.1.1 with neither evidence nor explanation; chomoi.thamdinh leads Chợ Mới's
    team with every agency; the appraisal not started."""
    lead = persona("chomoi.thamdinh")
    district = Unit.objects.get(key="gso:065")
    for agency in ("PTP", "VPHU", "PTCKH", "PVHTT"):
        grant_role(lead, Role.APPRAISER, actor=None, agency=agency, team_district=district)
    grant_role(lead, Role.APPRAISER, actor=None, agency="PNV", team_district=district, fields=[])
    Team.objects.create(period=world, district=PeriodUnit.objects.get(period=world, code="065"), lead=lead)
    assessment = fill(assessment_of("02098"), "hoamuc.canbo")
    assessment_services.set_participants(assessment, full_meeting(assessment), actor=persona("hoamuc.canbo"))
    assessment_services.send_for_approval(assessment, actor=persona("hoamuc.canbo"))
    assessment_services.approve_and_submit(assessment, actor=persona("hoamuc.chutich"))
    # a.1.1 as submitted with neither evidence nor explanation: submission now refuses that, so the
    # frozen copy is edited as a sheet submitted before the rule (as tests/appraisal/conftest.submit does)
    assessment.refresh_from_db()
    snapshot = assessment.snapshot
    snapshot["items"]["a.1.1"]["explanation"] = ""
    type(assessment).objects.filter(pk=assessment.pk).update(snapshot=snapshot)
    assessment.refresh_from_db()
    return assessment


def progress(page):
    return page.locator("#appraisal-progress")


def test_the_progress_bar_stays_in_sight_and_counts_each_save(live_server, page, hoa_muc):
    base = live_server.url
    log_in(page, base, "chomoi.thamdinh")
    page.goto(base + HOA_MUC_PAGE)
    expect(progress(page).locator(".label")).to_have_text("đã thẩm định 0/53")
    expect(page.get_by_role("button", name="Bắt đầu thẩm định")).to_be_visible()
    assert not Appraisal.objects.exists()  # opening the page wrote nothing

    a12 = item(page, "a.1.2")
    save(a12)  # the proposed self-score; the first save starts the appraisal
    saved(a12, a12.locator(".choices input[type=radio]:checked").get_attribute("value"))
    expect(progress(page).locator(".label")).to_have_text("đã thẩm định 1/53")
    expect(progress(page).locator("progress")).to_have_js_property("value", 1)
    save(a12)  # saving the same item again does not count it twice
    expect(a12.locator(".status")).to_have_text(re.compile(r"^Đã lưu lúc"))
    expect(progress(page).locator(".label")).to_have_text("đã thẩm định 1/53")

    h53 = item(page, "h.5.3")
    h53.scroll_into_view_if_needed()
    save(h53)
    expect(progress(page).locator(".label")).to_have_text("đã thẩm định 2/53")
    box = progress(page).bounding_box()
    assert box is not None and -1 <= box["y"] <= 1  # sticky: at the top of the window, far down the page
    expect(progress(page)).to_be_in_viewport()

    page.reload()
    expect(progress(page).locator(".label")).to_have_text("đã thẩm định 2/53")


def test_accepting_the_self_scores_of_every_shown_item_at_once(live_server, page, hoa_muc):
    base = live_server.url
    log_in(page, base, "chomoi.thamdinh")
    page.goto(base + HOA_MUC_PAGE)
    boxes = page.locator("input.accept")
    expect(boxes).to_have_count(52)  # III.3.2.b: a.1.1 (no evidence, no explanation) is not offered
    expect(item(page, "a.1.1").locator("input.accept")).to_have_count(0)
    page.get_by_label("Chọn mọi tiêu chí đang hiện").check()
    assert boxes.evaluate_all("bs => bs.every(b => b.checked)")
    item(page, "g.1").locator("input.accept").uncheck()
    page.get_by_role("button", name="Chấp nhận điểm tự chấm cho các tiêu chí đã chọn").click()
    expect(messages(page)).to_contain_text("Đã chấp nhận điểm tự chấm làm điểm thẩm định vòng 1 cho 51 tiêu chí")
    expect(progress(page).locator(".label")).to_have_text("đã thẩm định 51/53")
    expect(item(page, "a.1.2").locator('.col[data-col="round1"] .who')).to_contain_text("10:00 20/11/2026")
    expect(item(page, "g.1").locator('.col[data-col="round1"]')).to_contain_text("chưa có")

    appraisal = Appraisal.objects.get(assessment=hoa_muc)
    accepted = appraisal.items.filter(round1_points__isnull=False)
    assert accepted.count() == 51 and {r.round1_by.username for r in accepted} == {"chomoi.thamdinh"}
    entries = AuditEntry.objects.filter(action="appraisal.item_appraised")
    assert entries.count() == 51 and all(e.after["accepted_self_score"] for e in entries)

    # the unsupported item is given 0 by hand, with a comment
    a11 = item(page, "a.1.1")
    save(a11, "0", "Không có tài liệu kiểm chứng, không có giải trình (mục III.3.2.b)")
    saved(a11, "0")
    expect(progress(page).locator(".label")).to_have_text("đã thẩm định 52/53")
    assert ItemAppraisal.objects.get(appraisal=appraisal, item_code="a.1.1").round1_points == 0
