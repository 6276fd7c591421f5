"""The appendix tables as .xlsx (parindex/rulebook/appendix.py): layout, exact round trip, every refusal."""

import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.rulebook import load, loads, registry
from parindex.rulebook.appendix import (
    AGENCY_SHEET,
    EXPECTED_SHEET,
    MAX_TEXT_CHARS,
    TABLE_SHEET,
    AppendixError,
    canonical,
    canonical_sha256,
    export_xlsx,
    import_xlsx,
    xlsx_to_yaml,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"
SETS = [*registry.shipped_paths(), MINI]
NUMBER_RULE = ("cho phép số không âm viết bằng chữ số 0–9, phần thập phân sau dấu «,» hoặc «.», "
               "tối đa 2 chữ số thập phân (ví dụ 2,5)")
BROKEN = "Tệp không phải tệp Excel .xlsx hoặc đã bị hỏng, không đọc được"
# Rows of the mini set's export: the title block is rows 2-12, the column titles row 14.
HEAD = 14
ROWS = {"a": 15, "a.1": 16, "a.1.1": 17, "a.1.2": 18, "a.1.3": 19, "a.2": 20, "b": 21, "b.1": 22,
        "b.1.1": 23, "b.1.2": 24}


@pytest.fixture(scope="module")
def mini_xlsx():
    return export_xlsx(load(MINI))


def edited(data: bytes, *edits) -> bytes:
    """The workbook opened as a person's spreadsheet program would, changed, saved."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for edit in edits:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def cell(ref: str, value, sheet: str = TABLE_SHEET):
    def edit(wb):
        wb[sheet][ref] = value
    return edit


def with_member(data: bytes, member: str, change) -> bytes:
    """Rewrite one zip member's text (what openpyxl itself would not write)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                body = change(body.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, body)
    return out.getvalue()


def refusal(data: bytes) -> list[str]:
    with pytest.raises(AppendixError) as exc:
        import_xlsx(data, "phu-luc.xlsx")
    assert str(exc.value) == "\n".join(exc.value.problems)
    return exc.value.problems


# -- round trip ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_round_trip_keeps_the_canonical_form(path, tmp_path):
    cset = load(path)
    data = export_xlsx(cset)
    back = import_xlsx(data, "x.xlsx")
    assert canonical(back) == canonical(cset)
    assert canonical_sha256(back) == canonical_sha256(cset)
    written = tmp_path / "set.yaml"
    written.write_text(xlsx_to_yaml(data, "x.xlsx"), encoding="utf-8")
    assert canonical_sha256(load(written)) == canonical_sha256(cset)
    assert len(back.items) == len(cset.items) and back.total_max == cset.total_max


def test_the_three_shipped_sets_have_different_canonical_forms():
    assert len({canonical_sha256(s) for s in registry.shipped_sets()}) == 3


def test_canonical_ignores_layout_and_comments_but_not_content():
    text = MINI.read_text(encoding="utf-8")
    relaid = ("# chú thích thêm\n" + text).replace("max_points: 1.5", "max_points: \"1,50\"") \
        .replace("  - code: a\n", "  # lĩnh vực a\n  - code: a\n")
    assert relaid != text
    assert canonical(loads(relaid)) == canonical(loads(text))
    assert loads(relaid).sha256 != loads(text).sha256
    changed = text.replace("title: Rà soát văn bản\n            max_points: 3",
                           "title: Rà soát\n            max_points: 3")
    assert changed != text
    assert canonical_sha256(loads(changed)) != canonical_sha256(loads(text))
    tree = json.loads(canonical(loads(text)))
    assert tree["fields"][0]["criteria"][0]["sub_criteria"][1]["rubric"] == {
        "range": {"min": "0", "max": "1", "step": "0.25"},
        "condition": "Tỷ lệ hoàn thành × 1, làm tròn xuống bước 0,25"}
    assert tree["expected"]["fields"]["a"] == {"criteria": 2, "sub_criteria": 3, "survey_sub_criteria": 1}


MULTILINE = '''
            rubric:
              choices:
                - points: 1
                  condition: |-
                    Ban hành kịp thời
                      - 0 điểm: không phải một mức mới
                    Cách tính: không phải cách tính
                - points: 0.5
                  condition: "Ban hành chậm: _x hay x_ vẫn là chữ"
                - points: 0
                  condition: Không ban hành
              condition: |-
                Dòng một

                  dòng ba thụt vào
'''


def test_multiline_conditions_and_lookalike_lines_come_back_exactly():
    text = MINI.read_text(encoding="utf-8")
    start = text.index("            rubric:\n              choices:\n                - points: 1\n")
    end = text.index("            evidence: Kế hoạch CCHC năm")
    cset = loads(text[:start] + MULTILINE.lstrip("\n") + text[end:])
    choice = cset.items_by_code["a.1.1"].rubric.choices[0]
    assert choice.condition.count("\n") == 2
    back = import_xlsx(export_xlsx(cset), "x.xlsx")
    assert back.items_by_code["a.1.1"].rubric == cset.items_by_code["a.1.1"].rubric
    assert canonical(back) == canonical(cset)


# -- the layout ----------------------------------------------------------------------------------

def test_the_exported_workbook_has_the_appendix_layout(mini_xlsx):
    wb = openpyxl.load_workbook(io.BytesIO(mini_xlsx))
    assert wb.sheetnames == [TABLE_SHEET, AGENCY_SHEET, EXPECTED_SHEET]
    ws = wb[TABLE_SHEET]
    rows = [tuple(v for v in row) for row in ws.iter_rows(max_col=8, values_only=True)]
    assert rows[0][0] == "PHỤ LỤC: BỘ TIÊU CHÍ THỬ NGHIỆM"
    assert [(r[0], r[2]) for r in rows[1:12]] == [
        ("Mẫu", "parindex/phu-luc/1"), ("Tên bộ tiêu chí", "Bộ tiêu chí thử nghiệm"),
        ("Căn cứ", "Dữ liệu thử nghiệm"), ("Mã bộ tiêu chí", "test-2021-district"), ("Loại đơn vị", "district"),
        ("Năm áp dụng", 2021), ("Nguồn gốc", "reconstructed"), ("Ghi chú nguồn gốc", "Chỉ dùng cho kiểm thử."),
        ("Tổng điểm tối đa", "10"), ("Điểm tự đánh giá tối đa", "8"), ("Điểm ĐTXHH tối đa", "2")]
    assert rows[HEAD - 1] == ("STT", "Mã", "Lĩnh vực / tiêu chí / tiêu chí thành phần", "Điểm tối đa", "Cách chấm",
                              "Tài liệu kiểm chứng", "Cơ quan thẩm định", "Căn cứ")
    table = rows[HEAD:]
    assert [r[:4] for r in table] == [
        ("I", "a", "Chỉ đạo, điều hành CCHC", "6"), ("1", "a.1", "Kế hoạch CCHC", "3"),
        ("1.1", "a.1.1", "Ban hành kế hoạch CCHC năm", "1"), ("1.2", "a.1.2", "Mức độ hoàn thành kế hoạch", "1"),
        ("1.3", "a.1.3", "Mức độ hài lòng về công tác chỉ đạo", "1"), ("2", "a.2", "Kiểm tra CCHC", "3"),
        ("II", "b", "Văn bản quy phạm pháp luật", "4"), ("1", "b.1", "Rà soát văn bản", "4"),
        ("1.1", "b.1.1", "Mức độ hài lòng về văn bản", "1"), ("1.2", "b.1.2", "Rà soát văn bản", "3")]
    by_code = {r[1]: r for r in table}
    assert by_code["a"][4:] == (None, None, None, "QĐ 1679/QĐ-UBND, mục II.2.1.a")
    assert by_code["a.1"][4:] == (None, None, None, None)
    assert by_code["a.1.1"][4:] == ("- 1 điểm: Ban hành kịp thời\n- 0,5 điểm: Ban hành chậm\n- 0 điểm: Không ban hành",
                                    "Kế hoạch CCHC năm", "SNV", "tiêu chí a.1.1")
    assert by_code["a.1.2"][4] == ("Khoảng điểm: từ 0 đến 1, bước 0,25\n"
                                   "Cách tính: Tỷ lệ hoàn thành × 1, làm tròn xuống bước 0,25")
    assert by_code["a.1.3"][4:] == ("Điều tra xã hội học (ĐTXHH)", "ĐTXHH", "SNV", "tiêu chí a.1.3")
    assert by_code["a.2"][4:] == ("- 3 điểm: Kiểm tra đủ kế hoạch\n- 0 điểm: Không kiểm tra", "Báo cáo kiểm tra",
                                  "SNV", "tiêu chí a.2")
    assert by_code["b.1.2"][3:5] == ("3", "- 3 điểm: Rà soát đầy đủ\n- 1,5 điểm: Rà soát một phần\n"
                                          "- 0 điểm: Không rà soát")
    # points are text cells: nothing goes through a binary float
    assert {ws.cell(r, 4).data_type for r in ROWS.values()} == {"s"}
    assert list(wb[AGENCY_SHEET].iter_rows(values_only=True)) == [
        ("Mã", "Tên cơ quan"), ("SNV", "Sở Nội vụ"), ("STP", "Sở Tư pháp")]
    assert list(wb[EXPECTED_SHEET].iter_rows(values_only=True)) == [
        ("Lĩnh vực", "Số tiêu chí", "Số tiêu chí thành phần", "Số tiêu chí thành phần ĐTXHH"),
        ("a", 2, 3, 1), ("b", 1, 2, 1)]


def test_a_text_starting_with_equals_is_written_as_text_not_a_formula():
    text = MINI.read_text(encoding="utf-8").replace("title: Kiểm tra CCHC", "title: =SUM(A1:A9)")
    cset = loads(text)
    ws = openpyxl.load_workbook(io.BytesIO(export_xlsx(cset)))[TABLE_SHEET]
    assert (ws.cell(ROWS["a.2"], 3).value, ws.cell(ROWS["a.2"], 3).data_type) == ("=SUM(A1:A9)", "s")
    assert import_xlsx(export_xlsx(cset)).items_by_code["a.2"].title == "=SUM(A1:A9)"


@pytest.mark.parametrize(("source", "message"), [
    ("title: Kiểm tra _x0041_ CCHC", "văn bản có chuỗi «_x0041_», Excel sẽ đọc thành một ký tự khác"),
    ('title: "Kiểm tra\\rCCHC"', "văn bản có ký tự điều khiển '\\r', không ghi được vào ô Excel"),
])
def test_export_refuses_text_a_cell_would_not_give_back(source, message):
    cset = loads(MINI.read_text(encoding="utf-8").replace("title: Kiểm tra CCHC", source))
    with pytest.raises(AppendixError) as exc:
        export_xlsx(cset)
    column = "Lĩnh vực / tiêu chí / tiêu chí thành phần"
    assert exc.value.problems == [f"test-2021-district: a.2, cột «{column}»: {message}"]


# -- what a person may change --------------------------------------------------------------------

def test_empty_rows_styles_and_number_cells_typed_by_a_person_are_read_exactly(mini_xlsx):
    def insert_blank_rows(wb):
        wb[TABLE_SHEET].insert_rows(ROWS["a.1.2"], 3)

    def style(wb):
        wb[TABLE_SHEET]["C17"].font = openpyxl.styles.Font(italic=True)

    data = edited(mini_xlsx, cell("D24", 3.0), cell("D17", 1), style, insert_blank_rows)
    assert canonical(import_xlsx(data)) == canonical(load(MINI))
    year = "xl/worksheets/sheet1.xml"
    as_float = with_member(data, year, lambda x: x.replace("<v>2021</v>", "<v>2021.0</v>", 1))
    assert "<v>2021.0</v>" in zipfile.ZipFile(io.BytesIO(as_float)).read(year).decode()
    assert import_xlsx(as_float).year == 2021


def test_a_number_cell_is_read_from_the_text_the_file_holds(mini_xlsx):
    """A person who types 1,5 in a Vietnamese Excel gets the number 1.5 in the file: read as Decimal("1.5")."""
    data = edited(mini_xlsx, cell("D16", "2,5"), cell("D17", 0.5), cell("E17", "- 0,5 điểm: Kịp thời\n- 0 điểm: Không"),
                  cell("D15", "5,5"), cell("C10", 9.5), cell("C11", 7.5), cell("B2", 2, EXPECTED_SHEET))
    back = import_xlsx(data)
    assert back.items_by_code["a.1.1"].max_points == Decimal("0.5")
    assert back.total_max == Decimal("9.5")
    sheet = "xl/worksheets/sheet1.xml"
    # 0.1 + 0.2 as a program computes it: 17 digits in the file, more than 2 decimals: refused, not rounded
    computed = with_member(data, sheet, lambda x: x.replace("<v>0.5</v>", "<v>0.30000000000000004</v>", 1))
    assert refusal(computed) == [f"Dòng 17: a.1.1: điểm tối đa «0.30000000000000004» không hợp lệ: {NUMBER_RULE}"]


# -- refusals, each with its row -----------------------------------------------------------------

REFUSALS = [
    ("formula", [cell("D17", "=1/2")],
     ["Dòng 17: a.1.1: ô D17 («Điểm tối đa») chứa công thức «=1/2»; hãy ghi giá trị, không dùng công thức"]),
    ("text in a number cell", [cell("D17", "một")],
     [f"Dòng 17: a.1.1: điểm tối đa «một» không hợp lệ: {NUMBER_RULE}"]),
    ("full-width digit", [cell("D17", "１")], [f"Dòng 17: a.1.1: điểm tối đa «１» không hợp lệ: {NUMBER_RULE}"]),
    ("minus sign", [cell("D18", "-1")], [f"Dòng 18: a.1.2: điểm tối đa «-1» không hợp lệ: {NUMBER_RULE}"]),
    ("three decimals", [cell("D20", "3,125")], [f"Dòng 20: a.2: điểm tối đa «3,125» không hợp lệ: {NUMBER_RULE}"]),
    ("a date", [cell("D17", date(2021, 1, 5))],
     ["Dòng 17: a.1.1: ô D17 («Điểm tối đa») ở dạng ngày giờ hoặc đúng/sai («2021-01-05 00:00:00»); "
      "hãy ghi dạng văn bản"]),
    ("merged cells", [lambda wb: wb[TABLE_SHEET].merge_cells("C17:D17")],
     ["Dòng 17: các ô C17:D17 được gộp; bảng phụ lục không dùng ô gộp, hãy bỏ gộp ô (Unmerge)",
      "Dòng 17: a.1.1: thiếu «Điểm tối đa»"]),
    ("extra column", [cell("I17", "ghi chú")],
     ["Dòng 17: ô I17 có nội dung «ghi chú» ngoài các cột của mẫu (A, B, C, D, E, F, G, H)"]),
    ("text beside the title block", [cell("E3", "x")],
     ["Dòng 3: ô E3 có nội dung «x» ngoài các cột của mẫu (A, C)"]),
    ("renamed column", [cell("D14", "Điểm")],
     ["Dòng 14: tiêu đề các cột là «STT | Mã | Lĩnh vực / tiêu chí / tiêu chí thành phần | Điểm | Cách chấm | "
      "Tài liệu kiểm chứng | Cơ quan thẩm định | Căn cứ», mẫu là «STT | Mã | Lĩnh vực / tiêu chí / tiêu chí thành "
      "phần | Điểm tối đa | Cách chấm | Tài liệu kiểm chứng | Cơ quan thẩm định | Căn cứ»; không chèn, xoá, đổi tên "
      "hay đổi chỗ cột"]),
    ("no column titles", [cell("A14", "TT")], ["Dòng 1: không có dòng tiêu đề bảng (ô «STT» ở cột A)"]),
    ("duplicate code", [cell("B18", "a.1.1")], ["Dòng 18: a.1.1: mã «a.1.1» bị trùng (đã dùng ở dòng 17)"]),
    ("no code", [cell("B17", None)], ["Dòng 17: có nội dung nhưng thiếu mã ở cột «Mã»"]),
    ("four levels", [cell("B17", "a.1.1.1")],
     ["Dòng 17: a.1.1.1: mã «a.1.1.1» có 4 cấp; cho phép lĩnh vực («a»), tiêu chí («a.1»), tiêu chí thành phần "
      "(«a.1.1»)"]),
    ("criterion before any field", [lambda wb: wb[TABLE_SHEET].delete_rows(ROWS["a"])],
     ["Dòng 15: a.1: tiêu chí đứng trước mọi dòng lĩnh vực; mỗi tiêu chí nằm dưới dòng lĩnh vực của nó (mã như «a»)",
      *[f"Dòng {r}: {code}: tiêu chí thành phần đứng trước mọi dòng tiêu chí; mỗi tiêu chí thành phần nằm dưới dòng "
        "tiêu chí của nó (mã như «a.1»)" for r, code in ((16, "a.1.1"), (17, "a.1.2"), (18, "a.1.3"))],
      "Dòng 19: a.2: tiêu chí đứng trước mọi dòng lĩnh vực; mỗi tiêu chí nằm dưới dòng lĩnh vực của nó (mã như «a»)"]),
    ("missing evidence", [cell("F17", None)], ["Dòng 17: a.1.1: thiếu «Tài liệu kiểm chứng»"]),
    ("criterion with sub-criteria and evidence", [cell("F16", "Báo cáo")],
     ["Dòng 16: a.1: «Tài liệu kiểm chứng» phải để trống ở dòng tiêu chí có tiêu chí thành phần "
      "(ghi ở từng tiêu chí thành phần)"]),
    ("unknown rubric line", [cell("E17", "- 1 điểm: Kịp thời\nmột dòng lạ\n- 0 điểm: Không")],
     ["Dòng 17: a.1.1: «Cách chấm»: dòng 2 «một dòng lạ» không đúng dạng; mỗi dòng là «- <điểm> điểm: <điều kiện>», "
      "hoặc «Khoảng điểm: từ 0 đến <điểm tối đa>, bước <bước>», hoặc các phần «Phần 1: <tên phần>» mỗi phần có các "
      "mức điểm của nó; rồi có thể «Cách tính: <cách tính>» và «Không phát sinh: <khi nào được đủ điểm>»; tiêu chí "
      "ĐTXHH ghi đúng «Điều tra xã hội học (ĐTXHH)»; dòng tiếp theo của cùng một mục bắt đầu bằng hai dấu cách"]),
    ("bad choice points", [cell("E17", "- 1 điểm: Kịp thời\n- -0,5 điểm: Chậm\n- 0 điểm: Không")],
     [f"Dòng 17: a.1.1: «Cách chấm» dòng 2: mức điểm «-0,5» không hợp lệ: {NUMBER_RULE}"]),
    ("choices and a range", [cell("E18", "- 1 điểm: Đủ\nKhoảng điểm: từ 0 đến 1, bước 0,25")],
     ["Dòng 18: a.1.2: «Cách chấm»: dòng 2: thang chấm chỉ có các mức điểm hoặc một khoảng điểm, không có cả hai"]),
    ("unknown label", [cell("A5", "Mã số")],
     ["Dòng 5: nhãn «Mã số» không có trong mẫu (cho phép: Mẫu, Tên bộ tiêu chí, Căn cứ, Mã bộ tiêu chí, Loại đơn vị, "
      "Năm áp dụng, Nguồn gốc, Ghi chú nguồn gốc, Tổng điểm tối đa, Điểm tự đánh giá tối đa, Điểm ĐTXHH tối đa)",
      "Dòng 14: thiếu dòng «Mã bộ tiêu chí» trong phần thông tin phía trên bảng"]),
    ("not our template", [cell("C2", "mẫu khác")],
     ["Dòng 2: «Mẫu» là «mẫu khác», không phải mẫu bảng phụ lục «parindex/phu-luc/1»; hãy dùng tệp xuất bằng "
      "export-appendix"]),
    ("year in other digits", [cell("C7", "２０２１")],
     ["Dòng 7: Năm áp dụng «２０２１» không hợp lệ: cho phép số nguyên không âm viết bằng chữ số 0–9 (ví dụ 2021)"]),
    ("duplicate agency", [cell("A3", "SNV", AGENCY_SHEET)],
     ["Trang «Cơ quan thẩm định», dòng 3: SNV: mã cơ quan «SNV» bị trùng (đã có ở dòng 2)"]),
    ("duplicate field count", [cell("A3", "a", EXPECTED_SHEET)],
     ["Trang «Số liệu quy định», dòng 3: a: lĩnh vực «a» bị trùng (đã có ở dòng 2)"]),
    ("no agency", [lambda wb: wb[AGENCY_SHEET].delete_rows(2, 2)],
     ["Trang «Cơ quan thẩm định», dòng 1: không có dòng nào dưới dòng tiêu đề (mỗi dòng: Mã, Tên cơ quan)"]),
    ("agency without code", [cell("A3", None, AGENCY_SHEET)],
     ["Trang «Cơ quan thẩm định», dòng 3: thiếu mã cơ quan ở cột A"]),
    ("count as text", [cell("C3", "hai", EXPECTED_SHEET)],
     ["Trang «Số liệu quy định», dòng 3: b: «Số tiêu chí thành phần» «hai» không hợp lệ: cho phép số nguyên không âm "
      "viết bằng chữ số 0–9 (ví dụ 2021)"]),
    # the loader's own rules, shown at the rows they came from
    ("points that do not add up", [cell("D23", "2")],
     ["Dòng 22: b.1: tổng điểm các tiêu chí thành phần là 5, khác điểm tối đa của tiêu chí 4"]),
    ("rubric above the maximum", [cell("D17", "2")],
     ["Dòng 15: a: số tiêu chí thành phần là 2, quyết định quy định 3",
      "Dòng 17: a.1.1: mức điểm cao nhất 1 phải bằng điểm tối đa 2"]),
    ("unknown agency", [cell("G24", "SYT")],
     ["Dòng 24: b.1.2: cơ quan thẩm định «SYT» không có trong trang «Cơ quan thẩm định» (SNV, STP)"]),
    ("unknown unit kind", [cell("C6", "huyện")],
     ["Dòng 6: test-2021-district: «Loại đơn vị» «huyện» không hợp lệ (cho phép: department, district, commune)"]),
    ("total other than the decision's", [cell("C10", "11")],
     ["Dòng 10: test-2021-district: tổng điểm tối đa là 10, quyết định quy định 11"]),
    ("count other than the decision's", [cell("B2", 5, EXPECTED_SHEET)],
     ["Dòng 15: a: số tiêu chí là 2, quyết định quy định 5"]),
    ("survey item with documents", [cell("F19", "Phiếu khảo sát")],
     ["Dòng 19: a.1.3: tiêu chí điều tra XHH phải ghi tài liệu kiểm chứng «ĐTXHH»"]),
]


@pytest.mark.parametrize(("edits", "messages"), [(e, m) for _, e, m in REFUSALS], ids=[n for n, _, _ in REFUSALS])
def test_each_refusal_names_the_row_the_item_and_what_is_allowed(mini_xlsx, edits, messages):
    assert refusal(edited(mini_xlsx, *edits)) == messages


def test_every_problem_is_reported_at_once_in_row_order(mini_xlsx):
    data = edited(mini_xlsx, cell("D24", "ba"), cell("I17", "x"), cell("D17", "-1"),
                  cell("B3", "", AGENCY_SHEET), cell("D18", "=1"))
    assert refusal(data) == [
        "Dòng 17: ô I17 có nội dung «x» ngoài các cột của mẫu (A, B, C, D, E, F, G, H)",
        f"Dòng 17: a.1.1: điểm tối đa «-1» không hợp lệ: {NUMBER_RULE}",
        "Dòng 18: a.1.2: ô D18 («Điểm tối đa») chứa công thức «=1»; hãy ghi giá trị, không dùng công thức",
        f"Dòng 24: b.1.2: điểm tối đa «ba» không hợp lệ: {NUMBER_RULE}",
        "Trang «Cơ quan thẩm định», dòng 3: STP: thiếu tên cơ quan",
    ]


def test_a_refused_workbook_gives_no_yaml(mini_xlsx):
    with pytest.raises(AppendixError):
        xlsx_to_yaml(edited(mini_xlsx, cell("D17", "-1")))


# -- hostile files -------------------------------------------------------------------------------

def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "Tệp rỗng (0 byte)"),
    (b"STT;Ma\n1;a\n", f"{BROKEN} (nội dung: không phải bảng tính .xlsx)"),
    (b"%PDF-1.7\n", f"{BROKEN} (nội dung: PDF)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", f"{BROKEN} (nội dung: Excel 97-2003 (.xls) hoặc Word (.doc))"),
    (b"PK\x03\x04" + b"\x00" * 100, BROKEN),
    (zipped({"a.txt": b"x"}), BROKEN),
    (zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
     "Tệp là bảng tính OpenDocument (.ods), không phải .xlsx; hãy lưu lại dạng Excel (.xlsx)"),
    (zipped({"xl/a.xml": b"\0" * (20 * 1024 * 1024)}), "Tệp Excel giải nén ra 20.0 MB, tối đa 16 MB"),
    (zipped({"xl/a.xml": b"\0" * (2 * 1024 * 1024)}),
     "Thành phần «xl/a.xml» của tệp Excel nén 1023 lần, tối đa 100 lần: không phải bảng tính bình thường, không đọc"),
    (zipped({f"x{n}": b"" for n in range(101)}), "Tệp Excel có 101 thành phần, tối đa 100"),
    (b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024), "Tệp nặng 5.0 MB, tối đa 5 MB"),
], ids=["empty", "csv", "pdf", "xls", "bad zip", "zip without workbook", "ods", "zip bomb", "inflating member",
        "many members", "too big"])
