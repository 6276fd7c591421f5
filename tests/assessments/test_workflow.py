"""Draft → awaiting the head's approval → submitted (frozen); send back, withdraw, re-open; deadlines."""

from datetime import datetime, timedelta

import pytest

from parindex.assessments import services
from parindex.assessments.models import ItemScore, Status
from parindex.audit.models import AuditEntry
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.models import Extension
from parindex.periods.timeline import VN
from parindex.units.states import WorkState
from tests.meeting import CHAIR, DEPT_HEAD, DIVISION_HEADS, PAR_OFFICER, SPECIALISTS

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"
PARTICIPANTS = [("Nông Văn A", "Chủ tịch UBND xã", CHAIR),  # III.2.2: each required participant
                ("Hoàng Thị B", "Công chức Văn phòng - Thống kê (tham mưu CCHC)", PAR_OFFICER),
                ("Lục Văn C", "Công chức Tư pháp - Hộ tịch", SPECIALISTS)]
# the world's commune deadline is NOW + 14 days, exclusive: 04/12/2026 00:00 Vietnam time
COMMUNE_DUE = datetime(2026, 12, 4, tzinfo=VN)


@pytest.fixture
def ready(assessment_of, fill, persona):
    """Xã Hoà Mục, every item filled by its officer, participants recorded."""
    assessment = fill(assessment_of("02098"), "hoamuc.canbo")
    services.set_participants(assessment, PARTICIPANTS, actor=persona("hoamuc.canbo"),
                              difficulties="Thiếu máy scan ở bộ phận một cửa")
    return assessment


def reload(assessment):
    return services.get_or_create(assessment.period_unit.__class__.objects.get(pk=assessment.period_unit_id))


def test_the_officer_prepares_and_the_head_approves_and_submits(ready, persona, unit_of):
    services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    assert reload(ready).status == Status.AWAITING_APPROVAL
    services.approve_and_submit(ready, actor=persona("hoamuc.chutich"))
    submitted = reload(ready)
    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_by.username == "hoamuc.chutich"
    assert unit_of("02098").state == WorkState.SUBMITTED
    snapshot = submitted.snapshot
    assert snapshot["self_points"] == "100"
    assert len(snapshot["items"]) == 53
    assert snapshot["participants"][0] == {"name": "Nông Văn A", "position": "Chủ tịch UBND xã", "role": CHAIR}
    assert snapshot["difficulties"] == "Thiếu máy scan ở bộ phận một cửa"
    actions = list(AuditEntry.objects.filter(action__startswith="assessment.").values_list("action", flat=True))
    assert {"assessment.sent_for_approval", "assessment.submitted"} <= set(actions)


def test_the_submitted_version_is_frozen(ready, persona):
    services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    services.approve_and_submit(ready, actor=persona("hoamuc.chutich"))
    with pytest.raises(DomainError, match="không sửa được"):
        services.save_item(reload(ready), "a.1.1", "0", "", actor=persona("hoamuc.canbo"), version=None)
    ItemScore.objects.filter(assessment=ready, item_code="a.1.1").update(points=0)  # even a direct change…
    assert reload(ready).snapshot["items"]["a.1.1"]["points"] == "1"  # …does not touch what was submitted


def test_a_submission_without_participants_is_refused(assessment_of, fill, persona):
    assessment = fill(assessment_of("02098"), "hoamuc.canbo")
    services.send_for_approval(assessment, actor=persona("hoamuc.canbo"))
    with pytest.raises(DomainError, match="Chưa ghi thành phần tham gia tự đánh giá \\(mục III.2.2\\)"):
        services.approve_and_submit(assessment, actor=persona("hoamuc.chutich"))
    assert reload(assessment).status == Status.AWAITING_APPROVAL


def test_participants_need_a_name_and_a_position(ready, persona):
    with pytest.raises(DomainError) as info:
        services.set_participants(ready, [("Nông Văn A", ""), ("", "Công chức")], actor=persona("hoamuc.canbo"))
    assert info.value.errors == ["Dòng 1: cần cả họ tên và chức vụ", "Dòng 2: cần cả họ tên và chức vụ"]
    assert ready.participants.count() == 3


