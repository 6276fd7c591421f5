"""The survey's results (III.1.2–1.3, V.1.1.d of 1679/QĐ-UBND): points, resolutions, closing.

- ``current_scores(survey)``: per evaluated kind, ``scoring.score_survey`` over the answers collected so
  far and the coordinator's resolutions (computed on each call; nothing cached across requests).
- ``resolve_item``: the coordinator's recorded decision (points within 0..max, a reason) for a unit's item
  that no group scored; it may be replaced (same row) until the survey is closed, and after closing it
  only reaches the engine through a correction.
- ``close_survey``: «chốt kết quả điều tra XHH» — refused while an item is unresolved; the survey becomes
  closed (collect refuses further answers: ``collect._require_open``) and every unit's points per item are
  published as a frozen, versioned snapshot through ``parindex.publication`` (scope ``survey``);
  ``correct_survey`` publishes a new version with a reason.
- ``survey_points(unit)``: the unit's points per item from the newest snapshot — what the rulebook engine
  receives as the unit's survey scores (``engine.score_unit(cset, {**appraised, **survey_points})``).

Every step: atomic → lock the Survey row (``core.locks``) → check → change → audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.audit.services import record
from parindex.core import locks
from parindex.core.errors import DomainError, NotAllowed
from parindex.publication import services as publication
from parindex.publication.models import Publication
from parindex.rulebook.numbers import NotANumber, parse_decimal, to_str
from parindex.units.models import PeriodUnit, UnitKind

from . import collect, paper, services
from .models import ItemResolution, Survey
from .scoring import SurveyScores, score_survey

SCOPE = "survey"          # the publication scope of the closed survey's points
REASON_MAX = 1000


@dataclass(frozen=True)
class KindScores:
    kind: str
    label: str
    units: list            # plan.UnitRef, in display order
    items: list            # rulebook Items (code, title, max_points)
    scores: SurveyScores


def current_scores(survey: Survey) -> dict[str, KindScores]:
    """kind → the scores of its units from the answers collected so far and the recorded resolutions."""
    design = services.design_of(survey)
    items = services.survey_items(survey.period)
    units = services.evaluated_units(survey.period)
    resolutions = collect.resolutions_of(survey)
    out = {}
    for kind, refs in units.items():
        if kind not in design.criteria or not items.get(kind):
            continue
        codes = {r.code for r in refs}
        kind_items = {i.code for i in items[kind]}
        mine = {k: v for k, v in resolutions.items() if k[0] in codes and k[1] in kind_items}
        scores = score_survey(design, kind, items[kind], [r.code for r in refs], collect.answer_rows(survey, kind),
                              mine)
        out[kind] = KindScores(kind, str(UnitKind(kind).label), list(refs), list(items[kind]), scores)
    return out


def unresolved(scores: dict[str, KindScores]) -> list[str]:
    """Every unresolved (unit, item), as lines a person reads: «Sở Tư pháp — tiêu chí 5.2.1»."""
    lines = []
    for ks in scores.values():
        names = {r.code: r.name for r in ks.units}
        for unit, item in ks.scores.unresolved:
            lines.append(_("%(unit)s — tiêu chí %(item)s: không nhóm nào đủ số câu trả lời hợp lệ")
                         % {"unit": names.get(unit, unit), "item": item})
    return lines


def _require_coordinator(actor, what: str) -> None:
    if not permissions.can_close_survey(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được %(what)s") % {"what": what})


def _lock(survey: Survey) -> Survey:
    return locks.lock_one(Survey.objects.select_related("period"), pk=survey.pk)


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(_("Hãy ghi lý do"))
    if len(reason) > REASON_MAX:
        raise DomainError(_("Lý do dài %(n)d ký tự, tối đa %(max)d ký tự") % {"n": len(reason), "max": REASON_MAX})
    return reason


def _points(raw, item) -> Decimal:
    try:
        points = parse_decimal(raw if isinstance(raw, Decimal | int) else str(raw))  # plain decimals only
    except NotANumber:
        points = None
    if points is None or not points.is_finite() or not (0 <= points <= item.max_points) \
            or points != points.quantize(Decimal("0.01")):
        raise DomainError(_("Tiêu chí %(item)s: điểm «%(value)s» không hợp lệ — cho phép từ 0 đến %(max)s, "
                            "tối đa 2 chữ số thập phân")
                          % {"item": item.code, "value": str(raw)[:20], "max": to_str(item.max_points)})
    return points.quantize(Decimal("0.01"))


def resolve_item(survey: Survey, unit: PeriodUnit, item_code: str, points, reason: str, *, actor,
                 request=None) -> ItemResolution:
    """The coordinator's decision for one unit's survey item that no group scored (a reason is required)."""
    _require_coordinator(actor, _("quyết định điểm tiêu chí điều tra"))
    reason = _reason(reason, required=True)
    with transaction.atomic():
        current = _lock(survey)
        if current.status == Survey.Status.DESIGN:
            raise DomainError(_("Cuộc điều tra chưa thu phiếu"))
        if unit.period_id != current.period_id or unit.kind not in services.EVALUATED_KINDS:
            raise DomainError(_("Đơn vị không thuộc các đơn vị được điều tra của kỳ"))
        item = next((i for i in services.survey_items(current.period).get(unit.kind, []) if i.code == item_code),
                    None)
        if item is None:
            raise DomainError(_("«%(item)s» không phải tiêu chí điều tra của %(unit)s")
                              % {"item": str(item_code)[:20], "unit": unit.name})
        value = _points(points, item)
        existing = ItemResolution.objects.filter(survey=current, unit=unit, item=item.code).first()
        before = {"points": to_str(existing.points)} if existing else None
        if existing:
            existing.points, existing.reason, existing.decided_by = value, reason, actor
            existing.save(update_fields=["points", "reason", "decided_by"])
            resolution = existing
        else:
            resolution = ItemResolution.objects.create(survey=current, unit=unit, item=item.code, points=value,
                                                       reason=reason, decided_by=actor)
        record("survey.item_resolved", current, actor=actor, request=request, before=before,
               after={"unit": unit.code, "item": item.code, "points": to_str(value)}, reason=reason)
    return resolution


def snapshot(survey: Survey, scores: dict[str, KindScores]) -> dict:
    """The published content: every unit's points per item (strings), its survey total, the design."""
    kinds = {}
    for kind, ks in scores.items():
        rows = []
        for ref in ks.units:
            points = ks.scores.points_of(ref.code)
            rows.append({"code": ref.code, "name": ref.name,
                         "items": {code: to_str(p) for code, p in points.items()},
                         "total": to_str(sum(points.values(), Decimal(0)))})
        kinds[kind] = {"label": ks.label, "items": [i.code for i in ks.items], "units": rows}
    return {"year": survey.period.year, "design_id": survey.design_id, "design_sha256": survey.design_sha256,
            "kinds": kinds}


