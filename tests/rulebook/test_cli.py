"""The command-line contract (docs/rulebook.md), run as a real subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "parindex.rulebook", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_list_json_names_the_three_shipped_sets():
    result = run("list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert sorted(r["unit_kind"] for r in rows) == ["commune", "department", "district"]
    for row in rows:
        assert set(row) == {"id", "unit_kind", "year", "path", "provenance"}
        assert row["year"] == 2021 and row["provenance"] == "reconstructed"
        assert Path(row["path"]).is_file()


def test_check_valid_files_exits_0_silently():
    paths = [r["path"] for r in json.loads(run("list", "--json").stdout)]
    result = run("check", *paths)
    assert (result.returncode, result.stdout) == (0, "")


def test_check_broken_files_exits_1_with_file_line_code_message():
    broken = FIXTURES / "broken" / "duplicate_code.yaml"
    unknown = FIXTURES / "broken" / "unknown_agency.yaml"
    result = run("check", str(FIXTURES / "mini.yaml"), str(broken), str(unknown))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{broken}:45: a.1.1: mã «a.1.1» bị trùng (đã dùng ở dòng 30)",
        f"{unknown}:104: b.1.2: cơ quan thẩm định «SYT» không có trong agencies (SNV, STP)",
    ]


def test_check_missing_file_exits_1():
    result = run("check", "khong-co.yaml")
    assert result.returncode == 1
    assert result.stdout.startswith("khong-co.yaml:0: -: ")


def test_summary_json_matches_the_contract():
    result = run("summary", "backan-2021-district", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"id", "unit_kind", "total_max", "self_max", "survey_max", "fields", "items"}
    assert (data["total_max"], data["self_max"], data["survey_max"]) == ("100", "66", "34")
    assert [(f["code"], f["criteria"], f["sub_criteria"], f["survey_sub_criteria"]) for f in data["fields"]] == [
        ("a", 9, 15, 5), ("b", 4, 10, 4), ("c", 7, 19, 5), ("d", 3, 7, 2), ("e", 5, 14, 11),
        ("g", 4, 10, 3), ("h", 6, 24, 4)]
    assert sum(int(f["max_points"]) for f in data["fields"]) == 100
    for item in data["items"]:
        assert set(item) == {"code", "field", "max_points", "method", "values"}
        if item["method"] == "survey":
            assert item["values"] is None
        else:
            assert "0" in item["values"] and item["max_points"] in item["values"]
        assert isinstance(item["max_points"], str)


def test_summary_lists_every_allowed_value_including_range_steps():
    data = json.loads(run("summary", str(FIXTURES / "mini.yaml"), "--json").stdout)
    values = {i["code"]: i["values"] for i in data["items"]}
    assert values == {"a.1.1": ["0", "0.5", "1"], "a.1.2": ["0", "0.25", "0.5", "0.75", "1"],
                      "a.1.3": None, "a.2": ["0", "3"],
                      "b.1.1": None, "b.1.2": ["0", "1.5", "3"]}


def test_evaluate_the_shipped_example():
    result = run("evaluate", "examples/evaluate-province.json")
    assert result.returncode == 0, result.stderr
    units = json.loads(result.stdout)["units"]
    keys = {"id", "kind", "parent", "self_points", "survey_points", "total", "index",
            "class_by_score", "class", "rank", "rank_group", "fields", "reasons", "warnings"}
    assert all(set(u) == keys for u in units)
    assert json.loads(result.stdout)["warnings"] == []  # complete: every scored unit has every item
    by_id = {u["id"]: u for u in units}
    nari = by_id["H-NARI"]
    assert nari["class"] is None and nari["rank"] is None  # IV.1.4: one commune has no result
    assert "Xã Cư Lễ" in nari["reasons"][0]


def _write(tmp_path, data):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return str(path)


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([{"id": "S1", "name": "Sở Y tế", "kind": "department", "scores": {"a.1.1": "7"}}],
         "Sở Y tế: tiêu chí a.1.1: giá trị «7» không hợp lệ"),
        ([{"id": "S1", "name": "Sở Y tế", "kind": "department", "scores": {"a.1.1": 0.5}}],
         "S1: tiêu chí a.1.1: giá trị 0.5 phải là chuỗi số"),
        ([{"id": "S1", "kind": "province", "scores": {}}], "S1: loại đơn vị «province» không hợp lệ"),
        ([{"kind": "department", "scores": {}}], "units[1]: thiếu «id»"),
    ],
)
def test_evaluate_invalid_input_exits_1_with_message_and_no_stdout(tmp_path, units, message):
    criteria = {"department": "backan-2021-department"}
    result = run("evaluate", _write(tmp_path, {"criteria": criteria, "units": units}))
    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr


def test_evaluate_unknown_criteria_set_and_bad_json(tmp_path):
    result = run("evaluate", _write(tmp_path, {"criteria": {"department": "khong-co"}, "units": []}))
    assert (result.returncode, result.stdout) == (1, "")
    assert "không tìm thấy bộ tiêu chí «khong-co»" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result = run("evaluate", str(bad))
    assert (result.returncode, result.stdout) == (1, "")
    assert "JSON không hợp lệ" in result.stderr


# -- the decision as data (issue 12 §1) --------------------------------------------------------------------

def test_check_decision_accepts_the_shipped_one_and_names_each_problem_of_a_broken_one(tmp_path):
    assert (run("check-decision", "backan-1679").returncode, run("check-decision", "backan-1679").stdout) == (0, "")
    broken = tmp_path / "qd.yaml"
    shipped = (ROOT / "parindex/rulebook/decisions/backan-1679.yaml").read_text(encoding="utf-8")
    broken.write_text(shipped.replace("drop: 1", "drop: 0").replace("ranking: competition", "ranking: x"),
                      encoding="utf-8")
    result = run("check-decision", str(broken), "khong-co")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{broken}:") and "district_rule.drop phải từ 1 trở lên" in line for line in lines)
    assert any("ranking «x» không hợp lệ (cho phép: competition, dense)" in line for line in lines)
    assert any(line.startswith("khong-co:0: -: không tìm thấy quyết định «khong-co»") for line in lines)


def test_evaluate_under_another_decision_and_refuse_sets_it_does_not_have(tmp_path):
    two_level = str(FIXTURES / "decision-two-level.yaml")
    units = [{"id": "X1", "kind": "commune", "scores": {}}, {"id": "X2", "kind": "commune", "scores": {}}]
    result = run("evaluate", _write(tmp_path, {"criteria": {"commune": "backan-2021-commune"}, "units": units}),
                 "--decision", two_level, "--allow-incomplete")
    assert result.returncode == 0, result.stderr
    out = {u["id"]: u for u in json.loads(result.stdout)["units"]}
    assert out["X1"]["index"] == "0.0" and out["X1"]["class"] == "chua_dat" and out["X1"]["rank_group"] == "commune"
    refused = run("evaluate", "examples/evaluate-province.json", "--decision", two_level)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "quyết định test-two-level không có cấp «district»" in refused.stderr


# -- IV.1.4 in the CLI's input, and incomplete inputs (issue 12 §3) ----------------------------------------

EXAMPLE = json.loads((ROOT / "examples/evaluate-province.json").read_text(encoding="utf-8"))


def _example(edit):
    data = json.loads(json.dumps(EXAMPLE))
    edit({u["id"]: u for u in data["units"]}, data["units"])
    return data


def _evaluate(tmp_path, data, *flags):
    result = run("evaluate", _write(tmp_path, data), *flags)
    return result, (json.loads(result.stdout) if result.returncode == 0 else None)


def test_iv_1_4_a_listed_commune_absent_from_the_input_leaves_its_district_unclassified(tmp_path):
    def add_listed_commune(by_id, units):
        by_id["H-CHOMOI"]["communes"].append("X-YENDINH")  # listed, with no result in the input
    result, out = _evaluate(tmp_path, _example(add_listed_commune))
    assert result.returncode == 0, result.stderr
    chomoi = next(u for u in out["units"] if u["id"] == "H-CHOMOI")
    assert (chomoi["class"], chomoi["rank"]) == (None, None)
    assert chomoi["reasons"] == ["Không xếp loại, không xếp hạng (mục IV.1.4): chưa đủ kết quả của cấp xã — "
                                 "còn thiếu 1/4: X-YENDINH"]


@pytest.mark.parametrize(("edit", "message"), [
    (lambda by_id, units: by_id["H-CHOMOI"].pop("communes"),
     "H-CHOMOI: thiếu «communes»: danh sách đầy đủ mã các xã của huyện (mục IV.1.4)"),
    (lambda by_id, units: by_id["X-HOAMUC"].update(parent="H-KHONGCO"),
     "X-HOAMUC: huyện «H-KHONGCO» (parent) không có trong dữ liệu vào"),
    (lambda by_id, units: by_id["H-NARI"]["communes"].append("X-HOAMUC"),
     "xã «X-HOAMUC» có trong danh sách xã của cả H-CHOMOI và H-NARI"),
    (lambda by_id, units: by_id["H-NARI"]["communes"].append("X-KIMLU"),
     "xã «X-KIMLU» có hai lần trong danh sách xã của H-NARI"),
    (lambda by_id, units: by_id["H-NARI"]["communes"].remove("X-KIMLU"),
     "X-KIMLU: thuộc huyện «H-NARI» nhưng không có trong danh sách xã (communes) của huyện đó"),
    (lambda by_id, units: units.append(dict(by_id["H-NARI"])),
     "đơn vị «H-NARI» xuất hiện hai lần"),
    (lambda by_id, units: by_id["STP"].update(communes=["X-HOAMUC"]),
     "STP: «communes» chỉ dùng cho huyện: danh sách mã các xã của huyện"),
])
def test_iv_1_4_a_wrong_list_of_communes_is_refused_naming_it(tmp_path, edit, message):
    result, _ = _evaluate(tmp_path, _example(edit))
    assert (result.returncode, result.stdout) == (1, "")
    assert message in result.stderr.splitlines()


def test_a_missing_self_score_or_survey_points_is_refused_unless_allowed(tmp_path):
    def drop(by_id, units):
        del by_id["X-HOAMUC"]["scores"]["a.1.1"]  # a self-assessed item of a commune
        del by_id["STP"]["scores"]["a.4.2"]  # a department's item the survey supplies (III.1.2)
    data = _example(drop)
    result, _ = _evaluate(tmp_path, data)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "dữ liệu vào thiếu 2 điểm (dùng --allow-incomplete để tính 0 và chỉ cảnh báo):",
        "Sở Tư pháp: tiêu chí a.4.2 chưa có điểm điều tra xã hội học (mục III.1.2)",
        "Xã Hoà Mục: tiêu chí a.1.1 chưa có điểm tự đánh giá"]
    allowed, out = _evaluate(tmp_path, data, "--allow-incomplete")
    assert allowed.returncode == 0, allowed.stderr
    assert out["warnings"] == ["Sở Tư pháp: tiêu chí a.4.2 chưa có điểm điều tra xã hội học (mục III.1.2)",
                               "Xã Hoà Mục: tiêu chí a.1.1 chưa có điểm tự đánh giá"]
    hoamuc = next(u for u in out["units"] if u["id"] == "X-HOAMUC")
    assert "Xã Hoà Mục: tiêu chí a.1.1 chưa có điểm, tính 0" in hoamuc["warnings"]
    complete, _ = _evaluate(tmp_path, EXAMPLE)
    assert json.loads(complete.stdout)["units"][0]["total"] != out["units"][0]["total"]  # a.4.2 counted 0
