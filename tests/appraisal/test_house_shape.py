"""The appraisal in the house shape: permissions in one module, deadlines through may_act (V.2, V.4),
no GET writes, a refused step leaves nothing stored, accepting self-scores item by item."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.accounts import permissions
from parindex.appraisal import services
from parindex.appraisal.models import Appraisal, ItemAppraisal, Stage, Team
from parindex.assessments.models import Assessment, Evidence, ItemScore
from parindex.audit.models import AuditEntry
from parindex.core import clock
from parindex.core.errors import DomainError
from parindex.periods import services as period_services
from parindex.periods.timeline import AppraisalStep, Step
from parindex.rulebook.numbers import format_vi

from .test_rules import full_round1
from .test_workspace import PDF, WINDOW_END

SECOND = timedelta(seconds=1)


def counts():
    return (Appraisal.objects.count(), ItemAppraisal.objects.count(), Assessment.objects.count(),
            ItemScore.objects.count(), AuditEntry.objects.count())


def stored_files(media) -> list[str]:
    return sorted(os.path.join(d, f) for d, _dirs, files in os.walk(media) for f in files)


@pytest.fixture
def hoa_muc_submitted(assessment_of, submit):
    """Hòa Mục submitted (a.1.1 with neither evidence nor explanation); only the demo's PNV member
    (fields a, d, e) on Chợ Mới's team, no lead; the appraisal not started."""
    return submit(assessment_of("02098"), "hoamuc.canbo", "hoamuc.chutich", support=False)


# -- one module answers who may do what ----------------------------------------------------------

def test_one_function_names_the_team_that_appraises_a_unit_III_3_1(world, unit_of, chomoi_team):
    commune, department, district = unit_of("02098"), unit_of("STP"), unit_of("065")
    assert permissions.appraising_team(commune).pk == chomoi_team.pk
    assert str(permissions.appraising_team(department)) == "Tổ thẩm định tỉnh"
    assert permissions.appraising_team(district).district is None  # districts: the provincial team
    assert permissions.is_team_lead(chomoi_team.lead, unit_of("02098"))
    assert not permissions.is_team_lead(chomoi_team.lead, unit_of("STP"))


def test_the_capabilities_read_like_the_rules(world, unit_of, persona, chomoi_team, hoa_muc_submitted):
    commune = unit_of("02098")
    lead, coordinator, stc = persona("chomoi.thamdinh"), persona("chomoi.noivu"), persona("stc.thamdinh")
    appraisal = services.get_or_start(hoa_muc_submitted)
    assert permissions.can_finalize(lead, appraisal) and not permissions.can_finalize(coordinator, appraisal)
    assert permissions.can_open_explanation(coordinator, commune)
    assert not permissions.can_open_explanation(lead, commune)
    assert permissions.can_close_explanation(lead, commune) and permissions.can_close_explanation(coordinator, commune)
    assert permissions.can_reopen_appraisal(coordinator, commune)
    assert not permissions.can_reopen_appraisal(lead, commune)
    assert permissions.can_appraise_item(lead, commune, "PTCKH", "g") and not permissions.can_appraise_item(
        stc, commune, "STC", "g")
    assert permissions.can_see_item(coordinator, commune, "PTCKH", "g")
    assert not permissions.can_appraise_item(coordinator, commune, "PTCKH", "g")
    assert permissions.can_explain(persona("hoamuc.canbo"), commune) and not permissions.can_explain(lead, commune)
    assert list(permissions.appraisable_units(stc, world).filter(code="02098")) == []
    assert permissions.appraisable_units(lead, world).filter(code="02098").exists()
    assert permissions.can_set_lead(coordinator, unit_of("065")) and not permissions.can_set_lead(coordinator, None)
    assert permissions.can_change_assignments(persona("snv.dieuphoi"))
    assert not permissions.can_change_assignments(coordinator)
    caps = permissions.appraisal_capabilities(lead, commune, Stage.FINAL)
    assert caps.finalize and caps.confirm_round1 and not caps.open_explanation and not caps.reopen


# -- a GET never writes ------------------------------------------------------------------------------

