"""The survey design's strict loader (docs/survey-format.md): one broken file per rule, each with its
message naming the file, the line and the node; the shipped 2021 design; purity."""

import ast
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import parindex.survey.loader as loader_module
from parindex.rulebook import registry
from parindex.survey.loader import SurveyDesignError, load, loads

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
SHIPPED = Path(loader_module.__file__).parent / "data" / "backan-2021-survey.yaml"

# file → the start of one line the loader must print for it: LINE: NODE: message
EXPECTED = {
    "bad_mode": "43: dan: mode «phone» không hợp lệ (cho phép: online, paper)",
    "bad_provenance": "6: test-2021-survey: provenance «estimated» không hợp lệ (cho phép: reconstructed, official)",
    "bad_scope": "42: dan: scope «neighbours» không hợp lệ (cho phép: all, own)",
    "criteria_of_wrong_kind": "11: test-2021-survey: bộ tiêu chí «backan-2021-commune» dành cho «commune», "
    "không phải «district»",
    "duplicate_group": "39: hdnd: mã nhóm «hdnd» bị trùng (đã dùng ở dòng 21)",
    "group_code_not_plain": "39: dân cư: code «dân cư» chỉ được gồm chữ cái không dấu, chữ số, «-», «_», «.»",
    "duplicate_key": "39: hdnd/C2: khoá «text» bị lặp lại trong câu hỏi",
    "duplicate_option": "17: dong-y: mã lựa chọn «1» bị trùng trong thang",
    "duplicate_question": "35: hdnd/C1: mã câu hỏi «C1» bị trùng trong nhóm (đã dùng ở dòng 31)",
    "item_not_survey": "36: hdnd/C2: tiêu chí «a.1.1» của bộ backan-2021-department không phải tiêu chí "
    "điều tra XHH (method: survey)",
    "item_of_other_kind": "50: dan/C1: tiêu chí «c.2.3» không có trong bộ tiêu chí backan-2021-district",
    "item_twice_in_group": "36: hdnd/C2: tiêu chí «a.4.2» đã được hỏi trong bảng hỏi của nhóm này (dòng 32); "
    "mỗi tiêu chí chỉ một câu mỗi nhóm",
    "item_unknown": "36: hdnd/C2: tiêu chí «b.9.9» không có trong bộ tiêu chí backan-2021-department",
    "margin_too_large": "7: test-2021-survey: margin (sai số e) phải lớn hơn 0 và không quá 0,5, không phải 0.6",
    "min_valid_zero": "8: test-2021-survey: min_valid phải từ 1 trở lên, không phải 0",
    "missing_key": "21: hdnd: thiếu khoá bắt buộc «population» trong nhóm đối tượng",
    "no_dont_know": "16: dong-y: thang phải có đúng một lựa chọn «không biết / không trả lời» (value: null), có 0",
    "no_scale": "49: dan/C1: câu hỏi chưa có thang trả lời (scale của câu hỏi hoặc của nhóm)",
    "population_by_unit_negative": "45: dan: population_by_unit.065 không được âm: -3",
    "sample_not_a_number": "46: dan: sample phải là một số nguyên từ 1 trở lên hoặc «formula», không phải «nhiều»",
    "sample_zero": "46: dan: sample phải từ 1 trở lên, không phải 0",
    "syntax_error": "26: -: lỗi cú pháp YAML: did not find expected ',' or ']'",
    "top_value_not_one": "16: dong-y: giá trị cao nhất của thang phải là 1, không phải 0.9",
    "two_dont_know": "16: dong-y: thang phải có đúng một lựa chọn «không biết / không trả lời» (value: null), có 2",
    "unknown_criteria_set": "11: test-2021-survey: không tìm thấy bộ tiêu chí «backan-2019-district» ",
    "unknown_key": "35: hdnd/C1: khoá «weight» không được phép trong câu hỏi "
    "(cho phép: code, item, section, text, scale)",
    "unknown_scale": "53: dan/C1: thang «hai-long» không có trong scales (dong-y)",
    "value_not_a_number": "17: dong-y: value «nửa» không phải là số",
    "value_over_one": "17: dong-y: giá trị 1.5 phải từ 0 đến 1",
    "value_too_precise": "17: dong-y: value «0.33333» có quá 4 chữ số thập phân",
    "weight_zero": "26: hdnd: weight phải lớn hơn 0, không phải 0",
}


