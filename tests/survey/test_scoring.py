"""Survey scoring with exact Decimals (III.1.2–1.3, V.1.1.c–d of 1679/QĐ-UBND; docs/algorithms.md §7).

The decision sets the survey items and their points (III.1.2: 26 for departments, 34 for districts),
says they are asked of several respondent groups (III.1.2–1.3) and leaves the processing of the data
to the Sở Nội vụ (V.1.1.c–d); the design sets the groups' weights and the minimum of valid answers.
"""

import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from parindex.rulebook import registry
from parindex.rulebook.engine import score_unit
from parindex.survey.design import SurveyDesign
from parindex.survey.scoring import (
    RESOLVED,
    SCORED,
    UNRESOLVED,
    ScoringError,
    round_points,
    score_survey,
    survey_items,
)

AGREE = {"code": "dongy", "title": "Mức độ đồng ý", "options": [
    {"code": "1", "label": "Rất đồng ý", "value": "1"},
    {"code": "2", "label": "Đồng ý", "value": "0.67"},
    {"code": "3", "label": "Không đồng ý", "value": "0.33"},
    {"code": "4", "label": "Rất không đồng ý", "value": "0"},
    {"code": "kb", "label": "Không biết / không trả lời", "value": None},
]}


def design_data(**overrides) -> dict:
    """A small department design: three groups asking about a.4.2 and b.1.3 (and one district group)."""
    data = {
        "id": "test-2021", "year": 2021, "min_valid": 3, "criteria": {"department": "backan-2021-department"},
        "scales": [AGREE],
        "groups": [
            {"code": "hdnd", "title": "Đại biểu HĐND tỉnh", "evaluates": "department", "scope": "all",
             "weight": 2, "population": 50, "scale": "dongy", "questions": [
                 {"code": "C1", "item": "a.4.2", "text": "Đơn vị ban hành kế hoạch CCHC kịp thời?", "section": "A"},
                 {"code": "C2", "item": "b.1.3", "text": "Văn bản của đơn vị đúng thẩm quyền?", "section": "B"}]},
            {"code": "lanhdao", "title": "Lãnh đạo phòng cấp huyện", "evaluates": "department",
             "population": 80, "scale": "dongy", "questions": [
                 {"code": "L1", "item": "a.4.2", "text": "Kế hoạch CCHC của sở rõ ràng?", "section": "A"}]},
            {"code": "dan", "title": "Người dân, tổ chức", "evaluates": "department", "modes": ["paper"],
             "population": 400, "scale": "dongy", "questions": [
                 {"code": "D1", "item": "a.4.2", "text": "Ông/bà biết kế hoạch CCHC của sở?", "section": "A"},
                 {"code": "D2", "item": "b.1.3", "text": "Văn bản dễ hiểu?", "section": "A"}]},
            {"code": "xa", "title": "Lãnh đạo UBND cấp xã", "evaluates": "district",
             "population": 10, "scale": "dongy", "questions": [
                 {"code": "X1", "item": "a.4.2", "text": "Huyện hướng dẫn CCHC kịp thời?", "section": "A"}]},
        ],
    }
    data.update(overrides)
    return data


@dataclass(frozen=True)
class It:
    code: str
    max_points: D


ITEMS = (It("a.4.2", D(1)), It("b.1.3", D("1.5")))
DESIGN = SurveyDesign.from_dict(design_data())


def answers(unit, group, item, *values):
    return [(unit, group, item, None if v is None else D(v)) for v in values]


def score(data_answers, *, design=DESIGN, items=ITEMS, units=("SYT",), resolutions=None):
    return score_survey(design, "department", items, units, data_answers, resolutions)


def test_worked_example_of_the_algorithms_doc():
    """III.1.2–1.3, V.1.1.d: the worked example of docs/algorithms.md §7, to the last digit."""
    result = score(
        answers("SYT", "hdnd", "a.4.2", "1", "1", "0.67", "0.33", None)
        + answers("SYT", "lanhdao", "a.4.2", "1", "1", "0.33")
        + answers("SYT", "dan", "a.4.2", "1", "0.67", None, None)
    ).results[("SYT", "a.4.2")]
    hdnd, lanhdao, dan = result.groups
    assert (hdnd.n_valid, hdnd.n_dont_know, hdnd.total, hdnd.mean, hdnd.counted) == (4, 1, D("3.00"), D("0.7500"), True)
    assert (lanhdao.n_valid, lanhdao.n_dont_know, lanhdao.mean, lanhdao.counted) == (3, 0, D("0.7767"), True)
    assert (dan.n_valid, dan.n_dont_know, dan.mean, dan.counted) == (2, 2, D("0.8350"), False)
    # (2 × 0,75 + 1 × 2,33/3) ÷ (2 + 1) = 6,83/9 = 0,75888…
    assert result.combined == D("0.7589")
    assert result.points == D("0.76")
    assert result.status == SCORED


