"""Scoring rules with exact Decimals; each test cites the article of QĐ 1679/QĐ-UBND."""

from decimal import Decimal as D

import pytest

from parindex.rulebook import ScoreError, classify, competition_ranks, district_class, score_unit
from parindex.rulebook.engine import InputError, UnitInput, evaluate
from parindex.rulebook.numbers import format_vi, parse_decimal, round_index

FULL = {"a.1.1": "1", "a.1.2": "1", "a.1.3": "1", "a.2": "3", "b.1.1": "1", "b.1.2": "3"}


def test_totals_are_exact_decimals_per_criterion_field_self_survey(mini):
    """III.1.4: index = appraised self-score + survey score, out of the set's maximum."""
    s = score_unit(mini, {"a.1.1": "0,5", "a.1.2": "0.75", "a.1.3": "0.3333", "a.2": "3",
                          "b.1.1": "0.6667", "b.1.2": "1.5"}, "Sở Tư pháp")
    assert s.criteria == {"a.1": D("1.5833"), "a.2": D("3"), "b.1": D("2.1667")}
    assert s.fields == {"a": D("4.5833"), "b": D("2.1667")}
    assert s.self_points == D("5.75")
    assert s.survey_points == D("1.0000")
    assert s.total == D("6.7500")
    assert s.index == D("67.50")
    assert s.warnings == []


def test_full_marks_give_index_100(mini):
    s = score_unit(mini, FULL)
    assert (s.total, s.index) == (D(10), D("100.00"))


def test_missing_score_counts_zero_and_is_reported(mini):
    s = score_unit(mini, {"a.1.1": "1"}, "Xã Hoà Mục")
    assert s.total == D(1)
    assert "Xã Hoà Mục: tiêu chí a.1.2 chưa có điểm, tính 0" in s.warnings
    assert len(s.warnings) == 5


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        *[("a.1.1", typed, f"Sở Y tế: tiêu chí a.1.1: giá trị «{typed}» không phải là số (chỉ nhận chữ số 0–9 "
                           "với dấu phẩy hoặc chấm, không dấu + hay −) — cho phép: một trong các giá trị 0; 0,5; 1")
          for typed in ("abc", "-1", "-0", "+1", "１", "١")],  # plain decimals only (issue 12 §3)
        ("a.1.1", "0,3", "Sở Y tế: tiêu chí a.1.1: giá trị «0,3» không hợp lệ — cho phép: "
                         "một trong các giá trị 0; 0,5; 1"),
        ("a.1.2", "0.3", "Sở Y tế: tiêu chí a.1.2: giá trị «0.3» không hợp lệ — cho phép: "
                         "từ 0 đến 1, bước 0,25"),
        ("a.1.2", "1.25", "Sở Y tế: tiêu chí a.1.2: giá trị «1.25» không hợp lệ — cho phép: "
                          "từ 0 đến 1, bước 0,25"),
        ("a.1.3", "1.5", "Sở Y tế: tiêu chí a.1.3: giá trị «1.5» không hợp lệ — cho phép: "
                         "số từ 0 đến 1, tối đa 4 chữ số thập phân"),
        ("a.1.3", "0.12345", "Sở Y tế: tiêu chí a.1.3: giá trị «0.12345» không hợp lệ — cho phép: "
                             "số từ 0 đến 1, tối đa 4 chữ số thập phân"),
        ("z.9", "1", "Sở Y tế: không có tiêu chí mã «z.9» trong bộ tiêu chí test-2021-district"),
    ],
)
def test_invalid_scores_are_rejected_never_clamped(mini, code, raw, message):
    with pytest.raises(ScoreError) as info:
        score_unit(mini, {**FULL, code: raw}, "Sở Y tế")
    assert info.value.messages == [message]


def test_floats_are_refused_because_their_value_is_not_the_typed_one(mini):
    with pytest.raises(ScoreError, match="không phải là số"):
        score_unit(mini, {"a.1.1": 0.5})


def test_every_invalid_score_is_listed_not_only_the_first(mini):
    with pytest.raises(ScoreError) as info:
        score_unit(mini, {"a.1.1": "2", "a.2": "1", "b.1.2": "x"})
    assert [m.split(":")[1].strip() for m in info.value.messages] == [
        "tiêu chí a.1.1", "tiêu chí a.2", "tiêu chí b.1.2"]


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [("83.245", "83.25"), ("83.2449", "83.24"), ("83.235", "83.24"), ("99.995", "100.00"),
     ("0.005", "0.01"), ("0.0049", "0.00"), ("100", "100.00")],
)
def test_index_rounds_half_up_to_two_decimals(raw, rounded):
    """IV.1.1 compares the published index; rounding policy in docs/algorithms.md."""
    assert str(round_index(D(raw))) == rounded


