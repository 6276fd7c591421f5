"""The province's appendix tables (bảng phụ lục) as .xlsx: export a criteria set, import one back.

``export_xlsx`` writes a set in the layout of the decision's appendix tables (docs/criteria-format.md,
"Bảng phụ lục .xlsx"); ``import_xlsx`` / ``xlsx_to_yaml`` read such a workbook back, all or nothing:
every problem is collected with its sheet row («Dòng 12: …») and raised together as ``AppendixError``;
the tree read goes through the same strict loader (``loader.loads``) so every loader rule applies, its
problems mapped back to the rows they came from. ``canonical`` is the set as sorted-key JSON,
independent of YAML formatting and comments: the round trip keeps ``canonical_sha256``.

Points are ``Decimal`` read from text, never through ``float``: the export writes them as text cells
("2,5"); a number cell typed by a person is read from its shortest decimal form (``repr``), which is
the text the file holds for any number of up to 15 significant digits, and then as text.

Pure Python and openpyxl (no Django). Hostile files are bounded before openpyxl parses anything
(size, zip members, inflation, rows, cell length) and any failure while reading gets one clear message.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.xml import DEFUSEDXML

from .loader import _YAML_LOADER, CriteriaSetError, loads
from .model import SURVEY_EVIDENCE, CriteriaSet, Criterion, Field, Item, Rubric
from .numbers import NotANumber, decimal_places, parse_decimal, shorten, to_str

FORMAT = "parindex/phu-luc/1"
TABLE_SHEET = "Phụ lục"
AGENCY_SHEET = "Cơ quan thẩm định"
EXPECTED_SHEET = "Số liệu quy định"
SHEETS = (TABLE_SHEET, AGENCY_SHEET, EXPECTED_SHEET)
SURVEY_RUBRIC = f"Điều tra xã hội học ({SURVEY_EVIDENCE})"

# (title, width): the table's columns, A to H.
COLUMNS = (("STT", 6), ("Mã", 9), ("Lĩnh vực / tiêu chí / tiêu chí thành phần", 55), ("Điểm tối đa", 10),
           ("Cách chấm", 60), ("Tài liệu kiểm chứng", 45), ("Cơ quan thẩm định", 12), ("Căn cứ", 30))
STT, CODE, TITLE, POINTS, RUBRIC, EVIDENCE, AGENCY, REF = range(1, 9)
AGENCY_COLUMNS = (("Mã", 12), ("Tên cơ quan", 50))
EXPECTED_COLUMNS = (("Lĩnh vực", 10), ("Số tiêu chí", 12), ("Số tiêu chí thành phần", 22),
                    ("Số tiêu chí thành phần ĐTXHH", 28))
EXPECTED_KEYS = ("criteria", "sub_criteria", "survey_sub_criteria")

# The title block above the table: label in column A, value in column C (row 1 is a heading, not read).
# key → label; "expected.*" are the totals the decision states.
INFO = {
    "format": "Mẫu", "title": "Tên bộ tiêu chí", "legal_basis": "Căn cứ", "id": "Mã bộ tiêu chí",
    "unit_kind": "Loại đơn vị", "year": "Năm áp dụng", "provenance": "Nguồn gốc",
    "provenance_note": "Ghi chú nguồn gốc", "expected.total_max": "Tổng điểm tối đa",
    "expected.self_max": "Điểm tự đánh giá tối đa", "expected.survey_max": "Điểm ĐTXHH tối đa",
}
INFO_VALUE_COLUMN = 3

# Bounds on what is read at all (docs/security.md, "Memory"): checked before openpyxl parses the XML.
MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 16 * 1024 * 1024
MAX_MEMBERS = 100
MAX_RATIO = 100  # a member inflating more than this (and over 1 MB) is a zip bomb
MAX_ROWS = 3000
MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
MAX_TEXT_CHARS = 2_000_000  # all the text read (the shipped sets hold about 100,000 characters)
MAX_PROBLEMS = 200
LEVELS = ("lĩnh vực", "tiêu chí", "tiêu chí thành phần")
# Characters a cell cannot give back: a carriage return (XML reads "\r\n" as "\n") and what XML 1.0
# cannot hold at all (openpyxl's ILLEGAL_CHARACTERS_RE covers the other control characters).
_NOT_XML = re.compile("[\r\ud800-\udfff\ufffe\uffff]")
# Excel reads "_x0041_" in a cell as "A": such text would not come back as written.
_EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")

BOLD = Font(bold=True)
WRAP = Alignment(vertical="top", wrap_text=True)
FIELD_FILL = PatternFill("solid", fgColor="E7ECF2")
SURVEY_FILL = PatternFill("solid", fgColor="FFF4E5")


class AppendixError(Exception):
    """The workbook (or, on export, the set) cannot be converted; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        if len(problems) > MAX_PROBLEMS:
            problems = [*problems[:MAX_PROBLEMS], f"… và {len(problems) - MAX_PROBLEMS} lỗi khác"]
        self.problems = problems
        super().__init__("\n".join(problems))


# -- canonical form ------------------------------------------------------------------------------

def _choices_tree(choices) -> list[dict]:
    return [{"points": c.points, "condition": c.condition} for c in choices]


def own_condition(rubric: Rubric) -> str:
    """The rubric's condition as the file wrote it: for a sum of parts the loader appends the parts' text
    (``Rubric.parts_text``) to it, which the parts themselves already hold."""
    if rubric.is_parts:
        return rubric.condition.removesuffix(rubric.parts_text()).strip()
    return rubric.condition


def _rubric_tree(rubric: Rubric) -> dict:
    if rubric.is_parts:
        out: dict = {"parts": [{"title": p.title, "choices": _choices_tree(p.choices)} for p in rubric.parts]}
    elif rubric.is_range:
        out: dict = {"range": {"min": rubric.minimum, "max": rubric.maximum, "step": rubric.step}}
    else:
        out = {"choices": _choices_tree(rubric.choices)}
    if own_condition(rubric):
        out["condition"] = own_condition(rubric)
    return out


