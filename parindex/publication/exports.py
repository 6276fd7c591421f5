"""A publication as an Excel workbook: the frozen content, numbers as exact Decimals."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.assessments.excel import BOLD, BORDER, FIELD_FILL, _put

from .models import Publication

RESULT_COLUMNS = (("Xếp hạng", 10), ("Mã", 9), ("Đơn vị", 34), ("Tổng điểm", 12), ("Chỉ số", 10),
                  ("Xếp loại", 14), ("Ghi chú", 50))


def district_xlsx(shown: Publication) -> bytes:
    """A district's published commune results (the index with its 2 decimals)."""
    content = shown.content
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả cấp xã"
    wb.properties.creator = "parindex"
    wb.properties.title = f"Chỉ số CCHC cấp xã {content['district']['name']} {content['year']}"
    _put(ws, "A1", f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {content['year']} CỦA UBND CẤP XÃ — "
                   f"{content['district']['name'].upper()}", font=Font(bold=True, size=13))
    ws.merge_cells("A1:G1")
    published = timezone.localtime(shown.published_at)
    facts = [("Công bố lần", shown.version), ("Ngày công bố", f"{published:%H:%M %d/%m/%Y}"),
             ("Lý do đính chính", shown.reason or ""),
             ("Bộ tiêu chí", f"{content['criteria_set']} · SHA-256 {content['criteria_sha256'][:12]}")]
    for r, (label, value) in enumerate(facts, start=2):
        _put(ws, f"A{r}", label, font=BOLD)
        _put(ws, f"C{r}", value, alignment=Alignment(horizontal="left"))
        ws.merge_cells(f"A{r}:B{r}")
    head = 2 + len(facts) + 1
    for col, (title, width) in zip("ABCDEFG", RESULT_COLUMNS, strict=True):
        _put(ws, f"{col}{head}", title, font=BOLD, border=BORDER, fill=FIELD_FILL,
             alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"))
        ws.column_dimensions[col].width = width
    for r, unit in enumerate(content.get("units", []), start=head + 1):
        index = Decimal(unit["index"]) if unit.get("index") is not None else None
        values = [unit.get("rank"), unit["code"], unit["name"],
                  Decimal(unit["total"]) if unit.get("total") is not None else None, index,
                  unit.get("class_label", ""), "; ".join(unit.get("reasons") or [])]
        for col, value in zip("ABCDEFG", values, strict=True):
            cell = _put(ws, f"{col}{r}", value, border=BORDER, alignment=Alignment(wrap_text=True, vertical="top"))
            if col == "E" and index is not None:
                cell.number_format = "0.00"
    ws.freeze_panes = f"A{head + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