def test_dont_know_answers_are_excluded_from_the_mean():
    """III.1.2: "không biết / không trả lời" is counted apart and does not pull the mean down."""
    with_dk = score(answers("SYT", "hdnd", "a.4.2", "1", "0.67", "0.33", None, None, None))
    without = score(answers("SYT", "hdnd", "a.4.2", "1", "0.67", "0.33"))
    a, b = with_dk.results[("SYT", "a.4.2")], without.results[("SYT", "a.4.2")]
    assert (a.groups[0].n_valid, a.groups[0].n_dont_know) == (3, 3)
    assert a.points == b.points == D("0.67")  # (1 + 0,67 + 0,33) ÷ 3 = 2/3 → 0,67


def test_only_dont_know_answers_count_as_no_valid_answer():
    """V.1.1.d: a group whose every answer is "không biết" does not reach any minimum."""
    result = score(answers("SYT", "hdnd", "a.4.2", None, None, None, None)).results[("SYT", "a.4.2")]
    assert (result.groups[0].n_valid, result.groups[0].n_dont_know, result.groups[0].mean) == (0, 4, None)
    assert result.status == UNRESOLVED


def test_a_group_below_the_minimum_is_left_out_and_the_weights_renormalised():
    """V.1.1.d: min_valid 3 — the citizens' 2 valid answers do not count; hdnd alone gives the value."""
    result = score(answers("SYT", "hdnd", "a.4.2", "0.33", "0.33", "0.33")
                   + answers("SYT", "dan", "a.4.2", "1", "1")).results[("SYT", "a.4.2")]
    assert [g.counted for g in result.groups] == [True, False, False]
    assert result.points == D("0.33")


def test_the_minimum_is_reached_exactly_at_min_valid():
    """V.1.1.d: n_valid = min_valid counts, one fewer does not."""
    at = score(answers("SYT", "lanhdao", "a.4.2", "1", "0", "0")).results[("SYT", "a.4.2")]
    below = score(answers("SYT", "lanhdao", "a.4.2", "1", "0", None)).results[("SYT", "a.4.2")]
    assert (at.status, at.points) == (SCORED, D("0.33"))  # 1/3 → 0,33
    assert below.status == UNRESOLVED


def test_a_group_minimum_overrides_the_designs():
    data = design_data()
    data["groups"][2]["min_valid"] = 2
    design = SurveyDesign.from_dict(data)
    result = score(answers("SYT", "dan", "a.4.2", "1", "0.67"), design=design).results[("SYT", "a.4.2")]
    assert (result.groups[2].min_valid, result.groups[2].counted, result.points) == (2, True, D("0.84"))  # 0,835


def test_the_designs_weights_combine_the_groups():
    """V.1.1.d: hdnd weighs 2, the citizens 1: (2 × 1 + 1 × 0) ÷ 3 = 2/3 of the maximum 1,5 → 1,00."""
    data = answers("SYT", "hdnd", "b.1.3", "1", "1", "1") + answers("SYT", "dan", "b.1.3", "0", "0", "0")
    data_design = design_data()
    data_design["groups"][2]["weight"] = 1
    result = score(data, design=SurveyDesign.from_dict(data_design)).results[("SYT", "b.1.3")]
    assert result.points == D("1.00")


def test_default_weights_are_equal():
    """A design that sets no weight weighs every group 1: the plain mean of the group means."""
    data = design_data()
    for group in data["groups"]:
        group.pop("weight", None)
    design = SurveyDesign.from_dict(data)
    result = score(answers("SYT", "hdnd", "a.4.2", "1", "1", "1")
                   + answers("SYT", "lanhdao", "a.4.2", "0.33", "0.33", "0.33"), design=design)
    assert result.results[("SYT", "a.4.2")].points == D("0.67")  # (1 + 0,33) ÷ 2 = 0,665 → 0,67 half-up


def test_points_are_rounded_half_up_once_at_the_end():
    """The means stay exact: rounding lanhdao's 0,665 to 0,67 first would give 0,84, not 0,83."""
    data = design_data()
    data["groups"][0]["weight"] = 1
    design = SurveyDesign.from_dict(data)
    result = score(answers("SYT", "hdnd", "a.4.2", "1", "1", "1")
                   + answers("SYT", "lanhdao", "a.4.2", "1", "0.33", None), design=design)
    item = result.results[("SYT", "a.4.2")]
    assert item.groups[1].counted is False  # 2 valid < 3
    data["groups"][1]["min_valid"] = 2
    design = SurveyDesign.from_dict(data)
    item = score(answers("SYT", "hdnd", "a.4.2", "1", "1", "1")
                 + answers("SYT", "lanhdao", "a.4.2", "1", "0.33"), design=design).results[("SYT", "a.4.2")]
    assert item.combined == D("0.8325")
    assert item.points == D("0.83")


@pytest.mark.parametrize(("exact", "points"), [
    ("0.125", D("0.13")), ("0.12499", D("0.12")), ("0.135", D("0.14")), ("0.005", D("0.01")),
    ("0", D("0.00")), ("1", D("1.00")), ("1.5", D("1.50")),
])
def test_round_points_is_half_up_to_two_decimals(exact, points):
    from fractions import Fraction
    assert round_points(Fraction(exact)) == points
    assert str(round_points(Fraction(exact))) == str(points)


