"""Importing survey responses from a file (.xlsx, .csv): KoboToolbox, LimeSurvey, Google Forms exports.

Three steps (issue 10 §2): ``read_table`` turns the uploaded bytes into a table (the first row names
the columns) or refuses a file that is not one; the coordinator maps the columns (``Mapping``: the
group, chosen once per file, the column of the evaluated unit, of the day received, and of each
question; ``guess_mapping`` proposes one from the column names); ``import_rows`` checks every row and
records them all, or nothing: every problem is reported as «Dòng N, cột X: …» (N: the row of the
sheet, the header being row 1).

Decisions (docs/survey.md): options are matched by code or by label, case and spaces ignored; units
by code or name the same way; an empty row is skipped; a row identical in every cell (not only the
mapped ones) to an earlier row is refused as a duplicate — exports carry a submission id or a time
stamp, so two identical rows are a copy, while two respondents giving the same answers differ there.
Text files: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's «Unicode text»); the delimiter is
sniffed among , ; tab and |.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.audit.services import record
from parindex.core import locks
from parindex.core.errors import DomainError, NotAllowed
from parindex.rulebook.numbers import shorten
from parindex.units.models import PeriodUnit

from . import collect
from .design import Group, SurveyDesign
from .models import Response, Survey

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 300
MAX_ERRORS_SHOWN = 200
DELIMITERS = ",;\t|"
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %H:%M:%S")


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[list[str]]          # cells as text (dates of a workbook as dd/mm/yyyy)

    def label(self, index: int) -> str:
        return f"{column_letter(index)} «{self.header[index]}»"

    def as_dict(self) -> dict:
        return {"header": self.header, "rows": self.rows}

    @classmethod
    def from_dict(cls, data: MappingABC) -> Table:
        return cls(list(data["header"]), [list(r) for r in data["rows"]])


@dataclass(frozen=True, slots=True)
class Mapping:
    group: str
    unit: int
    received: int
    questions: dict[str, int] = field(default_factory=dict)


def column_letter(index: int) -> str:
    out, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _key(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- reading a file ----------------------------------------------------------------------------------

def not_a_table(reason: str) -> DomainError:
    return DomainError(_("Tệp không đọc được thành bảng: %(reason)s. Hãy lưu tệp dạng .xlsx hoặc .csv, dòng đầu là "
                         "tên cột, mỗi dòng sau là một phiếu.") % {"reason": reason})


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise not_a_table(_("tệp nhị phân, không phải văn bản"))
    return data.decode("utf-8")


def _text_rows(data: bytes) -> list[list[str]]:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise not_a_table(_("không phải văn bản UTF-8 hoặc UTF-16")) from None
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise not_a_table(_("không có dòng tên cột và ít nhất một dòng phiếu"))
    sample = "\n".join(lines[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        raise not_a_table(_("không tìm thấy dấu phân cách cột (dấu phẩy, chấm phẩy, tab)")) from None
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _sheet_rows(data: bytes) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise not_a_table(_("tệp Excel hỏng hoặc không phải .xlsx")) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(v) for v in row[:MAX_COLUMNS + 1]])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def read_table(data: bytes, filename: str = "") -> Table:
    """The uploaded file as a table (header + rows of text), or DomainError saying why it is not one."""
    if len(data) > MAX_BYTES:
        raise DomainError(_("Tệp quá lớn (%(size)s kB, tối đa %(max)s kB)")
                          % {"size": len(data) // 1024, "max": MAX_BYTES // 1024})
    rows = _sheet_rows(data) if data.startswith(b"PK\x03\x04") else _text_rows(data)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise not_a_table(_("dòng đầu không có tên cột"))
    width = max(len(r) for r in rows)
    if width < 2:
        raise not_a_table(_("chỉ có một cột"))
    if width > MAX_COLUMNS:
        raise not_a_table(_("quá %(max)s cột") % {"max": MAX_COLUMNS})
    if len(rows) - 1 > MAX_ROWS:
        raise DomainError(_("Tệp có hơn %(max)s dòng; hãy chia thành nhiều tệp") % {"max": MAX_ROWS})
    padded = [r + [""] * (width - len(r)) for r in rows]
    header = [h or _("Cột %(letter)s") % {"letter": column_letter(i)} for i, h in enumerate(padded[0])]
    if len(padded) < 2:
        raise not_a_table(_("không có dòng phiếu nào sau dòng tên cột"))
    return Table(header, padded[1:])


# -- mapping ---------------------------------------------------------------------------------------

UNIT_NAMES = ("đơn vị", "don vi", "unit", "đơn vị được đánh giá", "ma don vi", "mã đơn vị")
DAY_NAMES = ("ngày", "ngay", "date", "ngày nhận", "ngày nhận phiếu", "submission date", "timestamp", "dấu thời gian")


def guess_mapping(table: Table, group: Group) -> Mapping:
    """A first proposal: columns named like the unit, the day, or a question's code or text (-1: none)."""
    keys = [_key(h) for h in table.header]

    def find(*names) -> int:
        for n, k in enumerate(keys):
            if k in {_key(x) for x in names}:
                return n
        return -1

    return Mapping(group.code, find(*UNIT_NAMES), find(*DAY_NAMES),
                   {q.code: find(q.code, q.text) for q in group.questions})


