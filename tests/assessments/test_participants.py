"""III.2.2: the self-assessment meeting's required participants, as the period's decision names them per unit
kind (department: the head and the heads of the divisions concerned; district: the chairperson and the heads of
divisions; commune: the chairperson, the PAR civil servant and the specialist civil servants), each recorded with
name and position before the sheet can be submitted."""

import html

import pytest

from parindex.assessments import services
from parindex.assessments.models import Participant, Status
from parindex.core.errors import DomainError
from parindex.rulebook.decision import shipped_decision
from tests.meeting import CHAIR, PAR_OFFICER, SPECIALISTS, full_meeting

SHEET = "/ky/2021/don-vi/{code}/tu-danh-gia/"


def people(assessment):
    return [(p.name, p.position, p.role) for p in Participant.objects.filter(assessment=assessment)]


def test_iii_2_2_the_roles_come_from_the_periods_decision_per_unit_kind(unit_of):
    decision = shipped_decision()
    for code, kind in (("STP", "department"), ("065", "district"), ("02098", "commune")):
        assert services.required_roles(unit_of(code)) == decision.participants[kind]
    assert services.required_roles(unit_of("065")) == ("Chủ tịch UBND cấp huyện",
                                                        "Trưởng các phòng, ban chuyên môn liên quan")


@pytest.mark.parametrize(("recorded", "missing"), [
    ([("Nông Văn A", "Chủ tịch UBND xã", CHAIR)], f"{PAR_OFFICER}; {SPECIALISTS}"),
    ([("Nông Văn A", "Chủ tịch UBND xã", CHAIR), ("Lục Văn C", "Công chức Tư pháp - Hộ tịch", SPECIALISTS)],
     PAR_OFFICER),
    ([("Nông Văn A", "Chủ tịch UBND xã", ""), ("Hoàng Thị B", "Công chức", ""), ("Lục Văn C", "Công chức", "")],
     f"{CHAIR}; {PAR_OFFICER}; {SPECIALISTS}"),  # people present but none recorded as a required participant
])
def test_iii_2_2_a_submission_lacking_a_required_participant_is_refused_naming_it(
        assessment_of, fill, persona, login, recorded, missing):
    sheet = fill(assessment_of("02098"), "hoamuc.canbo")
    services.set_participants(sheet, recorded, actor=persona("hoamuc.canbo"))
    services.send_for_approval(sheet, actor=persona("hoamuc.canbo"))
    message = (f"Chưa ghi đủ thành phần tham gia bắt buộc (mục III.2.2), còn thiếu: {missing}; "
               "phải có trước khi nộp")
    with pytest.raises(DomainError) as refused:
        services.approve_and_submit(sheet, actor=persona("hoamuc.chutich"))
    assert refused.value.message == message
    assert services.get_or_create(sheet.period_unit).status == Status.AWAITING_APPROVAL
    # the head sees it on the sheet before pressing the button, with the way to the participants page
    page = html.unescape(login("hoamuc.chutich").get(SHEET.format(code="02098")).content.decode())
    assert message in page and "Ghi thành phần tham gia" in page


def test_iii_2_2_with_every_required_participant_the_sheet_is_submitted(assessment_of, fill, persona):
    sheet = fill(assessment_of("STP"), "stp.canbo")
    services.set_participants(sheet, full_meeting(sheet), actor=persona("stp.canbo"))
    services.send_for_approval(sheet, actor=persona("stp.canbo"))
    services.approve_and_submit(sheet, actor=persona("stp.giamdoc"))
    submitted = services.get_or_create(sheet.period_unit)
    assert submitted.status == Status.SUBMITTED
    assert [p["role"] for p in submitted.snapshot["participants"]] == list(services.required_roles(sheet.period_unit))


def test_iii_2_2_a_role_the_decision_does_not_name_is_refused_and_nothing_changes(assessment_of, persona):
    sheet = assessment_of("02098")
    services.set_participants(sheet, full_meeting(sheet), actor=persona("hoamuc.canbo"))
    before = people(sheet)
    with pytest.raises(DomainError) as refused:
        services.set_participants(sheet, [("Nông Văn A", "Chủ tịch UBND xã", "Thủ trưởng đơn vị")],
                                  actor=persona("hoamuc.canbo"))
    assert refused.value.errors == [
        f"Dòng 1: thành phần «Thủ trưởng đơn vị» không có trong quy định (mục III.2.2); chọn một trong: "
        f"{CHAIR}; {PAR_OFFICER}; {SPECIALISTS}, hoặc để trống"]
    assert people(sheet) == before


def test_iii_2_2_the_page_has_a_box_per_required_participant_and_saves_each_persons_role(
        assessment_of, login):
    client = login("hoamuc.canbo")
    url = SHEET.format(code="02098") + "thanh-phan/"
    page = html.unescape(client.get(url).content.decode())
    for role in (CHAIR, PAR_OFFICER, SPECIALISTS):
        assert f"{role} (bắt buộc; mỗi dòng: họ và tên; chức vụ)" in page
    response = client.post(url, {"role_0": "Nông Văn A; Chủ tịch UBND xã",
                                 "role_1": "Hoàng Thị B; Công chức Văn phòng - Thống kê",
                                 "role_2": "Lục Văn C; Công chức Tư pháp\nMa Thị D; Công chức Địa chính",
                                 "rows": "Hà Văn E; Bí thư Đảng uỷ xã", "difficulties": ""})
    assert response.status_code == 302
    sheet = assessment_of("02098")
    assert people(sheet) == [("Nông Văn A", "Chủ tịch UBND xã", CHAIR),
                             ("Hoàng Thị B", "Công chức Văn phòng - Thống kê", PAR_OFFICER),
                             ("Lục Văn C", "Công chức Tư pháp", SPECIALISTS),
                             ("Ma Thị D", "Công chức Địa chính", SPECIALISTS),
                             ("Hà Văn E", "Bí thư Đảng uỷ xã", "")]
    assert services.participant_problems(sheet) == []
    # the saved people are shown back in their boxes
    page = html.unescape(client.get(url).content.decode())
    assert "Lục Văn C; Công chức Tư pháp\nMa Thị D; Công chức Địa chính" in page


def test_iii_2_2_a_line_without_a_position_names_its_box_and_saves_nothing(assessment_of, persona, login):
    sheet = assessment_of("02098")
    services.set_participants(sheet, full_meeting(sheet), actor=persona("hoamuc.canbo"))
    before = people(sheet)
    response = login("hoamuc.canbo").post(SHEET.format(code="02098") + "thanh-phan/",
                                          {"role_0": "Nông Văn A", "role_1": "", "role_2": "", "rows": ""})
    assert response.status_code == 200
    assert f"{CHAIR}, dòng 1: cần dạng «Họ và tên; Chức vụ»" in html.unescape(response.content.decode())
    assert people(sheet) == before
