"""The yearly edition's services: copy, edit (strictly checked, versioned), approve, delete; all audited."""

from decimal import Decimal

import pytest

from parindex.audit.models import AuditEntry
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.criteria import services_edition as editions
from parindex.criteria.models import CriteriaSetRecord, EditionStatus
from parindex.periods import services as periods
from parindex.rulebook import edition as plain

CHOICES_2 = {"choices": [{"points": Decimal(2), "condition": "Đạt"}, {"points": Decimal(0), "condition": "Không"}]}


def _item(rec, code):
    return rec.parsed().items_by_code[code]


def test_starting_the_next_edition_copies_the_approved_set_as_a_draft(draft, commune_2021):
    assert (draft.set_id, draft.year, draft.status, draft.version) == ("backan-2022-commune", 2022, "draft", 1)
    assert draft.based_on == commune_2021
    assert [i.code for i in draft.parsed().items] == [i.code for i in commune_2021.parsed().items]
    entry = AuditEntry.objects.get(action="criteria.edition_started")
    assert entry.before["set"] == "backan-2021-commune" and entry.after["set"] == "backan-2022-commune"


def test_the_same_edition_cannot_be_started_twice_nor_from_a_draft(draft, commune_2021, coordinator):
    with pytest.raises(DomainError, match="Đã có bộ tiêu chí backan-2022-commune"):
        editions.start_edition(commune_2021, actor=coordinator)
    with pytest.raises(DomainError, match="còn là dự thảo"):
        editions.start_edition(draft, actor=coordinator)


def test_only_the_coordinator_may_start_edit_approve_or_delete(commune_2021, draft, outsiders):
    for person in outsiders.values():
        with pytest.raises(NotAllowed):
            editions.start_edition(commune_2021, actor=person)
        with pytest.raises(NotAllowed):
            editions.edit_item(draft.set_id, "a.1.1", {"title": "X"}, version=1, actor=person)
        with pytest.raises(NotAllowed):
            editions.approve_edition(draft.set_id, version=1, actor=person)
        with pytest.raises(NotAllowed):
            editions.delete_draft(draft.set_id, version=1, actor=person)
    draft.refresh_from_db()
    assert (draft.version, draft.status) == (1, "draft")


def test_an_edit_is_saved_audited_and_bumps_the_version(draft, coordinator):
    rec = editions.edit_item(draft.set_id, "a.1.1", {"title": "Ban hành kế hoạch CCHC năm 2022 đúng hạn"},
                             version=1, actor=coordinator)
    assert rec.version == 2
    assert _item(rec, "a.1.1").title == "Ban hành kế hoạch CCHC năm 2022 đúng hạn"
    entry = AuditEntry.objects.get(action="criteria.item_edited")
    assert entry.before["code"] == "a.1.1" and entry.before["value"]["title"] != entry.after["value"]["title"]
    assert entry.after["version"] == 2


def test_a_change_the_loader_refuses_saves_nothing_and_names_every_problem(draft, coordinator):
    before = (draft.source, draft.version)
    with pytest.raises(DomainError) as info:
        editions.edit_item(draft.set_id, "a.1.1", {"max_points": Decimal(5), "rubric": CHOICES_2},
                           version=1, actor=coordinator)
    errors = info.value.errors
    assert any(e.startswith("a.1.1: mức điểm cao nhất 2 phải bằng max_points 5") for e in errors), errors
    draft.refresh_from_db()
    assert (draft.source, draft.version) == before
    assert not AuditEntry.objects.filter(action="criteria.item_edited").exists()


