"""The teams page (III.3.1): members, leads, assignments, gaps; who may change what."""

import pytest

from parindex.accounts import permissions
from parindex.accounts.models import Role, RoleAssignment
from parindex.accounts.services import revoke_role
from parindex.appraisal import services, teams
from parindex.appraisal.models import Assignment, Team
from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError, NotAllowed

URL = "/ky/2021/tham-dinh/to/"
PTP_GAP = "Cơ quan PTP (Phòng Tư pháp) chưa có người thẩm định: tiêu chí b.1, b.2, b.3, b.4"


def section(page, key):
    return page.split(f'id="to-{key}"')[1].split("</section>")[0]


def gaps_of(page):
    return page.split('id="gaps"')[1].split("</section>")[0]


def test_a_district_team_without_a_phong_tu_phap_member_shows_the_gap_before_appraisal(world, login):
    # the demo grants chomoi.thamdinh only PNV for fields a, d, e: every other agency is a gap,
    # and PNV's items of field h (h.5) too, because that member does not cover field h
    page = login("chomoi.noivu").get(URL).content.decode()
    gaps = gaps_of(page)
    assert f"Tổ thẩm định Huyện Chợ Mới — UBND cấp xã: {PTP_GAP}" in gaps
    for text in ["Cơ quan VPHU (Văn phòng HĐND và UBND cấp huyện) chưa có người thẩm định: tiêu chí c.1, c.2, c.3, "
                 "c.4, c.5", "Cơ quan PTCKH (Phòng Tài chính - Kế hoạch) chưa có người thẩm định: tiêu chí g.1, g.2",
                 "Cơ quan PNV (Phòng Nội vụ) chưa có người thẩm định: tiêu chí h.5 — thành viên hiện có của cơ quan "
                 "này không phụ trách các lĩnh vực đó"]:
        assert text in gaps, text
    assert "tiêu chí a.1" not in gaps  # PNV covers field a
    row = section(page, "065").split('id="065-commune-b.2"')[1].split("</tr>")[0]
    assert "PTP" in row and "Chưa có: b.2.1, b.2.2" in row
    assert 'id="065-commune-a.1"' in page and "Chưa có" not in page.split('id="065-commune-a.1"')[1].split("</tr>")[0]
    # a district coordinator sees only their own team, and cannot reassign
    assert 'id="to-tinh"' not in page and 'id="to-066"' not in page
    assert 'name="action" value="assignment"' not in page
    assert 'name="action" value="lead"' in page


def test_with_every_agency_granted_the_team_has_no_gap_and_a_revoked_role_brings_it_back(chomoi_team, login,
                                                                                          persona):
    page = login("chomoi.noivu").get(URL).content.decode()
    assert 'id="no-gaps"' in page
    lead = section(page, "065").split('class="lead"')[1].split("</dd>")[0]
    assert "Phòng Nội vụ — tổ thẩm định huyện Chợ Mới" in lead
    ptp = RoleAssignment.objects.get(user=persona("chomoi.thamdinh"), agency="PTP", revoked_at__isnull=True)
    revoke_role(ptp, actor=persona("snv.dieuphoi"), reason="Chuyển công tác")
    assert PTP_GAP in gaps_of(login("chomoi.noivu").get(URL).content.decode())


def test_the_province_sees_every_team_and_the_provincial_gaps(world, login):
    page = login("snv.dieuphoi").get(URL).content.decode()
    for key in ["tinh", "065", "066", "062"]:
        assert f'id="to-{key}"' in page
    gaps = gaps_of(page)
    # stc.thamdinh (STC, field g) is the only provincial member: STC's field g is covered, the rest are gaps
    assert ("Tổ thẩm định tỉnh — Sở, ban, ngành: Cơ quan SNV (Sở Nội vụ) chưa có người thẩm định" in gaps)
    assert "Tổ thẩm định tỉnh — UBND cấp huyện: Cơ quan STP (Sở Tư pháp) chưa có người thẩm định" in gaps
    assert "Cơ quan STC" not in gaps
    assert "Tổ thẩm định Huyện Na Rì — UBND cấp xã: Cơ quan PNV (Phòng Nội vụ) chưa có người thẩm định" in gaps
    assert page.count('name="action" value="assignment"') > 100  # the coordinator may reassign every row


@pytest.mark.parametrize(("username", "status"), [("stc.thamdinh", 403), ("chomoi.thamdinh", 403),
                                              ("hoamuc.canbo", 403), ("stp.giamdoc", 403), ("admin", 200)])
def test_who_may_open_the_teams_page(world, login, username, status):
    assert login(username).get(URL).status_code == status


def test_anonymous_people_are_sent_to_the_login_page(world, client):
    assert client.get(URL).status_code == 302