def test_opening_the_appraisal_page_writes_nothing_until_the_first_post(login, hoa_muc_submitted):
    client = login("chomoi.thamdinh")
    before = counts()
    response = client.get("/ky/2021/tham-dinh/02098/")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="item-a.1.1"' in body and "Bắt đầu thẩm định" in body
    assert "đã thẩm định" in body and 'data-done="0"' in body
    assert client.get("/ky/2021/tham-dinh/").status_code == 200
    assert client.get("/ky/2021/tham-dinh/02098/bien-ban/").status_code == 200
    assert client.get("/ky/2021/tham-dinh/02098/chot/").status_code == 400  # not started: nothing to finalize
    assert client.get("/ky/2021/don-vi/02098/giai-trinh/").status_code == 200
    assert counts() == before
    assert client.post("/ky/2021/tham-dinh/02098/bat-dau/").status_code == 302
    appraisal = Appraisal.objects.get(assessment=hoa_muc_submitted)
    assert appraisal.items.count() == 53
    assert AuditEntry.objects.filter(action="appraisal.started").count() == 1
    assert counts() != before


def test_the_first_save_starts_the_appraisal(login, hoa_muc_submitted):
    client = login("chomoi.thamdinh")
    response = client.post("/ky/2021/tham-dinh/02098/muc/a.2.1/", {"points": "1"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["ok"]
    assert ItemAppraisal.objects.get(appraisal__assessment=hoa_muc_submitted, item_code="a.2.1").round1_points == 1


def test_opening_the_score_sheet_writes_nothing(login, world):
    client = login("syt.canbo")
    before = counts()
    for path in ("", "tai-lieu/", "thanh-phan/", "bao-cao/", "excel/", "excel/nhap/"):
        assert client.get(f"/ky/2021/don-vi/SYT/tu-danh-gia/{path}").status_code == 200, path
    assert counts() == before and not Assessment.objects.filter(period_unit__code="SYT").exists()
    client.post("/ky/2021/don-vi/SYT/tu-danh-gia/muc/a.1/", {"points": "", "explanation": "Bắt đầu"})
    assert Assessment.objects.filter(period_unit__code="SYT").exists()


def test_a_post_by_someone_else_on_a_unit_not_started_is_refused_and_creates_nothing(login, world):
    before = counts()
    assert login("snv.dieuphoi").post("/ky/2021/don-vi/SYT/tu-danh-gia/muc/a.1/", {"points": "1"}).status_code == 403
    assert counts() == before


# -- a refused step stores nothing -----------------------------------------------------------------------

@pytest.fixture
def in_explanation(hoa_muc_appraisal, persona):
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), {"c.1.1": ("0", "Chưa niêm yết TTHC đúng quy định")})
    services.open_explanation(hoa_muc_appraisal, WINDOW_END, actor=persona("chomoi.noivu"))
    return hoa_muc_appraisal


@pytest.mark.parametrize("case", ["closed", "not_under_comment", "not_the_unit"])
def test_a_refused_upload_leaves_no_file_and_no_evidence_row(login, in_explanation, media, case):
    files, rows = stored_files(media), Evidence.objects.count()
    user, item = "hoamuc.canbo", "c.1.1"
    if case == "closed":
        clock.freeze(WINDOW_END)
    elif case == "not_under_comment":
        item = "a.1.1"
    else:
        user = "chomoi.noivu"
    response = login(user).post(f"/ky/2021/don-vi/02098/giai-trinh/muc/{item}/tai-lieu/",
                                {"file": SimpleUploadedFile("bo-sung.pdf", PDF), "location": "trang 2"})
    assert response.status_code in (302, 403, 404)
    assert stored_files(media) == files and Evidence.objects.count() == rows
    assert not ItemAppraisal.objects.filter(appraisal=in_explanation, added_evidence__isnull=False).exists()


def test_an_accepted_upload_is_stored_and_linked(login, in_explanation, media):
    response = login("hoamuc.canbo").post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/tai-lieu/",
                                          {"file": SimpleUploadedFile("bo-sung.pdf", PDF), "location": "trang 2"})
    assert response.status_code == 302
    assert len(stored_files(media)) == 1
    assert ItemAppraisal.objects.get(appraisal=in_explanation, item_code="c.1.1").added_evidence.count() == 1


# -- deadlines through may_act (V.2, V.4) ------------------------------------------------------------------

def test_V4_the_provincial_appraisal_starts_at_its_window_the_second_before_is_refused(
        assessment_of, submit, persona, world):
    appraisal = services.get_or_start(submit(assessment_of("STP"), "stp.canbo", "stp.giamdoc"))
    stc = persona("stc.thamdinh")
    code = next(r.item_code for r in appraisal.items.all() if r.agency == "STC" and r.item_code.startswith("g."))
    own = appraisal.assessment.snapshot["items"][code]["points"]
    clock.freeze(world.appraisal_start - SECOND)
    with pytest.raises(DomainError, match="Chưa đến thời gian «Tổ thẩm định tỉnh thẩm định»"):
        services.appraise(appraisal, code, own, "", actor=stc)
    clock.freeze(world.appraisal_start)
    services.appraise(appraisal, code, own, "", actor=stc)
    clock.freeze(world.appraisal_end - SECOND)
    services.appraise(appraisal, code, own, "", actor=stc)
    clock.freeze(world.appraisal_end)
    with pytest.raises(DomainError, match="Đã quá hạn «Tổ thẩm định tỉnh thẩm định»"):
        services.appraise(appraisal, code, own, "", actor=stc)


