"""Period workflow: create, edit the timeline, open, extensions, and the deadline question.

Each service has one shape (house style §3): check state and permission → atomic → change →
audit → side effects after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.audit.services import record
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed
from parindex.criteria.models import CriteriaSetRecord
from parindex.units.models import PeriodUnit

from .models import Extension, Period, PeriodCriteriaSet, PeriodDecision
from .timeline import (
    FIELDS,
    STEP_LABELS,
    STEPS,
    Reading,
    default_timeline,
    format_instant,
    format_start,
    order_errors,
    window_kind,
)


def _timeline_of(period: Period) -> dict[str, datetime]:
    return {name: getattr(period, name) for name in FIELDS}


def decision_of(period: Period):
    """The decision the period is run under (``rulebook.decision.Decision``): the one bound at its creation;
    Decision 1679 for a period restored from an export older than format 3, which had none."""
    from parindex.rulebook.engine import DECISION_1679

    try:
        bound = period.decision
    except PeriodDecision.DoesNotExist:
        return DECISION_1679
    return bound.parsed()


def create_period(year: int, *, actor, sets: dict[str, CriteriaSetRecord] | None = None,
                  reading: str | None = None, request=None, decision_source: str | None = None) -> Period:
    """A new period with the decision's default timeline and reading (section V of 1679), binding the
    decision (1679 by default; ``decision_source``: another decision file's text) and a criteria set per
    level of the decision, each checked against it (its survey points, III.1.2)."""
    from parindex.rulebook.decision import DecisionError, loads_decision, set_problems, shipped_source

    if not permissions.can_manage_periods(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được tạo kỳ đánh giá"))
    if not 2000 <= year <= 2100:
        raise DomainError(_("Năm đánh giá «%(year)s» không hợp lệ (từ 2000 đến 2100)") % {"year": year})
    if Period.objects.filter(year=year).exists():
        raise DomainError(_("Kỳ đánh giá năm %(year)s đã có") % {"year": year})
    if decision_source is None:
        decision_source = shipped_source()
    try:
        decision = loads_decision(decision_source, "quyet-dinh.yaml")
    except DecisionError as exc:
        raise DomainError(_("Tệp quyết định có %(n)s lỗi") % {"n": len(exc.problems)},
                          errors=[str(p) for p in exc.problems]) from None
    reading = reading or decision.reading
    if reading not in Reading.values:
        raise DomainError(_("Cách hiểu «%(reading)s» không hợp lệ") % {"reading": reading})
    if sets is None:
        sets = {}
        for kind in decision.levels:
            record_ = (CriteriaSetRecord.objects.approved().filter(unit_kind=kind, year__lte=year)
                       .order_by("-year").first())
            if record_ is None:
                raise DomainError(_("Chưa có bộ tiêu chí cho loại đơn vị «%(kind)s» áp dụng cho năm %(year)s")
                                  % {"kind": kind, "year": year})
            sets[kind] = record_
    drafts = [rec.set_id for rec in sets.values() if rec.is_draft]
    if drafts:
        raise DomainError(_("Bộ tiêu chí %(sets)s còn là dự thảo: chỉ bộ đã phê duyệt mới dùng được cho kỳ đánh giá")
                          % {"sets": ", ".join(drafts)})
    missing = [k for k in decision.levels if k not in sets]
    if missing:
        raise DomainError(_("Thiếu bộ tiêu chí cho: %(kinds)s") % {"kinds": ", ".join(missing)})
    problems = set_problems(decision, {kind: rec.parsed() for kind, rec in sets.items()})
    if problems:
        raise DomainError(_("Bộ tiêu chí không hợp với quyết định %(id)s") % {"id": decision.id}, errors=problems)
    with transaction.atomic():
        period = Period.objects.create(year=year, reading=reading, **default_timeline(year, reading, decision))
        PeriodDecision.objects.create(period=period, decision_id=decision.id, title=decision.title,
                                      source=decision_source, sha256=decision.sha256)
        for kind, rec in sets.items():
            if rec.unit_kind != kind:
                raise DomainError(_("Bộ tiêu chí %(set)s dành cho «%(for)s», không dùng được cho «%(kind)s»")
                                  % {"set": rec.set_id, "for": rec.unit_kind, "kind": kind})
            PeriodCriteriaSet.objects.create(period=period, unit_kind=kind, set_id=rec.set_id, title=rec.title,
                                             provenance=rec.provenance, source=rec.source, sha256=rec.sha256)
        record("period.created", period, actor=actor, request=request,
               after={"year": year, "reading": reading, "decision": f"{decision.id} ({decision.sha256[:12]})",
                      **_timeline_of(period),
                      "criteria": {k: f"{r.set_id} ({r.sha256[:12]})" for k, r in sets.items()}})
    return period


def update_timeline(period: Period, values: dict[str, datetime | None], *, actor, reason: str = "",
                    request=None) -> Period:
    """Change the timeline; dates out of order are refused with every reason, nothing saved."""
    if not permissions.can_manage_periods(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được sửa mốc thời gian"))
    if period.status == Period.Status.CLOSED:
        raise DomainError(_("Kỳ đánh giá đã kết thúc, không sửa được mốc thời gian"))
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError(_("Mốc thời gian không hợp lệ: %(names)s") % {"names": ", ".join(sorted(unknown))})
    merged = {**_timeline_of(period), **values}
    errors = order_errors(merged)
    if errors:
        raise DomainError(_("Các mốc thời gian chưa đúng thứ tự"), errors=errors)
    before = _timeline_of(period)
    if before == merged:
        return period
    with transaction.atomic():
        for name, value in merged.items():
            setattr(period, name, value)
        period.save(update_fields=list(FIELDS))
        record("period.timeline_changed", period, actor=actor, request=request, before=before,
               after=merged, reason=reason)
    return period


def open_period(period: Period, *, actor, request=None) -> Period:
    """Open the period: its criteria sets become immutable."""
    if not permissions.can_manage_periods(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được mở kỳ đánh giá"))
    if period.status != Period.Status.DRAFT:
        raise DomainError(_("Kỳ đánh giá đang ở trạng thái «%(s)s», không mở được")
                          % {"s": period.get_status_display()})
    if not period.units.assessed().exists():
        raise DomainError(_("Kỳ đánh giá chưa có danh sách đơn vị (nạp bằng load_units)"))
    if period.criteria_sets.count() != len(decision_of(period).levels):
        raise DomainError(_("Kỳ đánh giá chưa đủ bộ tiêu chí cho các cấp của quyết định"))
    with transaction.atomic():
        period.status = Period.Status.OPEN
        period.save(update_fields=["status"])
        record("period.opened", period, actor=actor, request=request,
               before={"status": Period.Status.DRAFT}, after={"status": Period.Status.OPEN})
    return period


def grant_extension(unit: PeriodUnit, step: str, new_due: datetime, reason: str, *, actor,
                    request=None) -> Extension:
    if not permissions.can_grant_extension(actor, unit):
        raise NotAllowed(_("Chỉ điều phối viên của cấp quản lý đơn vị này được gia hạn"))
    rule = STEPS.get(step)
    if rule is None or not rule.extendable or unit.kind not in rule.kinds:
        raise DomainError(_("Không gia hạn được bước «%(step)s» cho %(unit)s") % {"step": step, "unit": unit.name})
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Phải ghi lý do gia hạn"))
    if timezone.is_naive(new_due):
        raise DomainError(_("Hạn mới phải có múi giờ"))
    base = getattr(unit.period, rule.end_field)
    if new_due <= base:
        raise DomainError(_("Hạn mới (%(new)s) phải muộn hơn hạn chung (%(base)s)")
                          % {"new": format_start(new_due), "base": format_instant(base)})
    existing = Extension.objects.filter(period_unit=unit, step=step).first()
    before = {"new_due": existing.new_due, "reason": existing.reason} if existing else None
    with transaction.atomic():
        ext, _created = Extension.objects.update_or_create(
            period_unit=unit, step=step, defaults={"new_due": new_due, "reason": reason, "granted_by": actor})
        record("extension.granted", unit, actor=actor, request=request, before=before,
               after={"step": step, "new_due": new_due}, reason=reason)
    return ext


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    message: str
    deadline: datetime | None = None
    extended: bool = False


def deadline_for(unit: PeriodUnit, step: str) -> tuple[datetime, bool]:
    """The effective deadline (exclusive) of a step for a unit, and whether it was extended."""
    _start, end_field = STEPS[step].window(window_kind(unit))
    base = getattr(unit.period, end_field)
    ext = next((e for e in unit.extensions.all() if e.step == step), None)
    if ext is not None and ext.new_due > base:
        return ext.new_due, True
    return base, False


def may_act(unit: PeriodUnit, step: str, at: datetime | None = None) -> Verdict:
    """May this unit still do step X now? The one function later services call.

    ``at`` is passed in by tests (the clock is never read twice); a step is allowed while
    start ≤ at < deadline (an extension moves the deadline, never the start).
    """
    at = at or clock.now()
    rule = STEPS.get(step)
    label = STEP_LABELS.get(step, step)
    if rule is None or unit.kind not in rule.kinds:
        return Verdict(False, _("Bước «%(step)s» không áp dụng cho %(unit)s") % {"step": label, "unit": unit.name})
    if unit.period.status != Period.Status.OPEN:
        return Verdict(False, _("Kỳ đánh giá %(year)s chưa mở hoặc đã kết thúc") % {"year": unit.period.year})
    deadline, extended = deadline_for(unit, step)
    start_field, _end = rule.window(window_kind(unit))
    if start_field is not None:
        start = getattr(unit.period, start_field)
        if at < start:
            return Verdict(False, _("Chưa đến thời gian «%(step)s»: bắt đầu %(start)s")
                           % {"step": label, "start": format_start(start)}, deadline, extended)
    if at >= deadline:
        message = (_("Đã quá hạn «%(step)s»: hạn cuối %(due)s (đã gia hạn)") if extended
                   else _("Đã quá hạn «%(step)s»: hạn cuối %(due)s"))
        return Verdict(False, message % {"step": label, "due": format_instant(deadline)}, deadline, extended)
    return Verdict(True, _("Hạn cuối %(due)s") % {"due": format_instant(deadline)}, deadline, extended)
