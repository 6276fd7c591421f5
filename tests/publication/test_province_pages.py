"""The province's results pages (/ky/<year>/ket-qua-tinh/): who reaches them, each step through the site, and
each refusal shown in Vietnamese with the data left as it was."""

from __future__ import annotations

import pytest

from parindex.publication import province
from parindex.publication.models import NotAssessed, ProvinceResults, Publication

from .province_world import AFTER_START

PAGE = "/ky/2021/ket-qua-tinh/"


def step(name: str) -> str:
    return f"{PAGE}{name}/"


@pytest.mark.parametrize("username", ["stp.canbo", "chomoi.noivu", "stc.thamdinh", "khaosat", "admin"])
def test_nobody_else_sees_the_draft(login, username):
    assert login(username).get(PAGE).status_code == 403


def test_the_public_sees_nothing_before_publication(client, ready, world):
    ready()
    assert client.get(PAGE).status_code == 302                       # the login page
    assert "Sở Tư pháp" not in client.get("/cong-bo/2021/").content.decode()


def test_the_coordinator_sees_what_blocks_and_the_next_step(login, world):
    page = login("snv.dieuphoi").get(PAGE).content.decode()
    assert "27 đơn vị chưa đủ kết quả" in page
    assert "chưa chốt kết quả thẩm định" in page
    assert "Bước tiếp theo: hoàn thiện kết quả" in page


def test_recording_a_unit_not_assessed_through_the_page(login, ready, world):
    ready(skip=("SYT",))
    client = login("snv.dieuphoi")
    refused = client.post(step("khong-danh-gia"), {"code": "SYT", "reason": ""}, follow=True)
    assert "Hãy ghi lý do không đánh giá" in refused.content.decode()
    assert not NotAssessed.objects.exists()
    client.post(step("khong-danh-gia"), {"code": "SYT", "reason": "Giải thể trong năm"})
    page = client.get(PAGE).content.decode()
    assert "Giải thể trong năm" in page and "Không đánh giá năm nay" in page
    assert "đơn vị chưa đủ kết quả" not in page and 'id="blocking"' not in page


def test_submit_approve_publish_through_the_pages(login, ready, world, client, frozen_clock):
    ready()
    coordinator = login("snv.dieuphoi")
    confirm = coordinator.get(step("trinh")).content.decode()
    assert "Trình UBND tỉnh" in confirm and "19 đơn vị, 19 được xếp hạng" in confirm
    assert province.state_of(world) is None                          # a GET writes nothing
    coordinator.post(step("trinh"), {"confirmed": "1"})
    assert province.state_of(world).status == ProvinceResults.Status.SUBMITTED

    approver = login("ubnd.lanhdao")
    page = approver.get(PAGE).content.decode()
    assert "Phê duyệt kết quả" in page and "Trả lại Sở Nội vụ" in page
    bad = approver.post(step("phe-duyet"), {"number": "12/QĐ-UBND", "decision_date": "30/02/2022"}, follow=True)
    assert "Ngày quyết định «30/02/2022» không hợp lệ" in bad.content.decode()
    assert province.state_of(world).status == ProvinceResults.Status.SUBMITTED
    approver.post(step("phe-duyet"), {"number": "12/QĐ-UBND", "decision_date": "15/02/2022"})
    assert province.state_of(world).status == ProvinceResults.Status.APPROVED

    coordinator = login("snv.dieuphoi")
    early = coordinator.post(step("cong-bo"), {"confirmed": "1"}, follow=True).content.decode()
    assert "Chưa đến thời gian" in early and not Publication.objects.filter(scope="province").exists()
    from parindex.core import clock
    clock.freeze(AFTER_START)
    assert "Số 12/QĐ-UBND ngày 15/02/2022" in coordinator.get(step("cong-bo")).content.decode()
    coordinator.post(step("cong-bo"), {"confirmed": "1"})
    assert Publication.objects.get(scope="province").version == 1
    page = coordinator.get(PAGE).content.decode()
    assert "Đã công bố" in page and "Đính chính kết quả…" in page


