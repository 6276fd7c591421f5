"""The appraisal minutes (biên bản thẩm định) of one unit: printable page, PDF and .xlsx.

One structure (``minutes_data``) feeds the three outputs: every item with its self-score (the
submitted snapshot), round 1, the unit's explanation, the final appraised score, the difference
(final − self) and the comment; per-field and overall totals, exact Decimals; the team, its lead,
the members who appraised; the dates of submission, the rounds and the finalization.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.accounts import permissions
from parindex.assessments.excel import BOLD, BORDER, FIELD_FILL, SURVEY_FILL, _put
from parindex.assessments.models import Assessment
from parindex.core import clock
from parindex.documents.heading import Heading, for_minutes
from parindex.documents.responses import pdf_response, xlsx_response
from parindex.periods.models import Period
from parindex.rulebook.model import SURVEY_EVIDENCE
from parindex.units.models import PeriodUnit

from . import services
from .models import Appraisal, Stage

ZERO = Decimal(0)
SHEET = "Biên bản thẩm định"
ROUND1_HIDDEN = ("Điểm và nhận xét vòng 1 được gửi đến đơn vị khi điều phối viên mở vòng giải trình; "
                 "đến lúc đó biên bản của đơn vị chưa hiện các cột này")


# -- the data ---------------------------------------------------------------------------------------

@dataclass
class Line:
    """A field, a criterion, a self item or a survey item; field and criterion lines carry sums."""

    kind: str  # "field" | "criterion" | "item" | "survey"
    code: str
    title: str
    maximum: Decimal
    agency: str = ""
    self_points: Decimal | None = None
    round1: Decimal | None = None
    round1_comment: str = ""
    explanation: str = ""
    added_evidence: list[str] = field(default_factory=list)
    final: Decimal | None = None
    final_comment: str = ""
    difference: Decimal | None = None

    @property
    def comment(self) -> str:
        """The comment that stands: the final round's, else round 1's."""
        return self.final_comment or self.round1_comment

    @property
    def changed(self) -> bool:
        return self.difference is not None and self.difference != 0


@dataclass
class Appraiser:
    name: str
    username: str
    agencies: list[str]
    items: int


@dataclass
class Minutes:
    unit: PeriodUnit
    year: int
    set_id: str
    set_title: str
    set_sha256: str
    stage: str
    stage_label: str
    finalized: bool
    lines: list[Line]
    fields: list[Line]
    maximum: Decimal
    survey_max: Decimal
    self_total: Decimal
    round1_total: Decimal | None
    final_total: Decimal
    difference_total: Decimal
    missing_final: int
    team_name: str
    lead: str
    appraisers: list[Appraiser]
    finalized_by: str
    submitted_at: datetime | None
    round1_from: datetime | None
    round1_to: datetime | None
    explanation_until: datetime | None
    explanations: int
    final_from: datetime | None
    final_to: datetime | None
    finalized_at: datetime | None
    issued: date
    round1_hidden: bool = False  # the unit reads round 1 only once the explanation round is open

    @property
    def unit_name(self) -> str:
        return self.unit.name

    @property
    def dates(self) -> list[tuple[str, str]]:
        def at(value):
            return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else "—"

        def span(a, b):
            if not a:
                return "chưa có"
            return at(a) if at(a) == at(b) else f"{at(a)} – {at(b)}"
        explained = f"đến {at(self.explanation_until)}" if self.explanation_until else "không mở"
        if self.explanations:
            explained += f"; đơn vị giải trình {self.explanations} tiêu chí"
        return [("Nộp bản tự đánh giá", at(self.submitted_at)), ("Thẩm định vòng 1", span(self.round1_from,
                                                                                         self.round1_to)),
                ("Vòng giải trình", explained), ("Thẩm định cuối", span(self.final_from, self.final_to)),
                ("Chốt kết quả", at(self.finalized_at) if self.finalized_at else "chưa chốt")]


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value


def _span(values) -> tuple[datetime | None, datetime | None]:
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else (None, None)


def round1_visible(user, unit: PeriodUnit, appraisal: Appraisal) -> bool:
    """Round-1 points and comments reach the unit when the coordinator opens the explanation round
    (stage EXPLANATION and after); the appraisers, the lead and the coordinators read them at once.
    Every member of the team reads every item, whatever the agencies they appraise (docs/security.md)."""
    return services.stage_now(appraisal) != Stage.ROUND1 or permissions.is_on_appraising_side(user, unit)


def _hide_round1(data: Minutes) -> Minutes:
    for line in data.lines:
        line.round1, line.round1_comment = None, ""
    data.round1_total, data.round1_hidden = None, True
    return data


def minutes_for(user, appraisal: Appraisal) -> Minutes:
    """The minutes as this person may read them (see ``round1_visible``)."""
    data = minutes_data(appraisal)
    return data if round1_visible(user, data.unit, appraisal) else _hide_round1(data)


def minutes_data(appraisal: Appraisal) -> Minutes:
    """The minutes of one appraisal, from the submitted snapshot and the rounds' columns (everything:
    callers that show them to a person go through ``minutes_for``)."""
    assessment = appraisal.assessment
    unit = assessment.period_unit
    cset = assessment.criteria_set.parsed()
    rows = {r.item_code: r for r in appraisal.items.select_related("round1_by", "final_by", "explanation_by")
            .prefetch_related("added_evidence__evidence")}
    lines: list[Line] = []
    field_lines: list[Line] = []
    by_user: dict[int, tuple[object, set[str], set[str]]] = {}
    for fld in cset.fields:
        fline = Line("field", fld.code, fld.title, fld.self_max, self_points=ZERO)
        lines.append(fline)
        field_lines.append(fline)
        for crit in fld.criteria:
            own = [i for i in crit.items if not i.is_survey]
            parent = None
            if not crit.scored_directly:
                parent = Line("criterion", crit.code, crit.title, sum((i.max_points for i in own), ZERO),
                              self_points=ZERO if own else None)
                lines.append(parent)
            for item in crit.items:
                if item.is_survey:
                    lines.append(Line("survey", item.code, item.title, item.max_points))
                    continue
                row = rows.get(item.code)
                line = Line("item", item.code, item.title, item.max_points,
                            self_points=services.self_points(assessment, item.code))
                if row is not None:
                    line.agency = row.agency
                    line.round1, line.round1_comment = row.round1_points, row.round1_comment
                    line.explanation = row.explanation
                    line.added_evidence = [f"{link.evidence}" + (f" — {link.location}" if link.location else "")
                                           for link in row.added_evidence.all()]
                    line.final, line.final_comment = row.final_points, row.final_comment
                    if line.final is not None:
                        line.difference = line.final - line.self_points
                    for user in (row.round1_by, row.final_by):
                        if user is not None:
                            entry = by_user.setdefault(user.pk, (user, set(), set()))
                            entry[1].add(row.agency)
                            entry[2].add(item.code)
                lines.append(line)
                for total in (fline, parent):
                    if total is None:
                        continue
                    total.self_points = _add(total.self_points, line.self_points)
                    total.round1 = _add(total.round1, line.round1)
                    total.final = _add(total.final, line.final)
                    total.difference = _add(total.difference, line.difference)
    items = [line for line in lines if line.kind == "item"]
    team = permissions.appraising_team(unit)
    round1_from, round1_to = _span(r.round1_at for r in rows.values())
    final_from, final_to = _span(r.final_at for r in rows.values())
    issued = timezone.localtime(appraisal.finalized_at or clock.now()).date()
    return Minutes(
        unit=unit, year=unit.period.year, set_id=cset.id, set_title=cset.title, set_sha256=cset.sha256,
        stage=services.stage_now(appraisal), stage_label=Stage(services.stage_now(appraisal)).label,
        finalized=appraisal.stage == Stage.FINALIZED, lines=lines, fields=field_lines,
        maximum=cset.self_max, survey_max=cset.survey_max,
        self_total=sum((line.self_points for line in items), ZERO),
        round1_total=sum((line.round1 for line in items if line.round1 is not None), ZERO),
        final_total=sum((line.final for line in items if line.final is not None), ZERO),
        difference_total=sum((line.difference for line in items if line.difference is not None), ZERO),
        missing_final=sum(1 for line in items if line.final is None),
        team_name=str(team), lead=_name(team.lead) if team.lead_id else "",
        appraisers=sorted((Appraiser(_name(u), u.get_username(), sorted(agencies), len(codes))
                           for u, agencies, codes in by_user.values()), key=lambda a: a.username),
        finalized_by=_name(appraisal.finalized_by) if appraisal.stage == Stage.FINALIZED else "",
        submitted_at=assessment.submitted_at, round1_from=round1_from, round1_to=round1_to,
        explanation_until=appraisal.explanation_until,
        explanations=sum(1 for r in rows.values() if r.explanation.strip() or r.added_evidence.all()),
        final_from=final_from, final_to=final_to,
        finalized_at=appraisal.finalized_at if appraisal.stage == Stage.FINALIZED else None, issued=issued)


# -- access ---------------------------------------------------------------------------------------------

def _unit(request, year: int, code: str) -> PeriodUnit:
    period = get_object_or_404(Period, year=year)
    return permissions.get_unit_or_404(request.user, period, code)


def _appraisal(unit: PeriodUnit) -> Appraisal | None:
    return (Appraisal.objects.filter(assessment__period_unit=unit)
            .select_related("assessment__criteria_set", "assessment__period_unit__period", "finalized_by").first())


def _file_data(request, year: int, code: str) -> Minutes:
    unit = _unit(request, year, code)
    appraisal = _appraisal(unit)
    if appraisal is None:
        raise Http404(f"{unit.name} chưa được thẩm định: chưa có biên bản")
    return minutes_for(request.user, appraisal)


def heading_of(data: Minutes) -> Heading:
    """The minutes as a document: issued by the team, dated on finalization (a draft: today)."""
    return for_minutes(data.unit, data.issued, data.lead)


def _filename(data: Minutes, ext: str) -> str:
    return f"bien-ban-tham-dinh-{data.unit.code}-{data.year}.{ext}"


@login_required
def minutes_page(request, year: int, code: str):
    unit = _unit(request, year, code)
    appraisal = _appraisal(unit)
    assessment = Assessment.objects.filter(period_unit=unit).first()
    data = minutes_for(request.user, appraisal) if appraisal else None
    return render(request, "appraisal/minutes.html", {
        "unit": unit, "period": unit.period, "data": data, "heading": heading_of(data) if data else None,
        "assessment": assessment})


@login_required
def minutes_pdf(request, year: int, code: str):
    data = _file_data(request, year, code)
    return pdf_response("appraisal/minutes_pdf.html", {"data": data, "heading": heading_of(data)}, request,
                        _filename(data, "pdf"))


@login_required
def minutes_xlsx(request, year: int, code: str):
    data = _file_data(request, year, code)
    return xlsx_response(export_xlsx(data), _filename(data, "xlsx"))


# -- the .xlsx -------------------------------------------------------------------------------------------

COLUMNS = (("TT", 10), ("Nội dung", 50), ("Cơ quan thẩm định", 12), ("Điểm tối đa", 10), ("Điểm tự chấm", 10),
           ("Điểm vòng 1", 10), ("Nhận xét vòng 1", 30), ("Giải trình của đơn vị", 30), ("Điểm thẩm định", 11),
           ("Chênh lệch", 10), ("Nhận xét", 30))
LETTERS = "ABCDEFGHIJK"
TOTAL_LABEL = "TỔNG ĐIỂM TỰ ĐÁNH GIÁ"
WRAP = Alignment(wrap_text=True, vertical="top")


def _header(ws, data: Minutes) -> int:
    _put(ws, "A1", f"BIÊN BẢN THẨM ĐỊNH KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM {data.year}",
         font=Font(bold=True, size=13))
    ws.merge_cells("A1:K1")
    facts = [("Đơn vị", f"{data.unit_name} (mã {data.unit.code})"), ("Năm đánh giá", data.year),
             ("Bộ tiêu chí", f"{data.set_title} ({data.set_id} · SHA-256 {data.set_sha256[:12]})"),
             ("Tổ thẩm định", data.team_name), ("Tổ trưởng", data.lead or "chưa chọn"),
             ("Thành viên đã thẩm định", "; ".join(f"{a.name} ({', '.join(a.agencies)})" for a in data.appraisers)
              or "chưa có"),
             ("Giai đoạn", data.stage_label + ("" if data.finalized else " — bản dự thảo, chưa chốt"))]
    if data.round1_hidden:
        facts.append(("Thẩm định vòng 1", ROUND1_HIDDEN))
    facts += data.dates
    facts += [("Điểm tự chấm", data.self_total), ("Điểm thẩm định", data.final_total),
              ("Chênh lệch", data.difference_total), ("Điểm tối đa phần tự đánh giá", data.maximum)]
    r = 2
    for r, (label, value) in enumerate(facts, start=2):
        _put(ws, f"A{r}", label, font=BOLD)
        _put(ws, f"C{r}", value, alignment=Alignment(horizontal="left", vertical="top"))
        ws.merge_cells(f"A{r}:B{r}")
    head = r + 2
    for col, (title, width) in zip(LETTERS, COLUMNS, strict=True):
        _put(ws, f"{col}{head}", title, font=BOLD, border=BORDER, fill=FIELD_FILL,
             alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"))
        ws.column_dimensions[col].width = width
    ws.row_dimensions[head].height = 30
    return head


def _line_row(ws, r: int, line: Line) -> None:
    font = BOLD if line.kind == "field" else Font()
    survey = line.kind == "survey"
    fill = FIELD_FILL if line.kind == "field" else SURVEY_FILL if survey else None
    explanation = "\n".join([line.explanation, *line.added_evidence]).strip()
    values = [line.code, line.title, line.agency, line.maximum,
              SURVEY_EVIDENCE if survey else line.self_points, line.round1,
              line.round1_comment, explanation, line.final, line.difference, line.final_comment]
    for col, value in zip(LETTERS, values, strict=True):
        cell = _put(ws, f"{col}{r}", value, font=font, border=BORDER, alignment=WRAP)
        if fill is not None:
            cell.fill = fill


def export_xlsx(data: Minutes) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    wb.properties.creator = "parindex"
    wb.properties.title = f"Biên bản thẩm định {data.unit_name} {data.year}"
    head = _header(ws, data)
    r = head
    for r, line in enumerate(data.lines, start=head + 1):
        _line_row(ws, r, line)
    r += 1
    totals = ["", TOTAL_LABEL, "", data.maximum, data.self_total, data.round1_total, "", "", data.final_total,
              data.difference_total, ""]
    for col, value in zip(LETTERS, totals, strict=True):
        _put(ws, f"{col}{r}", value, font=BOLD, border=BORDER)
    ws.freeze_panes = f"C{head + 1}"
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