def test_V4_the_coordinator_moves_the_window_with_the_audited_timeline_edit(assessment_of, submit, persona, world):
    appraisal = services.get_or_start(submit(assessment_of("STP"), "stp.canbo", "stp.giamdoc"))
    later = clock.now() + timedelta(days=3)
    period_services.update_timeline(world, {"appraisal_start": later}, actor=persona("snv.dieuphoi"),
                                    reason="Thẩm định từ tháng 01 (mục V.4)")
    assert AuditEntry.objects.filter(action="period.timeline_changed", reason__contains="V.4").exists()
    appraisal = Appraisal.objects.select_related("assessment__period_unit__period").get(pk=appraisal.pk)
    stc = persona("stc.thamdinh")
    code = next(r.item_code for r in appraisal.items.all() if r.agency == "STC" and r.item_code.startswith("g."))
    with pytest.raises(DomainError, match="Chưa đến thời gian"):
        services.appraise(appraisal, code, "0", "Chưa đủ", actor=stc)
    assert not period_services.may_act(appraisal.assessment.period_unit, Step.APPRAISAL).allowed


def test_V2_finalizing_a_commune_ends_with_the_districts_publication_deadline(hoa_muc_appraisal, persona, world):
    lead = persona("chomoi.thamdinh")
    full_round1(hoa_muc_appraisal, lead)
    services.close_explanation(hoa_muc_appraisal, actor=lead)
    services.confirm_unchanged(hoa_muc_appraisal, actor=lead)
    unit = hoa_muc_appraisal.assessment.period_unit
    assert period_services.may_act(unit, AppraisalStep.FINALIZATION, world.district_publish_due - SECOND).allowed
    clock.freeze(world.district_publish_due)
    with pytest.raises(DomainError, match="Đã quá hạn «Chốt kết quả thẩm định»"):
        services.finalize(hoa_muc_appraisal, actor=lead)
    clock.freeze(world.district_publish_due - SECOND)
    services.finalize(hoa_muc_appraisal, actor=lead)
    # a correction after re-opening may come after the deadline (with the coordinator's reason)
    clock.freeze(world.district_publish_due + timedelta(days=2))
    services.reopen(hoa_muc_appraisal, "Sai sót khi nhập điểm", actor=persona("chomoi.noivu"))
    services.appraise(hoa_muc_appraisal, "a.1.1", "0,5", "Đính chính", actor=lead)
    services.finalize(hoa_muc_appraisal, actor=lead)
    assert hoa_muc_appraisal.stage == Stage.FINALIZED


def test_V2_the_explanation_round_cannot_outlast_the_commune_deadline(hoa_muc_appraisal, persona, world):
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), {"c.1.1": ("0", "Chưa niêm yết")})
    with pytest.raises(DomainError, match="Hạn giải trình phải sau hiện tại và không muộn hơn"):
        services.open_explanation(hoa_muc_appraisal, world.district_publish_due + SECOND,
                                  actor=persona("chomoi.noivu"))
    services.open_explanation(hoa_muc_appraisal, world.district_publish_due, actor=persona("chomoi.noivu"))
    assert hoa_muc_appraisal.stage == Stage.EXPLANATION


# -- accepting the self-scores of many items at once (round 1) -----------------------------------------

def test_accepting_self_scores_records_each_item_with_who_and_when(hoa_muc_submitted, persona):
    appraisal = services.get_or_start(hoa_muc_submitted)
    member = persona("chomoi.thamdinh")
    codes = services.accept_self_scores(appraisal, ["a.2.1", "d.1", "e.1"], actor=member)
    assert codes == ["a.2.1", "d.1", "e.1"]
    for code in codes:
        row = ItemAppraisal.objects.get(appraisal=appraisal, item_code=code)
        own = Decimal(hoa_muc_submitted.snapshot["items"][code]["points"])
        assert (row.round1_points, row.round1_by, row.round1_at) == (own, member, clock.now())
    entries = AuditEntry.objects.filter(action="appraisal.item_appraised")
    assert sorted(e.after["item"] for e in entries) == codes
    assert all(e.after["accepted_self_score"] and e.before["points"] is None for e in entries)


