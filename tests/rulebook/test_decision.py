"""The decision as data (issue 12 §1): decisions/backan-1679.yaml holds the legal parameters of 1679, the
strict loader refuses a bad file with its line and a message, and the engine and the periods read the file.
"""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from parindex.rulebook import registry
from parindex.rulebook.decision import (
    ORDER,
    TIMELINE_FIELDS,
    DecisionError,
    load_decision,
    loads_decision,
    set_problems,
    shipped_decision,
)
from parindex.rulebook.engine import (
    CLASSES_1679,
    DECISION_1679,
    InputError,
    PublishedCommune,
    UnitInput,
    district_class,
    evaluate,
    ranks_by,
    score_unit,
)

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(registry.__file__).parent / "decisions" / "backan-1679.yaml"
TEXT = SHIPPED.read_text(encoding="utf-8")
TWO_LEVEL = load_decision(FIXTURES / "decision-two-level.yaml")


# -- what the shipped file says, article by article -------------------------------------------------------

def test_iv_1_1_the_four_classes_and_their_bands():
    d = shipped_decision()
    assert [(c.code, c.label, c.min_index) for c in d.classes] == [
        ("xuat_sac", "Xuất sắc", Decimal(90)), ("tot", "Tốt", Decimal(80)), ("kha", "Khá", Decimal(50)),
        ("trung_binh", "Trung bình", Decimal(0))]
    assert CLASSES_1679 is d.classes and DECISION_1679 is d  # the engine's default is the file


def test_iv_1_2_two_thirds_of_the_communes_or_one_class_down_and_iv_1_4_incomplete_communes():
    d = shipped_decision()
    assert (d.district_rule.share, d.district_rule.drop, d.district_rule.ref) == (Fraction(2, 3), 1, "IV.1.2")
    assert d.incomplete_communes == "unclassified"


def test_iii_1_4_the_index_on_100_rounded_half_up_to_2_decimals_and_iv_1_1_ranked_high_to_low():
    d = shipped_decision()
    assert (d.index_scale, d.index_places, d.rounding, d.classified_on) == (Decimal(100), 2, "half_up", "index")
    assert d.round_index(Decimal("83.245")) == Decimal("83.25") and d.round_index(Decimal("83.244")) == Decimal("83.24")
    assert d.ranking == "competition"


def test_iii_1_2_survey_points_26_and_34_are_those_of_the_shipped_sets():
    d = shipped_decision()
    assert d.survey_points == {"department": Decimal(26), "district": Decimal(34), "commune": Decimal(0)}
    sets = {s.unit_kind: s for s in registry.shipped_sets()}
    assert set_problems(d, sets) == []


def test_iii_3_1_the_province_appraises_departments_and_districts_a_district_its_communes():
    assert shipped_decision().appraised_by == {"department": "province", "district": "province", "commune": "district"}


def test_iii_2_2_the_required_participants_per_unit_kind():
    p = shipped_decision().participants
    assert p["department"] == ("Thủ trưởng đơn vị", "Trưởng các phòng, ban chuyên môn liên quan")
    assert p["district"] == ("Chủ tịch UBND cấp huyện", "Trưởng các phòng, ban chuyên môn liên quan")
    assert p["commune"] == ("Chủ tịch UBND cấp xã", "Công chức tham mưu công tác CCHC", "Các công chức chuyên môn")


def test_section_v_dates_strict_and_inclusive_readings():
    d = shipped_decision()
    assert d.reading == "strict"
    strict, inclusive = d.default_dates(2021), d.default_dates(2021, "inclusive")
    assert strict == {
        "commune_self_due": date(2021, 11, 30), "district_publish_due": date(2021, 12, 31),
        "self_due": date(2021, 12, 31), "appraisal_start": date(2022, 1, 1), "appraisal_end": date(2022, 2, 1),
        "survey_start": date(2021, 12, 1), "survey_end": date(2022, 2, 1), "publication_start": date(2022, 2, 1),
        "publication_end": date(2022, 3, 1)}
    moved = {k for k in strict if inclusive[k] != strict[k]}  # only «trước ngày» deadlines move a day
    assert moved == {"commune_self_due", "district_publish_due", "self_due"}
    assert inclusive["commune_self_due"] == date(2021, 12, 1)


def test_the_options_beyond_the_decisions_text_are_on_for_1679():
    assert shipped_decision().options == {"explanation_round": True, "appraisal_may_exceed_self": True}


def test_the_periods_read_the_timeline_and_its_order_from_the_decision():
    from parindex.periods.timeline import FIELDS, ORDER_RULES, VN, default_timeline

    assert tuple(FIELDS) == TIMELINE_FIELDS and ORDER_RULES is ORDER
    assert default_timeline(2021)["commune_self_due"] == datetime(2021, 11, 30, tzinfo=VN)
    assert default_timeline(2021, "inclusive")["self_due"] == datetime(2022, 1, 1, tzinfo=VN)
    assert default_timeline(2025, decision=TWO_LEVEL)["appraisal_end"] == datetime(2026, 1, 15, tzinfo=VN)


