"""The strict loader: one deliberately broken file per rule, each with its exact message.

Each message names the file, the line and the node code (docs/criteria-format.md).
"""

from pathlib import Path

import pytest

from parindex.rulebook import CriteriaSetError, load

BROKEN = Path(__file__).parent / "fixtures" / "broken"

# file → one line the loader must print for it: LINE: CODE: message
EXPECTED = {
    "syntax_error": "19: -: lỗi cú pháp YAML: did not find expected ',' or '}'",
    "duplicate_key": "32: a.1.1: khoá «title» bị lặp lại trong tiêu chí",
    "unknown_key": "43: a.1.1: khoá «weight» không được phép trong tiêu chí (cho phép: code, title, "
    "max_points, method, rubric, evidence, agency, ref, not_applicable)",
    "missing_key": "45: a.1.2: thiếu khoá bắt buộc «evidence» trong tiêu chí",
    "non_numeric_points": "64: a.2: max_points «ba điểm» không phải là số",
    "negative_points": "38: a.1.1: points không được âm: -0.5",
    "too_many_decimals": "50: a.1.2: step «0.125» có quá 2 chữ số thập phân",
    "criterion_sum": "28: a.1: tổng điểm các tiêu chí thành phần là 3, khác điểm tối đa của tiêu chí 4",
    "field_sum": "23: a: tổng điểm các tiêu chí là 6, khác điểm tối đa của lĩnh vực 7",
    "total_mismatch": "16: test-2021-district: điểm điều tra XHH tối đa là 2, quyết định quy định 3",
    "count_mismatch": "21: a: số tiêu chí là 2, quyết định quy định 3",
    "duplicate_code": "45: a.1.1: mã «a.1.1» bị trùng (đã dùng ở dòng 30)",
    "code_prefix": "91: a.1.4: mã «a.1.4» phải có dạng «b.1.<số>»",
    "unknown_agency": "104: b.1.2: cơ quan thẩm định «SYT» không có trong agencies (SNV, STP)",
    "survey_with_rubric": "60: a.1.3: tiêu chí điều tra XHH không có thang chấm (rubric)",
    "survey_evidence": "88: b.1.1: tiêu chí điều tra XHH phải ghi tài liệu kiểm chứng «ĐTXHH»",
    "rubric_without_zero": "68: a.2: thang chấm phải có mức 0 điểm (mục III.3.2.b: không có tài liệu "
    "kiểm chứng thì không cho điểm)",
    "rubric_max_mismatch": "97: b.1.2: mức điểm cao nhất 2 phải bằng max_points 3",
    "rubric_over_max": "99: b.1.2: mức điểm 3.5 vượt điểm tối đa 3",
    "range_step": "50: a.1.2: bước 0.3 phải lớn hơn 0 và chia hết khoảng 0–1",
    "bad_method": "65: a.2: method «appraisal» không hợp lệ (cho phép: self, survey)",
    "bad_field_letter": "75: f: mã lĩnh vực «f» không hợp lệ (cho phép: a b c d e g h)",
    "rubric_missing": "91: b.1.2: tiêu chí tự đánh giá phải có thang chấm (rubric)",
    # issue 12 §3, item 1: every day in exactly one date band («trước ngày 31/01» ends on 30/01)
    "date_gap": "36: a.1.1: thang chấm theo ngày: ngày 31/01 không thuộc mức điểm nào",
    "date_overlap": "36: a.1.1: thang chấm theo ngày: ngày 31/12 năm trước thuộc cả mức 1 và mức 0,5",
    # issue 12 §3, item 2: an item scored as the sum of its parts
    "parts_sum": "52: a.1.2: tổng điểm cao nhất của các phần là 0.75, khác max_points 1",
    # issue 12 §3, item 4: «không phát sinh» gives the item's full points, nothing else
    "not_applicable_points": "42: a.1.1: not_applicable.points phải là «full» (điểm tối đa), không phải «half»",
}


def test_every_broken_file_has_an_expected_message():
    files = {p.stem for p in BROKEN.glob("*.yaml")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_refused_with_its_message(name):
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(CriteriaSetError) as info:
        load(path)
    lines = [str(p) for p in info.value.problems]
    assert f"{path}:{EXPECTED[name]}" in lines


def test_the_valid_fixture_loads():
    cset = load(Path(__file__).parent / "fixtures" / "mini.yaml")
    assert cset.total_max == 10
    assert [i.code for i in cset.items] == ["a.1.1", "a.1.2", "a.1.3", "a.2", "b.1.1", "b.1.2"]


def test_empty_and_non_mapping_files_are_refused(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(CriteriaSetError, match="tệp rỗng"):
        load(empty)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(CriteriaSetError, match="phải là một bảng"):
        load(listing)


def test_a_missing_file_is_reported_not_crashed(tmp_path):
    with pytest.raises(CriteriaSetError, match="không đọc được tệp"):
        load(tmp_path / "nope.yaml")


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Bộ".encode("utf-16"))
    with pytest.raises(CriteriaSetError, match="UTF-8"):
        load(path)


def test_points_are_read_from_source_text_not_float():
    text = (Path(__file__).parent / "fixtures" / "mini.yaml").read_text()
    cset = load(Path(__file__).parent / "fixtures" / "mini.yaml")
    assert "0.5" in text
    choices = cset.items_by_code["a.1.1"].rubric.choices
    assert [str(c.points) for c in choices] == ["1", "0.5", "0"]
