"""The score sheet as data and as an .xlsx file in the appendix layout (bảng tự đánh giá, chấm điểm).

``sheet_data`` builds the one structure the Excel file, the printable report and the PDF all show:
from the frozen snapshot once submitted, from the live rows otherwise. ``export`` writes it;
``parse`` reads a filled file back and checks all of it, every problem with its row number.
Points are ``Decimal`` throughout: written to cells as Decimal, read back from text or numbers.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from time import monotonic

from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.xml import DEFUSEDXML

from parindex.appraisal import rules
from parindex.core.errors import DomainError
from parindex.rulebook.model import SURVEY_EVIDENCE, CriteriaSet, Item
from parindex.rulebook.numbers import format_vi, to_str

from . import files, services
from .models import Assessment, Status

SHEET = "Tự đánh giá"
META_SHEET = "_parindex"
KIND = "parindex/tu-danh-gia/1"
COLUMNS = (("TT", 16), ("Nội dung", 60), ("Điểm tối đa", 12), ("Điểm tự đánh giá", 14),
           ("Tài liệu kiểm chứng", 45), ("Giải trình", 45))
TOTAL_LABEL = "TỔNG ĐIỂM TỰ ĐÁNH GIÁ"
NUMBER_FORMAT = "0.00##"
MAX_ROWS = 2000
CELL_MAX = 32767
# Reading a file (docs/security.md, "Excel import"): its XML goes through defusedxml (no entities,
# no external references); the unzipped size is capped at a multiple of this unit's own template
# plus room for every self item's text cells filled to Excel's limit; members are counted, a
# member that inflates more than MAX_RATIO times is a zip bomb; reading stops after PARSE_SECONDS.
TEMPLATE_FACTOR = 10
TEXT_CELL_BYTES = CELL_MAX * 3  # a full cell of Vietnamese text in UTF-8
MAX_MEMBERS = 100
MAX_RATIO = 100
PARSE_SECONDS = 15
BROKEN = gettext_noop("Tệp không phải tệp Excel .xlsx hoặc đã bị hỏng, không đọc được; "
                      "hãy dùng mẫu Excel tải từ hệ thống")  # translated when raised
NO_SUPPORT = "Không có tài liệu kiểm chứng, không có giải trình — tổ thẩm định sẽ cho 0 điểm (mục III.3.2.b)"


# -- the data -------------------------------------------------------------------------------------

@dataclass
class Line:
    """One row of the sheet: a field, a criterion, a self item or a survey (ĐTXHH) item."""

    kind: str  # "field" | "criterion" | "item" | "survey"
    code: str
    title: str
    maximum: Decimal
    points: Decimal | None = None
    explanation: str = ""
    evidence: list[str] = field(default_factory=list)
    survey: bool = False  # a criterion whose every point comes from the survey
    allowed: str = ""

    @property
    def needs_explanation(self) -> bool:
        """Points above 0 and no evidence linked: the report must explain it (Công văn 383/BNV)."""
        return self.kind == "item" and self.points is not None and self.points > 0 and not self.evidence

    @property
    def missing_support(self) -> bool:
        """III.3.2.b: neither evidence nor explanation → the appraisal gives 0 (``appraisal.rules``)."""
        return self.kind == "item" and rules.unsupported_points(self.points, bool(self.evidence), self.explanation)


@dataclass
class SheetData:
    unit_name: str
    unit_code: str
    year: int
    cset: CriteriaSet
    lines: list[Line]
    total: Decimal
    maximum: Decimal
    participants: list[tuple[str, str, str]]  # name, position, role (III.2.2; "" for others)
    meeting_date: date | None
    difficulties: str
    status_label: str
    frozen: bool
    submitted_at: datetime | None

    @property
    def needing_explanation(self) -> list[Line]:
        return [line for line in self.lines if line.needs_explanation]


def _evidence_label(label: str, location: str) -> str:
    return f"{label} — {location}" if location else label


def _rows_of(assessment: Assessment) -> tuple[dict, list[tuple[str, str]], date | None, str, bool]:
    """code → (points, explanation, evidence labels), participants, meeting date, difficulties, frozen."""
    snap = assessment.snapshot
    if assessment.status == Status.SUBMITTED and snap:
        rows = {code: (Decimal(v["points"]) if v.get("points") is not None else None, v.get("explanation", ""),
                       [_evidence_label(e["label"], e.get("location", "")) for e in v.get("evidence", [])])
                for code, v in snap["items"].items()}
        meeting = date.fromisoformat(snap["meeting_date"]) if snap.get("meeting_date") else None
        people = [(p["name"], p["position"], p.get("role", "")) for p in snap.get("participants", [])]
        return rows, people, meeting, snap.get("difficulties", ""), True
    rows = {code: (v.points, v.score.explanation if v.score else "",
                   [_evidence_label(str(link.evidence), link.location) for link in v.links])
            for code, v in services.item_views(assessment).items()}
    people = [(p.name, p.position, p.role) for p in assessment.participants.all()] if assessment.pk else []
    return rows, people, assessment.meeting_date, assessment.difficulties, False


def _item_line(item: Item, rows: dict) -> Line:
    if item.is_survey:
        return Line("survey", item.code, item.title, item.max_points)
    points, explanation, evidence = rows.get(item.code, (None, "", []))
    return Line("item", item.code, item.title, item.max_points, points, explanation, evidence,
                allowed=item.allowed_description())


def sheet_data(assessment: Assessment) -> SheetData:
    """The sheet as shown everywhere: the submitted (frozen) version, or the live draft."""
    cset = services.criteria_of(assessment)
    rows, people, meeting, difficulties, frozen = _rows_of(assessment)
    lines: list[Line] = []
    for fld in cset.fields:
        field_line = Line("field", fld.code, fld.title, fld.self_max, Decimal(0))
        lines.append(field_line)
        for crit in fld.criteria:
            parent = None
            if not crit.scored_directly:
                own = [i for i in crit.items if not i.is_survey]
                parent = Line("criterion", crit.code, crit.title, sum((i.max_points for i in own), Decimal(0)),
                              Decimal(0), survey=not own)
                lines.append(parent)
            for item in crit.items:
                line = _item_line(item, rows)
                lines.append(line)
                if line.points is not None:
                    field_line.points += line.points
                    if parent is not None:
                        parent.points += line.points
    unit = assessment.period_unit
    return SheetData(
        unit_name=unit.name, unit_code=unit.code, year=unit.period.year, cset=cset, lines=lines,
        total=sum((f.points for f in lines if f.kind == "field"), Decimal(0)), maximum=cset.self_max,
        participants=people, meeting_date=meeting, difficulties=difficulties,
        status_label=assessment.get_status_display(), frozen=frozen,
        submitted_at=assessment.submitted_at if frozen else None)


# -- export ---------------------------------------------------------------------------------------

THIN = Side(style="thin", color="8C959F")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)
FIELD_FILL = PatternFill("solid", fgColor="E7ECF2")
SURVEY_FILL = PatternFill("solid", fgColor="FFF4E5")


def _put(ws, ref: str, value, **style):
    """Write one cell: a Decimal as a number with the points format; any text as a string, never a formula
    (a person's explanation starting with "=" stays text), cleaned of characters XML cannot hold."""
    cell = ws[ref]
    if isinstance(value, Decimal):
        cell.value, cell.number_format = Decimal(to_str(value)), NUMBER_FORMAT
    elif isinstance(value, int):
        cell.value = value
    elif value is not None:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:CELL_MAX]
        cell.data_type = "s"
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