# -- the strict loader: every bad file is refused with its line and what is allowed --------------------------

def mutate(old: str, new: str) -> tuple[str, int]:
    assert TEXT.count(old) == 1, old
    text = TEXT.replace(old, new)
    return text, text[:text.index(new)].count("\n") + 1 + new[:len(new) - len(new.lstrip("\n"))].count("\n")


BROKEN = [
    ('{code: tot, label: "Tốt", min: 80', '{code: tot, label: "Tốt", min: 95',
     "classes: mức tối thiểu 95 phải thấp hơn mức của loại trước (Xuất sắc: 90); xếp từ cao đến thấp"),
    ('label: "Trung bình", min: 0,', 'label: "Trung bình", min: 10,',
     "classes: loại thấp nhất (Trung bình) phải có min 0, để mọi Chỉ số đều có loại"),
    ('share: "2/3"', 'share: "3/2"', "district_rule.share «3/2» phải là phân số p/q trong (0, 1], ví dụ 2/3"),
    ("drop: 1", "drop: 0", "district_rule.drop phải từ 1 trở lên"),
    ("ranking: competition", "ranking: olympic",
     "ranking «olympic» không hợp lệ (cho phép: competition, dense)"),
    ("rounding: half_up", "rounding: bankers",
     "index.rounding «bankers» không hợp lệ (cho phép: half_up, half_even, down)"),
    ("ranking: competition", "ranking: competition\nrankin: dense",
     "khoá «rankin» không được phép trong quyết định (cho phép: schema, id, province, title, issued, legal_basis, "
     "levels, appraised_by, index, classes, district_rule, incomplete_communes, ranking, survey_points, "
     "participants, timeline, options)"),
    ("ranking: competition", "ranking: competition\nranking: dense", "khoá «ranking» bị lặp lại trong quyết định"),
    ('date: "30/11", ref: "V.1"', 'date: "31/02", ref: "V.1"',
     "timeline.date «31/02» phải là ngày/tháng có thật, ví dụ 30/11"),
    ("  department: province\n  district: province", "  department: district\n  district: province",
     "appraised_by.department: chỉ cấp xã được cấp huyện thẩm định"),
    ("    value: true\n    note: \"Vòng", "    value: yes please\n    note: \"Vòng",
     "options.explanation_round.value phải là true hoặc false"),
    ("levels: [department, district, commune]", "levels: [department, district]",
     "levels: có cấp huyện thì phải có cấp xã"),
    ('issued: "10/09/2021"', 'issued: "31/09/2021"', "issued «31/09/2021» không phải là ngày (dd/mm/yyyy)"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN, ids=[b[2][:40] for b in BROKEN])
def test_a_broken_decision_is_refused_with_its_line_and_message(old, new, message):
    text, line = mutate(old, new)
    with pytest.raises(DecisionError) as refused:
        loads_decision(text, "qd.yaml")
    problems = [(p.path, p.message) for p in refused.value.problems]
    assert ("qd.yaml", message) in problems, refused.value
    lines = {p.line for p in refused.value.problems if p.message == message}
    assert lines <= set(range(line - 2, line + 3)) or message.startswith(("classes: loại thấp nhất", "levels:")), \
        (lines, line)


def test_a_missing_timeline_date_and_a_timeline_out_of_order_are_named():
    text, _ = mutate('    - {field: publication_end, rule: until, date: "01/03", year: next, ref: "V.5: tháng 02"}\n',
                     "")
    with pytest.raises(DecisionError, match="timeline: thiếu mốc publication_end"):
        loads_decision(text)
    text, _ = mutate('date: "30/11", ref: "V.1"', 'date: "15/01", year: next, ref: "V.1"')
    with pytest.raises(DecisionError, match="mốc «commune_self_due» phải không sau mốc «district_publish_due»"):
        loads_decision(text)


def test_a_three_level_decision_without_the_district_rule_is_refused_and_a_two_level_one_with_it_too():
    text, _ = mutate('district_rule:\n  share: "2/3"\n  drop: 1\n  ref: "IV.1.2"\n', "")
    with pytest.raises(DecisionError, match="thiếu khoá «district_rule»: quyết định có cả cấp huyện và cấp xã"):
        loads_decision(text)
    two = (FIXTURES / "decision-two-level.yaml").read_text(encoding="utf-8")
    with pytest.raises(DecisionError, match="khoá «district_rule» chỉ dùng khi quyết định có cả cấp huyện và cấp xã"):
        loads_decision(two + 'district_rule: {share: "2/3", drop: 1, ref: "x"}\n')
    with pytest.raises(DecisionError, match="survey_points: «district» không có trong levels"):
        loads_decision(two.replace("  commune: 0\n", "  commune: 0\n  district: 34\n"))


def test_survey_points_other_than_the_sets_are_named():
    sets = {s.unit_kind: s for s in registry.shipped_sets()}
    assert set_problems(TWO_LEVEL, sets) == [
        "bộ tiêu chí backan-2021-district: quyết định test-two-level không có cấp «district»"]


# -- the engine under another decision ----------------------------------------------------------------------

def _commune_scores(cset, points_off: Decimal) -> dict[str, str]:
    """Full marks but ``points_off`` taken from the first items that can give them up."""
    scores = {i.code: str(i.max_points) for i in cset.items if not i.is_survey}
    for item in cset.items:
        if points_off <= 0:
            break
        if item.rubric is not None and Decimal(0) in item.rubric.allowed_values() and item.max_points <= points_off:
            scores[item.code] = "0"
            points_off -= item.max_points
    return scores


def test_a_two_level_decision_ranks_communes_province_wide_with_its_own_bands_rounding_and_dense_ranks():
    commune = next(s for s in registry.shipped_sets() if s.unit_kind == "commune")
    units = [UnitInput("X1", "Xã 1", "commune", None, _commune_scores(commune, Decimal(10))),
             UnitInput("X2", "Xã 2", "commune", None, _commune_scores(commune, Decimal(10))),
             UnitInput("X3", "Xã 3", "commune", None, _commune_scores(commune, Decimal(16)))]
    results = {r.id: r for r in evaluate({"commune": commune}, units, decision=TWO_LEVEL)}
    assert {k: (r.score.index, r.klass, r.rank, r.rank_group) for k, r in results.items()} == {
        "X1": (Decimal("90.0"), "xuat_sac", 1, "commune"), "X2": (Decimal("90.0"), "xuat_sac", 1, "commune"),
        "X3": (Decimal("84.0"), "tot", 2, "commune")}  # dense: 1, 1, 2; 84 is «Tốt» under bands 85/70/50
    with pytest.raises(InputError, match="quyết định test-two-level không có cấp «district»"):
        evaluate({"commune": commune}, [UnitInput("H", "Huyện", "district", None, None)], decision=TWO_LEVEL)


def test_the_index_is_rounded_as_the_decision_says():
    commune = next(s for s in registry.shipped_sets() if s.unit_kind == "commune")
    scores = _commune_scores(commune, Decimal(10))
    # a value with hundredths (commune g.1 no longer takes 0,25: issue 12 §3, item 2)
    scores[next(i.code for i in commune.items if Decimal("0.75") in (i.rubric.allowed_values() if i.rubric else []))]\
        = "0.75"
    exact = score_unit(commune, scores).total
    assert score_unit(commune, scores, decision=TWO_LEVEL).index == exact.quantize(Decimal("0.1"), "ROUND_DOWN")
    assert score_unit(commune, scores).index == exact.quantize(Decimal("0.01"), "ROUND_HALF_UP")


def test_a_district_rule_of_another_share_and_drop():
    from parindex.rulebook.decision import DistrictRule

    half_two = DistrictRule(Fraction(1, 2), 2, "thử nghiệm")
    assert district_class("xuat_sac", ["xuat_sac", "kha"], rule=half_two) == ("xuat_sac", None)  # exactly 1/2
    assert district_class("xuat_sac", ["xuat_sac", "kha", "kha"], rule=half_two) == (
        "kha", "Hạ 2 bậc: chỉ 1/3 xã đạt Xuất sắc trở lên (cần ≥ 1/2)")
    assert district_class("kha", ["trung_binh"] * 3, rule=half_two)[0] == "trung_binh"  # never below the lowest
    assert district_class("xuat_sac", ["kha"] * 3, rule=None) == ("xuat_sac", None)     # a decision without it
    # 1679 still: exactly 2/3 keeps, just below drops one (IV.1.2)
    assert district_class("tot", ["tot", "tot", "kha"]) == ("tot", None)
    assert district_class("tot", ["tot", "kha", "kha"])[0] == "kha"


def test_dense_and_competition_ranks():
    pairs = [("a", Decimal(90)), ("b", Decimal(85)), ("c", Decimal(85)), ("d", Decimal(80))]
    assert ranks_by(pairs, "competition") == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert ranks_by(pairs, "dense") == {"a": 1, "b": 2, "c": 2, "d": 3}


def test_published_communes_are_judged_by_the_decisions_rule():
    district = next(s for s in registry.shipped_sets() if s.unit_kind == "district")
    scores = {i.code: str(i.max_points) for i in district.items}
    communes = {"H": [PublishedCommune("X1", "Xã 1", "xuat_sac"), PublishedCommune("X2", "Xã 2", "kha"),
                      PublishedCommune("X3", "Xã 3", "kha")]}
    [result] = evaluate({"district": district}, [UnitInput("H", "Huyện", "district", None, scores)],
                        published_communes=communes)
    assert (result.class_by_score, result.klass, result.communes_reaching) == ("xuat_sac", "tot", 1)