def test_the_head_sends_back_with_a_comment_and_the_officer_resubmits(assessment_of, fill, persona):
    stp = fill(assessment_of("STP"), "stp.canbo")
    services.set_participants(stp, [("Giám đốc", "Giám đốc Sở", DEPT_HEAD),
                                    ("Trưởng phòng", "Trưởng phòng VBQPPL", DIVISION_HEADS)],
                              actor=persona("stp.canbo"))
    services.send_for_approval(stp, actor=persona("stp.canbo"))
    with pytest.raises(DomainError, match="Phải ghi ý kiến"):
        services.send_back(stp, "", actor=persona("stp.giamdoc"))
    services.send_back(stp, "Tiêu chí b.1.1 thiếu quyết định ban hành", actor=persona("stp.giamdoc"))
    stp = reload(stp)
    assert (stp.status, stp.sent_back_comment) == (Status.DRAFT, "Tiêu chí b.1.1 thiếu quyết định ban hành")
    services.save_item(stp, "b.1.1", "0", "Năm 2021 không được giao soạn thảo", actor=persona("stp.canbo"),
                       version=None)
    services.send_for_approval(stp, actor=persona("stp.canbo"))
    services.approve_and_submit(stp, actor=persona("stp.giamdoc"))
    assert reload(stp).status == Status.SUBMITTED


@pytest.mark.parametrize(("step", "username"), [
    ("send_for_approval", "hoamuc.chutich"),  # the head does not prepare
    ("approve_and_submit", "hoamuc.canbo"),   # the officer does not approve
    ("approve_and_submit", "chomoi.noivu"),   # nor does the district
])
def test_each_step_belongs_to_its_role(ready, persona, step, username):
    if step == "approve_and_submit":
        services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    with pytest.raises(NotAllowed):
        getattr(services, step)(ready, actor=persona(username))


def test_after_the_deadline_scores_and_submission_are_refused(ready, persona):
    services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    clock.freeze(COMMUNE_DUE)
    with pytest.raises(DomainError, match="Đã quá hạn «UBND cấp xã tự đánh giá, gửi UBND cấp huyện»: "
                                          "hạn cuối hết ngày 03/12/2026"):
        services.approve_and_submit(ready, actor=persona("hoamuc.chutich"))
    assert reload(ready).status == Status.AWAITING_APPROVAL


def test_one_second_before_the_deadline_the_head_may_still_submit(ready, persona):
    services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    clock.freeze(COMMUNE_DUE - timedelta(seconds=1))
    services.approve_and_submit(ready, actor=persona("hoamuc.chutich"))
    assert reload(ready).status == Status.SUBMITTED


def test_the_head_withdraws_before_the_deadline_but_not_after(ready, persona, unit_of):
    services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    services.approve_and_submit(ready, actor=persona("hoamuc.chutich"))
    services.withdraw(reload(ready), actor=persona("hoamuc.chutich"), reason="Bổ sung tài liệu")
    assert reload(ready).status == Status.DRAFT
    assert unit_of("02098").state == WorkState.SELF_ASSESSING
    assert AuditEntry.objects.filter(action="assessment.withdrawn", reason="Bổ sung tài liệu").exists()
    services.send_for_approval(reload(ready), actor=persona("hoamuc.canbo"))
    services.approve_and_submit(reload(ready), actor=persona("hoamuc.chutich"))
    clock.freeze(COMMUNE_DUE)
    with pytest.raises(DomainError, match="Sau hạn, chỉ điều phối viên cấp quản lý mở lại được"):
        services.withdraw(reload(ready), actor=persona("hoamuc.chutich"))
    assert reload(ready).status == Status.SUBMITTED


def test_after_the_deadline_only_the_district_coordinator_reopens_with_a_reason(ready, persona, unit_of):
    services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    services.approve_and_submit(ready, actor=persona("hoamuc.chutich"))
    clock.freeze(COMMUNE_DUE + timedelta(days=1))
    new_due = COMMUNE_DUE + timedelta(days=5)
    for username in ("nari.noivu", "snv.dieuphoi", "hoamuc.chutich"):
        with pytest.raises(NotAllowed):
            services.reopen(reload(ready), "x", new_due, actor=persona(username))
    with pytest.raises(DomainError, match="Phải ghi lý do mở lại"):
        services.reopen(reload(ready), " ", new_due, actor=persona("chomoi.noivu"))
    services.reopen(reload(ready), "Sai sót điểm tiêu chí c.2", new_due, actor=persona("chomoi.noivu"))
    assert reload(ready).status == Status.DRAFT
    assert Extension.objects.get(period_unit=unit_of("02098")).new_due == new_due
    services.save_item(reload(ready), "c.1.1", "0", "Niêm yết chưa đủ", actor=persona("hoamuc.canbo"), version=None)
    entry = AuditEntry.objects.get(action="assessment.reopened")
    assert (entry.actor_label, entry.reason) == ("chomoi.noivu", "Sai sót điểm tiêu chí c.2")


