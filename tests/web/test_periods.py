"""The yearly period: criteria sets bound and frozen, the section V timeline, extensions, deadlines."""

from datetime import datetime, timedelta

import pytest

from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError, NotAllowed
from parindex.criteria.models import CriteriaSetRecord
from parindex.periods import services
from parindex.periods.models import Extension, Period, PeriodCriteriaSet, PeriodLocked
from parindex.periods.timeline import VN, Reading, Step, default_timeline
from parindex.units.models import PeriodUnit

SECOND = timedelta(seconds=1)


def vn(*args):
    return datetime(*args, tzinfo=VN)


def test_default_timeline_follows_section_V_with_the_strict_reading():
    """V.1–V.5; 'trước ngày 30/11' read strictly: the last allowed moment is 23:59:59 on 29/11."""
    t = default_timeline(2021)
    assert t["commune_self_due"] == vn(2021, 11, 30)
    assert t["district_publish_due"] == vn(2021, 12, 31)
    assert t["self_due"] == vn(2021, 12, 31)
    assert (t["appraisal_start"], t["appraisal_end"]) == (vn(2022, 1, 1), vn(2022, 2, 1))
    assert (t["publication_start"], t["publication_end"]) == (vn(2022, 2, 1), vn(2022, 3, 1))


def test_inclusive_reading_allows_the_named_day_itself():
    t = default_timeline(2021, Reading.INCLUSIVE)
    assert t["commune_self_due"] == vn(2021, 12, 1)
    assert t["self_due"] == vn(2022, 1, 1)


def test_creating_a_period_copies_each_criteria_set_with_its_hash(criteria_loaded, persona, world):
    coordinator = persona("snv.dieuphoi")
    period = services.create_period(2022, actor=coordinator)
    bound = {cs.unit_kind: cs for cs in period.criteria_sets.all()}
    assert sorted(bound) == ["commune", "department", "district"]
    for kind, cs in bound.items():
        record = CriteriaSetRecord.objects.get(unit_kind=kind)
        assert (cs.set_id, cs.sha256, cs.source) == (record.set_id, record.sha256, record.source)
        assert cs.parsed().total_max == 100
    entry = AuditEntry.objects.get(action="period.created", object_id=str(period.pk))
    assert entry.actor == coordinator
    assert entry.after["year"] == 2022


def test_a_later_edition_of_the_yaml_never_changes_an_open_period(world, persona):
    """The 2021 period keeps the text it was bound to, whatever is loaded afterwards."""
    bound = world.criteria_sets.get(unit_kind="commune")
    record = CriteriaSetRecord.objects.get(unit_kind="commune")
    record.source = record.source.replace("Hiện đại hóa hành chính", "Chuyển đổi số")
    record.sha256 = "0" * 64
    record.save()
    bound.refresh_from_db()
    assert bound.sha256 != record.sha256
    assert "Hiện đại hóa hành chính" in bound.source
    bound.title = "sửa"
    with pytest.raises(PeriodLocked):
        bound.save()
    with pytest.raises(PeriodLocked):
        bound.delete()
    assert PeriodCriteriaSet.objects.get(pk=bound.pk).title != "sửa"


def test_only_the_province_coordinator_manages_periods(world, persona):
    for username in ("chomoi.noivu", "stp.giamdoc", "admin", "stc.thamdinh"):
        with pytest.raises(NotAllowed):
            services.create_period(2023, actor=persona(username))
        with pytest.raises(NotAllowed):
            services.update_timeline(world, {}, actor=persona(username), reason="x")
    assert not Period.objects.filter(year=2023).exists()


def test_a_second_period_for_the_same_year_is_refused(world, persona):
    with pytest.raises(DomainError, match="Kỳ đánh giá năm 2021 đã có"):
        services.create_period(2021, actor=persona("snv.dieuphoi"))


def test_timeline_out_of_order_is_refused_with_every_reason_and_nothing_saved(world, persona):
    before = {f: getattr(world, f) for f in ("commune_self_due", "appraisal_start", "appraisal_end")}
    bad = {"appraisal_start": world.appraisal_end + timedelta(days=1), "commune_self_due": world.publication_end}
    with pytest.raises(DomainError) as info:
        services.update_timeline(world, bad, actor=persona("snv.dieuphoi"), reason="thử")
    assert info.value.errors == [
        "«Hạn UBND cấp xã gửi kết quả tự đánh giá (V.1)» (ngày 18/02/2027) không được sau "
        "«Hạn UBND cấp huyện công bố Chỉ số cấp xã (V.2)» (ngày 18/12/2026)",
        "«Bắt đầu thẩm định của tỉnh (V.4)» (ngày 20/01/2027) phải trước "
        "«Kết thúc thẩm định của tỉnh (V.4)» (ngày 19/01/2027)",
    ]
    world.refresh_from_db()
    assert {f: getattr(world, f) for f in before} == before


def test_timeline_change_is_audited_with_before_after_and_reason(world, persona):
    new_due = world.commune_self_due + timedelta(days=2)
    services.update_timeline(world, {"commune_self_due": new_due}, actor=persona("snv.dieuphoi"),
                             reason="UBND tỉnh cho phép lùi hạn")
    entry = AuditEntry.objects.filter(action="period.timeline_changed").latest("at")
    assert entry.reason == "UBND tỉnh cho phép lùi hạn"
    assert entry.after["commune_self_due"] == new_due.isoformat()
    assert entry.before["commune_self_due"] != entry.after["commune_self_due"]