def test_sending_back_needs_a_comment_and_shows_it_to_the_coordinator(login, ready, world):
    ready()
    login("snv.dieuphoi").post(step("trinh"), {"confirmed": "1"})
    approver = login("ubnd.lanhdao")
    refused = approver.post(step("tra-lai"), {"comment": ""}, follow=True).content.decode()
    assert "Hãy ghi ý kiến khi trả lại" in refused
    approver.post(step("tra-lai"), {"comment": "Rà soát lại Sở Y tế"})
    page = login("snv.dieuphoi").get(PAGE).content.decode()
    assert "UBND tỉnh trả lại, ý kiến: Rà soát lại Sở Y tế" in page


def test_the_approver_cannot_compile_and_the_coordinator_cannot_approve(login, ready, world):
    ready()
    assert login("ubnd.lanhdao").post(step("trinh"), {"confirmed": "1"}).status_code == 403
    assert login("ubnd.lanhdao").post(step("khong-danh-gia"), {"code": "SYT", "reason": "x"}).status_code == 403
    coordinator = login("snv.dieuphoi")
    coordinator.post(step("trinh"), {"confirmed": "1"})
    assert coordinator.post(step("phe-duyet"), {"number": "1", "decision_date": "15/02/2022"}).status_code == 403
    assert province.state_of(world).status == ProvinceResults.Status.SUBMITTED
    assert not NotAssessed.objects.exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("khong-danh-gia", {"code": "X" * 10_000, "reason": "Lý do"}, "Không có sở, ban, ngành hoặc UBND cấp huyện mã"),
    ("khong-danh-gia", {"code": "SYT", "reason": "x" * 1001}, "dài 1001 ký tự, tối đa 1000 ký tự"),
    ("khong-danh-gia", {"code": "02098", "reason": "Xã"}, "Không có sở, ban, ngành hoặc UBND cấp huyện mã «02098»"),
    ("bo-khong-danh-gia", {"code": "SYT", "reason": "Lý do"}, "không có trong danh sách đơn vị không đánh giá"),
])
def test_hostile_input_to_the_coordinators_steps_gets_a_message_and_changes_nothing(login, world, name, data,
                                                                                     message):
    response = login("snv.dieuphoi").post(step(name), data, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert not NotAssessed.objects.exists() and province.state_of(world) is None


@pytest.mark.parametrize(("data", "message"), [
    ({"number": "1/QĐ", "decision_date": "99/99/9999"}, "không hợp lệ"),
    ({"number": "1/QĐ", "decision_date": "1" * 500}, "tối đa 10 ký tự"),
    ({"number": "N" * 500, "decision_date": "15/02/2022"}, "tối đa 50 ký tự"),
    ({}, "Hãy ghi Số quyết định"),
])
def test_hostile_input_to_the_approval_gets_a_message_and_changes_nothing(login, ready, world, data, message):
    ready()
    login("snv.dieuphoi").post(step("trinh"), {"confirmed": "1"})
    response = login("ubnd.lanhdao").post(step("phe-duyet"), data, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    current = province.state_of(world)
    assert current.status == ProvinceResults.Status.SUBMITTED and current.decision_number == ""


def test_a_second_submission_of_the_same_draft_is_a_conflict_not_an_error(login, ready, world):
    ready()
    coordinator = login("snv.dieuphoi")
    coordinator.post(step("trinh"), {"confirmed": "1"})
    again = coordinator.post(step("trinh"), {"confirmed": "1"}, follow=True)
    assert again.status_code == 200 and "bước này không thực hiện được" in again.content.decode()
    assert province.state_of(world).status == ProvinceResults.Status.SUBMITTED


def test_unknown_year_or_step_is_404_for_those_who_may_see_the_page(login):
    coordinator = login("snv.dieuphoi")
    assert coordinator.get("/ky/1999/ket-qua-tinh/").status_code == 404
    assert coordinator.post("/ky/1999/ket-qua-tinh/trinh/", {"confirmed": "1"}).status_code == 404
    assert coordinator.post(step("xoa-het"), {}).status_code == 404
