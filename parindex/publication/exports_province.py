"""The province's published results as files: .xlsx in the layout a province attaches to its decision (one
sheet per group), .csv (one row per unit), and the multi-year summary (IV.2.2) as .xlsx.

Everything comes from a publication's frozen content; numbers are written as exact Decimals (the CSV holds
the content's machine form, a dot before the decimals).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from parindex.assessments.excel import BOLD, BORDER, FIELD_FILL, _put

from .province import GROUPS

GROUP_TITLES = {"department": "các sở, ban, ngành", "district": "UBND cấp huyện", "commune": "UBND cấp xã"}
SHEET_NAMES = {"department": "Sở, ban, ngành", "district": "UBND cấp huyện", "commune": "UBND cấp xã"}
def groups_phrase(content: dict) -> str:
    """The published groups in words: «các sở, ban, ngành và UBND cấp huyện» (1679), «các sở, ban, ngành và
    UBND cấp xã» (a two-level province)."""
    kinds = [k for k in GROUP_TITLES if (content.get("groups") or {}).get(k)] or ["department", "district"]
    return " và ".join(GROUP_TITLES[k] for k in kinds)


COLUMNS = (("STT", 6), ("Đơn vị", 34), ("Điểm tự đánh giá", 12), ("Điểm điều tra XHH", 12),
           ("Tổng điểm/Chỉ số", 12), ("Xếp loại", 14), ("Xếp hạng", 9), ("Ghi chú", 50))
CSV_COLUMNS = ("Nhóm", "STT", "Mã", "Đơn vị", "Điểm tự đánh giá", "Điểm điều tra XHH", "Tổng điểm", "Chỉ số",
               "Xếp loại", "Xếp hạng", "Số xã đạt loại của huyện", "Ghi chú")


def _dec(raw) -> Decimal | None:
    return Decimal(str(raw)) if raw is not None else None


def day_vi(iso: str | None) -> str:
    """"2022-02-15" → "15/02/2022" (anything else as it is)."""
    parts = str(iso or "").split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else str(iso or "")


def decision_line(content: dict) -> str:
    decision = content.get("decision") or {}
    if not decision.get("number"):
        return ""
    return f"(Kèm theo Quyết định số {decision['number']} ngày {day_vi(decision.get('date'))} của UBND tỉnh)"


def note(unit: dict) -> str:
    """The unit's remarks: the reasons (not assessed, not classified, a class lowered), and for a district
    the communes reaching its class."""
    parts = list(unit.get("reasons") or [])
    communes = unit.get("communes") or {}
    if communes.get("total"):
        parts.append(f"Số xã đạt loại của huyện: {communes['reaching']}/{communes['total']}")
    return "; ".join(parts)


def _title(ws, text: str, row: int, last: str, size: int = 13) -> None:
    _put(ws, f"A{row}", text, font=Font(bold=True, size=size), alignment=Alignment(horizontal="center",
                                                                                     wrap_text=True))
    ws.merge_cells(f"A{row}:{last}{row}")


def _header(ws, row: int, columns) -> None:
    for i, (title, width) in enumerate(columns, start=1):
        col = get_column_letter(i)
        _put(ws, f"{col}{row}", title, font=BOLD, border=BORDER, fill=FIELD_FILL,
             alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"))
        ws.column_dimensions[col].width = width


def province_xlsx(content: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "parindex"
    wb.properties.title = f"Kết quả Chỉ số CCHC năm {content['year']}"
    for kind in GROUPS:
        group = (content.get("groups") or {}).get(kind)
        if not group:
            continue
        ws = wb.create_sheet(SHEET_NAMES[kind])
        _title(ws, f"Kết quả Chỉ số CCHC năm {content['year']} của {GROUP_TITLES[kind]}", 1, "H")
        _title(ws, decision_line(content), 2, "H", size=11)
        _header(ws, 4, COLUMNS)
        for n, unit in enumerate(group.get("units", []), start=1):
            r = 4 + n
            index = _dec(unit.get("index"))
            values = [n, unit["name"], _dec(unit.get("self_points")), _dec(unit.get("survey_points")), index,
                      unit.get("class_label", ""), unit.get("rank"), note(unit)]
            for i, value in enumerate(values, start=1):
                cell = _put(ws, f"{get_column_letter(i)}{r}", value, border=BORDER,
                            alignment=Alignment(wrap_text=True, vertical="top"))
                if i == 5 and index is not None:
                    cell.number_format = "0.00"
        ws.freeze_panes = "A5"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(value) -> str:
    """A cell as text that no spreadsheet runs as a formula (a leading =, +, -, @ is quoted)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def province_csv(content: dict) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the Vietnamese letters right), one row per unit."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for kind in GROUPS:
        group = (content.get("groups") or {}).get(kind)
        for n, unit in enumerate((group or {}).get("units", []), start=1):
            communes = unit.get("communes") or {}
            writer.writerow([group.get("label", kind), n, unit["code"], _text(unit["name"]),
                             unit.get("self_points") or "", unit.get("survey_points") or "",
                             unit.get("total") or "", unit.get("index") or "",
                             unit.get("class_label", ""), unit.get("rank") or "",
                             f"{communes['reaching']}/{communes['total']}" if communes.get("total") else "",
                             _text("; ".join(unit.get("reasons") or []))])
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def summary_xlsx(years: list[int], groups: dict) -> bytes:
    """One sheet per group: a row per unit, the index, class and rank of each published year."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "parindex"
    wb.properties.title = "Tổng hợp Chỉ số CCHC qua các năm"
    for kind in GROUPS:
        rows = groups.get(kind) or []
        if not rows and kind not in ("department", "district"):
            continue  # communes appear only where a two-level province published them (issue 12)
        ws = wb.create_sheet(SHEET_NAMES[kind])
        columns = [("STT", 6), ("Đơn vị", 34)]
        for year in years:
            columns += [(f"Chỉ số {year}", 10), (f"Xếp loại {year}", 13), (f"Xếp hạng {year}", 9)]
        last = get_column_letter(len(columns))
        _title(ws, f"Tổng hợp Chỉ số CCHC của {GROUP_TITLES[kind]} qua các năm", 1, last)
        _header(ws, 3, columns)
        for n, row in enumerate(rows, start=1):
            r = 3 + n
            values: list = [n, row.name]
            for year in years:
                cell = row.years.get(year) or {}
                values += [cell.get("index"), cell.get("class_label", ""), cell.get("rank")]
            for i, value in enumerate(values, start=1):
                c = _put(ws, f"{get_column_letter(i)}{r}", value, border=BORDER, alignment=Alignment(vertical="top"))
                if isinstance(value, Decimal):
                    c.number_format = "0.00"
        ws.freeze_panes = "C4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