def test_the_coordinator_reassigns_a_field_audited_and_the_gap_moves(world, login, persona):
    client = login("snv.dieuphoi")
    response = client.post(URL, {"action": "assignment", "unit_kind": "commune", "code": "b", "agency": "PNV"},
                           follow=True)
    assert response.status_code == 200
    assert "Đã phân công b (UBND cấp xã) cho PNV" in response.content.decode()
    assert Assignment.objects.get(period=world, unit_kind="commune", code="b").agency == "PNV"
    entry = AuditEntry.objects.get(action="appraisal.assignment_changed")
    assert entry.actor == persona("snv.dieuphoi")
    assert entry.before["agency"] is None and entry.after == {"unit_kind": "commune", "code": "b", "agency": "PNV",
                                                              "appraisals_started": 0}
    cset = world.criteria_sets.get(unit_kind="commune").parsed()
    assert services.agency_map(world, "commune", cset)["b.2.1"] == "PNV"
    page = login("chomoi.noivu").get(URL).content.decode()
    gaps = gaps_of(page)
    assert "Cơ quan PTP" not in gaps
    # PNV's member on Chợ Mới covers a, d, e only: field b is now PNV's gap
    assert "Cơ quan PNV (Phòng Nội vụ) chưa có người thẩm định: tiêu chí b.1, b.2, b.3, b.4, h.5" in gaps
    row = section(page, "065").split('id="065-commune-b.1"')[1].split("</tr>")[0]
    assert '<td class="source">lĩnh vực</td>' in row
    # a criterion assignment beats the field's
    client = login("snv.dieuphoi")
    client.post(URL, {"action": "assignment", "unit_kind": "commune", "code": "b.1", "agency": "VPHU"})
    assert services.agency_map(world, "commune", cset)["b.1"] == "VPHU"
    assert services.agency_map(world, "commune", cset)["b.2.1"] == "PNV"
    # removing the field's assignment brings back the set's own agency
    client.post(URL, {"action": "reset", "unit_kind": "commune", "code": "b"})
    assert services.agency_map(world, "commune", cset)["b.2.1"] == "PTP"
    assert AuditEntry.objects.filter(action="appraisal.assignment_changed").count() == 3


def test_an_agency_outside_the_set_is_refused_with_a_message_and_nothing_saved(world, login):
    response = login("snv.dieuphoi").post(URL, {"action": "assignment", "unit_kind": "commune", "code": "g",
                                                "agency": "STC"})
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Cơ quan «STC» không thuộc danh sách cơ quan thẩm định của bộ tiêu chí backan-2021-commune; chọn một "
            "trong: VPHU (Văn phòng HĐND và UBND cấp huyện); PNV (Phòng Nội vụ)") in page
    response = login("snv.dieuphoi").post(URL, {"action": "assignment", "unit_kind": "commune", "code": "z.9",
                                                "agency": "PNV"})
    assert "Bộ tiêu chí backan-2021-commune không có lĩnh vực hoặc tiêu chí tự đánh giá mã «z.9»" in \
        response.content.decode()
    assert not Assignment.objects.exists()
    assert not AuditEntry.objects.filter(action="appraisal.assignment_changed").exists()


@pytest.mark.parametrize("username", ["chomoi.noivu", "admin", "stc.thamdinh", "hoamuc.canbo"])
def test_only_the_province_coordinator_changes_assignments(world, login, username):
    response = login(username).post(URL, {"action": "assignment", "unit_kind": "commune", "code": "b",
                                          "agency": "PNV"})
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_the_service_refuses_other_people_too(world, persona):
    with pytest.raises(NotAllowed):
        teams.change_assignment(world, "commune", "b", "PNV", actor=persona("chomoi.noivu"))
    with pytest.raises(DomainError, match="Loại đơn vị «province» không hợp lệ"):
        teams.change_assignment(world, "province", "b", "PNV", actor=persona("snv.dieuphoi"))
    assert teams.change_assignment(world, "department", "g.1", "SNV", actor=persona("snv.dieuphoi")).agency == "SNV"
    # the same agency again changes nothing and writes nothing
    teams.change_assignment(world, "department", "g.1", "SNV", actor=persona("snv.dieuphoi"))
    assert AuditEntry.objects.filter(action="appraisal.assignment_changed").count() == 1


def test_the_province_sets_its_teams_lead_among_its_members(world, login, persona):
    client = login("snv.dieuphoi")
    stc = persona("stc.thamdinh")
    response = client.post(URL, {"action": "lead", "team": "", "lead": stc.pk}, follow=True)
    assert "Tổ thẩm định tỉnh: tổ trưởng là Sở Tài chính — tổ thẩm định tỉnh (lĩnh vực g)" in response.content.decode()
    team = Team.objects.get(period=world, district__isnull=True)
    assert team.lead == stc
    entry = AuditEntry.objects.get(action="appraisal.lead_set")
    assert (entry.before, entry.after) == ({"lead": None}, {"lead": "stc.thamdinh"})
    # not a member of the provincial team: refused, nothing changes
    response = client.post(URL, {"action": "lead", "team": "", "lead": persona("chomoi.thamdinh").pk})
    assert "Tổ trưởng phải là thành viên của Tổ thẩm định tỉnh" in response.content.decode()
    team.refresh_from_db()
    assert team.lead == stc
    # a district team's lead is the district coordinator's choice
    assert client.post(URL, {"action": "lead", "team": "065", "lead": persona("chomoi.thamdinh").pk}).status_code == 403


def test_a_district_coordinator_sets_only_their_own_teams_lead(world, login, persona, unit_of):
    client = login("chomoi.noivu")
    member = persona("chomoi.thamdinh")
    assert client.post(URL, {"action": "lead", "team": "065", "lead": member.pk}).status_code == 302
    assert Team.objects.get(period=world, district=unit_of("065")).lead == member
    assert permissions.is_team_lead(member, unit_of("02098"))
    assert client.post(URL, {"action": "lead", "team": "066", "lead": member.pk}).status_code == 404
    assert client.post(URL, {"action": "lead", "team": "", "lead": persona("stc.thamdinh").pk}).status_code == 404
    assert not Team.objects.filter(period=world, district__isnull=True, lead__isnull=False).exists()
    assert login("nari.noivu").post(URL, {"action": "lead", "team": "065", "lead": member.pk}).status_code == 404
    assert login("stc.thamdinh").post(URL, {"action": "lead", "team": "", "lead": member.pk}).status_code == 403
    assert AuditEntry.objects.filter(action="appraisal.lead_set").count() == 1
    assert RoleAssignment.objects.filter(role=Role.APPRAISER, user=member).exists()


def test_an_unknown_action_is_a_bad_request(world, login):
    assert login("snv.dieuphoi").post(URL, {"action": "xoá"}).status_code == 400