def test_a_reweighting_that_breaks_the_decisions_totals_is_refused_unless_expected_follows(draft, coordinator):
    item = _item(draft, "a.1.1")
    top = item.max_points + 1
    values = {"max_points": top, "rubric": {"choices": [{"points": top, "condition": "Đạt"},
                                                        {"points": Decimal(0), "condition": "Không"}]}}
    with pytest.raises(DomainError) as info:
        editions.edit_item(draft.set_id, "a.1.1", values, version=1, actor=coordinator)
    assert any("tổng điểm tối đa là 101, quyết định quy định 100" in e for e in info.value.errors), info.value.errors
    rec = editions.edit_item(draft.set_id, "a.1.1", values, version=1, actor=coordinator, follow_expected=True)
    cset = rec.parsed()
    assert cset.total_max == 101 and _item(rec, "a.1.1").max_points == top
    assert cset.fields[0].criteria[0].max_points == sum(i.max_points for i in cset.fields[0].criteria[0].items)


def test_a_second_coordinator_with_a_stale_version_gets_a_conflict_not_a_lost_update(draft, coordinator,
                                                                                    second_coordinator):
    editions.edit_item(draft.set_id, "a.1.1", {"title": "Bản của người thứ nhất"}, version=1, actor=coordinator)
    with pytest.raises(Conflict, match="vừa được người khác sửa"):
        editions.edit_item(draft.set_id, "a.1.1", {"title": "Bản của người thứ hai"}, version=1,
                           actor=second_coordinator)
    draft.refresh_from_db()
    assert _item(draft, "a.1.1").title == "Bản của người thứ nhất" and draft.version == 2


def test_an_item_becomes_a_survey_item_without_rubric_and_with_evidence_dtxhh(draft, coordinator):
    rec = editions.edit_item(draft.set_id, "a.1.2", {"method": "survey"}, version=1, actor=coordinator,
                             follow_expected=True)
    item = _item(rec, "a.1.2")
    assert (item.method, item.rubric, item.evidence) == ("survey", None, "ĐTXHH")
    assert rec.parsed().survey_max == item.max_points


def test_adding_and_removing_items_and_criteria(draft, coordinator):
    values = {"title": "Tiêu chí mới", "max_points": Decimal(2), "method": "self", "rubric": CHOICES_2,
              "evidence": "Văn bản", "agency": "PNV", "ref": "QĐ năm 2022"}
    rec, code = editions.add_item(draft.set_id, "a.1", values, version=1, actor=coordinator, follow_expected=True)
    assert code == "a.1.3" and _item(rec, "a.1.3").title == "Tiêu chí mới"
    rec, code = editions.add_item(draft.set_id, "b", values, version=2, actor=coordinator, follow_expected=True)
    assert code == "b.5" and rec.parsed().fields[1].criteria[-1].scored_directly
    rec = editions.remove_item(draft.set_id, "a.1.3", version=3, actor=coordinator, follow_expected=True)
    rec = editions.remove_item(draft.set_id, "c.1", version=4, actor=coordinator, follow_expected=True)
    assert "c.1.1" not in rec.parsed().items_by_code and rec.parsed().total_max == 98
    assert list(AuditEntry.objects.filter(action__startswith="criteria.item_").values_list("action", flat=True)
                .order_by("id")) == ["criteria.item_added", "criteria.item_added", "criteria.item_removed",
                                     "criteria.item_removed"]


def test_removing_the_last_sub_criterion_or_an_unknown_code_is_refused(draft, coordinator):
    editions.remove_item(draft.set_id, "a.1.1", version=1, actor=coordinator, follow_expected=True)
    with pytest.raises(DomainError, match="Không xoá được a.1.2: mỗi tiêu chí phải còn ít nhất một"):
        editions.remove_item(draft.set_id, "a.1.2", version=2, actor=coordinator, follow_expected=True)
    with pytest.raises(DomainError, match="Không có mục «z.1» trong bộ backan-2022-commune"):
        editions.remove_item(draft.set_id, "z.1", version=2, actor=coordinator)


def test_removing_an_item_without_following_expected_is_refused_with_the_count(draft, coordinator):
    with pytest.raises(DomainError) as info:
        editions.remove_item(draft.set_id, "a.1.1", version=1, actor=coordinator)
    assert any(e.startswith("a: số tiêu chí thành phần là 7, quyết định quy định 8") for e in info.value.errors)