@pytest.mark.parametrize(
    ("index", "klass"),
    [("100", "xuat_sac"), ("90.00", "xuat_sac"), ("89.99", "tot"), ("80", "tot"),
     ("79.99", "kha"), ("50", "kha"), ("49.99", "trung_binh"), ("0", "trung_binh")],
)
def test_classes_at_their_boundaries(index, klass):
    """IV.1.1: Xuất sắc 90–100; Tốt 80–<90; Khá 50–<80; Trung bình < 50."""
    assert classify(D(index)) == klass


def test_decision_example_district_95_with_too_few_excellent_communes_is_tot():
    """IV.1.2, the decision's own example: 95 points, < 2/3 communes Xuất sắc → Tốt."""
    klass, reason = district_class("xuat_sac", ["xuat_sac"] * 5 + ["tot"] * 4)
    assert klass == "tot"
    assert reason == "Hạ một bậc: chỉ 5/9 xã đạt Xuất sắc trở lên (cần ≥ 2/3)"


@pytest.mark.parametrize(
    ("reaching", "total", "kept"),
    [(6, 9, True), (5, 9, False), (2, 3, True), (1, 3, False), (14, 21, True), (13, 21, False),
     (1, 1, True), (0, 1, False)],
)
def test_two_thirds_rule_is_compared_exactly(reaching, total, kept):
    """IV.1.2: 'ít nhất 2/3' — 3 × reaching ≥ 2 × total, no rounding of a fraction."""
    communes = ["tot"] * reaching + ["kha"] * (total - reaching)
    klass, _ = district_class("tot", communes)
    assert (klass == "tot") is kept
    if not kept:
        assert klass == "kha"


def test_a_district_drops_exactly_one_class_even_if_communes_are_far_below():
    """IV.1.2: 'xếp loại xuống loại thấp hơn liền kề' — one class, never two."""
    assert district_class("xuat_sac", ["trung_binh"] * 9)[0] == "tot"


def test_competition_ranking_shares_ranks_and_skips():
    ranks = competition_ranks([("a", D("90")), ("b", D("85.5")), ("c", D("85.50")), ("d", D("70"))])
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_evaluate_refuses_structurally_bad_input(mini):
    sets = {"district": mini}
    with pytest.raises(InputError, match="xuất hiện hai lần"):
        evaluate(sets, [UnitInput("H", "H", "district", None, {}), UnitInput("H", "H", "district", None, {})])
    with pytest.raises(InputError, match="loại đơn vị «province» không hợp lệ"):
        evaluate(sets, [UnitInput("T", "T", "province", None, {})])
    with pytest.raises(InputError, match="chưa chọn bộ tiêu chí"):
        evaluate(sets, [UnitInput("X", "X", "commune", "H", {})])
    with pytest.raises(InputError, match="dành cho «district»"):
        evaluate({"department": mini}, [UnitInput("S", "S", "department", None, {})])


def test_evaluate_lists_every_units_invalid_scores(mini):
    units = [UnitInput("H1", "Huyện Ba Bể", "district", None, {"a.1.1": "7"}),
             UnitInput("H2", "Huyện Na Rì", "district", None, {"a.2": "2"})]
    with pytest.raises(ScoreError) as info:
        evaluate({"district": mini}, units)
    assert [m.split(":")[0] for m in info.value.messages] == ["Huyện Ba Bể", "Huyện Na Rì"]


def test_district_without_any_commune_is_not_classified(mini):
    """IV.1.4: nothing shows the district's communes are complete."""
    (result,) = evaluate({"district": mini}, [UnitInput("H", "H", "district", None, FULL)])
    assert result.klass is None and result.rank is None
    assert "không có kết quả cấp xã nào" in result.reasons[0]


@pytest.mark.parametrize(("raw", "value"), [("0,5", "0.5"), ("0.5", "0.5"), (" 2 ", "2"), (3, "3")])
def test_numbers_typed_with_comma_or_dot_are_read_alike(raw, value):
    assert parse_decimal(raw) == D(value)


def test_vietnamese_number_display():
    assert format_vi(D("62.62")) == "62,62"
    assert format_vi(D("1234.5")) == "1.234,5"
    assert format_vi(D("83.245"), 2) == "83,25"
    assert format_vi(D("1.50")) == "1,5"