def _item_tree(item: Item) -> dict:
    out = {"code": item.code, "title": item.title, "max_points": item.max_points, "method": item.method}
    if item.rubric is not None:
        out["rubric"] = _rubric_tree(item.rubric)
    if item.not_applicable is not None:  # «không phát sinh»: full points when the task does not arise
        out["not_applicable"] = {"points": "full", "when": item.not_applicable.when}
    out.update(evidence=item.evidence, agency=item.agency, ref=item.ref)
    return out


def _criterion_tree(crit: Criterion) -> dict:
    if crit.scored_directly:
        return _item_tree(crit.items[0])
    return {"code": crit.code, "title": crit.title, "max_points": crit.max_points,
            "sub_criteria": [_item_tree(i) for i in crit.items]}


def _field_tree(f: Field) -> dict:
    return {"code": f.code, "title": f.title, "max_points": f.max_points, "ref": f.ref,
            "criteria": [_criterion_tree(c) for c in f.criteria]}


def expected_of(cset: CriteriaSet) -> dict:
    """The ``expected`` block of a loaded set: the loader requires every key of it to equal the tree."""
    return {
        "total_max": cset.total_max, "self_max": cset.self_max, "survey_max": cset.survey_max,
        "fields": {f.code: {"criteria": len(f.criteria), "sub_criteria": f.sub_criteria_count,
                            "survey_sub_criteria": f.survey_sub_criteria_count} for f in cset.fields},
    }


def tree(cset: CriteriaSet) -> dict:
    """The whole set as plain data in the YAML's shape (points as ``Decimal``)."""
    return {
        "schema": 1, "id": cset.id, "unit_kind": cset.unit_kind, "year": cset.year, "title": cset.title,
        "legal_basis": cset.legal_basis, "provenance": cset.provenance, "provenance_note": cset.provenance_note,
        "agencies": dict(cset.agencies), "expected": expected_of(cset),
        "fields": [_field_tree(f) for f in cset.fields],
    }


def _json_default(value):
    if isinstance(value, Decimal):
        return to_str(value)
    raise TypeError(type(value).__name__)


def canonical(cset: CriteriaSet) -> str:
    """The set as JSON with sorted keys and Decimals as normalized strings ("2.50" → "2.5").

    Lists keep their order (fields, criteria, sub-criteria, choices); lines, file name, the YAML's
    layout and comments are not part of it. ``expected`` is included as the loader accepted it
    (equal to the tree)."""
    return json.dumps(tree(cset), ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=_json_default)


def canonical_sha256(cset: CriteriaSet) -> str:
    return hashlib.sha256(canonical(cset).encode("utf-8")).hexdigest()


# -- export --------------------------------------------------------------------------------------

def points_text(value: Decimal) -> str:
    """Points as the sheet shows them: comma decimals and no thousands separator ("2,5", "1000")."""
    return to_str(value).replace(".", ",")


def _indent(text: str) -> str:
    """A text in the rubric cell: its next lines start with two spaces (read back by ``_unindent``)."""
    return text.replace("\n", "\n  ")


def rubric_text(item: Item) -> str:
    """The «Cách chấm» cell: one line per choice, or the range; then the way to compute it."""
    if item.is_survey:
        return SURVEY_RUBRIC
    rubric = item.rubric
    assert rubric is not None
    if rubric.is_parts:
        lines = [line for n, part in enumerate(rubric.parts, 1)
                 for line in (f"Phần {n}: {_indent(part.title)}", *_choice_lines(part.choices))]
    elif rubric.is_range:
        lines = [f"Khoảng điểm: từ {points_text(rubric.minimum)} đến {points_text(rubric.maximum)}, "
                 f"bước {points_text(rubric.step)}"]
    else:
        lines = _choice_lines(rubric.choices)
    if own_condition(rubric):
        lines.append(f"Cách tính: {_indent(own_condition(rubric))}")
    if item.not_applicable is not None:
        lines.append(f"Không phát sinh: {_indent(item.not_applicable.when)}")
    return "\n".join(lines)


def _choice_lines(choices) -> list[str]:
    return [f"- {points_text(c.points)} điểm: {_indent(c.condition)}" for c in choices]


class _Sheet:
    """Writes cells: text always as text (never a formula), refusing text the file would not give back."""

    def __init__(self, ws, refusals: list[str]):
        self.ws = ws
        self.refusals = refusals

    def put(self, row: int, col: int, value, where: str = "", **style):
        cell = self.ws.cell(row, col)
        if isinstance(value, int):
            cell.value = value
        elif value is not None and value != "":
            text = str(value)
            problem = _unwritable(text)
            if problem:
                self.refusals.append(f"{where or cell.coordinate}: {problem}")
                text = ""
            cell.value = text
            cell.data_type = "s"
        for key, val in style.items():
            setattr(cell, key, val)
        return cell

    def columns(self, row: int, columns: tuple[tuple[str, int], ...]) -> None:
        for col, (title, width) in enumerate(columns, start=1):
            self.put(row, col, title, font=BOLD, alignment=WRAP)
            self.ws.column_dimensions[get_column_letter(col)].width = width