def test_expected_is_set_by_hand_or_from_the_tree(draft, coordinator):
    data = plain.read(draft.source)
    wrong = {**data["expected"], "total_max": Decimal(90)}
    with pytest.raises(DomainError) as info:
        editions.set_expected(draft.set_id, wrong, version=1, actor=coordinator)
    assert any("tổng điểm tối đa là 100, quyết định quy định 90" in e for e in info.value.errors)
    rec = editions.set_expected(draft.set_id, None, version=1, actor=coordinator)
    assert rec.version == 1  # the tree already matched: nothing changed, nothing written
    assert not AuditEntry.objects.filter(action="criteria.expected_edited").exists()


def test_approval_freezes_the_edition_for_good(draft, coordinator):
    rec = editions.approve_edition(draft.set_id, version=1, actor=coordinator)
    assert (rec.status, rec.approved_by, rec.approved_at is not None) == ("approved", coordinator, True)
    assert AuditEntry.objects.filter(action="criteria.edition_approved").count() == 1
    with pytest.raises(DomainError, match="đã được phê duyệt: không sửa được nữa"):
        editions.edit_item(draft.set_id, "a.1.1", {"title": "Sửa sau phê duyệt"}, version=1, actor=coordinator)
    with pytest.raises(DomainError, match="đã được phê duyệt"):
        editions.delete_draft(draft.set_id, version=1, actor=coordinator)
    with pytest.raises(DomainError, match="đã được phê duyệt"):
        editions.approve_edition(draft.set_id, version=1, actor=coordinator)


def test_approving_a_version_someone_changed_since_is_a_conflict(draft, coordinator, second_coordinator):
    editions.edit_item(draft.set_id, "a.1.1", {"title": "Sửa lần cuối"}, version=1, actor=second_coordinator)
    with pytest.raises(Conflict):
        editions.approve_edition(draft.set_id, version=1, actor=coordinator)
    assert CriteriaSetRecord.objects.get(set_id=draft.set_id).status == EditionStatus.DRAFT


def test_a_draft_is_deleted_with_an_audit_entry(draft, coordinator):
    editions.delete_draft(draft.set_id, version=1, actor=coordinator)
    assert not CriteriaSetRecord.objects.filter(set_id=draft.set_id).exists()
    entry = AuditEntry.objects.get(action="criteria.draft_deleted")
    assert entry.before["based_on"] == "backan-2021-commune"


def test_a_period_refuses_a_draft_and_its_automatic_choice_ignores_drafts(draft, coordinator, criteria_loaded):
    sets = {r.unit_kind: r for r in CriteriaSetRecord.objects.filter(year=2021)}
    with pytest.raises(DomainError, match="backan-2022-commune còn là dự thảo"):
        periods.create_period(2022, actor=coordinator, sets={**sets, "commune": draft})
    period = periods.create_period(2022, actor=coordinator)
    assert period.criteria_sets.get(unit_kind="commune").set_id == "backan-2021-commune"


def test_an_approved_edition_is_the_one_a_new_period_binds(draft, coordinator):
    editions.approve_edition(draft.set_id, version=1, actor=coordinator)
    period = periods.create_period(2022, actor=coordinator)
    assert period.criteria_sets.get(unit_kind="commune").set_id == "backan-2022-commune"


def test_load_criteria_never_overwrites_an_edition_made_in_the_site(draft, tmp_path):
    from parindex.criteria.services import load_criteria_files
    from parindex.rulebook import CriteriaSetError

    other = tmp_path / "backan-2022-commune.yaml"
    data = plain.read(draft.source)
    data["title"] = "Bộ khác từ tệp"
    other.write_text(plain.write(data), encoding="utf-8")
    with pytest.raises(CriteriaSetError, match="không nạp đè từ tệp"):
        load_criteria_files([other])
    draft.refresh_from_db()
    assert draft.title != "Bộ khác từ tệp"
