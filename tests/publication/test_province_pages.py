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