def test_every_broken_file_has_an_expected_message():
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_design_is_refused_with_its_line_and_message(name):
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(SurveyDesignError) as info:
        load(path)
    lines = [str(p) for p in info.value.problems]
    assert any(line.startswith(f"{path}:{EXPECTED[name]}") for line in lines), lines


def test_a_broken_scale_is_reported_once_not_again_for_each_question():
    with pytest.raises(SurveyDesignError) as info:
        load(BROKEN / "value_over_one.yaml")
    assert len(info.value.problems) == 1


def test_the_valid_fixture_loads_with_decimal_values_and_lines():
    design = load(FIXTURES / "mini.yaml")
    scale = design.scales[0]
    assert [o.value for o in scale.options] == [Decimal(1), Decimal("0.5"), Decimal(0), None]
    assert [o.counts for o in scale.options] == [True, True, True, False]
    hdnd, dan = design.groups
    assert hdnd.weight == Decimal(2) and dan.weight == Decimal(1)  # default weight 1
    assert dan.sample_fixed == 60 and hdnd.sample_fixed is None
    assert design.min_valid_of(hdnd) == 2 and design.min_valid_of(dan) == 5
    assert design.line_of["groups.dan.questions.C1"] == 49


def test_a_text_must_name_the_periods_own_criteria_sets():
    sets = {"department": registry.find("backan-2021-department"), "district": registry.find("backan-2021-commune")}
    with pytest.raises(SurveyDesignError) as info:
        loads((FIXTURES / "mini.yaml").read_text(), "x.yaml", sets=sets)
    assert "x.yaml:11: test-2021-survey: bộ tiêu chí «backan-2021-district» khác bộ tiêu chí của kỳ cho «district» " \
           "(backan-2021-commune)" in [str(p) for p in info.value.problems]


def test_an_empty_text_and_a_non_utf8_file_are_refused():
    with pytest.raises(SurveyDesignError, match="tệp rỗng"):
        loads("", "x.yaml")
    with pytest.raises(SurveyDesignError, match="không phải UTF-8"):
        loads(b"id: \xff", "x.yaml")


# -- the shipped 2021 design (III.1.2–1.3: a question per survey sub-criterion, per respondent group) -------

def test_the_shipped_2021_design_covers_every_survey_item_of_both_sets():
    design = load(SHIPPED)
    assert design.provenance == "reconstructed" and design.year == 2021
    for kind, count in (("department", 26), ("district", 34)):  # II.1.1 and II.2.1 of 1679/QĐ-UBND
        items = [i.code for i in registry.find(design.criteria[kind]).items if i.is_survey]
        assert len(items) == count
        assert design.gaps(kind, items) == [], kind
        assert design.items_covered(kind) == set(items)


def test_the_shipped_design_counts():
    design = load(SHIPPED)
    assert [g.code for g in design.groups_for("department")] == ["hdnd-so", "phong-huyen-so", "congchuc-so",
                                                                 "nguoidan-so"]
    assert [g.code for g in design.groups_for("district")] == ["hdnd-huyen", "lanhdao-so-huyen", "lanhdao-xa",
                                                               "congchuc-huyen", "nguoidan-huyen"]
    assert sum(len(g.questions) for g in design.groups) == 103
    assert all(g.note for g in design.groups)  # every population says how it was reconstructed
    for scale in design.scales:
        assert [o.value for o in scale.options] == [Decimal(1), Decimal("0.67"), Decimal("0.33"), Decimal(0), None]
    # commune leaders: 3 per commune (chủ tịch, 2 phó) of the district's communes (GSO 2021: Chợ Mới has 14)
    assert design.group("lanhdao-xa").population_of("065") == 42


# -- purity --------------------------------------------------------------------------------------------------

PURE = ("design.py", "loader.py", "plan.py")


def test_the_design_loader_and_plan_import_nothing_from_django():
    offenders = []
    for name in PURE:
        path = SHIPPED.parent.parent / name
        for node in ast.walk(ast.parse(path.read_text(), name)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            offenders += [f"{name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_loading_the_shipped_design_leaves_django_unimported():
    code = ("import sys\n"
            "from parindex.survey import loader, plan\n"
            f"loader.load({str(SHIPPED)!r})\n"
            "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
            "print(bad)\n"
            "sys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
