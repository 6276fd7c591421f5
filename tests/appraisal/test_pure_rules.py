"""The appraisal's rules as pure functions (parindex/appraisal/rules.py), each with its article."""

import ast
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from parindex.appraisal import rules
from parindex.appraisal.models import Stage

D = Decimal
SUPPORTED = {"points": "2", "explanation": "", "evidence": [{"label": "Kế hoạch 15/KH-UBND"}]}
EXPLAINED = {"points": "2", "explanation": "Đã thực hiện, xem mục 3", "evidence": []}
BARE = {"points": "2", "explanation": "   ", "evidence": []}


def test_rules_import_nothing_from_django_or_the_database():
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and (m.startswith("django") or m.startswith("parindex")) for m in imported)


def test_the_stage_names_are_the_models():
    assert (rules.ROUND1, rules.EXPLANATION, rules.FINAL, rules.FINALIZED) == (
        Stage.ROUND1, Stage.EXPLANATION, Stage.FINAL, Stage.FINALIZED)


def test_III_3_2_b_evidence_or_an_explanation_at_submission_supports_the_item():
    assert rules.had_support(SUPPORTED) and rules.had_support(EXPLAINED)
    assert not rules.had_support(BARE)
    assert rules.is_supported(SUPPORTED, "", 0, rules.ROUND1)


def test_III_3_2_b_no_evidence_and_no_explanation_gives_only_0():
    assert not rules.is_supported(BARE, "", 0, rules.ROUND1)
    assert rules.allowed_without_support(D(0))
    assert not rules.allowed_without_support(D("0.25"))


def test_III_3_2_b_what_the_unit_adds_counts_only_from_the_explanation_round():
    # an explanation typed in round 1 (impossible through the pages) still does not count in round 1
    assert not rules.is_supported(BARE, "Bổ sung", 1, rules.ROUND1)
    assert rules.is_supported(BARE, "Bổ sung: Quyết định 12/QĐ-UBND", 0, rules.FINAL)
    assert rules.is_supported(BARE, "", 1, rules.EXPLANATION)
    assert not rules.is_supported(BARE, "  ", 0, rules.FINAL)


def test_III_3_2_b_the_self_assessment_warns_of_points_that_will_be_given_0():
    assert rules.unsupported_points(D("0.5"), False, " ")
    assert not rules.unsupported_points(D("0.5"), True, "")
    assert not rules.unsupported_points(D("0.5"), False, "Xem báo cáo")
    assert not rules.unsupported_points(D(0), False, "")
    assert not rules.unsupported_points(None, False, "")


def test_III_3_1_the_agency_is_the_criterions_then_the_fields_then_the_sets():
    item = SimpleNamespace(code="b.2.1", criterion="b.2", field="b", agency="PNV")
    assert rules.effective_agency(item, {}) == "PNV"
    assert rules.effective_agency(item, {"b": "VPHU"}) == "VPHU"
    assert rules.effective_agency(item, {"b": "VPHU", "b.2": "PTP"}) == "PTP"
    assert rules.effective_agency(item, {"a": "PTP"}) == "PNV"


def test_III_3_2_the_unit_answers_items_whose_round1_differs_or_carries_a_comment():
    assert rules.under_comment(D(1), "", D(2))
    assert rules.under_comment(D(2), "Thiếu phụ lục", D(2))
    assert not rules.under_comment(D(2), "  ", D(2))
    assert not rules.under_comment(None, "x", D(2))


def test_self_points_of_an_unscored_item_count_0_and_a_differing_score_needs_a_comment():
    assert rules.self_points(SUPPORTED) == D(2)
    assert rules.self_points(rules.EMPTY_ITEM) == D(0)
    assert rules.snapshot_item({"items": {"a.1": SUPPORTED}}, "a.1") == SUPPORTED
    assert rules.snapshot_item(None, "a.1") == rules.EMPTY_ITEM
    assert rules.needs_comment(D(1), D(2), " ")
    assert not rules.needs_comment(D(1), D(2), "Thiếu tài liệu")
    assert not rules.needs_comment(D(2), D(2), "")


def test_the_explanation_round_ends_by_itself_when_its_window_closes():
    assert rules.stage_now(rules.EXPLANATION, 10, 9) == rules.EXPLANATION
    assert rules.stage_now(rules.EXPLANATION, 10, 10) == rules.FINAL
    assert rules.stage_now(rules.ROUND1, 10, 11) == rules.ROUND1
    assert rules.current_round(rules.ROUND1) == "round1" and rules.current_round(rules.FINAL) == "final"
    assert rules.current_round(rules.EXPLANATION) is None and rules.current_round(rules.FINALIZED) is None
