"""«Việc cần làm»: what is due for this person, and by when, per role they hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from parindex.accounts import permissions
from parindex.periods.models import Period
from parindex.periods.timeline import format_instant, format_start
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.states import SUBMITTED_OR_LATER

from .status import row_for


@dataclass
class Todo:
    role: str
    text: str
    url: str | None = None
    due: str = ""
    urgent: bool = False


def current_period() -> Period | None:
    return Period.objects.filter(status=Period.Status.OPEN).order_by("-year").first() or \
        Period.objects.order_by("-year").first()


def todos(user, now: datetime) -> tuple[Period | None, list[Todo]]:
    period = current_period()
    s = permissions.scope_of(user)
    items: list[Todo] = []
    if period is None:
        if s.province:
            items.append(Todo("province", "Tạo kỳ đánh giá của năm", reverse("periods:list")))
        return None, items
    year = period.year
    if s.province:
        if period.status == Period.Status.DRAFT:
            items.append(Todo("province", f"Kiểm tra mốc thời gian và mở kỳ đánh giá {year}",
                              reverse("periods:detail", args=[year])))
        units = PeriodUnit.objects.filter(period=period, kind__in=[UnitKind.DEPARTMENT, UnitKind.DISTRICT])
        units = units.select_related("period")
        rows = [row_for(u, now) for u in units.prefetch_related("extensions")]
        late = sum(1 for r in rows if r.overdue)
        pending = sum(1 for r in rows if not r.done)
        items.append(Todo("province", f"Theo dõi sở, ban, ngành và cấp huyện: {pending} đơn vị chưa nộp, "
                          f"{late} đơn vị quá hạn", reverse("board:board", args=[year, "tinh"]),
                          format_instant(period.self_due), urgent=late > 0))
        items.append(Todo("province", "Tổ chức thẩm định của tỉnh (tháng 01 năm sau)",
                          reverse("board:board", args=[year, "tinh"]),
                          f"{format_start(period.appraisal_start)} – {format_instant(period.appraisal_end)}"))
        items.append(Todo("province", "Kiểm tra cấp huyện đã đủ kết quả cấp xã (mục IV.1.4)",
                          reverse("board:commune_summary", args=[year])))
    for district in PeriodUnit.objects.filter(period=period, unit_id__in=s.districts):
        communes = list(district.children.select_related("period").prefetch_related("extensions"))
        rows = [row_for(c, now) for c in communes]
        late = sum(1 for r in rows if r.overdue)
        pending = sum(1 for c in communes if c.state not in SUBMITTED_OR_LATER)
        items.append(Todo("district", f"{district.name}: {pending}/{len(communes)} xã chưa nộp tự đánh giá, "
                          f"{late} xã quá hạn", reverse("board:board", args=[year, "xa"]) + f"?huyen={district.code}",
                          format_instant(period.commune_self_due), urgent=late > 0))
        items.append(Todo("district", f"{district.name}: thẩm định và công bố Chỉ số cấp xã",
                          reverse("publication:district", args=[year, district.code]),
                          format_instant(period.district_publish_due)))
    own = PeriodUnit.objects.filter(period=period, unit_id__in=s.officer_of | s.head_of)
    for unit in own.select_related("period").prefetch_related("extensions"):
        row = row_for(unit, now)
        what = ("Duyệt và nộp kết quả tự đánh giá" if unit.unit_id in s.head_of
                else "Tự đánh giá, chấm điểm kèm tài liệu kiểm chứng")
        items.append(Todo("unit", f"{unit.name}: {what} — {unit.get_state_display()}",
                          reverse("assessments:sheet", args=[year, unit.code]),
                          f"{row.deadline_text} ({row.left_text})", urgent=row.overdue))
    if s.provincial_appraiser or s.district_teams:
        items.append(Todo("appraiser", "Thẩm định kết quả tự đánh giá của các đơn vị được phân công",
                          reverse("appraisal:list", args=[year]),
                          f"{format_start(period.appraisal_start)} – {format_instant(period.appraisal_end)}"
                          if s.provincial_appraiser else format_instant(period.district_publish_due)))
    if s.surveyor:
        items.append(Todo("surveyor", "Nhập phiếu điều tra xã hội học khi Sở Nội vụ mở đợt điều tra", None,
                          format_start(period.appraisal_start)))
    return period, items