def _unwritable(text: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        return f"văn bản dài {len(text)} ký tự, một ô Excel chứa tối đa {MAX_CELL_CHARS}"
    bad = ILLEGAL_CHARACTERS_RE.search(text) or _NOT_XML.search(text)
    if bad:
        return f"văn bản có ký tự điều khiển {bad.group()!r}, không ghi được vào ô Excel"
    escape = _EXCEL_ESCAPE.search(text)
    if escape:
        return f"văn bản có chuỗi «{escape.group()}», Excel sẽ đọc thành một ký tự khác"
    return ""


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _table(sheet: _Sheet, cset: CriteriaSet) -> None:
    ws = sheet.ws
    sheet.put(1, 1, f"PHỤ LỤC: {cset.title.upper()}", font=Font(bold=True, size=13))
    values = {"format": FORMAT, "title": cset.title, "legal_basis": cset.legal_basis, "id": cset.id,
              "unit_kind": cset.unit_kind, "year": cset.year, "provenance": cset.provenance,
              "provenance_note": cset.provenance_note, "expected.total_max": points_text(cset.total_max),
              "expected.self_max": points_text(cset.self_max),
              "expected.survey_max": points_text(cset.survey_max)}
    row = 2
    for key, label in INFO.items():
        sheet.put(row, 1, label, font=BOLD)
        sheet.put(row, INFO_VALUE_COLUMN, values[key], where=label, alignment=WRAP)
        row += 1
    head = row + 1
    sheet.columns(head, COLUMNS)
    ws.freeze_panes = ws.cell(head + 1, 1)
    row = head + 1
    for n, f in enumerate(cset.fields, start=1):
        _row(sheet, row, (_roman(n), f.code, f.title, points_text(f.max_points), "", "", "", f.ref),
             font=BOLD, fill=FIELD_FILL)
        row += 1
        for c_n, crit in enumerate(f.criteria, start=1):
            if crit.scored_directly:
                _row(sheet, row, (str(c_n), *_item_cells(crit.items[0])), font=BOLD)
                row += 1
                continue
            _row(sheet, row, (str(c_n), crit.code, crit.title, points_text(crit.max_points), "", "", "", ""),
                 font=BOLD)
            row += 1
            for i_n, item in enumerate(crit.items, start=1):
                _row(sheet, row, (f"{c_n}.{i_n}", *_item_cells(item)),
                     fill=SURVEY_FILL if item.is_survey else None)
                row += 1


def _item_cells(item: Item) -> tuple:
    return (item.code, item.title, points_text(item.max_points), rubric_text(item), item.evidence, item.agency,
            item.ref)


def _row(sheet: _Sheet, row: int, values: tuple, **style) -> None:
    style = {k: v for k, v in style.items() if v is not None}
    code = values[CODE - 1]
    for col, value in enumerate(values, start=1):
        sheet.put(row, col, value, where=f"{code}, cột «{COLUMNS[col - 1][0]}»", alignment=WRAP, **style)


def export_xlsx(cset: CriteriaSet) -> bytes:
    """The set as one workbook in the appendix layout; ``import_xlsx`` reads it back to the same set.

    Raises ``AppendixError`` if some text cannot be held by a cell exactly (longer than Excel's
    limit, control characters, Excel's "_xHHHH_" escapes)."""
    refusals: list[str] = []
    wb = Workbook()
    ws = wb.active
    ws.title = TABLE_SHEET
    _table(_Sheet(ws, refusals), cset)
    agencies = _Sheet(wb.create_sheet(AGENCY_SHEET), refusals)
    agencies.columns(1, AGENCY_COLUMNS)
    for row, (code, name) in enumerate(cset.agencies.items(), start=2):
        agencies.put(row, 1, code, where=f"cơ quan {code}")
        agencies.put(row, 2, name, where=f"cơ quan {code}", alignment=WRAP)
    expected = _Sheet(wb.create_sheet(EXPECTED_SHEET), refusals)
    expected.columns(1, EXPECTED_COLUMNS)
    for row, (letter, counts) in enumerate(expected_of(cset)["fields"].items(), start=2):
        expected.put(row, 1, letter)
        for col, key in enumerate(EXPECTED_KEYS, start=2):
            expected.put(row, col, counts[key])
    if refusals:
        raise AppendixError([f"{cset.id}: {r}" for r in refusals])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- import: opening the file --------------------------------------------------------------------

BROKEN = "Tệp không phải tệp Excel .xlsx hoặc đã bị hỏng, không đọc được"


def _open(data: bytes):
    if not DEFUSEDXML:  # openpyxl parses through defusedxml only when it is installed
        raise AppendixError(["Chưa cài defusedxml nên không đọc tệp Excel (cần để chặn XML độc hại)"])
    if not data:
        raise AppendixError(["Tệp rỗng (0 byte)"])
    if len(data) > MAX_BYTES:
        raise AppendixError([f"Tệp nặng {len(data) / 1048576:.1f} MB, tối đa {MAX_BYTES // 1048576} MB"])
    if not data.startswith(b"PK\x03\x04"):
        kind = ("PDF" if data.startswith(b"%PDF") else "Excel 97-2003 (.xls) hoặc Word (.doc)"
                if data.startswith(b"\xd0\xcf\x11\xe0") else "không phải bảng tính .xlsx")
        raise AppendixError([f"{BROKEN} (nội dung: {kind})"])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise AppendixError([BROKEN]) from None
    if len(infos) > MAX_MEMBERS:
        raise AppendixError([f"Tệp Excel có {len(infos)} thành phần, tối đa {MAX_MEMBERS}"])
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED:
        raise AppendixError([f"Tệp Excel giải nén ra {total / 1048576:.1f} MB, tối đa {MAX_UNZIPPED // 1048576} MB"])
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if ratio > MAX_RATIO and info.file_size > 1048576:
            raise AppendixError([f"Thành phần «{shorten(info.filename, 80)}» của tệp Excel nén {ratio} lần, "
                                 f"tối đa {MAX_RATIO} lần: không phải bảng tính bình thường, không đọc"])
    names = {info.filename for info in infos}
    if "mimetype" in names and "xl/workbook.xml" not in names:
        raise AppendixError(["Tệp là bảng tính OpenDocument (.ods), không phải .xlsx; hãy lưu lại dạng Excel (.xlsx)"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            return load_workbook(io.BytesIO(data), read_only=False, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - any unreadable content gets the same clear answer
        raise AppendixError([BROKEN]) from None


# -- import: reading cells -------------------------------------------------------------------------

@dataclass
class _Reader:
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (sheet order, row, message)
    chars: int = 0  # text read so far: a short file may repeat one long shared string in every cell

    def report(self, sheet: str, row: int, code: str | None, message: str) -> None:
        where = f"Dòng {row}" if sheet == TABLE_SHEET else f"Trang «{sheet}», dòng {row}"
        order = SHEETS.index(sheet)
        self.problems.append((order, row, f"{where}: {code}: {message}" if code else f"{where}: {message}"))

    def messages(self) -> list[str]:
        return [m for _, _, m in sorted(self.problems, key=lambda p: (p[0], p[1]))]


def _cells(ws) -> dict[int, dict[int, object]]:
    """Row → column → cell, for the cells that hold something (only those: a sheet's stated size may be huge).

    Reads openpyxl's own cell store, which holds just the cells present in the file."""
    rows: dict[int, dict[int, object]] = {}
    for (r, c), cell in ws._cells.items():  # noqa: SLF001 - iter_rows would create every empty cell
        if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
            rows.setdefault(r, {})[c] = cell
    return rows


def _text(reader: _Reader, sheet: str, row: int, code: str | None, cell, what: str) -> str | None:
    """A cell's content as text ("" if empty), or ``None`` after reporting why it cannot be read."""
    if cell is None:
        return ""
    value = cell.value
    if cell.data_type == "f" or isinstance(value, (ArrayFormula, DataTableFormula)):
        shown = value.text if isinstance(value, ArrayFormula) else str(value)
        reader.report(sheet, row, code, f"ô {cell.coordinate} («{what}») chứa công thức «{shorten(shown or '', 40)}»; "
                                        "hãy ghi giá trị, không dùng công thức")
        return None
    if cell.data_type == "e":
        reader.report(sheet, row, code, f"ô {cell.coordinate} («{what}») có lỗi Excel «{value}»")
        return None
    if isinstance(value, bool) or isinstance(value, (datetime, date, time, timedelta)):
        reader.report(sheet, row, code, f"ô {cell.coordinate} («{what}») ở dạng ngày giờ hoặc đúng/sai "
                                        f"(«{value}»); hãy ghi dạng văn bản")
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            reader.report(sheet, row, code, f"ô {cell.coordinate} («{what}») không phải là số: «{value}»")
            return None
        text = repr(value)  # the shortest text that is this float: what the file holds (≤ 15 digits)
        return text[:-2] if text.endswith(".0") else text
    text = str(value)
    reader.chars += len(text)
    if reader.chars > MAX_TEXT_CHARS:
        raise AppendixError([f"Tệp có hơn {MAX_TEXT_CHARS:,} ký tự văn bản".replace(",", ".")
                             + "; bảng phụ lục không dài như vậy, không đọc tiếp"])
    if len(text) > MAX_CELL_CHARS:
        reader.report(sheet, row, code, f"ô {cell.coordinate} («{what}») dài {len(text)} ký tự, "
                                        f"tối đa {MAX_CELL_CHARS}")
        return None
    return text.strip()


NUMBER_RULE = ("cho phép số không âm viết bằng chữ số 0–9, phần thập phân sau dấu «,» hoặc «.», "
               "tối đa 2 chữ số thập phân (ví dụ 2,5)")


def _points(reader: _Reader, sheet: str, row: int, code: str | None, raw: str, what: str) -> Decimal | None:
    try:
        value = parse_decimal(raw)
    except NotANumber:
        value = None
    if value is None or decimal_places(value) > 2:
        reader.report(sheet, row, code, f"{what} «{shorten(raw)}» không hợp lệ: {NUMBER_RULE}")
        return None
    return value


def _count(reader: _Reader, sheet: str, row: int, code: str | None, raw: str, what: str) -> int | None:
    if not re.fullmatch(r"[0-9]{1,6}", raw, re.ASCII):
        reader.report(sheet, row, code, f"{what} «{shorten(raw)}» không hợp lệ: cho phép số nguyên không âm "
                                        "viết bằng chữ số 0–9 (ví dụ 2021)")
        return None
    return int(raw)


def _check_sheet(reader: _Reader, ws, name: str, width: int, rows: dict[int, dict[int, object]],
                 allowed: dict[int, tuple[int, ...]] | None = None) -> None:
    """Merged cells and content outside the template's columns (``allowed``: per row): for every sheet."""
    for merged in sorted(ws.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col)):
        reader.report(name, merged.min_row, None, f"các ô {merged.coord} được gộp; bảng phụ lục không dùng ô gộp, "
                                                  "hãy bỏ gộp ô (Unmerge)")
    for r, cells in rows.items():
        keep = allowed.get(r) if allowed else None
        for c in sorted(cells):
            if c > width or (keep is not None and c not in keep):
                cell = cells[c]
                reader.report(name, r, None, f"ô {cell.coordinate} có nội dung «{shorten(str(cell.value), 40)}» "
                                             f"ngoài các cột của mẫu ({_letters(keep or range(1, width + 1))})")


def _letters(columns) -> str:
    return ", ".join(get_column_letter(c) for c in columns)


def _header(reader: _Reader, name: str, row: int, cells: dict[int, object],
            columns: tuple[tuple[str, int], ...]) -> bool:
    found = [str(cells[c].value).strip() if c in cells else "" for c in range(1, len(columns) + 1)]
    wanted = [title for title, _ in columns]
    if found != wanted:
        reader.report(name, row, None, f"tiêu đề các cột là «{' | '.join(found)}», mẫu là «{' | '.join(wanted)}»; "
                                       "không chèn, xoá, đổi tên hay đổi chỗ cột")
        return False
    return True


# -- import: the table ----------------------------------------------------------------------------

@dataclass
class _Node:
    """One row of the table, with what was read from it."""

    row: int
    code: str
    data: dict
    children: list[_Node] = field(default_factory=list)
    cells: dict[int, str] = field(default_factory=dict)
    bad: set[int] = field(default_factory=set)  # columns that could not be read (already reported)


@dataclass
class _Book:
    """What was read from the workbook, and where each piece came from (for the loader's problems)."""

    info: dict[str, object] = field(default_factory=dict)
    info_rows: dict[str, int] = field(default_factory=dict)
    agencies: list[tuple[int, str, str]] = field(default_factory=list)
    expected: list[tuple[int, str, dict[str, int]]] = field(default_factory=list)
    fields: list[_Node] = field(default_factory=list)


def _read_info(reader: _Reader, book: _Book, rows: dict[int, dict[int, object]], head: int) -> None:
    labels = {label: key for key, label in INFO.items()}
    for r in sorted(rows):
        if r == 1 or r >= head:
            continue
        cells = rows[r]
        label = _text(reader, TABLE_SHEET, r, None, cells.get(1), "nhãn")
        if not label:
            if label == "":
                reader.report(TABLE_SHEET, r, None, "có nội dung nhưng cột A không có nhãn (như «Tên bộ tiêu chí»)")
            continue
        key = labels.get(label)
        if key is None:
            reader.report(TABLE_SHEET, r, None, f"nhãn «{shorten(label, 40)}» không có trong mẫu "
                                                f"(cho phép: {', '.join(INFO.values())})")
            continue
        if key in book.info_rows:
            reader.report(TABLE_SHEET, r, None, f"nhãn «{label}» lặp lại (đã có ở dòng {book.info_rows[key]})")
            continue
        book.info_rows[key] = r
        raw = _text(reader, TABLE_SHEET, r, None, cells.get(INFO_VALUE_COLUMN), label)
        if raw is None:
            continue
        if not raw:
            reader.report(TABLE_SHEET, r, None, f"«{label}» để trống (ghi ở cột {_letters([INFO_VALUE_COLUMN])})")
        elif key == "format":
            if raw != FORMAT:
                reader.report(TABLE_SHEET, r, None, f"«{label}» là «{shorten(raw, 40)}», không phải mẫu bảng phụ lục "
                                                    f"«{FORMAT}»; hãy dùng tệp xuất bằng export-appendix")
        elif key == "year":
            book.info[key] = _count(reader, TABLE_SHEET, r, None, raw, label)
        elif key.startswith("expected."):
            book.info[key] = _points(reader, TABLE_SHEET, r, None, raw, label)
        else:
            book.info[key] = raw
    for key, label in INFO.items():
        if key not in book.info_rows:
            reader.report(TABLE_SHEET, head, None, f"thiếu dòng «{label}» trong phần thông tin phía trên bảng")


def _find_header(rows: dict[int, dict[int, object]]) -> int | None:
    for r in sorted(rows):
        cell = rows[r].get(STT)
        if cell is not None and isinstance(cell.value, str) and cell.value.strip() == COLUMNS[0][0]:
            return r
    return None


def _read_row(reader: _Reader, r: int, cells: dict[int, object]) -> tuple[dict[int, str], set[int]]:
    """The row's texts by column, and the columns that could not be read (already reported)."""
    out: dict[int, str] = {}
    bad: set[int] = set()
    code = cells[CODE].value.strip() if CODE in cells and isinstance(cells[CODE].value, str) else None
    for col in range(1, len(COLUMNS) + 1):
        text = _text(reader, TABLE_SHEET, r, code, cells.get(col), COLUMNS[col - 1][0])
        if text is None:
            bad.add(col)
        elif text:
            out[col] = text
    return out, bad


def _read_table(reader: _Reader, book: _Book, rows: dict[int, dict[int, object]], head: int) -> None:
    seen: dict[str, int] = {}
    root = _Node(head, "", {})
    parents: list[_Node | None] = [root, None, None]  # the last row of each level: a row's parent is one up
    for r in sorted(rows):
        if r <= head or not any(c <= len(COLUMNS) for c in rows[r]):
            continue  # nothing in the table's columns (anything beside them is reported by _check_sheet)
        cells, bad = _read_row(reader, r, rows[r])
        code = cells.get(CODE, "")
        if not code:
            if CODE not in bad:
                reader.report(TABLE_SHEET, r, None, f"có nội dung nhưng thiếu mã ở cột {_column(CODE)}")
            continue
        if code in seen:
            reader.report(TABLE_SHEET, r, code, f"mã «{shorten(code, 40)}» bị trùng (đã dùng ở dòng {seen[code]})")
            continue
        seen[code] = r
        depth = code.count(".")
        if depth >= len(LEVELS):
            reader.report(TABLE_SHEET, r, code, f"mã «{shorten(code, 40)}» có {depth + 1} cấp; cho phép lĩnh vực "
                                                "(«a»), tiêu chí («a.1»), tiêu chí thành phần («a.1.1»)")
            continue
        parent = parents[depth]
        if parent is None:
            what, above = LEVELS[depth], LEVELS[depth - 1]
            reader.report(TABLE_SHEET, r, code, f"{what} đứng trước mọi dòng {above}; mỗi {what} nằm dưới dòng "
                                                f"{above} của nó (mã như «{'a.1'[:2 * depth - 1]}»)")
            continue
        node = _Node(r, code, {}, cells=cells, bad=bad)
        parent.children.append(node)
        parents[depth + 1:] = [node, None][:len(LEVELS) - 1 - depth]
    book.fields = root.children
    for f in book.fields:
        _field_data(reader, f)


def _column(col: int) -> str:
    return f"«{COLUMNS[col - 1][0]}»"


def _base(reader: _Reader, node: _Node, required: tuple[int, ...], empty: tuple[int, ...], why: str) -> None:
    """Code, title and points; required columns present, columns that must stay empty empty."""
    cells = node.cells
    for col in required:
        if col not in cells and col not in node.bad:
            reader.report(TABLE_SHEET, node.row, node.code, f"thiếu {_column(col)}{why}")
    filled = [c for c in empty if c in cells]
    if filled:
        reader.report(TABLE_SHEET, node.row, node.code, f"{', '.join(_column(c) for c in filled)} phải để trống"
                                                        f"{why}")
    node.data["code"] = node.code
    if TITLE in cells:
        node.data["title"] = cells[TITLE]
    if POINTS in cells:
        node.data["max_points"] = _points(reader, TABLE_SHEET, node.row, node.code, cells[POINTS], "điểm tối đa")


def _field_data(reader: _Reader, node: _Node) -> None:
    _base(reader, node, (TITLE, POINTS, REF), (RUBRIC, EVIDENCE, AGENCY), " ở dòng lĩnh vực")
    if REF in node.cells:
        node.data["ref"] = node.cells[REF]
    if not node.children:
        reader.report(TABLE_SHEET, node.row, node.code, "lĩnh vực không có tiêu chí nào (các dòng mã như "
                                                        f"«{node.code}.1» ngay dưới dòng này)")
    for crit in node.children:
        if crit.children:
            _base(reader, crit, (TITLE, POINTS), (RUBRIC, EVIDENCE, AGENCY, REF),
                  " ở dòng tiêu chí có tiêu chí thành phần (ghi ở từng tiêu chí thành phần)")
            for item in crit.children:
                _item_data(reader, item, "")
        else:
            _item_data(reader, crit, " (tiêu chí không có tiêu chí thành phần được chấm trực tiếp)")


def _item_data(reader: _Reader, node: _Node, why: str) -> None:
    _base(reader, node, (TITLE, POINTS, RUBRIC, EVIDENCE, AGENCY, REF), (), why)
    cells = node.cells
    if RUBRIC in cells:
        if cells[RUBRIC] == SURVEY_RUBRIC:
            node.data["method"] = "survey"
        else:
            node.data["method"] = "self"
            rubric = _parse_rubric(reader, node, cells[RUBRIC])
            if rubric is not None:
                not_applicable = rubric.pop("not_applicable", None)
                node.data["rubric"] = rubric
                if not_applicable is not None:
                    node.data["not_applicable"] = {"points": "full", "when": not_applicable}
    for col, key in ((EVIDENCE, "evidence"), (AGENCY, "agency"), (REF, "ref")):
        if col in cells:
            node.data[key] = cells[col]


_CHOICE = re.compile(r"-\s*(.*?)\s*điểm\s*:\s*(.*)", re.DOTALL)
_RANGE = re.compile(r"Khoảng điểm\s*:\s*từ\s+(.*?)\s+đến\s+(.*?)\s*,\s*bước\s+(.*)", re.DOTALL)
_HOW = re.compile(r"Cách tính\s*:\s*(.*)", re.DOTALL)
_PART = re.compile(r"Phần\s+(\d+)\s*:\s*(.*)", re.DOTALL)
_NOT_APPLICABLE = re.compile(r"Không phát sinh\s*:\s*(.*)", re.DOTALL)
RUBRIC_RULE = (f"mỗi dòng là «- <điểm> điểm: <điều kiện>», hoặc «Khoảng điểm: từ 0 đến <điểm tối đa>, bước <bước>», "
               f"hoặc các phần «Phần 1: <tên phần>» mỗi phần có các mức điểm của nó; rồi có thể «Cách tính: <cách "
               f"tính>» và «Không phát sinh: <khi nào được đủ điểm>»; tiêu chí ĐTXHH ghi đúng «{SURVEY_RUBRIC}»; "
               "dòng tiếp theo của cùng một mục bắt đầu bằng hai dấu cách")


def _entries(text: str) -> list[tuple[int, str]] | None:
    """The cell's lines grouped: a line starting with two spaces continues the one before it."""
    entries: list[tuple[int, str]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if line.startswith("  "):
            if not entries:
                return None
            first, before = entries[-1]
            entries[-1] = (first, before + "\n" + line[2:])
        elif line.strip():
            entries.append((n, line))
    return entries


def _parse_rubric(reader: _Reader, node: _Node, text: str) -> dict | None:
    def bad(message: str) -> None:
        reader.report(TABLE_SHEET, node.row, node.code, f"«Cách chấm»: {message}")

    entries = _entries(text)
    if entries is None:
        bad(f"dòng đầu bắt đầu bằng dấu cách; {RUBRIC_RULE}")
        return None
    choices: list[dict] = []
    parts: list[dict] = []
    span: dict | None = None
    how: str | None = None
    absent: str | None = None
    ok = True
    for n, line in entries:
        if m := _HOW.fullmatch(line):
            if how is not None:
                bad(f"dòng {n}: «Cách tính» ghi hai lần")
                ok = False
            how = m.group(1).strip()
        elif m := _NOT_APPLICABLE.fullmatch(line):
            if absent is not None or not m.group(1).strip():
                bad(f"dòng {n}: «Không phát sinh» ghi hai lần hoặc để trống")
                ok = False
            absent = m.group(1).strip()
        elif m := _PART.fullmatch(line):
            if span is not None or (choices and not parts) or int(m.group(1)) != len(parts) + 1:
                bad(f"dòng {n}: «Phần {m.group(1)}» không đúng chỗ: các phần đánh số 1, 2, … và thay cho các mức "
                    "điểm hay khoảng điểm")
                ok = False
                continue
            parts.append({"title": m.group(2).strip(), "choices": []})
            choices = parts[-1]["choices"]
        elif m := _RANGE.fullmatch(line):
            if span is not None or choices or parts:
                bad(f"dòng {n}: thang chấm chỉ có các mức điểm hoặc một khoảng điểm, không có cả hai")
                ok = False
                continue
            span = {}
            for key, raw, what in zip(("min", "max", "step"), m.groups(), ("mức thấp nhất", "mức cao nhất", "bước"),
                                      strict=True):
                value = _points(reader, TABLE_SHEET, node.row, node.code, raw, f"«Cách chấm» dòng {n}: {what}")
                ok = ok and value is not None
                span[key] = value
        elif m := _CHOICE.fullmatch(line):
            if span is not None:
                bad(f"dòng {n}: thang chấm chỉ có các mức điểm hoặc một khoảng điểm, không có cả hai")
                ok = False
                continue
            value = _points(reader, TABLE_SHEET, node.row, node.code, m.group(1), f"«Cách chấm» dòng {n}: mức điểm")
            condition = m.group(2).strip()
            if not condition:
                bad(f"dòng {n}: mức {m.group(1)} điểm không có điều kiện")
            ok = ok and value is not None and bool(condition)
            choices.append({"points": value, "condition": condition})
        else:
            bad(f"dòng {n} «{shorten(line, 40)}» không đúng dạng; {RUBRIC_RULE}")
            ok = False
    if ok and span is None and (not choices or any(not p["choices"] for p in parts)):
        bad(f"không có mức điểm nào (hoặc có phần không có mức điểm); {RUBRIC_RULE}")
        ok = False
    if ok and how == "":
        bad("«Cách tính» để trống")
        ok = False
    if not ok:
        return None
    out: dict = {"range": span} if span is not None else {"parts": parts} if parts else {"choices": choices}
    if how:
        out["condition"] = how
    if absent:
        out["not_applicable"] = absent  # taken out by the caller: an item key, not a rubric key
    return out


# -- import: the other sheets ----------------------------------------------------------------------

def _keyed_rows(reader: _Reader, ws, name: str, columns: tuple[tuple[str, int], ...], what: str):
    """The rows under a one-line header, each keyed by column A: (row, key, cells) for each new key.

    An empty key, a repeated key or an unreadable one is reported; no row at all is reported too."""
    rows = _cells(ws)
    _check_sheet(reader, ws, name, len(columns), rows)
    if not _header(reader, name, 1, rows.get(1, {}), columns):
        return
    seen: dict[str, int] = {}
    for r in sorted(rows):
        key = _text(reader, name, r, None, rows[r].get(1), columns[0][0]) if r > 1 else None
        if not key:
            if key == "":
                reader.report(name, r, None, f"thiếu {what} ở cột A")
        elif key in seen:
            reader.report(name, r, key, f"{what} «{shorten(key, 40)}» bị trùng (đã có ở dòng {seen[key]})")
        else:
            seen[key] = r
            yield r, key, rows[r]
    if not seen:
        titles = ", ".join(title for title, _ in columns)
        reader.report(name, 1, None, f"không có dòng nào dưới dòng tiêu đề (mỗi dòng: {titles})")


def _read_agencies(reader: _Reader, book: _Book, ws) -> None:
    for r, code, cells in _keyed_rows(reader, ws, AGENCY_SHEET, AGENCY_COLUMNS, "mã cơ quan"):
        name = _text(reader, AGENCY_SHEET, r, code, cells.get(2), AGENCY_COLUMNS[1][0])
        if name == "":
            reader.report(AGENCY_SHEET, r, code, "thiếu tên cơ quan")
        elif name is not None:
            book.agencies.append((r, code, name))


def _read_expected(reader: _Reader, book: _Book, ws) -> None:
    for r, letter, cells in _keyed_rows(reader, ws, EXPECTED_SHEET, EXPECTED_COLUMNS, "lĩnh vực"):
        counts: dict[str, int] = {}
        for col, key in enumerate(EXPECTED_KEYS, start=2):
            what = EXPECTED_COLUMNS[col - 1][0]
            raw = _text(reader, EXPECTED_SHEET, r, letter, cells.get(col), what)
            if raw == "":
                reader.report(EXPECTED_SHEET, r, letter, f"thiếu «{what}»")
            elif raw is not None:
                value = _count(reader, EXPECTED_SHEET, r, letter, raw, f"«{what}»")
                if value is not None:
                    counts[key] = value
        book.expected.append((r, letter, counts))


def _read_book(wb) -> tuple[_Book, _Reader]:
    reader, book = _Reader(), _Book()
    names = list(wb.sheetnames)
    wanted = SHEETS
    missing = [n for n in wanted if n not in names]
    extra = [n for n in names if n not in wanted]
    if missing or extra:
        parts = []
        if missing:
            parts.append("thiếu trang " + ", ".join(f"«{n}»" for n in missing))
        if extra:
            parts.append("có trang không thuộc mẫu " + ", ".join(f"«{shorten(n, 31)}»" for n in extra))
        raise AppendixError([f"Tệp {'; '.join(parts)} (mẫu có đúng ba trang: "
                             f"{', '.join(f'«{n}»' for n in wanted)})"])
    sheets = {n: wb[n] for n in wanted}
    for name, ws in sheets.items():
        if not hasattr(ws, "_cells"):
            raise AppendixError([f"Trang «{name}» không phải bảng tính (có thể là biểu đồ)"])
        rows = max((r for r, _ in ws._cells), default=0)  # noqa: SLF001 - see _cells
        if rows > MAX_ROWS:
            raise AppendixError([f"Trang «{name}» có {rows} dòng, tối đa {MAX_ROWS}; bảng phụ lục không dài như vậy"])
    rows = _cells(sheets[TABLE_SHEET])
    head = _find_header(rows)
    if head is None:
        reader.report(TABLE_SHEET, 1, None, f"không có dòng tiêu đề bảng (ô «{COLUMNS[0][0]}» ở cột A)")
        allowed = None
    else:
        allowed = {r: (1, INFO_VALUE_COLUMN) for r in rows if 1 < r < head}
        allowed.update({1: (1,)})
    _check_sheet(reader, sheets[TABLE_SHEET], TABLE_SHEET, len(COLUMNS), rows, allowed)
    if head is not None:
        _read_info(reader, book, rows, head)
        if _header(reader, TABLE_SHEET, head, rows[head], COLUMNS):
            _read_table(reader, book, rows, head)
            if not book.fields:
                reader.report(TABLE_SHEET, head, None, "bảng không có dòng nào dưới dòng tiêu đề")
    _read_agencies(reader, book, sheets[AGENCY_SHEET])
    _read_expected(reader, book, sheets[EXPECTED_SHEET])
    return book, reader


# -- import: to YAML, through the loader ---------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal):
    text = to_str(value)
    return dumper.represent_scalar("tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int", text)


_Dumper.add_representer(Decimal, _represent_decimal)


def _yaml_tree(book: _Book) -> dict:
    info = book.info
    return {
        "schema": 1, "id": info["id"], "unit_kind": info["unit_kind"], "year": info["year"], "title": info["title"],
        "legal_basis": info["legal_basis"], "provenance": info["provenance"],
        "provenance_note": info["provenance_note"],
        "agencies": {code: name for _, code, name in book.agencies},
        "expected": {"total_max": info["expected.total_max"], "self_max": info["expected.self_max"],
                     "survey_max": info["expected.survey_max"],
                     "fields": {letter: counts for _, letter, counts in book.expected}},
        "fields": [{**f.data, "criteria": [
            {**c.data, "sub_criteria": [i.data for i in c.children]} if c.children else c.data
            for c in f.children]} for f in book.fields],
    }


def _where_lines(root, book: _Book) -> dict[int, tuple[str, int]]:
    """YAML line → (sheet, row) it was written from: the loader's problems are shown at sheet rows."""
    lines: dict[int, tuple[str, int]] = {}

    def mark(node, sheet: str, row: int) -> None:
        last = node.end_mark.line + (1 if node.end_mark.column else 0)
        for line in range(node.start_mark.line + 1, max(last, node.start_mark.line + 1) + 1):
            lines[line] = (sheet, row)

    top = {k.value: v for k, v in root.value}
    for key, row in book.info_rows.items():
        if key in top:
            mark(top[key], TABLE_SHEET, row)
    for (key, value), (row, _, _) in zip(top["agencies"].value, book.agencies, strict=True):
        mark(key, AGENCY_SHEET, row)
        mark(value, AGENCY_SHEET, row)
    expected = {k.value: v for k, v in top["expected"].value}
    for key in ("total_max", "self_max", "survey_max"):
        mark(expected[key], TABLE_SHEET, book.info_rows[f"expected.{key}"])
    for (key, value), (row, _, _) in zip(expected["fields"].value, book.expected, strict=True):
        mark(key, EXPECTED_SHEET, row)
        mark(value, EXPECTED_SHEET, row)
    for fnode, f in zip(top["fields"].value, book.fields, strict=True):
        mark(fnode, TABLE_SHEET, f.row)
        fmap = {k.value: v for k, v in fnode.value}
        for cnode, c in zip(fmap["criteria"].value, f.children, strict=True):
            mark(cnode, TABLE_SHEET, c.row)
            cmap = {k.value: v for k, v in cnode.value}
            if c.children:
                for inode, i in zip(cmap["sub_criteria"].value, c.children, strict=True):
                    mark(inode, TABLE_SHEET, i.row)
    return lines


# The loader names YAML keys; the sheet has labels and columns instead.
_SHEET_TERMS = {"max_points": "điểm tối đa", "unit_kind": "«Loại đơn vị»", "provenance": "«Nguồn gốc»",
                "agencies": f"trang «{AGENCY_SHEET}»", "range.min": "mức thấp nhất của khoảng điểm",
                "range.max": "mức cao nhất của khoảng điểm"}
_KEY = re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in _SHEET_TERMS) + r")(?![\w.])")


def _in_sheet_terms(message: str) -> str:
    return _KEY.sub(lambda m: _SHEET_TERMS[m.group(1)], message)


def _convert(data: bytes, name: str) -> tuple[str, CriteriaSet]:
    wb = _open(data)
    try:
        book, reader = _read_book(wb)
    except AppendixError:
        raise
    except Exception:  # noqa: BLE001 - malformed content found while reading: the same clear answer
        raise AppendixError([BROKEN]) from None
    finally:
        wb.close()
    if reader.problems:
        raise AppendixError(reader.messages())
    origin = re.sub(r"[\x00-\x1f\x7f]", "?", name)
    text = (f"# Nhập từ bảng phụ lục «{origin}» (python -m parindex.rulebook import-appendix).\n"
            + yaml.dump(_yaml_tree(book), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))
    try:
        return text, loads(text, name)
    except CriteriaSetError as exc:
        where = _where_lines(yaml.compose(text, Loader=_YAML_LOADER), book)
        for problem in exc.problems:
            sheet, row = where.get(problem.line, (None, 0))
            if sheet is None:
                reader.problems.append((len(SHEETS), 0, f"{problem.code}: {_in_sheet_terms(problem.message)}"))
            else:
                reader.report(sheet, row, problem.code, _in_sheet_terms(problem.message))
        raise AppendixError(reader.messages()) from None


def read_xlsx(data: bytes, name: str = "<bảng phụ lục>") -> tuple[str, CriteriaSet]:
    """The criteria-set YAML a workbook holds and the set the strict loader read from it, in one reading."""
    return _convert(data, name)


def xlsx_to_yaml(data: bytes, name: str = "<bảng phụ lục>") -> str:
    """The criteria-set YAML a workbook holds (already accepted by the strict loader)."""
    return _convert(data, name)[0]


def import_xlsx(data: bytes, name: str = "<bảng phụ lục>") -> CriteriaSet:
    """Read an appendix workbook (as ``export_xlsx`` writes it) into a set; ``AppendixError`` lists every problem."""
    return _convert(data, name)[1]
