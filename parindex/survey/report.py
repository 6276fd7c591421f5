"""The survey's processing report (báo cáo xử lý số liệu, V.1.1.d of 1679/QĐ-UBND): data, charts, workbook.

Per evaluated kind, unit, item and group: the number of valid answers, the distribution of the
answers over the scale's options, the mean and the points; per group and unit the response rate
(questionnaires received ÷ the plan's sample). The charts are SVG drawn here (no JavaScript library):
a bar chart of the survey points per unit and stacked bars of the answer distribution per item; each is
shown beside its table. The same data gives the .xlsx (several sheets) and the PDF.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.db.models import Count

from parindex.rulebook.numbers import format_vi

from . import results, services
from .models import Answer, Response, Survey

PALETTE = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac", "#999999")


@dataclass
class GroupLine:
    group: str
    title: str
    n_valid: int
    n_dont_know: int
    mean: Decimal | None
    counted: bool


@dataclass
class ItemLine:
    unit: str
    unit_name: str
    item: str
    max_points: Decimal
    points: Decimal | None
    status: str
    groups: list[GroupLine]


@dataclass
class Distribution:
    item: str
    title: str
    options: list[tuple[str, str]]          # (option code, label), the scale's order
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class KindReport:
    kind: str
    label: str
    totals: list[tuple[str, str, Decimal]]   # (code, name, survey points) per unit
    max_total: Decimal
    lines: list[ItemLine]
    distributions: list[Distribution]
    rates: list[tuple[str, str, int, int]]   # (group title, unit name, received, planned)
    bar_svg: str = ""
    stack_svg: str = ""
    unresolved: int = 0


@dataclass
class Report:
    survey: Survey
    kinds: list[KindReport] = field(default_factory=list)


def build(survey: Survey) -> Report:
    design = services.design_of(survey)
    plan = services.plan_of(survey)
    scores = results.current_scores(survey)
    received = Counter({(u, g): n for u, g, n in Response.objects.filter(survey=survey)
                        .values_list("unit__code", "group").annotate(n=Count("id"))
                        .values_list("unit__code", "group", "n")})
    options = Counter({(k, i, o): n for k, i, o, n in Answer.objects.filter(response__survey=survey)
                       .values_list("response__unit__kind", "item", "option").annotate(n=Count("id"))
                       .values_list("response__unit__kind", "item", "option", "n")})
    report = Report(survey)
    for kind, ks in scores.items():
        names = {r.code: r.name for r in ks.units}
        titles = {g.code: g.title for g in design.groups_for(kind)}
        totals = [(r.code, r.name, sum(ks.scores.points_of(r.code).values(), Decimal(0))) for r in ks.units]
        lines = []
        for (unit, item), r in ks.scores.results.items():
            lines.append(ItemLine(unit, names[unit], item, r.max_points, r.points, r.status, [
                GroupLine(t.group, titles[t.group], t.n_valid, t.n_dont_know, t.mean, t.counted) for t in r.groups]))
        dists = []
        for item in ks.items:
            scale = next((q.scale for g in design.groups_for(kind) for q in g.questions if q.item == item.code), None)
            if scale is None:
                continue
            # the item's answers over every group (several scales: the first scale's options, others by code)
            codes = [(o.code, o.label) for o in scale.options]
            dists.append(Distribution(item.code, item.title, codes, [options[(kind, item.code, c)] for c, _ in codes]))
        rates = [(gp.group.title, row.unit.name, received[(row.unit.code, gp.group.code)], row.sample)
                 for gp in plan.by_kind(kind) for row in gp.rows]
        kr = KindReport(kind, ks.label, totals, sum((i.max_points for i in ks.items), Decimal(0)), lines, dists,
                        rates, unresolved=len(ks.scores.unresolved))
        kr.bar_svg = bar_chart(kr.totals, kr.max_total)
        kr.stack_svg = stacked_chart(kr.distributions)
        report.kinds.append(kr)
    return report


def bar_chart(totals: list[tuple[str, str, Decimal]], maximum: Decimal) -> str:
    """Horizontal bars: one per unit, its survey points against the kind's maximum."""
    row, label_w, bar_w = 22, 190, 260
    height = row * len(totals) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 60} {height}" '
             f'role="img" class="chart" aria-label="Điểm điều tra xã hội học của từng đơn vị">']
    for n, (_code, name, points) in enumerate(totals):
        y = 5 + n * row
        width = 0 if not maximum else float(points / maximum) * bar_w
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(name[:30])}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row - 6}" fill="#2166ac"/>'
                     f'<text x="{label_w + width + 4:.1f}" y="{y + 15}" font-size="12">{format_vi(points)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_chart(distributions: list[Distribution]) -> str:
    """One bar per item: the shares of its answers per option, stacked (worst option on the left)."""
    row, label_w, bar_w = 22, 70, 380
    height = row * len(distributions) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 10} {height}" '
             f'role="img" class="chart" aria-label="Phân bố câu trả lời theo tiêu chí">']
    for n, d in enumerate(distributions):
        y = 5 + n * row
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(d.item)}</text>')
        x = float(label_w)
        for k, count in enumerate(d.counts):
            if not d.total or not count:
                continue
            w = count / d.total * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
                         f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(d.options[k][1])}: {count}</title></rect>')
            x += w
    if distributions:
        x, y = float(label_w), height - 8
        for k, (_code, label) in enumerate(distributions[0].options):
            parts.append(f'<rect x="{x:.0f}" y="{y - 9}" width="9" height="9" fill="{PALETTE[k % len(PALETTE)]}"/>'
                         f'<text x="{x + 12:.0f}" y="{y}" font-size="10">{escape(label[:18])}</text>')
            x += 95
    parts.append("</svg>")
    return "".join(parts)


def workbook(report: Report) -> bytes:
    """The report as .xlsx: one sheet of points per unit, one of items × groups, one of distributions, rates."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Diem theo don vi"
    ws.append(["Loại đơn vị", "Mã", "Đơn vị", "Điểm điều tra XHH", "Điểm tối đa"])
    for kr in report.kinds:
        for code, name, points in kr.totals:
            ws.append([kr.label, code, name, points, kr.max_total])
    ws = wb.create_sheet("Tieu chi va nhom")
    ws.append(["Loại đơn vị", "Đơn vị", "Tiêu chí", "Điểm tối đa", "Điểm", "Trạng thái", "Nhóm", "Số trả lời hợp lệ",
               "Không biết", "Trung bình", "Được tính"])
    for kr in report.kinds:
        for line in kr.lines:
            for g in line.groups:
                ws.append([kr.label, line.unit_name, line.item, line.max_points, line.points, line.status, g.title,
                           g.n_valid, g.n_dont_know, g.mean, "có" if g.counted else "không"])
    ws = wb.create_sheet("Phan bo tra loi")
    ws.append(["Loại đơn vị", "Tiêu chí", "Lựa chọn", "Số câu trả lời"])
    for kr in report.kinds:
        for d in kr.distributions:
            for (_code, label), count in zip(d.options, d.counts, strict=True):
                ws.append([kr.label, d.item, label, count])
    ws = wb.create_sheet("Ty le tra loi")
    ws.append(["Loại đơn vị", "Nhóm", "Đơn vị", "Số phiếu thu được", "Số phiếu theo kế hoạch"])
    for kr in report.kinds:
        for title, unit, got, planned in kr.rates:
            ws.append([kr.label, title, unit, got, planned])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