HINT = ("Nhập điểm vào cột «Điểm tự đánh giá» (ví dụ 0,5 hoặc 0.5) và nội dung vào cột «Giải trình»; không sửa cột "
        "TT, không xoá dòng, rồi dùng chức năng «Nhập từ Excel». Dòng ĐTXHH do Sở Nội vụ chấm qua điều tra xã hội "
        "học, đơn vị không tự chấm.")


def _header(ws, data: SheetData) -> int:
    """The header block; returns the row of the table's column titles."""
    cs, left = data.cset, Alignment(horizontal="left", vertical="top", wrap_text=True)
    _put(ws, "A1", f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {data.year}",
         font=Font(bold=True, size=13))
    ws.merge_cells("A1:F1")
    status = data.status_label + (" (bản đã nộp)" if data.frozen else "")
    for r, (label, value, label2, value2) in enumerate((
            ("Đơn vị", data.unit_name, "Mã đơn vị", data.unit_code),
            ("Năm đánh giá", data.year, "Trạng thái", status),
            ("Bộ tiêu chí", cs.title, None, None),
            ("Mã bộ tiêu chí", f"{cs.id} · SHA-256 {cs.sha256[:12]}", None, None),
            ("Điểm tự chấm", data.total, "Tối đa", data.maximum)), start=2):
        _put(ws, f"A{r}", label, font=BOLD)
        _put(ws, f"B{r}", value, alignment=left)
        _put(ws, f"C{r}", label2, font=BOLD)
        _put(ws, f"D{r}", value2, alignment=Alignment(horizontal="left"))
        _fit_height(ws, r)
    _put(ws, "A7", HINT, font=Font(italic=True, color="4A5561"), alignment=WRAP)
    ws.merge_cells("A7:F7")
    ws.row_dimensions[7].height = 32
    for col, (title, width) in zip("ABCDEF", COLUMNS, strict=True):
        _put(ws, f"{col}8", title, font=BOLD, border=BORDER, fill=FIELD_FILL,
             alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"))
        ws.column_dimensions[col].width = width
    ws.row_dimensions[8].height = 30
    return 8


def _fit_height(ws, r: int) -> None:
    """Spreadsheet programs do not all grow a row to its wrapped text: set the height from the longest cell."""
    lines = 1
    for col, (_title, width) in zip("ABCDEF", COLUMNS, strict=True):
        text = ws[f"{col}{r}"].value
        if isinstance(text, str):
            lines = max(lines, sum(-(-len(part) // int(width * 1.05)) or 1 for part in text.split("\n")))
    if lines > 1:
        ws.row_dimensions[r].height = min(15 * lines, 409)  # Excel's largest row height


def _line_row(ws, r: int, line: Line) -> None:
    font = BOLD if line.kind == "field" else Font()
    survey = line.kind == "survey" or line.survey
    fill = FIELD_FILL if line.kind == "field" else SURVEY_FILL if survey else None
    _put(ws, f"A{r}", line.code, font=font)
    _put(ws, f"B{r}", line.title, font=font)
    _put(ws, f"C{r}", line.maximum, font=font)
    _put(ws, f"D{r}", SURVEY_EVIDENCE if survey else line.points, font=font)
    if line.kind == "survey":
        _put(ws, f"E{r}", "Điểm do Sở Nội vụ xác định qua điều tra xã hội học")
    if line.kind == "item":
        ws[f"D{r}"].comment = Comment(f"{line.code} — cho phép: {line.allowed}", "parindex", width=260, height=90)
        _put(ws, f"E{r}", "\n".join(line.evidence))
        _put(ws, f"F{r}", line.explanation)
    _fit_height(ws, r)
    for col in "ABCDEF":
        cell = ws[f"{col}{r}"]
        cell.border = BORDER
        centre = "center" if survey and col == "D" else None
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=centre)
        if fill is not None:
            cell.fill = fill


def _meta_sheet(wb: Workbook, data: SheetData) -> None:
    """The hidden sheet that tells an import whose file this is: unit, year, criteria set, item codes."""
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "hidden"
    for r, (key, value) in enumerate((("kind", KIND), ("unit", data.unit_code), ("year", data.year),
                                      ("set_id", data.cset.id), ("sha256", data.cset.sha256), ("items", "")), 1):
        _put(ws, f"A{r}", key)
        _put(ws, f"B{r}", value)
    for r, item in enumerate(data.cset.items, start=7):
        _put(ws, f"A{r}", item.code)


def export(assessment: Assessment) -> bytes:
    data = sheet_data(assessment)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    wb.properties.creator = "parindex"
    wb.properties.title = f"Tự đánh giá {data.unit_name} {data.year}"
    head = _header(ws, data)
    r = head
    for r, line in enumerate(data.lines, start=head + 1):
        _line_row(ws, r, line)
    r += 1
    for col, value in zip("ABCDEF", ("", TOTAL_LABEL, data.maximum, data.total, "", ""), strict=True):
        _put(ws, f"{col}{r}", value, font=BOLD, border=BORDER)
    ws.freeze_panes = f"A{head + 1}"
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _meta_sheet(wb, data)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- parse ----------------------------------------------------------------------------------------

def unzipped_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def max_unzipped(assessment: Assessment) -> int:
    """A few times this unit's template, plus every self item's explanation filled to Excel's limit."""
    items = sum(1 for item in services.criteria_of(assessment).items if not item.is_survey)
    return TEMPLATE_FACTOR * unzipped_size(export(assessment)) + items * TEXT_CELL_BYTES


def _check_archive(archive: zipfile.ZipFile, limit: int) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise DomainError(gettext("Tệp Excel có %(n)s thành phần, mẫu chỉ có khoảng 10 (tối đa %(max)s); "
                                  "hãy dùng mẫu Excel tải từ hệ thống") % {"n": len(infos), "max": MAX_MEMBERS})
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise DomainError(gettext("Tệp Excel giải nén ra %(size)s MB, tối đa %(max)s MB "
                                  "(vài lần mẫu của đơn vị); hãy dùng mẫu Excel tải từ hệ thống")
                          % {"size": f"{total / 1048576:.1f}", "max": f"{limit / 1048576:.1f}"})
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if ratio > MAX_RATIO and info.file_size > 1048576:
            raise DomainError(gettext("Thành phần «%(name)s» của tệp Excel nén %(ratio)s lần, tối đa %(max)s "
                                      "lần: tệp không phải bảng tính bình thường, không đọc")
                              % {"name": info.filename[:80], "ratio": ratio, "max": MAX_RATIO})


def _open(data: bytes, limit: int):
    if not DEFUSEDXML:  # openpyxl reads through defusedxml only when it is installed and not switched off
        raise DomainError(gettext("Máy chủ chưa cài defusedxml nên không nhận tệp Excel; hãy báo quản trị hệ thống"))
    if not data:
        raise DomainError(gettext("Tệp rỗng (0 byte); hãy chọn tệp Excel (.xlsx) đã tải từ hệ thống"))
    if len(data) > files.max_bytes():
        raise DomainError(gettext("Tệp nặng %(size)s MB, vượt giới hạn %(max)s MB")
                          % {"size": f"{len(data) / 1024 / 1024:.1f}", "max": files.max_bytes() // 1048576})
    kind = ("PDF" if data.startswith(b"%PDF") else gettext("Excel 97-2003 (.xls) hoặc Word (.doc)")
            if data.startswith(b"\xd0\xcf\x11\xe0") else None)
    if kind is not None:
        raise DomainError(gettext("Tệp không phải tệp Excel .xlsx (nội dung là %(kind)s); "
                                  "hãy dùng mẫu Excel tải từ hệ thống")
                          % {"kind": kind})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            _check_archive(archive, limit)
        if "mimetype" in names and "xl/workbook.xml" not in names:
            raise DomainError(gettext("Tệp là bảng tính OpenDocument (.ods), không phải .xlsx; "
                                      "hãy lưu lại dạng Excel (.xlsx)"))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except DomainError:
        raise
    except Exception:  # noqa: BLE001 - any unreadable content gets the same clear answer
        raise DomainError(gettext(BROKEN)) from None


def _str(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _meta(wb) -> tuple[dict[str, str], list[str]]:
    """The hidden sheet: key → value rows down to "items", then the item codes one per row."""
    meta: dict[str, str] = {}
    codes: list[str] = []
    for key, value in wb[META_SHEET].iter_rows(max_row=MAX_ROWS, min_col=1, max_col=2, values_only=True):
        if "items" in meta and _str(key):
            codes.append(_str(key))
        elif _str(key):
            meta[_str(key)] = _str(value)
    return meta, codes


def _check_origin(wb, ws, assessment: Assessment, cset: CriteriaSet) -> list[str]:
    """Another unit's, another year's or another set's file, or not our template at all."""
    unit = assessment.period_unit
    meta, codes = _meta(wb) if META_SHEET in wb.sheetnames else ({}, [])
    if meta.get("kind") != KIND:
        return [gettext("Tệp không có trang ẩn «%(sheet)s» của mẫu parindex (hoặc trang đó bị sửa), nên không biết "
                        "tệp của đơn vị nào; hãy tải mẫu Excel của %(unit)s từ hệ thống rồi nhập điểm vào mẫu đó")
                % {"sheet": META_SHEET, "unit": unit.name}]
    errors = []
    if meta.get("unit") != unit.code:
        named = _str(ws["B2"].value) if _str(ws["A2"].value) == "Đơn vị" else ""
        errors.append(gettext("Tệp là bảng tự đánh giá của %(other)s (mã %(other_code)s), không phải của %(unit)s "
                              "(mã %(code)s); hãy tải mẫu Excel của %(unit)s rồi nhập lại")
                      % {"other": named or gettext("đơn vị khác"), "other_code": meta.get("unit") or "?",
                         "unit": unit.name, "code": unit.code})
    if meta.get("year") != str(unit.period.year):
        errors.append(gettext("Tệp thuộc kỳ đánh giá năm %(other)s, không phải năm %(year)s")
                      % {"other": meta.get("year") or "?", "year": unit.period.year})
    if meta.get("set_id") != cset.id or meta.get("sha256") != cset.sha256:
        errors.append(gettext("Tệp theo bộ tiêu chí «%(other)s» (SHA-256 %(other_sha)s), "
                              "khác bộ tiêu chí của kỳ này «%(set)s» (SHA-256 %(sha)s)")
                      % {"other": meta.get("set_id") or "?", "other_sha": meta.get("sha256", "")[:12],
                         "set": cset.id, "sha": cset.sha256[:12]})
    elif codes != [i.code for i in cset.items]:
        errors.append(gettext("Danh sách mã tiêu chí trong trang ẩn «%(sheet)s» đã bị sửa, không khớp bộ tiêu chí "
                              "%(set)s; hãy tải lại mẫu Excel từ hệ thống") % {"sheet": META_SHEET, "set": cset.id})
    return errors


def _shown(value) -> str:
    if isinstance(value, (date, time)):
        return value.strftime("%d/%m/%Y" if isinstance(value, date) else "%H:%M")
    return _str(value)


def _raw_points(cell) -> tuple[str, str]:
    """(text to validate, '') or ('', problem) for the value in a score cell."""
    value = cell.value
    if value is None:
        return "", ""
    if cell.data_type == "f":
        return "", gettext("ô điểm chứa công thức «%(v)s»; hãy nhập số") % {"v": value}
    if isinstance(value, (bool, date, time)):
        return "", (gettext("giá trị «%(v)s» không phải là số (ô đang ở dạng ngày giờ hoặc đúng/sai)")
                    % {"v": _shown(value)})
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "", gettext("giá trị «%(v)s» không phải là số") % {"v": value}
        return to_str(Decimal(str(round(value, 4)))), ""
    if isinstance(value, (int, Decimal)):
        return to_str(Decimal(value)), ""
    return str(value).strip(), ""


def _header_row(ws) -> tuple[int | None, list[str]]:
    for r, row in enumerate(ws.iter_rows(max_row=30, max_col=6, values_only=True), start=1):
        if _str(row[0]) == "TT":
            found = [_str(v) for v in row]
            if found != [title for title, _ in COLUMNS]:
                return r, [gettext("Dòng %(r)s: tiêu đề các cột là «%(found)s», khác mẫu «%(wanted)s»; "
                                   "không chèn, xoá hay đổi chỗ cột")
                           % {"r": r, "found": " | ".join(found), "wanted": " | ".join(t for t, _ in COLUMNS)}]
            return r, []
    return None, [gettext("Trang «%(sheet)s» không có dòng tiêu đề bảng (ô «TT» ở cột A); "
                          "hãy dùng mẫu Excel tải từ hệ thống") % {"sheet": SHEET}]


def _fail(errors: list[str]):
    raise DomainError(gettext("Tệp Excel có %(n)s lỗi; chưa nhập điểm nào, hãy sửa rồi nhập lại") % {"n": len(errors)},
                      errors=errors)


def parse(assessment: Assessment, data: bytes) -> dict[str, tuple[str, str]]:
    """Every self item's (points text or '', explanation) from a filled sheet; DomainError lists every problem.

    The sheets are read lazily (openpyxl's read-only mode): malformed XML, a truncated member or a
    forbidden entity surfaces while reading rows, so reading and checking happen inside one guard.
    """
    wb = _open(data, max_unzipped(assessment))
    try:
        return _parse(assessment, wb, monotonic() + PARSE_SECONDS)
    except DomainError:
        raise
    except Exception:  # noqa: BLE001 - malformed content found while reading: the same clear answer
        raise DomainError(gettext(BROKEN)) from None
    finally:
        wb.close()


def _in_time(deadline: float) -> None:
    if monotonic() > deadline:
        raise DomainError(gettext("Đọc tệp Excel quá %(s)s giây (tệp quá phức tạp so với mẫu), đã dừng; "
                                  "chưa nhập điểm nào, hãy dùng mẫu Excel tải từ hệ thống") % {"s": PARSE_SECONDS})


def _parse(assessment: Assessment, wb, deadline: float) -> dict[str, tuple[str, str]]:
    cset = services.criteria_of(assessment)
    unit_prefix = f"{assessment.period_unit.name}: "  # the row number says enough: drop the unit's name
    if SHEET not in wb.sheetnames:
        _fail([gettext("Tệp không có trang «%(sheet)s» (các trang trong tệp: %(names)s); "
                       "hãy dùng mẫu Excel tải từ hệ thống")
               % {"sheet": SHEET, "names": ", ".join("«" + n + "»" for n in wb.sheetnames)}])
    ws = wb[SHEET]
    errors = _check_origin(wb, ws, assessment, cset)
    head, header_errors = _header_row(ws)
    if errors or header_errors:
        _fail(errors + header_errors)
    structure = {f.code for f in cset.fields} | {c.code for f in cset.fields for c in f.criteria
                                                  if not c.scored_directly}
    seen: dict[str, int] = {}
    result: dict[str, tuple[str, str]] = {}
    for r, row in enumerate(ws.iter_rows(min_row=head + 1, max_col=6), start=head + 1):
        _in_time(deadline)
        if r > head + MAX_ROWS:
            errors.append(gettext("Trang «%(sheet)s» có hơn %(max)s dòng, nhiều hơn mẫu rất nhiều; "
                                  "chỉ đọc đến dòng %(r)s")
                          % {"sheet": SHEET, "max": MAX_ROWS, "r": r - 1})
            break
        code_cell, title_cell, _, points_cell, _, expl_cell = (*row, *[EMPTY_CELL] * 6)[:6]
        code, points_value = _str(code_cell.value), points_cell.value
        if not code:
            if _str(title_cell.value) == TOTAL_LABEL:
                break
            if _str(points_value):
                errors.append(gettext("Dòng %(r)s: có điểm «%(v)s» nhưng cột TT không có mã tiêu chí")
                              % {"r": r, "v": _shown(points_value)})
            continue
        item = cset.items_by_code.get(code)
        if item is None:
            if code not in structure:
                errors.append(gettext("Dòng %(r)s: mã «%(code)s» không có trong bộ tiêu chí %(set)s; "
                                      "cột TT phải giữ nguyên mã của mẫu") % {"r": r, "code": code, "set": cset.id})
            continue
        if code in seen:
            errors.append(gettext("Dòng %(r)s: tiêu chí %(code)s lặp lại (đã có ở dòng %(first)s); "
                                  "mỗi tiêu chí một dòng")
                          % {"r": r, "code": code, "first": seen[code]})
            continue
        seen[code] = r
        if item.is_survey:
            if _str(points_value) not in ("", SURVEY_EVIDENCE):
                errors.append(gettext("Dòng %(r)s: tiêu chí %(code)s được chấm qua điều tra xã hội học (ĐTXHH), đơn vị "
                                      "không tự chấm — ô điểm có «%(v)s»; hãy để «%(survey)s» hoặc bỏ trống")
                              % {"r": r, "code": code, "v": _shown(points_value), "survey": SURVEY_EVIDENCE})
            continue
        raw, problem = _raw_points(points_cell)
        if problem:
            errors.append(gettext("Dòng %(r)s: tiêu chí %(code)s: %(problem)s — cho phép: %(allowed)s")
                          % {"r": r, "code": code, "problem": problem, "allowed": item.allowed_description()})
            continue
        if expl_cell.data_type == "f":
            errors.append(gettext("Dòng %(r)s: tiêu chí %(code)s: ô Giải trình chứa công thức; hãy nhập văn bản")
                          % {"r": r, "code": code})
            continue
        try:
            services.parse_points(assessment, code, raw)
        except DomainError as exc:
            errors.append(gettext("Dòng %(r)s: %(message)s")
                          % {"r": r, "message": exc.message.removeprefix(unit_prefix)})
            continue
        result[code] = (raw, _str(expl_cell.value))
    for item in cset.items:
        if not item.is_survey and item.code not in seen:
            errors.append(gettext("Thiếu dòng của tiêu chí %(code)s «%(title)s» (tối đa %(max)s điểm); "
                                  "không xoá dòng của mẫu — để trống ô điểm nếu chưa chấm")
                          % {"code": item.code, "title": item.title, "max": format_vi(item.max_points)})
    if errors:
        _fail(errors)
    return result
