"""Appraisal rules (III.3 of QĐ 1679/QĐ-UBND) at the service level."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from parindex.appraisal import services
from parindex.appraisal.models import ItemAppraisal, Stage
from parindex.audit.models import AuditEntry
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.timeline import VN
from parindex.publication import services as publication
from parindex.units.states import WorkState


def row(appraisal, code):
    return ItemAppraisal.objects.get(appraisal=appraisal, item_code=code)


def test_every_self_item_has_exactly_one_responsible_agency(hoa_muc_appraisal):
    rows = list(hoa_muc_appraisal.items.all())
    assert len(rows) == 53
    assert {r.agency for r in rows} <= {"PNV", "PTP", "VPHU", "PTCKH", "PVHTT"}
    assert row(hoa_muc_appraisal, "g.1").agency == "PTCKH"


def test_an_assignment_moves_a_field_to_another_agency(world, assessment_of, submit, chomoi_team):
    from parindex.appraisal.models import Assignment
    Assignment.objects.create(period=world, unit_kind="commune", code="g", agency="PNV")
    appraisal = services.get_or_start(submit(assessment_of("02098"), "hoamuc.canbo", "hoamuc.chutich"))
    assert row(appraisal, "g.1").agency == "PNV"


def test_a_differing_score_needs_a_comment(hoa_muc_appraisal, persona):
    lead = persona("chomoi.thamdinh")
    with pytest.raises(DomainError, match="khác điểm tự chấm \\(1\\) nên phải ghi nhận xét"):
        services.appraise(hoa_muc_appraisal, "a.1.1", "0,5", "", actor=lead)
    services.appraise(hoa_muc_appraisal, "a.1.1", "0,5", "Ban hành chậm", actor=lead)
    assert row(hoa_muc_appraisal, "a.1.1").round1_points == Decimal("0.5")


def test_item_without_evidence_or_explanation_gets_zero_III_3_2_b(assessment_of, submit, chomoi_team, persona):
    appraisal = services.get_or_start(submit(assessment_of("02098"), "hoamuc.canbo", "hoamuc.chutich",
                                             support=False))
    lead = persona("chomoi.thamdinh")
    with pytest.raises(DomainError, match="chỉ cho 0 điểm \\(mục III.3.2.b\\)"):
        services.appraise(appraisal, "a.1.1", "1", "", actor=lead)
    services.appraise(appraisal, "a.1.1", "0", "Không có tài liệu kiểm chứng", actor=lead)


def test_an_appraiser_cannot_score_unassigned_fields_or_other_teams_units(hoa_muc_appraisal, persona):
    with pytest.raises(NotAllowed, match="không được phân công cho bạn"):
        services.appraise(hoa_muc_appraisal, "g.1", "4", "", actor=persona("stc.thamdinh"))  # provincial team
    assert row(hoa_muc_appraisal, "g.1").round1_points is None


def test_the_provincial_appraiser_of_field_g_scores_only_field_g(assessment_of, submit, persona):
    appraisal = services.get_or_start(submit(assessment_of("STP"), "stp.canbo", "stp.giamdoc"))
    stc = persona("stc.thamdinh")
    code_g = next(r.item_code for r in appraisal.items.all() if r.item_code.startswith("g.") and r.agency == "STC")
    code_a = next(r.item_code for r in appraisal.items.all() if r.item_code.startswith("a."))
    own = appraisal.assessment.snapshot["items"][code_g]["points"]
    services.appraise(appraisal, code_g, own, "", actor=stc)
    with pytest.raises(NotAllowed):
        services.appraise(appraisal, code_a, "0", "x", actor=stc)


def full_round1(appraisal, lead, changes=None):
    changes = changes or {}
    for r in appraisal.items.all():
        own = appraisal.assessment.snapshot["items"][r.item_code]["points"]
        points, comment = changes.get(r.item_code, (own, ""))
        services.appraise(appraisal, r.item_code, points, comment, actor=lead)


def test_rounds_are_kept_in_their_own_columns_and_the_unit_answers_only_items_under_comment(
        hoa_muc_appraisal, persona, unit_of):
    lead = persona("chomoi.thamdinh")
    full_round1(hoa_muc_appraisal, lead, {"c.1.1": ("0", "Chưa niêm yết TTHC đúng quy định")})
    assert unit_of("02098").state == WorkState.APPRAISING
    with pytest.raises(NotAllowed):
        services.open_explanation(hoa_muc_appraisal, datetime(2026, 11, 27, tzinfo=VN), actor=lead)
    services.open_explanation(hoa_muc_appraisal, datetime(2026, 11, 27, tzinfo=VN), actor=persona("chomoi.noivu"))
    assert unit_of("02098").state == WorkState.AWAITING_EXPLANATION
    officer = persona("hoamuc.canbo")
    with pytest.raises(DomainError, match="không có ý kiến thẩm định cần giải trình"):
        services.explain(hoa_muc_appraisal, "a.1.1", "…", actor=officer)
    services.explain(hoa_muc_appraisal, "c.1.1", "Đã niêm yết bổ sung ngày 25/11", actor=officer)
    with pytest.raises(NotAllowed):
        services.explain(hoa_muc_appraisal, "c.1.1", "x", actor=persona("hoamuc.chutich"))
    clock.freeze(datetime(2026, 11, 27, tzinfo=VN))  # the window closed
    with pytest.raises(DomainError, match="Ngoài thời gian giải trình"):
        services.explain(hoa_muc_appraisal, "c.1.1", "muộn", actor=officer)
    services.appraise(hoa_muc_appraisal, "c.1.1", "1", "Chấp nhận giải trình", actor=lead)
    r = row(hoa_muc_appraisal, "c.1.1")
    assert (r.round1_points, r.explanation, r.final_points) == (Decimal("0"), "Đã niêm yết bổ sung ngày 25/11",
                                                                Decimal("1"))
    assert services.confirm_unchanged(hoa_muc_appraisal, actor=lead) == 52
    services.finalize(hoa_muc_appraisal, actor=lead)
    assert unit_of("02098").state == WorkState.APPRAISED
    own_c11 = Decimal(hoa_muc_appraisal.assessment.snapshot["items"]["c.1.1"]["points"])
    total = sum(Decimal(v) for v in hoa_muc_appraisal.result.values())
    assert total == Decimal(100) - own_c11 + Decimal(1)


def test_finalize_needs_the_lead_and_every_final_point(hoa_muc_appraisal, persona):
    lead = persona("chomoi.thamdinh")
    full_round1(hoa_muc_appraisal, lead)
    services.close_explanation(hoa_muc_appraisal, actor=lead)
    with pytest.raises(DomainError, match="chưa có điểm thẩm định cuối"):
        services.finalize(hoa_muc_appraisal, actor=lead)
    services.confirm_unchanged(hoa_muc_appraisal, actor=lead)
    with pytest.raises(NotAllowed):
        services.finalize(hoa_muc_appraisal, actor=persona("chomoi.noivu"))
    services.finalize(hoa_muc_appraisal, actor=lead)
    with pytest.raises(NotAllowed):
        services.reopen(hoa_muc_appraisal, "sai", actor=lead)
    with pytest.raises(DomainError, match="Phải ghi lý do"):
        services.reopen(hoa_muc_appraisal, "", actor=persona("chomoi.noivu"))
    services.reopen(hoa_muc_appraisal, "Sai sót khi nhập điểm c.2", actor=persona("chomoi.noivu"))
    assert hoa_muc_appraisal.stage == Stage.FINAL
    assert AuditEntry.objects.filter(action="appraisal.reopened", reason="Sai sót khi nhập điểm c.2").exists()


def test_communes_are_appraised_before_the_districts_publication_deadline(hoa_muc_appraisal, persona):
    clock.freeze(world_due := hoa_muc_appraisal.assessment.period_unit.period.district_publish_due)
    with pytest.raises(DomainError, match="Đã quá hạn «UBND cấp huyện thẩm định UBND cấp xã»"):
        services.appraise(hoa_muc_appraisal, "a.1.1", "1", "", actor=persona("chomoi.thamdinh"))
    clock.freeze(world_due - timedelta(seconds=1))
    services.appraise(hoa_muc_appraisal, "a.1.1", "1", "", actor=persona("chomoi.thamdinh"))


def test_the_district_publishes_only_when_every_commune_is_finalized(hoa_muc_appraisal, persona, unit_of):
    district = unit_of("065")
    with pytest.raises(DomainError, match="13 xã chưa chốt|14 xã chưa chốt"):
        publication.publish_communes(district, actor=persona("chomoi.noivu"))
    with pytest.raises(NotAllowed):
        publication.publish_communes(district, actor=persona("nari.noivu"))
    results = publication.commune_results(district)
    assert not results["complete"]


def test_a_published_commune_is_corrected_after_the_deadline_with_a_reason(hoa_muc_appraisal, persona, unit_of):
    """A correction re-opens a finalized (even published) result; the deadline does not block it."""
    lead = persona("chomoi.thamdinh")
    full_round1(hoa_muc_appraisal, lead)
    services.close_explanation(hoa_muc_appraisal, actor=lead)
    services.confirm_unchanged(hoa_muc_appraisal, actor=lead)
    services.finalize(hoa_muc_appraisal, actor=lead)
    from parindex.units.services import change_state
    change_state(unit_of("02098"), WorkState.PUBLISHED, reason="công bố")
    clock.freeze(hoa_muc_appraisal.assessment.period_unit.period.district_publish_due + timedelta(days=3))
    services.reopen(hoa_muc_appraisal, "Đính chính theo kiến nghị của xã", actor=persona("chomoi.noivu"))
    assert unit_of("02098").state == WorkState.APPRAISING
    services.appraise(hoa_muc_appraisal, "a.1.1", "0,5", "Đính chính: ban hành chậm", actor=lead)
    services.finalize(hoa_muc_appraisal, actor=lead)
    assert hoa_muc_appraisal.result["a.1.1"] == "0.5"
    assert not hoa_muc_appraisal.correction


def test_there_is_one_provincial_team_per_period(world):
    from django.db import IntegrityError, transaction

    from parindex.appraisal.models import Team
    Team.objects.create(period=world, district=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(period=world, district=None)