def test_a_third_is_exact_until_the_rounding():
    """1/3 of 1,5 is 0,50 exactly; a mean cut at 4 decimals (0,3333 × 1,5 = 0,49995) would still round to
    0,50, but a tie would not: 0,005 of a 0,03 item must give 0,01."""
    from fractions import Fraction
    assert round_points(Fraction(1, 3) * Fraction("1.5")) == D("0.50")
    assert round_points(Fraction(1, 6) * Fraction("0.03")) == D("0.01")


def test_no_group_reaching_the_minimum_is_listed_as_unresolved():
    """V.1.1.d: an item without enough valid answers is not scored 0 silently; it is listed."""
    result = score(answers("SYT", "hdnd", "a.4.2", "1", "1") + answers("SYT", "hdnd", "b.1.3", "1", "1", "1"))
    assert result.unresolved == (("SYT", "a.4.2"),)
    assert result.results[("SYT", "a.4.2")].points is None
    assert result.complete is False
    assert result.points_of("SYT") == {"b.1.3": D("1.50")}


def test_a_unit_without_answers_has_every_item_unresolved():
    result = score([], units=("SYT", "STP"))
    assert result.unresolved == (("SYT", "a.4.2"), ("SYT", "b.1.3"), ("STP", "a.4.2"), ("STP", "b.1.3"))


def test_a_resolution_gives_the_points_of_an_unresolved_item():
    """The coordinator's recorded decision (ItemResolution) closes the gap; the survey is then complete."""
    result = score(answers("SYT", "hdnd", "b.1.3", "1", "1", "1"),
                   resolutions={("SYT", "a.4.2"): D("0.50")})
    item = result.results[("SYT", "a.4.2")]
    assert (item.status, item.points) == (RESOLVED, D("0.50"))
    assert result.complete is True
    assert result.points_of("SYT") == {"a.4.2": D("0.50"), "b.1.3": D("1.50")}


def test_a_resolution_of_an_item_the_groups_now_score_is_superseded():
    result = score(answers("SYT", "hdnd", "a.4.2", "1", "1", "1"), resolutions={("SYT", "a.4.2"): D("0.20")})
    item = result.results[("SYT", "a.4.2")]
    assert (item.status, item.points) == (SCORED, D("1.00"))
    assert result.superseded == (("SYT", "a.4.2"),)


def test_a_resolution_out_of_range_is_refused():
    with pytest.raises(ScoringError) as caught:
        score([], resolutions={("SYT", "a.4.2"): D("1.5"), ("SYT", "x.9"): D(0)})
    assert caught.value.problems == [
        "quyết định cho «SYT» — tiêu chí a.4.2: điểm «1.5» không nằm trong [0, 1]",
        "quyết định cho «SYT» — «x.9»: không phải tiêu chí điều tra của đơn vị được đánh giá",
    ]


def test_answers_that_do_not_fit_the_design_are_refused_with_every_problem():
    bad = [("SYT", "hdnd", "a.4.2", D("1.2")), ("SYT", "xa", "a.4.2", D(1)), ("STP", "hdnd", "a.4.2", D(1)),
           ("SYT", "lanhdao", "b.1.3", D(1)), ("SYT", "hdnd", "z.1", D(1)), ("SYT", "hdnd", "a.4.2", 0.5)]
    with pytest.raises(ScoringError) as caught:
        score(bad)
    assert caught.value.problems == [
        "giá trị «1.2» của tiêu chí a.4.2 (nhóm «hdnd») không nằm trong [0, 1]",
        "câu trả lời của nhóm «xa», nhóm không đánh giá loại đơn vị «department»",
        "câu trả lời cho đơn vị «STP» không thuộc danh sách được đánh giá",
        "nhóm «lanhdao» không có câu hỏi nào cho tiêu chí b.1.3",
        "câu trả lời cho «z.1», không phải tiêu chí điều tra của bộ tiêu chí",
        "giá trị «0.5» của tiêu chí a.4.2 (nhóm «hdnd») không nằm trong [0, 1]",
    ]


def test_points_of_a_shipped_set_feed_the_scoring_engine():
    """III.1.4: the survey points enter the unit's total; with 2 decimals they pass the engine's checks."""
    cset = registry.find("backan-2021-department")
    items = survey_items(cset)
    assert len(items) == 26 and sum(i.max_points for i in items) == D(26)  # III.1.2: 26 points
    result = score_survey(DESIGN, "department", items, ["SYT"],
                          answers("SYT", "hdnd", "a.4.2", "1", "0.67", "0.67")
                          + answers("SYT", "hdnd", "b.1.3", "0.33", "0.33", "0.67"))
    points = result.points_of("SYT")
    assert points == {"a.4.2": D("0.78"), "b.1.3": D("0.44")}
    assert len(result.unresolved) == 24  # the other survey items: no group of this small design asks them
    unit = score_unit(cset, {k: str(v) for k, v in points.items()}, "Sở Y tế")
    assert unit.survey_points == D("1.22")


def test_scoring_imports_nothing_from_django():
    """House style §1: the survey's scoring runs without Django, proven in a clean interpreter."""
    code = ("import sys\nimport parindex.survey.scoring\n"
            "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
            "print(bad)\nsys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