def _day_of(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _unit_index(survey: Survey, group: Group) -> dict[str, PeriodUnit]:
    out = {}
    for unit in PeriodUnit.objects.filter(period=survey.period, kind=group.evaluates).select_related("period"):
        out.setdefault(_key(unit.code), unit)
        out.setdefault(_key(unit.name), unit)
        if unit.short_name:
            out.setdefault(_key(unit.short_name), unit)
    return out


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    unit: PeriodUnit
    received_on: date
    answers: dict[str, str]


def _mapping_problems(table: Table, group: Group, mapping: Mapping) -> list[str]:
    width = len(table.header)
    problems = []
    wanted = [(_("đơn vị được đánh giá"), mapping.unit), (_("ngày nhận phiếu"), mapping.received)]
    wanted += [(_("câu %(code)s") % {"code": q.code}, mapping.questions.get(q.code, -1)) for q in group.questions]
    for what, index in wanted:
        if not isinstance(index, int) or not 0 <= index < width:
            problems.append(_("Chưa chọn cột cho %(what)s") % {"what": what})
    extra = set(mapping.questions) - {q.code for q in group.questions}
    if extra:
        problems.append(_("Câu %(codes)s không có trong phiếu «%(group)s»")
                        % {"codes": ", ".join(sorted(map(shorten, extra))), "group": group.title})
    return problems


def check_rows(survey: Survey, design: SurveyDesign, table: Table, mapping: Mapping) -> tuple[list[Row], list[str]]:
    """The rows to record and every problem, «Dòng N, cột X: …» (nothing is written)."""
    group = collect._group_of(collect._same_design(survey, design), mapping.group)
    problems = _mapping_problems(table, group, mapping)
    if problems:
        return [], problems
    units = _unit_index(survey, group)
    options = {q.code: {**{_key(o.label): o.code for o in q.scale.options}, **{_key(o.code): o.code
                                                                             for o in q.scale.options}}
               for q in group.questions}
    seen: dict[tuple, int] = {}
    rows: list[Row] = []
    for n, cells in enumerate(table.rows):
        line = n + 2
        if not any(cells):
            continue
        earlier = seen.setdefault(tuple(cells), line)
        if earlier != line:
            problems.append(_("Dòng %(line)s: trùng hoàn toàn với dòng %(earlier)s (phiếu nhập hai lần?)")
                            % {"line": line, "earlier": earlier})
            continue
        here = []

        def at(index, message, line=line, here=here):
            here.append(_("Dòng %(line)s, cột %(col)s: %(message)s")
                        % {"line": line, "col": table.label(index), "message": message})

        unit = units.get(_key(cells[mapping.unit]))
        if unit is None:
            at(mapping.unit, _("không có đơn vị «%(value)s» trong các đơn vị mà nhóm «%(group)s» đánh giá")
               % {"value": shorten(cells[mapping.unit]) or "—", "group": group.title})
        day = _day_of(cells[mapping.received]) if cells[mapping.received] else None
        if day is None:
            at(mapping.received, _("ngày «%(value)s» không đọc được (viết dạng ngày/tháng/năm)")
               % {"value": shorten(cells[mapping.received]) or "—"})
        answers = {}
        for q in group.questions:
            index = mapping.questions[q.code]
            value = cells[index]
            code = options[q.code].get(_key(value))
            if not value:
                at(index, _("câu %(code)s chưa có câu trả lời") % {"code": q.code})
            elif code is None:
                allowed = "; ".join(f"{o.code} ({o.label})" for o in q.scale.options)
                at(index, _("câu %(code)s: «%(value)s» không có trong thang «%(scale)s» — chọn một trong: "
                            "%(allowed)s") % {"code": q.code, "value": shorten(value), "scale": q.scale.title,
                                             "allowed": allowed})
            else:
                answers[q.code] = code
        problems += here
        if not here:
            rows.append(Row(line, unit, day, answers))
    if not rows and not problems:
        problems.append(_("Tệp không có dòng phiếu nào"))
    return rows, problems


def import_rows(survey: Survey, design: SurveyDesign, table: Table, mapping: Mapping, *, actor, filename: str = "",
                request=None) -> int:
    """Record every row as an anonymous response (source «import»), or nothing; returns the count."""
    if not permissions.can_issue_paper_forms(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được nhập phiếu từ tệp"))
    rows, problems = check_rows(survey, design, table, mapping)
    with transaction.atomic():
        locked = locks.lock_one(Survey.objects.select_related("period"), pk=survey.pk)  # one import at a time
        collect._require_open(locked)
        if not problems:
            for row in rows:
                try:
                    collect.record_response(locked, mapping.group, row.unit, row.answers, Response.Source.IMPORT,
                                            row.received_on, design=design)
                except DomainError as exc:
                    problems += [_("Dòng %(line)s: %(message)s") % {"line": row.line, "message": e}
                                 for e in exc.errors]
        if problems:
            transaction.set_rollback(True)
        else:
            record("survey.responses_imported", locked, actor=actor, request=request,
                   after={"group": design.group(mapping.group).title, "responses": len(rows),
                          "file": shorten(filename) or None})
    if problems:
        shown = problems[:MAX_ERRORS_SHOWN]
        if len(problems) > len(shown):
            shown.append(_("… và %(n)s lỗi khác") % {"n": len(problems) - len(shown)})
        raise DomainError(_("Tệp có %(n)s lỗi, chưa nhập phiếu nào") % {"n": len(problems)}, errors=shown)
    return len(rows)
