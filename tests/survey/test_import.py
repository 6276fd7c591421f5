"""Importing survey responses from .xlsx/.csv files (issue 10 §2): all rows or nothing, every error with its row.

The test design's group «dan» (D1, D2 on the agreement scale 1–4, kb) evaluates departments; the survey
window runs 13/11/2026–03/01/2027, the clock is frozen at 20/11/2026.
"""

import codecs
import io

import openpyxl
import pytest

from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError, NotAllowed
from parindex.survey import imports
from parindex.survey.models import Answer, Response
from tests.survey.test_collect import DESIGN, survey_on_the_test_design

HEADER = ["Mã phiếu", "Đơn vị", "Ngày", "D1", "Văn bản dễ hiểu?"]
ROWS = [
    ["k1", "SYT", "15/11/2026", "1", "Đồng ý"],
    ["k2", "sở y tế", "2026-11-16", "Rất  đồng ý", "kb"],
    ["k3", "STP", "16/11/2026", "4", "3"],
]


@pytest.fixture
def survey(world):
    return survey_on_the_test_design(world)


def csv_bytes(rows, header=HEADER, delimiter=",", encoding="utf-8"):
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(survey, persona, data, mapping=None):
    table = imports.read_table(data, "phieu.csv")
    mapping = mapping or imports.guess_mapping(table, DESIGN.group("dan"))
    return imports.import_rows(survey, DESIGN, table, mapping, actor=persona("snv.dieuphoi"), filename="phieu.csv")


def test_the_mapping_is_guessed_from_column_names():
    table = imports.read_table(csv_bytes(ROWS))
    assert imports.guess_mapping(table, DESIGN.group("dan")) == imports.Mapping("dan", 1, 2, {"D1": 3, "D2": 4})


@pytest.mark.parametrize("encode", [
    lambda: csv_bytes(ROWS),
    lambda: codecs.BOM_UTF8 + csv_bytes(ROWS, delimiter=";"),
    lambda: csv_bytes(ROWS, delimiter="\t", encoding="utf-16"),  # Excel's «Unicode text»: UTF-16 with BOM
    lambda: xlsx_bytes(ROWS),
])
def test_csv_xlsx_bom_and_utf16_are_imported(survey, persona, encode):
    assert run(survey, persona, encode()) == 3
    assert Response.objects.filter(source="import").count() == 3
    assert sorted(Answer.objects.filter(question="D2").values_list("option", flat=True)) == ["2", "3", "kb"]
    assert AuditEntry.objects.get(action="survey.responses_imported").after["responses"] == 3


def test_workbook_dates_are_read(survey, persona):
    from datetime import date

    rows = [[r[0], r[1], date(2026, 11, 15), r[3], r[4]] for r in ROWS]
    assert run(survey, persona, xlsx_bytes(rows)) == 3
    assert set(Response.objects.values_list("received_on", flat=True)) == {date(2026, 11, 15)}


def test_every_error_is_reported_with_its_row_and_nothing_is_saved(survey, persona):
    rows = ROWS + [
        ["k4", "Sở Không Có", "15/11/2026", "1", "1"],
        ["k5", "SYT", "hôm qua", "5", ""],
        ["k3", "STP", "16/11/2026", "4", "3"],        # a copy of row 4
        ["k7", "SYT", "01/11/2026", "1", "1"],        # before the window
    ]
    with pytest.raises(DomainError) as caught:
        run(survey, persona, csv_bytes(rows))
    errors = caught.value.errors
    assert "Dòng 5, cột B «Đơn vị»: không có đơn vị «Sở Không Có»" in errors[0]
    assert any(e.startswith("Dòng 6, cột C «Ngày»") for e in errors)
    assert any(e.startswith("Dòng 6, cột D «D1»: câu D1: «5» không có trong thang") for e in errors)
    assert any(e.startswith("Dòng 6, cột E «Văn bản dễ hiểu?»: câu D2 chưa có câu trả lời") for e in errors)
    assert "Dòng 7: trùng hoàn toàn với dòng 4 (phiếu nhập hai lần?)" in errors
    assert caught.value.message == f"Tệp có {len(errors)} lỗi, chưa nhập phiếu nào"
    assert Response.objects.count() == 0


def test_a_row_outside_the_window_rolls_back_the_others(survey, persona):
    with pytest.raises(DomainError) as caught:
        run(survey, persona, csv_bytes(ROWS + [["k7", "SYT", "01/11/2026", "1", "1"]]))
    assert caught.value.errors[0].startswith("Dòng 5: Ngày nhận phiếu 01/11/2026 ngoài thời gian thu phiếu")
    assert Response.objects.count() == 0


def test_wrong_columns_are_refused(survey, persona):
    with pytest.raises(DomainError) as caught:
        run(survey, persona, csv_bytes([["x", "y"]], header=["Họ tên", "Ý kiến"]))
    assert "Chưa chọn cột cho đơn vị được đánh giá" in caught.value.errors
    assert "Chưa chọn cột cho câu D1" in caught.value.errors
    assert Response.objects.count() == 0


@pytest.mark.parametrize(("data", "reason"), [
    (b"%PDF-1.4\x00\x01binary", "tệp nhị phân"),
    (b"PK\x03\x04not really a zip", "tệp Excel hỏng"),
    (b"just one line of prose without columns", "không có dòng tên cột và ít nhất một dòng"),
    (b"Lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n", "dấu phân cách"),
    ("Đơn vị;Ngày\nSYT;".encode() + b"\xe9t\xe9\n", "UTF-8"),  # Latin-1, not UTF-8
])
def test_a_non_tabular_file_is_refused(data, reason):
    with pytest.raises(DomainError, match=reason):
        imports.read_table(data)


def test_only_the_coordinator_imports(survey, persona):
    table = imports.read_table(csv_bytes(ROWS))
    with pytest.raises(NotAllowed):
        imports.import_rows(survey, DESIGN, table, imports.guess_mapping(table, DESIGN.group("dan")),
                            actor=persona("khaosat"))
    assert Response.objects.count() == 0