def test_the_buttons_drive_the_same_workflow(ready, login):
    officer = login("hoamuc.canbo")
    assert "Trình thủ trưởng duyệt" in officer.get(URL).content.decode()
    # a POST without the confirmation (an old form) only leads to the summary; nothing changes
    assert officer.post(URL + "trinh/")["Location"] == URL + "trinh/"
    assert reload(ready).status == Status.DRAFT
    officer.post(URL + "trinh/", {"confirmed": "1"})
    assert reload(ready).status == Status.AWAITING_APPROVAL
    head = login("hoamuc.chutich")
    page = head.get(URL).content.decode()
    assert "Duyệt và nộp" in page and "Trả lại cán bộ" in page
    response = head.post(URL + "nop/", {"confirmed": "1"}, follow=True)
    assert "Đã duyệt và nộp bản tự đánh giá" in response.content.decode()
    assert reload(ready).status == Status.SUBMITTED
    assert login("kimlu.canbo").post(URL + "rut/").status_code == 404


def test_a_stale_form_after_submission_is_refused_with_a_message(ready, persona, login):
    """The officer's page was loaded before submission; their late save must not change the frozen sheet."""
    services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    services.approve_and_submit(ready, actor=persona("hoamuc.chutich"))
    response = login("hoamuc.canbo").post(URL + "muc/a.1.1/", {"points": "0", "version": "1"},
                                          HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "Đã nộp" in response.json()["error"]
    assert ItemScore.objects.get(assessment=ready, item_code="a.1.1").points == 1


# -- nothing unscored or unsupported leaves the unit (the rule lives in services.readiness) ---------

def test_sending_with_unscored_items_is_refused_listing_them_and_nothing_changes(assessment_of, persona):
    officer = persona("hoamuc.canbo")
    assessment = assessment_of("02098")
    services.save_item(assessment, "a.1.1", "1", "Kế hoạch 12/KH-UBND", actor=officer, version=None)
    with pytest.raises(DomainError) as refused:
        services.send_for_approval(assessment, actor=officer)
    lines = refused.value.errors
    assert lines[:2] == ["Chưa trình được:", "52 tiêu chí chưa chấm điểm:"]
    assert lines[2].startswith("a.1.2 ")
    assert len(lines) == 2 + 20 + 1 and lines[-1] == "và 32 tiêu chí khác"
    assert reload(assessment).status == Status.DRAFT
    assert not AuditEntry.objects.filter(action="assessment.sent_for_approval").exists()


def test_an_item_with_points_but_neither_evidence_nor_explanation_blocks_sending(ready, persona):
    officer = persona("hoamuc.canbo")
    services.save_item(ready, "c.3.1", "6", "", actor=officer, version=None)
    ready_now = services.readiness(reload(ready), "send", actor=officer)
    assert [i.code for i in ready_now.unsupported] == ["c.3.1"] and ready_now.unscored == []
    with pytest.raises(DomainError) as refused:
        services.send_for_approval(reload(ready), actor=officer)
    title = next(i.title for i in services.criteria_of(ready).items if i.code == "c.3.1")
    assert refused.value.errors == [
        "Chưa trình được:", "1 tiêu chí có điểm nhưng không có tài liệu kiểm chứng, không có giải trình:",
        f"c.3.1 {title}"]
    assert reload(ready).status == Status.DRAFT
    # an item at 0 without a word is not blocked: the appraisal cannot lower it further
    services.save_item(reload(ready), "c.3.1", "0", "", actor=officer, version=None)
    services.send_for_approval(reload(ready), actor=officer)
    assert reload(ready).status == Status.AWAITING_APPROVAL


def test_submitting_is_refused_too_when_an_item_lost_its_support_after_sending(ready, persona):
    """The head's step checks again, in its own transaction (a change made meanwhile, by any path)."""
    services.send_for_approval(ready, actor=persona("hoamuc.canbo"))
    ItemScore.objects.filter(assessment=ready, item_code="a.1.1").update(explanation="")
    with pytest.raises(DomainError, match="Chưa nộp được"):
        services.approve_and_submit(reload(ready), actor=persona("hoamuc.chutich"))
    assert reload(ready).status == Status.AWAITING_APPROVAL
    assert reload(ready).snapshot is None


def test_the_confirmation_page_shows_the_summary_and_no_button_when_blocked(assessment_of, ready, login):
    officer = login("hoamuc.canbo")
    page = officer.get(URL + "trinh/").content.decode()
    for text in ("Xã Hoà Mục", "Tổng điểm tự đánh giá", "100 / 100", "53/53", "Hạn nộp", "hết ngày 03/12/2026"):
        assert text in page, text
    assert 'name="confirmed"' in page
    ItemScore.objects.filter(assessment=ready, item_code="a.1.1").update(points=None)
    page = officer.get(URL + "trinh/").content.decode()
    assert "1 tiêu chí chưa chấm điểm:" in page and "a.1.1 " in page
    assert 'name="confirmed"' not in page
    assert login("hoamuc.chutich").get(URL + "trinh/").status_code == 403
    assert login("kimlu.canbo").get(URL + "trinh/").status_code == 404