def test_accepting_refuses_every_item_if_one_is_not_assigned_or_has_no_support(hoa_muc_submitted, persona):
    appraisal = services.get_or_start(hoa_muc_submitted)
    member = persona("chomoi.thamdinh")
    with pytest.raises(DomainError) as info:
        services.accept_self_scores(appraisal, ["a.2.1", "g.1", "a.1.1"], actor=member)
    text = " ".join(info.value.errors)
    assert "Chưa lưu tiêu chí nào" in text and "Không được phân công cho bạn: g.1" in text
    assert "chỉ được 0 điểm, không nhận điểm tự chấm (mục III.3.2.b): a.1.1" in text
    assert not appraisal.items.filter(round1_points__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="appraisal.item_appraised").exists()


def test_accepting_is_for_round_1_only(hoa_muc_appraisal, persona):
    lead = persona("chomoi.thamdinh")
    full_round1(hoa_muc_appraisal, lead)
    services.close_explanation(hoa_muc_appraisal, actor=lead)
    with pytest.raises(DomainError, match="Chỉ chấp nhận điểm tự chấm ở thẩm định vòng 1"):
        services.accept_self_scores(hoa_muc_appraisal, ["a.2.1"], actor=lead)


def test_accepting_through_the_page_in_one_post(login, hoa_muc_submitted):
    client = login("chomoi.thamdinh")
    body = client.get("/ky/2021/tham-dinh/02098/").content.decode()
    assert 'name="codes" value="a.2.1"' in body and 'name="codes" value="a.1.1"' not in body  # III.3.2.b
    response = client.post("/ky/2021/tham-dinh/02098/chap-nhan-tu-cham/", {"codes": ["a.2.1", "d.1"]}, follow=True)
    assert "Đã chấp nhận điểm tự chấm làm điểm thẩm định vòng 1 cho 2 tiêu chí: a.2.1, d.1" in response.content.decode()
    response = client.post("/ky/2021/tham-dinh/02098/chap-nhan-tu-cham/", {"codes": ["e.1", "g.1"]}, follow=True)
    assert "Không được phân công cho bạn: g.1" in response.content.decode()
    assert ItemAppraisal.objects.get(appraisal__assessment=hoa_muc_submitted, item_code="e.1").round1_points is None


# -- finalizing asks to confirm, with a summary ----------------------------------------------------------

def test_finalizing_shows_a_summary_before_the_post(login, hoa_muc_appraisal, persona):
    lead = persona("chomoi.thamdinh")
    full_round1(hoa_muc_appraisal, lead, {"c.1.1": ("0", "Chưa niêm yết")})
    services.close_explanation(hoa_muc_appraisal, actor=lead)
    services.confirm_unchanged(hoa_muc_appraisal, actor=lead)
    client = login("chomoi.thamdinh")
    body = client.get("/ky/2021/tham-dinh/02098/chot/").content.decode()
    snapshot = hoa_muc_appraisal.assessment.snapshot
    total = Decimal(snapshot["self_points"]) - Decimal(snapshot["items"]["c.1.1"]["points"])
    assert "<dt>Đơn vị</dt><dd>Xã Hoà Mục (02098)</dd>" in body
    assert f"<dt>Tổng điểm thẩm định</dt><dd>{format_vi(total)}</dd>" in body
    assert "Số tiêu chí điểm thẩm định khác điểm tự chấm</dt><dd>1</dd>" in body
    hoa_muc_appraisal.refresh_from_db()
    assert hoa_muc_appraisal.stage == Stage.FINAL  # the GET changed nothing
    assert client.post("/ky/2021/tham-dinh/02098/chot/", {"confirmed": "1"}).status_code == 302
    hoa_muc_appraisal.refresh_from_db()
    assert hoa_muc_appraisal.stage == Stage.FINALIZED
    assert login("chomoi.noivu").get("/ky/2021/tham-dinh/02098/chot/").status_code == 403


def test_the_json_save_answers_json_through_the_middleware(login, hoa_muc_appraisal):
    client = login("chomoi.thamdinh")
    bad = client.post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "7"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and not bad.json()["ok"] and "a.1.1" in bad.json()["error"]
    refused = login("chomoi.noivu").post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "1"},
                                         HTTP_ACCEPT="application/json")
    assert refused.status_code == 403 and "a.1.1" in refused.json()["error"]
    assert Team.objects.filter(lead__username="chomoi.thamdinh").exists()
