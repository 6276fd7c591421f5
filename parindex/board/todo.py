"""«Việc cần làm»: what is due for this person, and by when, per role they hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.periods.models import Period
from parindex.periods.services import decision_of
from parindex.periods.timeline import format_instant, format_start
from parindex.units.models import PeriodUnit, UnitKind, province_appraised

from .status import explanation_rounds, progress, row_for


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
            items.append(Todo("province", _("Tạo kỳ đánh giá của năm"), reverse("periods:create")))
        return None, items
    year = period.year
    if s.province:
        if period.status == Period.Status.DRAFT:
            items.append(Todo("province", _("Kiểm tra mốc thời gian và mở kỳ đánh giá %(year)s") % {"year": year},
                              reverse("periods:detail", args=[year])))
        has_districts = decision_of(period).has_districts
        units = PeriodUnit.objects.filter(period=period).filter(province_appraised())
        counted = progress(units, period, now)  # one query, whatever the number of units
        late, pending = counted["late"], counted["pending"]
        followed = (_("Theo dõi sở, ban, ngành và cấp huyện: %(pending)s đơn vị chưa nộp, %(late)s đơn vị quá hạn")
                    if has_districts else
                    _("Theo dõi sở, ban, ngành và cấp xã: %(pending)s đơn vị chưa nộp, %(late)s đơn vị quá hạn"))
        items.append(Todo("province", followed % {"pending": pending, "late": late},
                          reverse("board:board", args=[year, "tinh"]),
                          format_instant(period.self_due), urgent=late > 0))
        items.append(Todo("province", _("Tổ chức thẩm định của tỉnh (tháng 01 năm sau)"),
                          reverse("board:board", args=[year, "tinh"]),
                          f"{format_start(period.appraisal_start)} – {format_instant(period.appraisal_end)}"))
        if has_districts:
            items.append(Todo("province", _("Kiểm tra cấp huyện đã đủ kết quả cấp xã (mục IV.1.4)"),
                              reverse("board:commune_summary", args=[year])))
        items.append(Todo("province", _("Điều tra xã hội học: nhóm đối tượng, bảng hỏi, cỡ mẫu (mục V.1.1.c)"),
                          reverse("survey:overview", args=[year]),
                          f"{format_start(period.survey_start)} – {format_instant(period.survey_end)}"))
    if s.province or s.approver:
        items += _province_results(period, s)
    for district in PeriodUnit.objects.filter(period=period, unit_id__in=s.districts):
        counted = progress(PeriodUnit.objects.filter(parent=district, kind=UnitKind.COMMUNE), period, now)
        late, pending, total = counted["late"], counted["pending"], counted["total"]
        items.append(Todo("district", _("%(d)s: %(pending)s/%(n)s xã chưa nộp tự đánh giá, %(late)s xã quá hạn")
                          % {"d": district.name, "pending": pending, "n": total, "late": late},
                          reverse("board:board", args=[year, "xa"]) + f"?huyen={district.code}",
                          format_instant(period.commune_self_due), urgent=late > 0))
        items.append(Todo("district", _("%(d)s: thẩm định và công bố Chỉ số cấp xã") % {"d": district.name},
                          reverse("publication:district", args=[year, district.code]),
                          format_instant(period.district_publish_due)))
        if total and counted["with_result"] == total and counted["appraised"]:
            items.append(Todo("district", _("%(d)s: Tất cả xã đã chốt: công bố kết quả cấp xã") % {"d": district.name},
                              reverse("publication:district", args=[year, district.code]),
                              format_instant(period.district_publish_due), urgent=True))
    if s.province or s.districts:
        items.append(Todo("province" if s.province else "district",
                          _("Tổ thẩm định và phân công thẩm định"), reverse("appraisal:teams", args=[year])))
        items.append(Todo("province" if s.province else "district",
                          _("Người dùng và vai trò: tạo tài khoản, giao và thu hồi vai trò"),
                          reverse("accounts:people")))
    items += next_steps(user, period, s, now)
    own = PeriodUnit.objects.filter(period=period, unit_id__in=s.officer_of | s.head_of)
    own = list(own.select_related("period").prefetch_related("extensions"))
    rounds = explanation_rounds(own, now)
    for unit in own:
        if unit.pk in rounds:
            items.append(Todo("unit", _("%(u)s: Giải trình ý kiến thẩm định, bổ sung tài liệu kiểm chứng")
                              % {"u": unit.name}, reverse("explanation:page", args=[year, unit.code]),
                              rounds[unit.pk]))
        row = row_for(unit, now)
        what = (_("Duyệt và nộp kết quả tự đánh giá") if unit.unit_id in s.head_of
                else _("Tự đánh giá, chấm điểm kèm tài liệu kiểm chứng"))
        items.append(Todo("unit", f"{unit.name}: {what} — {unit.get_state_display()}",
                          reverse("assessments:sheet", args=[year, unit.code]),
                          f"{row.deadline_text} ({row.left_text})", urgent=row.overdue))
    if s.provincial_appraiser or s.district_teams:
        items.append(Todo("appraiser", _("Thẩm định kết quả tự đánh giá của các đơn vị được phân công"),
                          reverse("appraisal:list", args=[year]),
                          f"{format_start(period.appraisal_start)} – {format_instant(period.appraisal_end)}"
                          if s.provincial_appraiser else format_instant(period.district_publish_due)))
    if s.surveyor:
        items.append(Todo("surveyor", _("Nhập phiếu điều tra xã hội học khi Sở Nội vụ mở đợt điều tra"),
                          reverse("survey:overview", args=[year]),
                          f"{format_start(period.survey_start)} – {format_instant(period.survey_end)}"))
    return period, items


def _province_results(period: Period, s) -> list[Todo]:
    """The province's results (V.5): the coordinator compiles and publishes, the approver approves."""
    from parindex.publication.models import ProvinceResults

    url = reverse("publication:province", args=[period.year])
    window = f"{format_start(period.publication_start)} – {format_instant(period.publication_end)}"
    status = ProvinceResults.objects.filter(period=period).values_list("status", flat=True).first()
    if s.province:
        text = {ProvinceResults.Status.SUBMITTED: _("Kết quả Chỉ số của tỉnh đã trình UBND tỉnh: chờ phê duyệt"),
                ProvinceResults.Status.APPROVED: _("UBND tỉnh đã phê duyệt kết quả Chỉ số: công bố"),
                ProvinceResults.Status.PUBLISHED: _("Kết quả Chỉ số của tỉnh đã công bố: xem, đính chính khi cần"),
                }.get(status, _("Tổng hợp dự thảo kết quả Chỉ số của sở, ban, ngành và cấp huyện, trình UBND tỉnh"))
        return [Todo("province", text, url, window, urgent=status == ProvinceResults.Status.APPROVED)]
    if status == ProvinceResults.Status.SUBMITTED:
        return [Todo("approver", _("Phê duyệt kết quả Chỉ số CCHC năm %(y)s do Sở Nội vụ trình") % {"y": period.year},
                     url, window, urgent=True)]
    return [Todo("approver", _("Chưa có kết quả Chỉ số CCHC nào chờ phê duyệt"), url)]