@pytest.fixture
def strict_world(world, persona):
    """The world with the decision's own 2021 dates."""
    Period.objects.filter(pk=world.pk).update(**default_timeline(2021))
    world.refresh_from_db()
    return world


def unit(period, code):
    return PeriodUnit.objects.select_related("period").get(period=period, code=code)


def test_commune_deadline_at_the_boundary_second(strict_world):
    """V.1 strict: 23:59:59 on 29/11/2021 is allowed, 00:00:00 on 30/11/2021 is not."""
    hoa_muc = unit(strict_world, "02098")
    last = services.may_act(hoa_muc, Step.COMMUNE_SELF, at=vn(2021, 11, 30) - SECOND)
    late = services.may_act(hoa_muc, Step.COMMUNE_SELF, at=vn(2021, 11, 30))
    assert last.allowed
    assert not late.allowed
    assert late.message == ("Đã quá hạn «UBND cấp xã tự đánh giá, gửi UBND cấp huyện»: "
                            "hạn cuối hết ngày 29/11/2021")


def test_department_and_district_deadline_at_the_boundary_second(strict_world):
    for code in ("STP", "065"):
        u = unit(strict_world, code)
        assert services.may_act(u, Step.SELF, at=vn(2021, 12, 31) - SECOND).allowed
        assert not services.may_act(u, Step.SELF, at=vn(2021, 12, 31)).allowed


def test_the_provincial_appraisal_is_a_window_in_january(strict_world):
    stp = unit(strict_world, "STP")
    assert not services.may_act(stp, Step.APPRAISAL, at=vn(2022, 1, 1) - SECOND).allowed
    assert services.may_act(stp, Step.APPRAISAL, at=vn(2022, 1, 1)).allowed
    assert services.may_act(stp, Step.APPRAISAL, at=vn(2022, 2, 1) - SECOND).allowed
    assert not services.may_act(stp, Step.APPRAISAL, at=vn(2022, 2, 1)).allowed


def test_a_step_that_is_not_the_units_is_refused(strict_world):
    assert not services.may_act(unit(strict_world, "STP"), Step.COMMUNE_SELF, at=vn(2021, 11, 1)).allowed
    assert not services.may_act(unit(strict_world, "02098"), Step.SELF, at=vn(2021, 11, 1)).allowed


def test_nothing_is_allowed_in_a_period_that_is_not_open(strict_world):
    Period.objects.filter(pk=strict_world.pk).update(status=Period.Status.CLOSED)
    verdict = services.may_act(unit(strict_world, "02098"), Step.COMMUNE_SELF, at=vn(2021, 11, 1))
    assert not verdict.allowed
    assert "chưa mở hoặc đã kết thúc" in verdict.message


def test_an_extension_moves_one_units_deadline_and_is_audited(strict_world, persona):
    hoa_muc = unit(strict_world, "02098")
    new_due = vn(2021, 12, 5)
    services.grant_extension(hoa_muc, Step.COMMUNE_SELF, new_due, "Mất điện kéo dài do bão",
                             actor=persona("chomoi.noivu"))
    hoa_muc = unit(strict_world, "02098")
    assert services.may_act(hoa_muc, Step.COMMUNE_SELF, at=new_due - SECOND).allowed
    late = services.may_act(hoa_muc, Step.COMMUNE_SELF, at=new_due)
    assert not late.allowed
    assert late.message.endswith("hạn cuối hết ngày 04/12/2021 (đã gia hạn)")
    # the neighbouring commune keeps the common deadline
    assert not services.may_act(unit(strict_world, "02101"), Step.COMMUNE_SELF, at=vn(2021, 12, 1)).allowed
    entry = AuditEntry.objects.get(action="extension.granted")
    assert (entry.actor.username, entry.reason) == ("chomoi.noivu", "Mất điện kéo dài do bão")


@pytest.mark.parametrize(("username", "code"), [
    ("nari.noivu", "02098"),      # another district's commune
    ("snv.dieuphoi", "02098"),    # communes are their district's business
    ("chomoi.noivu", "STP"),      # departments are the province's
    ("hoamuc.chutich", "02098"),  # a unit cannot extend itself
])
def test_only_the_coordinator_of_that_level_grants_extensions(strict_world, persona, username, code):
    u = unit(strict_world, code)
    step = Step.COMMUNE_SELF if u.kind == "commune" else Step.SELF
    with pytest.raises(NotAllowed):
        services.grant_extension(u, step, vn(2022, 1, 5), "lý do", actor=persona(username))
    assert not Extension.objects.exists()


def test_extension_needs_a_reason_and_a_later_date(strict_world, persona):
    hoa_muc = unit(strict_world, "02098")
    with pytest.raises(DomainError, match="Phải ghi lý do gia hạn"):
        services.grant_extension(hoa_muc, Step.COMMUNE_SELF, vn(2021, 12, 5), "  ", actor=persona("chomoi.noivu"))
    with pytest.raises(DomainError, match="phải muộn hơn hạn chung"):
        services.grant_extension(hoa_muc, Step.COMMUNE_SELF, vn(2021, 11, 20), "x", actor=persona("chomoi.noivu"))
    assert not Extension.objects.exists()


def test_opening_needs_units_and_freezes_the_sets(criteria_loaded, persona, world):
    period = services.create_period(2022, actor=persona("snv.dieuphoi"))
    with pytest.raises(DomainError, match="chưa có danh sách đơn vị"):
        services.open_period(period, actor=persona("snv.dieuphoi"))
    assert Period.objects.get(pk=period.pk).status == Period.Status.DRAFT