def close_survey(survey: Survey, *, actor, reason: str = "", request=None) -> Publication:
    """«Chốt kết quả điều tra XHH»: closed, and the points published (version 1)."""
    _require_coordinator(actor, _("chốt kết quả điều tra xã hội học"))
    reason = _reason(reason, required=False)
    with transaction.atomic():
        current = _lock(survey)
        if current.status != Survey.Status.OPEN:
            raise DomainError(_("Cuộc điều tra đang ở trạng thái «%(s)s», không chốt được")
                              % {"s": current.get_status_display()})
        scores = current_scores(current)
        missing = unresolved(scores)
        if missing:
            raise DomainError(_("Còn %(n)d tiêu chí chưa có điểm: hãy quyết định điểm từng tiêu chí trước khi chốt")
                              % {"n": len(missing)}, errors=missing)
        current.status = Survey.Status.CLOSED
        current.save(update_fields=["status", "updated_at"])
        published = publication.publish(current.period, SCOPE, snapshot(current, scores), actor=actor,
                                        reason="", request=request)
        record("survey.closed", current, actor=actor, request=request, before={"status": Survey.Status.OPEN},
               after={"status": current.status, "version": published.version}, reason=reason)
        # the typed paper entries keep answers beside a serial: gone once the points are frozen (docs/security.md)
        paper.purge_entries(current, actor=actor, request=request)
    return published


def correct_survey(survey: Survey, *, actor, reason: str, request=None) -> Publication:
    """A correction of the closed survey's points: a new version of the snapshot, with its reason."""
    _require_coordinator(actor, _("đính chính kết quả điều tra xã hội học"))
    reason = _reason(reason, required=True)
    with transaction.atomic():
        current = _lock(survey)
        if current.status != Survey.Status.CLOSED:
            raise DomainError(_("Chỉ đính chính được kết quả đã chốt"))
        scores = current_scores(current)
        missing = unresolved(scores)
        if missing:
            raise DomainError(_("Còn %(n)d tiêu chí chưa có điểm") % {"n": len(missing)}, errors=missing)
        published = publication.publish(current.period, SCOPE, snapshot(current, scores), actor=actor,
                                        reason=reason, request=request)
        record("survey.corrected", current, actor=actor, request=request,
               after={"version": published.version}, reason=reason)
    return published


def closed_snapshot(period) -> Publication | None:
    return publication.latest(period, SCOPE)


def survey_points(unit: PeriodUnit) -> dict[str, Decimal]:
    """The unit's survey points per item from the newest closed snapshot ({} before the survey is closed)."""
    return (all_survey_points(unit.period) or {}).get(unit.code, {})


def all_survey_points(period) -> dict[str, dict[str, Decimal]] | None:
    """Every evaluated unit's survey points per item from the newest closed snapshot (one query), by unit code;
    ``None`` while the survey is not closed."""
    shown = closed_snapshot(period)
    if shown is None:
        return None
    return {row["code"]: {code: Decimal(p) for code, p in row["items"].items()}
            for kind in shown.content.get("kinds", {}).values() for row in kind.get("units", [])}