# -- the appraisal's next step, for the team lead and the coordinator ---------------------------------

def _open_appraisals(period, units: Q):
    """The unfinished appraisals of these units with their counts of appraised items, in one query."""
    from parindex.appraisal.models import Appraisal, Stage

    return (Appraisal.objects.filter(assessment__period_unit__period=period).filter(units)
            .exclude(stage=Stage.FINALIZED).select_related("assessment__period_unit")
            .annotate(total=Count("items"),
                      round1=Count("items", filter=Q(items__round1_points__isnull=False)),
                      final=Count("items", filter=Q(items__final_points__isnull=False)))
            .order_by("assessment__period_unit__code"))


def _units_of_team(district) -> Q:
    if district is None:  # the provincial team: departments and districts (and a two-level period's communes)
        return province_appraised("assessment__period_unit__")
    return Q(assessment__period_unit__kind=UnitKind.COMMUNE, assessment__period_unit__parent=district)


def next_steps(user, period: Period, s, now: datetime) -> list[Todo]:
    """"Round 1 of X is done: open the explanation round" and the like — one query per team led
    and one per coordinating role, whatever the number of units."""
    from parindex.appraisal.models import Stage, Team

    year = period.year
    items: list[Todo] = []
    for team in Team.objects.filter(period=period, lead=user).select_related("district"):
        due = format_instant(period.district_publish_due if team.district_id else period.appraisal_end)
        # only the appraisals with a next step, chosen by the database (the loop below names the step)
        ready = (Q(total__gt=0, stage=Stage.ROUND1, round1=F("total"))
                 | Q(total__gt=0, stage=Stage.FINAL, final=F("total"))
                 | Q(stage=Stage.EXPLANATION, explanation_until__lte=now))
        for a in _open_appraisals(period, _units_of_team(team.district)).filter(ready):
            unit = a.assessment.period_unit
            url = reverse("appraisal:unit", args=[year, unit.code])
            closed = a.stage == Stage.EXPLANATION and a.explanation_until and a.explanation_until <= now
            if a.total and a.stage == Stage.ROUND1 and a.round1 == a.total:
                text = _("Thẩm định vòng 1 của %(u)s đã xong: chuyển sang thẩm định cuối / chốt kết quả")
            elif a.total and (a.stage == Stage.FINAL or closed) and a.final == a.total:
                text = _("Thẩm định cuối của %(u)s đã xong: chốt kết quả")
            elif closed:
                text = _("Hết hạn giải trình của %(u)s: thẩm định cuối rồi chốt kết quả")
            else:
                continue
            items.append(Todo("lead", text % {"u": unit.name}, url, due))
    coordinated = []
    if s.province:
        coordinated.append((_units_of_team(None), format_instant(period.appraisal_end)))
    if s.districts:
        coordinated.append((Q(assessment__period_unit__kind=UnitKind.COMMUNE,
                              assessment__period_unit__parent__unit_id__in=s.districts),
                            format_instant(period.district_publish_due)))
    for units, due in coordinated:
        for a in _open_appraisals(period, units & Q(stage=Stage.ROUND1)).filter(total__gt=0, round1=F("total")):
            if a.total and a.round1 == a.total:
                unit = a.assessment.period_unit
                items.append(Todo("coordinator", _("Vòng 1 của %(u)s đã xong: mở vòng giải trình") % {"u": unit.name},
                                  reverse("appraisal:unit", args=[year, unit.code]), due))
    return items
