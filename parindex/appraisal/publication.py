"""Publishing results: a frozen, versioned snapshot of the rulebook engine's output.

A district publishes its communes' results (IV.2.1, V.2); the province's publication of
departments and districts reuses ``publish`` with another scope. A correction creates a new
version with a reason; earlier versions stay readable.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from parindex.audit.services import record
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.timeline import format_instant
from parindex.rulebook.engine import UnitInput, describe_class, evaluate
from parindex.rulebook.numbers import to_str
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.services import change_state
from parindex.units.states import WorkState

from . import services
from .models import Appraisal, Publication, Stage


def commune_results(district: PeriodUnit) -> dict:
    """Every commune of the district, scored, indexed, classified and ranked by the engine."""
    communes = list(district.children.filter(kind=UnitKind.COMMUNE).order_by("code"))
    appraisals = {a.assessment.period_unit_id: a for a in Appraisal.objects.filter(
        assessment__period_unit__in=communes).select_related("assessment")}
    cset = district.period.criteria_sets.get(unit_kind=UnitKind.COMMUNE).parsed()
    inputs = []
    for commune in communes:
        appraisal = appraisals.get(commune.pk)
        scores = appraisal.result if appraisal is not None and appraisal.stage == Stage.FINALIZED else None
        inputs.append(UnitInput(commune.code, commune.name, "commune", district.code, scores))
    results = evaluate({"commune": cset}, inputs)
    rows = []
    for r in results:
        s = r.score
        rows.append({
            "code": r.id, "name": r.name, "total": to_str(s.total) if s else None,
            "index": format(s.index, "f") if s else None, "class": r.klass, "class_label": describe_class(r.klass),
            "rank": r.rank, "fields": {k: to_str(v) for k, v in s.fields.items()} if s else {},
            "reasons": r.reasons,
        })
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["code"]))
    return {"district": {"code": district.code, "name": district.name}, "year": district.period.year,
            "criteria_set": cset.id, "criteria_sha256": cset.sha256, "units": rows,
            "complete": all(row["total"] is not None for row in rows) and bool(rows)}


def latest(period, scope: str) -> Publication | None:
    return Publication.objects.filter(period=period, scope=scope).order_by("-version").first()


def publish(period, scope: str, content: dict, *, actor, reason: str = "", request=None) -> Publication:
    """A new version of a scope's publication (the first one needs no reason, corrections do)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        # lock the scope's versions so two simultaneous publications cannot take the same number
        previous = (Publication.objects.select_for_update().filter(period=period, scope=scope)
                    .order_by("-version").first())
        if previous is not None and not reason:
            raise DomainError("Đính chính kết quả đã công bố phải ghi lý do")
        try:
            with transaction.atomic():
                publication = Publication.objects.create(
                    period=period, scope=scope, version=(previous.version + 1) if previous else 1,
                    published_at=clock.now(), published_by=actor, reason=reason, content=content)
        except IntegrityError:
            raise DomainError("Một bản công bố khác vừa được tạo cùng lúc; hãy tải lại trang và thử lại") from None
        record("publication.published", publication, actor=actor, request=request,
               before={"version": previous.version} if previous else None,
               after={"scope": scope, "version": publication.version}, reason=reason)
    return publication


def publish_communes(district: PeriodUnit, *, actor, reason: str = "", request=None) -> Publication:
    """The district coordinator publishes the results of its communes (before V.2's deadline)."""
    from parindex.accounts import permissions
    s = permissions.scope_of(actor)
    if district.kind != UnitKind.DISTRICT or district.unit_id not in s.districts:
        raise NotAllowed(f"Chỉ điều phối viên của {district.name} công bố kết quả cấp xã của huyện")
    content = commune_results(district)
    missing = [row["name"] for row in content["units"] if row["total"] is None]
    if missing:
        raise DomainError(f"Chưa công bố được: {len(missing)} xã chưa chốt kết quả thẩm định "
                          f"({', '.join(missing[:8])}{'…' if len(missing) > 8 else ''})")
    previous = latest(district.period, f"district:{district.code}")
    if previous is None and clock.now() >= district.period.district_publish_due:
        due = format_instant(district.period.district_publish_due)
        raise DomainError(f"Đã quá hạn công bố Chỉ số cấp xã: hạn cuối {due}")
    with transaction.atomic():
        publication = publish(district.period, f"district:{district.code}", content, actor=actor, reason=reason,
                              request=request)
        for commune in district.children.filter(kind=UnitKind.COMMUNE, state=WorkState.APPRAISED):
            change_state(commune, WorkState.PUBLISHED, actor=actor, reason=f"Công bố lần {publication.version}")
    return publication


def total_of(row: dict) -> Decimal | None:
    return Decimal(row["total"]) if row.get("total") is not None else None


__all__ = ["commune_results", "latest", "publish", "publish_communes", "services"]
