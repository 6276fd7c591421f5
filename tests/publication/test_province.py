"""The province's results (III.1.4, IV.1.1–1.4, IV.2.2, V.5 of 1679/QĐ-UBND): the draft, what blocks it, the
units not assessed, and the way to publication (submit → approve or send back → publish → correct).

The world: Bắc Kạn 2021 (tests/conftest.py). ``ready`` gives every department and district a finalized
appraisal (every self-assessed item at its maximum unless a plan lowers it), the closed survey's points (every
survey item at its maximum unless a plan lowers it) and every district's published commune results (each
commune Xuất sắc unless a plan says otherwise); the rows are written directly, since each step that makes them
is tested in its own module.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parindex.appraisal.models import Appraisal, Stage
from parindex.audit.models import AuditEntry
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.publication import province
from parindex.publication import services as publication
from parindex.publication.models import NotAssessed, ProvinceResults, Publication
from parindex.units.models import PeriodUnit
from parindex.units.states import WorkState

from ..conftest import NOW
from .province_world import AFTER_START, set_of


def _row(content, code):
    return next(u for g in content["groups"].values() for u in g["units"] if u["code"] == code)


def _survey_zero(period, kind, code):
    return {code: {i.code: "0" for i in set_of(period, kind).parsed().items if i.is_survey}}


# -- the draft ---------------------------------------------------------------------------------------------

def test_nothing_finalized_every_unit_blocks_with_what_it_lacks(world):
    content = province.province_results(world)
    blocking = {b["code"]: b["lacks"] for b in content["blocking"]}
    assert len(blocking) == 19 + 8 and not content["complete"]
    assert any("chưa chốt kết quả thẩm định" in lack for lack in blocking["STP"])
    assert any("chưa có điểm điều tra xã hội học" in lack for lack in blocking["STP"])
    assert _row(content, "STP")["total"] is None and _row(content, "STP")["rank"] is None


def test_index_is_appraised_self_points_plus_survey_points_out_of_100_III_1_4(ready, world):
    ready(survey=_survey_zero(world, "department", "STP"))
    content = province.province_results(world)
    assert content["blocking"] == [] and content["complete"]
    stp, syt = _row(content, "STP"), _row(content, "SYT")
    assert (stp["self_points"], stp["survey_points"], stp["total"], stp["index"]) == ("74", "0", "74", "74.00")
    assert stp["class"] == "kha" and stp["class_label"] == "Khá"            # IV.1.1: 50 ≤ 74 < 80
    assert (syt["self_points"], syt["survey_points"], syt["index"]) == ("74", "26", "100.00")
    assert sum(Decimal(v) for v in syt["fields"].values()) == Decimal(100)   # seven fields, exact
    assert len(syt["fields"]) == 7


def test_departments_and_districts_are_ranked_in_their_own_groups_with_ties_IV_1_3(ready, world):
    ready(survey=_survey_zero(world, "department", "STP"))
    content = province.province_results(world)
    departments = content["groups"]["department"]["units"]
    districts = content["groups"]["district"]["units"]
    assert [u["rank"] for u in departments] == [1] * 18 + [19]   # 18 tied at 100, then Sở Tư pháp
    assert departments[-1]["code"] == "STP"
    assert {u["rank"] for u in districts} == {1}                  # a group of its own, all tied at 100
    assert len(districts) == 8


def test_a_district_keeps_its_class_at_two_thirds_of_its_communes_and_drops_just_below_IV_1_2(ready, world):
    # Ngân Sơn (062) has 10 communes: 3·7 ≥ 2·10 keeps Xuất sắc; Pác Nặm (060), 10 communes: 6 is below 2/3
    ngan_son = [c.code for c in PeriodUnit.objects.get(period=world, code="062").children.order_by("code")]
    pac_nam = [c.code for c in PeriodUnit.objects.get(period=world, code="060").children.order_by("code")]
    ready(communes={"062": {c: "tot" for c in ngan_son[7:]}, "060": {c: "kha" for c in pac_nam[6:]}})
    content = province.province_results(world)
    kept, dropped = _row(content, "062"), _row(content, "060")
    assert (kept["class"], kept["communes"]["reaching"], kept["communes"]["total"]) == ("xuat_sac", 7, 10)
    assert (dropped["class_by_score"], dropped["class"]) == ("xuat_sac", "tot")
    assert (dropped["communes"]["reaching"], dropped["communes"]["total"]) == (6, 10)
    assert any("Hạ một bậc" in r for r in dropped["reasons"])


def test_exactly_two_thirds_keeps_the_class_IV_1_2(ready, world):
    # Thành phố Bắc Kạn (058) has 8 communes, so take Ba Bể (061): 15 communes, exactly 10 reach (10/15 = 2/3)
    ba_be = [c.code for c in PeriodUnit.objects.get(period=world, code="061").children.order_by("code")]
    assert len(ba_be) == 15
    ready(communes={"061": {c: "tot" for c in ba_be[10:]}})
    row = _row(province.province_results(world), "061")
    assert (row["class"], row["communes"]["reaching"]) == ("xuat_sac", 10)


def test_a_district_with_one_commune_without_a_published_result_is_not_classified_IV_1_4(ready, world):
    ready(leave_out=("02098",))   # xã Hoà Mục (Chợ Mới) missing from Chợ Mới's publication
    content = province.province_results(world)
    cho_moi = _row(content, "065")
    assert cho_moi["class"] is None and cho_moi["rank"] is None and cho_moi["class_label"] == "Không xếp loại"
    assert any("IV.1.4" in r and "Hoà Mục" in r for r in cho_moi["reasons"])
    assert cho_moi["index"] == "100.00"                                     # scored, not classified
    assert {u["rank"] for u in content["groups"]["district"]["units"] if u["code"] != "065"} == {1}


def test_a_district_that_published_nothing_is_not_classified_IV_1_4(ready, world):
    ready(unpublished=("066",))
    row = _row(province.province_results(world), "066")
    assert row["class"] is None and any("IV.1.4" in r for r in row["reasons"])


def test_a_unit_without_a_finalized_appraisal_blocks_and_submit_refuses_naming_it(ready, world, persona):
    ready(skip=("SYT",))
    content = province.province_results(world)
    assert [b["code"] for b in content["blocking"]] == ["SYT"]
    with pytest.raises(DomainError) as refused:
        province.submit(world, actor=persona("snv.dieuphoi"))
    assert any("Sở Y tế" in e for e in refused.value.errors)
    assert province.state_of(world) is None          # nothing saved, not even the record of the draft
    assert not AuditEntry.objects.filter(action="province.submitted").exists()


def test_a_unit_recorded_not_assessed_is_shown_as_such_never_as_zero(ready, world, persona):
    ready(skip=("SYT",))
    coordinator = persona("snv.dieuphoi")
    with pytest.raises(DomainError, match="lý do"):
        province.record_not_assessed(world, "SYT", "   ", actor=coordinator)
    assert not NotAssessed.objects.exists()
    province.record_not_assessed(world, "SYT", "Sáp nhập, không đánh giá năm 2021", actor=coordinator)
    content = province.province_results(world)
    syt = _row(content, "SYT")
    assert content["blocking"] == [] and syt["total"] is None and syt["rank"] is None
    assert syt["not_assessed"] == "Sáp nhập, không đánh giá năm 2021"
    assert syt["class_label"] == "Không đánh giá năm nay"
    assert len([u for u in content["groups"]["department"]["units"] if u["rank"] == 1]) == 18
    entry = AuditEntry.objects.get(action="province.not_assessed")
    assert entry.reason == "Sáp nhập, không đánh giá năm 2021" and entry.actor == coordinator
    with pytest.raises(DomainError, match="lý do"):
        province.undo_not_assessed(world, "SYT", "", actor=coordinator)
    province.undo_not_assessed(world, "SYT", "Đơn vị vẫn được đánh giá", actor=coordinator)
    assert [b["code"] for b in province.province_results(world)["blocking"]] == ["SYT"]
    assert AuditEntry.objects.get(action="province.not_assessed_undone").before["reason"].startswith("Sáp nhập")


def test_only_departments_and_districts_of_the_period_can_be_recorded(ready, world, persona):
    with pytest.raises(DomainError, match="02098"):
        province.record_not_assessed(world, "02098", "Xã", actor=persona("snv.dieuphoi"))
    with pytest.raises(NotAllowed):
        province.record_not_assessed(world, "SYT", "Lý do", actor=persona("ubnd.lanhdao"))
    assert not NotAssessed.objects.exists()


# -- the way to publication ----------------------------------------------------------------------------------

def test_submit_approve_publish_and_correct_as_version_2(ready, world, persona):
    ready()
    coordinator, approver = persona("snv.dieuphoi"), persona("ubnd.lanhdao")
    submitted = province.submit(world, actor=coordinator)
    assert submitted.status == ProvinceResults.Status.SUBMITTED and submitted.content["complete"]
    with pytest.raises(NotAllowed):
        province.approve(world, "12/QĐ-UBND", "15/02/2022", actor=coordinator)
    with pytest.raises(NotAllowed):
        province.submit(world, actor=approver)
    approved = province.approve(world, "12/QĐ-UBND", "15/02/2022", actor=approver)
    assert (approved.decision_number, approved.decision_date) == ("12/QĐ-UBND", date(2022, 2, 15))
    with pytest.raises(DomainError, match="Chưa đến thời gian"):
        province.publish_province(world, actor=coordinator, at=NOW)      # V.5's window opens later
    first = province.publish_province(world, actor=coordinator, at=AFTER_START)
    assert (first.scope, first.version) == ("province", 1)
    assert first.content["decision"] == {"number": "12/QĐ-UBND", "date": "2022-02-15"}
    assert PeriodUnit.objects.get(period=world, code="STP").state == WorkState.PUBLISHED

    with pytest.raises(DomainError, match="lý do"):
        province.reopen(world, "", actor=coordinator)
    province.reopen(world, "Sửa điểm điều tra của Sở Y tế", actor=coordinator)
    assert province.state_of(world).status == ProvinceResults.Status.DRAFT
    province.submit(world, actor=coordinator)
    province.approve(world, "20/QĐ-UBND", "20/02/2022", actor=approver)
    second = province.publish_province(world, actor=coordinator, at=NOW)   # a correction is not bound to V.5
    assert second.version == 2 and second.reason == "Sửa điểm điều tra của Sở Y tế"
    assert Publication.objects.filter(period=world, scope="province").count() == 2
    actions = list(AuditEntry.objects.filter(action__startswith="province.").order_by("pk")
                   .values_list("action", flat=True))
    assert actions == ["province.submitted", "province.approved", "province.reopened", "province.submitted",
                       "province.approved"]
    assert AuditEntry.objects.filter(action="publication.published", after__scope="province").count() == 2


def test_send_back_returns_to_draft_with_the_comment(ready, world, persona):
    ready()
    coordinator, approver = persona("snv.dieuphoi"), persona("ubnd.lanhdao")
    province.submit(world, actor=coordinator)
    with pytest.raises(DomainError, match="ý kiến"):
        province.send_back(world, " ", actor=approver)
    assert province.state_of(world).status == ProvinceResults.Status.SUBMITTED
    back = province.send_back(world, "Kiểm tra lại điểm lĩnh vực g của Sở Y tế", actor=approver)
    assert back.status == ProvinceResults.Status.DRAFT and back.comment.startswith("Kiểm tra lại")
    assert AuditEntry.objects.get(action="province.sent_back").reason == back.comment


@pytest.mark.parametrize(("number", "day", "message"), [
    ("", "15/02/2022", "số quyết định"),
    ("12/QĐ-UBND", "31/02/2022", "không hợp lệ"),
    ("12/QĐ-UBND", "15/02/2019", "không hợp lệ"),
    ("12/QĐ-UBND", "hôm qua", "không hợp lệ"),
    ("x" * 51, "15/02/2022", "tối đa 50"),
])
def test_a_bad_decision_number_or_date_is_refused_and_nothing_changes(ready, world, persona, number, day, message):
    ready()
    province.submit(world, actor=persona("snv.dieuphoi"))
    with pytest.raises(DomainError, match=message):
        province.approve(world, number, day, actor=persona("ubnd.lanhdao"))
    current = province.state_of(world)
    assert current.status == ProvinceResults.Status.SUBMITTED and current.decision_number == ""


def test_steps_out_of_order_are_conflicts_not_errors(ready, world, persona):
    ready()
    with pytest.raises(Conflict):
        province.approve(world, "1/QĐ-UBND", "15/02/2022", actor=persona("ubnd.lanhdao"))
    with pytest.raises(Conflict):
        province.publish_province(world, actor=persona("snv.dieuphoi"), at=AFTER_START)
    assert not Publication.objects.filter(scope="province").exists()


def test_the_submitted_content_is_frozen_while_the_data_changes(ready, world, persona):
    ready()
    province.submit(world, actor=persona("snv.dieuphoi"))
    Appraisal.objects.filter(assessment__period_unit__code="STP").update(stage=Stage.FINAL)
    assert _row(province.state_of(world).content, "STP")["index"] == "100.00"
    assert [b["code"] for b in province.province_results(world)["blocking"]] == ["STP"]


def test_the_draft_is_computed_again_whenever_an_input_changes(ready, world, persona, django_assert_max_num_queries):
    from .province_world import _finalize
    ready(skip=("SYT",))
    first = province.draft(world)
    assert [b["code"] for b in first["blocking"]] == ["SYT"]
    with django_assert_max_num_queries(5):     # unchanged inputs: the fingerprint's aggregates only
        assert province.draft(world) is first
    _finalize(PeriodUnit.objects.get(period=world, code="SYT"), set_of(world, "department"), {})
    second = province.draft(world)
    assert second["blocking"] == [] and _row(second, "SYT")["index"] == "100.00"
    province.record_not_assessed(world, "SGTVT", "Không đánh giá", actor=persona("snv.dieuphoi"))
    assert _row(province.draft(world), "SGTVT")["not_assessed"] == "Không đánh giá"
    publication_count = Publication.objects.count()
    ngan_son = PeriodUnit.objects.get(period=world, code="062")
    rows = [{"code": c.code, "name": c.name, "total": "95", "class": "xuat_sac"}
            for c in ngan_son.children.exclude(code="01936")]
    publication.publish(world, "district:062", {"units": rows}, actor=persona("snv.dieuphoi"), reason="Đính chính")
    assert Publication.objects.count() == publication_count + 1
    assert _row(province.draft(world), "062")["class"] is None     # Ngân Sơn's newest publication lacks a commune