def test_a_file_that_is_not_a_sane_xlsx_gets_one_clear_message(data, message):
    assert refusal(data) == [message]


def test_a_truncated_file_and_an_xml_entity_are_refused_cleanly(mini_xlsx):
    assert refusal(mini_xlsx[: len(mini_xlsx) // 2]) == [BROKEN]
    agencies = "xl/worksheets/sheet2.xml"
    laughs = with_member(mini_xlsx, agencies, lambda x: x.replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1).replace(">SNV<", ">&a;<", 1))
    assert "&a;" in zipfile.ZipFile(io.BytesIO(laughs)).read(agencies).decode()
    assert refusal(laughs) == [BROKEN]


def test_sheets_other_than_the_three_are_refused(mini_xlsx):
    assert refusal(edited(mini_xlsx, lambda wb: wb.create_sheet("Ghi chú"))) == [
        "Tệp có trang không thuộc mẫu «Ghi chú» (mẫu có đúng ba trang: «Phụ lục», «Cơ quan thẩm định», "
        "«Số liệu quy định»)"]
    assert refusal(edited(mini_xlsx, lambda wb: wb.remove(wb[EXPECTED_SHEET]))) == [
        "Tệp thiếu trang «Số liệu quy định» (mẫu có đúng ba trang: «Phụ lục», «Cơ quan thẩm định», "
        "«Số liệu quy định»)"]


def with_shared_string(data: bytes, text: str, refs: list[str]) -> bytes:
    """The workbook with one shared string (openpyxl writes none) shown in every cell of ``refs``."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    table = f'<sst xmlns="{main}" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    data = zipped({**members, "xl/sharedStrings.xml": table.encode()})
    data = with_member(data, "[Content_Types].xml", lambda x: x.replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>')))
    data = with_member(data, "xl/_rels/workbook.xml.rels", lambda x: x.replace("</Relationships>", (
        '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>')))
    rows = "".join(f'<row r="{ref[1:]}"><c r="{ref}" t="s"><v>0</v></c></row>' for ref in refs)
    return with_member(data, "xl/worksheets/sheet1.xml", lambda x: x.replace("</sheetData>", rows + "</sheetData>"))


def test_huge_sheets_long_cells_and_too_much_text_are_bounded(mini_xlsx):
    assert refusal(edited(mini_xlsx, cell("A5000", "x"))) == [
        "Trang «Phụ lục» có 5000 dòng, tối đa 3000; bảng phụ lục không dài như vậy"]
    # openpyxl cuts a cell to Excel's 32,767 characters when writing: a longer one is put in the XML by hand
    long = with_member(mini_xlsx, "xl/worksheets/sheet1.xml",
                       lambda x: x.replace(">Kế hoạch CCHC năm<", ">" + "x" * 40000 + "<", 1))
    assert refusal(long) == ["Dòng 17: a.1.1: ô F17 («Tài liệu kiểm chứng») dài 40000 ký tự, tối đa 32767"]
    # one long shared string repeated in many cells: a small file, a huge text (a short one is read as any text)
    short = with_shared_string(mini_xlsx, "y" * 10, ["H30"])
    assert refusal(short) == ["Dòng 30: có nội dung nhưng thiếu mã ở cột «Mã»"]
    refs = [f"H{r}" for r in range(30, 30 + MAX_TEXT_CHARS // 30000 + 1)]
    repeated = with_shared_string(mini_xlsx, "y" * 30000, refs)
    assert len(repeated) < 20_000
    assert refusal(repeated) == ["Tệp có hơn 2.000.000 ký tự văn bản; bảng phụ lục không dài như vậy, không đọc tiếp"]


def test_the_problem_list_is_bounded(mini_xlsx):
    problems = refusal(edited(mini_xlsx, *[cell(f"I{r}", "x") for r in range(30, 300)]))
    assert len(problems) == 201 and problems[-1] == "… và 70 lỗi khác"


# -- the command line ----------------------------------------------------------------------------

def run(*args):
    return subprocess.run([sys.executable, "-m", "parindex.rulebook", *args], capture_output=True, text=True,
                          cwd=ROOT)


def test_cli_export_then_import_gives_a_set_the_loader_accepts_with_the_same_hash(tmp_path):
    xlsx, yaml_out = tmp_path / "phu-luc.xlsx", tmp_path / "district.yaml"
    exported = run("export-appendix", "backan-2021-district", str(xlsx))
    assert exported.returncode == 0, exported.stderr
    sha = canonical_sha256(registry.find("backan-2021-district"))
    assert exported.stdout == f"{sha}  {xlsx}\n"
    imported = run("import-appendix", str(xlsx), str(yaml_out))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == f"{sha}  {yaml_out}\n"
    assert (run("check", str(yaml_out)).returncode, canonical_sha256(load(yaml_out))) == (0, sha)
    assert yaml_out.read_text(encoding="utf-8").startswith("# Nhập từ bảng phụ lục")


def test_cli_import_refusal_prints_every_row_and_writes_nothing(tmp_path, mini_xlsx):
    xlsx, yaml_out = tmp_path / "sai.xlsx", tmp_path / "out.yaml"
    xlsx.write_bytes(edited(mini_xlsx, cell("D17", "１"), cell("G24", "SYT")))
    result = run("import-appendix", str(xlsx), str(yaml_out))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [f"{xlsx}: Dòng 17: a.1.1: điểm tối đa «１» không hợp lệ: {NUMBER_RULE}"]
    assert not yaml_out.exists()
    missing = run("import-appendix", str(tmp_path / "khong-co.xlsx"), str(yaml_out))
    assert missing.returncode == 1
    assert re.fullmatch(r".*khong-co\.xlsx: không đọc được tệp: .+\n", missing.stderr)


def test_cli_export_unknown_set_and_unwritable_target(tmp_path):
    unknown = run("export-appendix", "khong-co", str(tmp_path / "x.xlsx"))
    assert unknown.returncode == 1 and unknown.stderr.startswith("không tìm thấy bộ tiêu chí «khong-co»")
    target = tmp_path / "khong-co-thu-muc" / "x.xlsx"
    unwritable = run("export-appendix", str(MINI), str(target))
    assert unwritable.returncode == 1
    assert unwritable.stderr.startswith(f"{target}: không ghi được tệp: ")
    broken = run("export-appendix", str(FIXTURES / "broken" / "duplicate_code.yaml"), str(tmp_path / "x.xlsx"))
    assert broken.returncode == 1 and "mã «a.1.1» bị trùng" in broken.stderr
    assert not (tmp_path / "x.xlsx").exists()


# -- any text comes back exactly -----------------------------------------------------------------

TRICKY = ["\n", "  ", "\n  ", "\n- ", "- 1 điểm: ", "điểm:", "Cách tính: ", "Khoảng điểm: từ 0 đến 1, bước 1",
          "Điều tra xã hội học (ĐTXHH)", "_x", "x_", "=", "#N/A", "'", '"', "\t", "\u00a0", "\u2028", "１"]
WRITABLE = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
ESCAPE = re.compile(r"_x[0-9a-f]{4}_", re.I)  # refused by the export (tested above)
TEXT = st.lists(st.one_of(st.text(WRITABLE, min_size=1, max_size=8), st.sampled_from(TRICKY)), min_size=1,
                max_size=8).map("".join).filter(lambda t: t.strip() == t != "" and not ESCAPE.search(t))


def quoted(text: str) -> str:
    """``text`` as one double-quoted YAML scalar (escapes for line breaks and astral characters)."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


@settings(max_examples=40, deadline=None)
@given(choice=TEXT, how=TEXT, title=TEXT, agency=TEXT)
def test_any_text_a_cell_can_hold_comes_back_exactly(choice, how, title, agency):
    text = MINI.read_text(encoding="utf-8")
    for old, new in (("condition: Ban hành kịp thời", f"condition: {quoted(choice)}"),
                     ("condition: Tỷ lệ hoàn thành × 1, làm tròn xuống bước 0,25", f"condition: {quoted(how)}"),
                     ("title: Kiểm tra CCHC", f"title: {quoted(title)}"),
                     ("STP: Sở Tư pháp", f"STP: {quoted(agency)}")):
        assert old in text
        text = text.replace(old, new)
    cset = loads(text)
    assert cset.items_by_code["a.1.1"].rubric.choices[0].condition == choice
    back = import_xlsx(export_xlsx(cset))
    assert canonical(back) == canonical(cset)


def test_parts_and_not_applicable_survive_the_round_trip():
    """Commune g.1 is a sum of parts and 22 items carry «không phát sinh» (issue 12 §3): the sheet writes both and
    reads them back, not only the canonical hash."""
    from parindex.rulebook import registry

    cset = registry.find("backan-2021-commune")
    back = import_xlsx(export_xlsx(cset))
    g1, g1_back = cset.items_by_code["g.1"], back.items_by_code["g.1"]
    assert [p.title for p in g1_back.rubric.parts] == ["Thu ngân sách xã", "Chi ngân sách xã", "Công khai ngân sách xã"]
    assert g1_back.rubric.allowed_values() == g1.rubric.allowed_values()
    assert not g1_back.rubric.accepts(Decimal("3.75"))
    marked = {i.code: i.not_applicable for i in cset.items if i.not_applicable}
    assert marked and {i.code: i.not_applicable for i in back.items if i.not_applicable} == marked
