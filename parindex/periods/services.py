"""Period workflow: create, edit the timeline, open, extensions, and the deadline question.

Each service has one shape (house style §3): check state and permission → atomic → change →
audit → side effects after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from parindex.accounts import permissions
from parindex.audit.services import record
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed
from parindex.criteria.models import CriteriaSetRecord
from parindex.units.models import ASSESSED_KINDS, PeriodUnit

from .models import Extension, Period, PeriodCriteriaSet
from .timeline import FIELDS, STEP_LABELS, STEPS, Reading, default_timeline, format_instant, format_start, order_errors


def _timeline_of(period: Period) -> dict[str, datetime]:
    return {name: getattr(period, name) for name in FIELDS}


def create_period(year: int, *, actor, sets: dict[str, CriteriaSetRecord] | None = None,
                  reading: str = Reading.STRICT, request=None) -> Period:
    """A new period with the default timeline of section V, binding a criteria set per unit kind."""
    if not permissions.can_manage_periods(actor):
        raise NotAllowed("Chỉ điều phối viên Sở Nội vụ được tạo kỳ đánh giá")
    if not 2000 <= year <= 2100:
        raise DomainError(f"Năm đánh giá «{year}» không hợp lệ (từ 2000 đến 2100)")
    if Period.objects.filter(year=year).exists():
        raise DomainError(f"Kỳ đánh giá năm {year} đã có")
    if reading not in Reading.values:
        raise DomainError(f"Cách hiểu «{reading}» không hợp lệ")
    if sets is None:
        sets = {}
        for kind in ASSESSED_KINDS:
            record_ = (CriteriaSetRecord.objects.filter(unit_kind=kind, year__lte=year)
                       .order_by("-year").first())
            if record_ is None:
                raise DomainError(f"Chưa có bộ tiêu chí cho loại đơn vị «{kind}» áp dụng cho năm {year}")
            sets[kind] = record_
    missing = [k for k in ASSESSED_KINDS if k not in sets]
    if missing:
        raise DomainError(f"Thiếu bộ tiêu chí cho: {', '.join(missing)}")
    with transaction.atomic():
        period = Period.objects.create(year=year, reading=reading, **default_timeline(year, reading))
        for kind, rec in sets.items():
            if rec.unit_kind != kind:
                raise DomainError(f"Bộ tiêu chí {rec.set_id} dành cho «{rec.unit_kind}», không dùng được cho «{kind}»")
            PeriodCriteriaSet.objects.create(period=period, unit_kind=kind, set_id=rec.set_id, title=rec.title,
                                             provenance=rec.provenance, source=rec.source, sha256=rec.sha256)
        record("period.created", period, actor=actor, request=request,
               after={"year": year, "reading": reading, **_timeline_of(period),
                      "criteria": {k: f"{r.set_id} ({r.sha256[:12]})" for k, r in sets.items()}})
    return period


def update_timeline(period: Period, values: dict[str, datetime | None], *, actor, reason: str = "",
                    request=None) -> Period:
    """Change the timeline; dates out of order are refused with every reason, nothing saved."""
    if not permissions.can_manage_periods(actor):
        raise NotAllowed("Chỉ điều phối viên Sở Nội vụ được sửa mốc thời gian")
    if period.status == Period.Status.CLOSED:
        raise DomainError("Kỳ đánh giá đã kết thúc, không sửa được mốc thời gian")
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError(f"Mốc thời gian không hợp lệ: {', '.join(sorted(unknown))}")
    merged = {**_timeline_of(period), **values}
    errors = order_errors(merged)
    if errors:
        raise DomainError("Các mốc thời gian chưa đúng thứ tự", errors=errors)
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
        raise NotAllowed("Chỉ điều phối viên Sở Nội vụ được mở kỳ đánh giá")
    if period.status != Period.Status.DRAFT:
        raise DomainError(f"Kỳ đánh giá đang ở trạng thái «{period.get_status_display()}», không mở được")
    if not period.units.assessed().exists():
        raise DomainError("Kỳ đánh giá chưa có danh sách đơn vị (nạp bằng load_units)")
    if period.criteria_sets.count() != len(ASSESSED_KINDS):
        raise DomainError("Kỳ đánh giá chưa đủ bộ tiêu chí cho ba loại đơn vị")
    with transaction.atomic():
        period.status = Period.Status.OPEN
        period.save(update_fields=["status"])
        record("period.opened", period, actor=actor, request=request,
               before={"status": Period.Status.DRAFT}, after={"status": Period.Status.OPEN})
    return period


def grant_extension(unit: PeriodUnit, step: str, new_due: datetime, reason: str, *, actor,
                    request=None) -> Extension:
    if not permissions.can_grant_extension(actor, unit):
        raise NotAllowed("Chỉ điều phối viên của cấp quản lý đơn vị này được gia hạn")
    rule = STEPS.get(step)
    if rule is None or not rule.extendable or unit.kind not in rule.kinds:
        raise DomainError(f"Không gia hạn được bước «{step}» cho {unit.name}")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Phải ghi lý do gia hạn")
    if timezone.is_naive(new_due):
        raise DomainError("Hạn mới phải có múi giờ")
    base = getattr(unit.period, rule.end_field)
    if new_due <= base:
        raise DomainError(f"Hạn mới ({format_start(new_due)}) phải muộn hơn hạn chung ({format_instant(base)})")
    existing = Extension.objects.filter(period_unit=unit, step=step).first()
    before = {"new_due": existing.new_due, "reason": existing.reason} if existing else None
    with transaction.atomic():
        ext, _ = Extension.objects.update_or_create(
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
    _start, end_field = STEPS[step].window(unit.kind)
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
        return Verdict(False, f"Bước «{label}» không áp dụng cho {unit.name}")
    if unit.period.status != Period.Status.OPEN:
        return Verdict(False, f"Kỳ đánh giá {unit.period.year} chưa mở hoặc đã kết thúc")
    deadline, extended = deadline_for(unit, step)
    start_field, _end = rule.window(unit.kind)
    if start_field is not None:
        start = getattr(unit.period, start_field)
        if at < start:
            return Verdict(False, f"Chưa đến thời gian «{label}»: bắt đầu {format_start(start)}", deadline, extended)
    if at >= deadline:
        note = " (đã gia hạn)" if extended else ""
        return Verdict(False, f"Đã quá hạn «{label}»: hạn cuối {format_instant(deadline)}{note}", deadline, extended)
    return Verdict(True, f"Hạn cuối {format_instant(deadline)}", deadline, extended)
