"""The province's results: departments and districts (III.1.4, IV.1, IV.2.2, V.5 of 1679/QĐ-UBND).

- ``province_results(period)``: the draft («dự thảo kết quả»), built by the rulebook engine from every
  department's and district's finalized appraisal, the closed survey's points and every district's published
  commune results. The communes are taken from the period's unit list, so a commune without a final
  published result leaves its district unclassified (IV.1.4) whatever was published. A unit that is not
  finalized or has no survey points blocks the draft (``blocking``), unless the coordinator recorded it as
  not assessed this year (``record_not_assessed``, with a reason): it is then shown as such, never as 0.
- The way to publication: ``submit`` (the content is frozen for the approver) → ``approve`` (the decision's
  number and date) or ``send_back`` (to draft, with a comment) → ``publish_province`` (a ``Publication`` of
  scope ``province``, through ``services.publish``; V.5's window through ``may_act``). ``reopen`` starts a
  correction with its reason: the next publication is a new version, the earlier stays readable.

Every step: atomic → lock the period's ``ProvinceResults`` row (or the unit's ``NotAssessed`` row) → check
→ change → audit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.appraisal.models import Appraisal, Stage
from parindex.audit.models import AuditEntry
from parindex.audit.services import record
from parindex.core import clock, locks
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.periods.models import Period
from parindex.periods.services import decision_of, may_act
from parindex.periods.timeline import Step
from parindex.rulebook.engine import PublishedCommune, UnitInput, UnitResult, describe_class, evaluate
from parindex.rulebook.numbers import to_str
from parindex.survey.results import all_survey_points
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.services import change_state
from parindex.units.states import WorkState

from . import services
from .models import NotAssessed, ProvinceResults, Publication

SCOPE = "province"
# IV.1.3: each group ranked on its own. Every group the province's results may hold, in display order; a period's
# are those its decision has the province appraise (``groups_of``): departments and districts under 1679,
# departments and communes under a two-level decision (no districts, since 1 July 2025).
GROUPS = (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE)


def groups_of(period: Period) -> tuple[str, ...]:
    return decision_of(period).kinds_appraised_by("province")
REASON_MAX = 1000
DECISION_NUMBER_MAX = 50


@dataclass(frozen=True)
class Blocker:
    """A unit the draft cannot score yet, and what it lacks (in words a coordinator reads)."""

    code: str
    name: str
    kind: str
    lacks: list[str]


def groups_text(period: Period) -> str:
    """The groups in words: «sở, ban, ngành và UBND cấp huyện» under 1679."""
    labels = [str(UnitKind(k).label) for k in groups_of(period)]
    labels = [lb[:1].lower() + lb[1:] if lb.startswith("Sở") else lb for lb in labels]
    return _(" và ").join(labels)


def _sets(period: Period) -> dict:
    return {r.unit_kind: r.parsed() for r in period.criteria_sets.filter(unit_kind__in=groups_of(period))}


def _published_communes(period: Period, districts: list[PeriodUnit]) -> dict[str, list[PublishedCommune]]:
    """For each district, every commune of the period's unit list with the class its district's newest
    publication gives it (``None``: not in it, or published without a result)."""
    published = Publication.objects.filter(period=period, scope__startswith=services.district_scope(""))
    newest_pks: dict[str, int] = {}
    for scope, pk in published.order_by("scope", "-version").values_list("scope", "pk"):
        newest_pks.setdefault(scope, pk)   # the newest version of each scope; earlier contents are not read
    newest = dict(Publication.objects.filter(pk__in=newest_pks.values()).values_list("scope", "content"))
    out: dict[str, list[PublishedCommune]] = {d.code: [] for d in districts}
    by_pk = {d.pk: d.code for d in districts}
    communes = PeriodUnit.objects.filter(period=period, kind=UnitKind.COMMUNE, parent__in=districts).order_by("code")
    rows: dict[str, dict[str, dict]] = {}
    for code in out:
        content = newest.get(services.district_scope(code))
        rows[code] = {u["code"]: u for u in (content or {}).get("units", [])}
    for commune in communes.only("code", "name", "parent_id"):
        district = by_pk[commune.parent_id]
        row = rows[district].get(commune.code)
        klass = row.get("class") if row is not None and row.get("total") is not None else None
        out[district].append(PublishedCommune(commune.code, commune.name, klass))
    return out


def _lacks(unit: PeriodUnit, appraisal: Appraisal | None, survey: dict | None, survey_items: set[str]) -> list[str]:
    lacks = []
    if appraisal is None or appraisal.stage != Stage.FINALIZED or unit.state not in (WorkState.APPRAISED,
                                                                                     WorkState.PUBLISHED):
        lacks.append(_("chưa chốt kết quả thẩm định (hiện: %(state)s)") % {"state": unit.get_state_display()})
    if not survey_items:  # a kind without survey items (a two-level decision's communes) waits for no survey
        pass
    elif survey is None:
        lacks.append(_("chưa có điểm điều tra xã hội học: Sở Nội vụ chưa chốt kết quả điều tra"))
    elif survey_items and not survey_items <= set(survey.get(unit.code, {})):
        lacks.append(_("chưa có điểm điều tra xã hội học của đơn vị"))
    return lacks


def _row(result, fields, not_assessed: NotAssessed | None, blocker: Blocker | None, district_scope,
         decision) -> dict:
    s = result.score if result is not None else None
    row = {
        "code": result.id, "name": result.name, "kind": result.kind,
        "self_points": to_str(s.self_points) if s else None, "survey_points": to_str(s.survey_points) if s else None,
        "total": to_str(s.total) if s else None, "index": format(s.index, "f") if s else None,
        "class_by_score": result.class_by_score, "class": result.klass,
        "class_label": describe_class(result.klass, decision),
        "rank": result.rank, "fields": {f: to_str(s.fields[f]) for f in fields} if s else {},
        "criteria": {k: to_str(v) for k, v in s.criteria.items()} if s else {},
        "reasons": list(result.reasons) if s else [], "not_assessed": None, "lacks": [],
    }
    if result.kind == UnitKind.DISTRICT:
        row["communes"] = {"reaching": result.communes_reaching, "total": result.communes_total,
                           "scope": district_scope}
    if not_assessed is not None:
        row["not_assessed"] = not_assessed.reason
        row["class_label"] = _("Không đánh giá năm nay")
        row["reasons"] = [_("Không đánh giá năm nay: %(reason)s") % {"reason": not_assessed.reason}]
    elif blocker is not None:
        row["lacks"] = blocker.lacks
        row["reasons"] = list(blocker.lacks)
    return row


def province_results(period: Period) -> dict:
    """The draft: per group (departments, districts), every unit's rank, points, index, class, reasons, fields."""
    groups_here = groups_of(period)
    units = list(PeriodUnit.objects.filter(period=period, kind__in=groups_here).order_by("kind", "code"))
    sets = _sets(period)
    appraisals = {a.assessment.period_unit_id: a for a in Appraisal.objects.filter(
        assessment__period_unit__in=units).select_related("assessment").only(
        "stage", "result", "assessment__period_unit_id")}
    not_assessed = {n.period_unit_id: n for n in NotAssessed.objects.filter(period_unit__in=units)}
    survey = all_survey_points(period)
    survey_items = {kind: {i.code for i in cset.items if i.is_survey} for kind, cset in sets.items()}

    blockers: list[Blocker] = []
    inputs: list[UnitInput] = []
    for unit in units:
        if unit.pk in not_assessed:
            continue
        if unit.kind not in sets:
            blockers.append(Blocker(unit.code, unit.name, unit.kind, [_("kỳ chưa có bộ tiêu chí cho loại đơn vị này")]))
            continue
        appraisal = appraisals.get(unit.pk)
        lacks = _lacks(unit, appraisal, survey, survey_items[unit.kind])
        if lacks:
            blockers.append(Blocker(unit.code, unit.name, unit.kind, lacks))
            inputs.append(UnitInput(unit.code, unit.name, unit.kind, None, None))
            continue
        scores = {**appraisal.result, **{k: str(v) for k, v in survey.get(unit.code, {}).items()}}
        inputs.append(UnitInput(unit.code, unit.name, unit.kind, None, scores))
    districts = [u for u in units if u.kind == UnitKind.DISTRICT]
    decision = decision_of(period)
    results = {r.id: r for r in evaluate(sets, inputs, published_communes=_published_communes(period, districts),
                                         decision=decision)}

    by_code = {b.code: b for b in blockers}
    groups = {}
    for kind in groups_here:
        cset = sets.get(kind)
        fields = [f.code for f in cset.fields] if cset else []
        rows = []
        for unit in (u for u in units if u.kind == kind):
            result = results.get(unit.code)
            if result is None:  # not assessed, or no criteria set: a line without a score
                result = UnitResult(unit.code, unit.name, unit.kind, None, None)
            row = _row(result, fields, not_assessed.get(unit.pk), by_code.get(unit.code),
                       services.district_scope(unit.code), decision)
            if unit.predecessors:  # the units it succeeds, by code: its public history shows theirs
                row["predecessors"] = [key.split(":", 1)[1] for key in unit.predecessors]
            rows.append(row)
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
        groups[kind] = {
            "label": str(UnitKind(kind).label),
            "criteria_set": cset.id if cset else None, "criteria_sha256": cset.sha256 if cset else None,
            "fields": [{"code": f.code, "title": f.title, "max": to_str(f.max_points)} for f in cset.fields]
            if cset else [],
            "criteria": [{"code": c.code, "title": c.title, "max": to_str(c.max_points), "field": f.code}
                         for f in cset.fields for c in f.criteria] if cset else [],
            "units": rows,
        }
    return {"year": period.year, "groups": groups,
            "blocking": [{"code": b.code, "name": b.name, "kind": b.kind, "lacks": b.lacks} for b in blockers],
            "complete": not blockers and any(g["units"] for g in groups.values())}


# -- the draft, read: computed once per change of its inputs -------------------------------------------------
# At national scale (2,400 departments and districts, 9,600 communes) scoring every unit takes about 1.3 s;
# the draft page reads it from this per-process memory while nothing it depends on has changed. The
# fingerprint counts and dates the rows the draft is built from (finalized appraisals, unit states, the
# period's publications — survey and communes —, the units not assessed) and the newest audit entry (every
# change of a score or a decision is audited), in five aggregate queries; any change gives another
# fingerprint, and the next read computes the draft again. One entry per period (docs/results.md).

_DRAFTS: dict[int, tuple[tuple, dict]] = {}
_DRAFTS_LOCK = threading.Lock()


def _fingerprint(period: Period) -> tuple:
    finalized = Appraisal.objects.filter(assessment__period_unit__period=period,
                                         assessment__period_unit__kind__in=groups_of(period)).aggregate(
        n=Count("pk", filter=Q(stage=Stage.FINALIZED)), last=Max("finalized_at"), top=Max("pk"))
    units = PeriodUnit.objects.filter(period=period).aggregate(n=Count("pk"), top=Max("pk"),
                                                                last=Max("state_changed_at"))
    published = Publication.objects.filter(period=period).aggregate(n=Count("pk"), top=Max("pk"))
    left_out = NotAssessed.objects.filter(period_unit__period=period).aggregate(n=Count("pk"), top=Max("pk"))
    audited = AuditEntry.objects.aggregate(top=Max("pk"))["top"]
    return tuple((d["n"], d["top"], d.get("last")) for d in (finalized, units, published, left_out)) + (audited,)


def draft(period: Period) -> dict:
    """``province_results(period)``, computed again only when one of its inputs changed (read-only: the
    caller must not change the dict)."""
    key = _fingerprint(period)
    with _DRAFTS_LOCK:
        known = _DRAFTS.get(period.pk)
    if known is not None and known[0] == key:
        return known[1]
    content = province_results(period)
    with _DRAFTS_LOCK:
        _DRAFTS[period.pk] = (key, content)
    return content


def forget_drafts() -> None:
    """Drop every remembered draft (tests, where a rolled-back database reuses ids and frozen dates)."""
    with _DRAFTS_LOCK:
        _DRAFTS.clear()


# -- the record of the way to publication -------------------------------------------------------------------

def state_of(period: Period) -> ProvinceResults | None:
    return ProvinceResults.objects.filter(period=period).first()


def _locked(period: Period) -> ProvinceResults:
    """The period's row, created in draft the first time, then locked (it serialises every step)."""
    try:
        with transaction.atomic():
            ProvinceResults.objects.get_or_create(period=period)
    except IntegrityError:
        pass  # created at the same moment by another step: lock it below
    return locks.lock_one(ProvinceResults.objects.select_related("period"), period=period)


def _text(value: str, *, what: str, required: bool, limit: int = REASON_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("Hãy ghi %(what)s") % {"what": what})
    if len(value) > limit:
        raise DomainError(_("%(what)s dài %(n)d ký tự, tối đa %(max)d ký tự")
                          % {"what": what[:1].upper() + what[1:], "n": len(value), "max": limit})
    return value


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _require_status(current: ProvinceResults, *statuses: str) -> None:
    if current.status not in statuses:
        raise Conflict(_("Kết quả của tỉnh đang ở trạng thái «%(s)s»: bước này không thực hiện được; hãy tải lại "
                         "trang") % {"s": current.get_status_display()})


def _unit(period: Period, code: str) -> PeriodUnit:
    groups = groups_of(period)
    unit = PeriodUnit.objects.filter(period=period, kind__in=groups, code=str(code)[:20]).first()
    if unit is None:
        raise DomainError(_("Không có %(groups)s mã «%(code)s» trong kỳ %(year)s")
                          % {"groups": groups_text(period).replace(_(" và "), _(" hoặc ")),
                             "code": str(code)[:20], "year": period.year})
    return unit


def _draft_unit(period: Period, code: str) -> PeriodUnit:
    """Inside the step's transaction: the period's record locked and in draft, and the named unit."""
    _require_status(_locked(period), ProvinceResults.Status.DRAFT)
    return _unit(period, code)


def record_not_assessed(period: Period, code: str, reason: str, *, actor, request=None) -> NotAssessed:
    """The coordinator records a unit as not assessed this year (only with a reason), while in draft."""
    _require(permissions.can_compile_province_results(actor),
             _("Chỉ điều phối viên Sở Nội vụ ghi nhận đơn vị không đánh giá"))
    reason = _text(reason, what=_("lý do không đánh giá"), required=True)
    with transaction.atomic():
        unit = _draft_unit(period, code)
        if NotAssessed.objects.filter(period_unit=unit).exists():
            raise DomainError(_("%(name)s đã được ghi nhận không đánh giá năm nay") % {"name": unit.name})
        done = NotAssessed.objects.create(period_unit=unit, reason=reason, recorded_by=actor)
        record("province.not_assessed", unit, actor=actor, request=request, before=None,
               after={"unit": unit.code, "not_assessed": True}, reason=reason)
    return done


def undo_not_assessed(period: Period, code: str, reason: str, *, actor, request=None) -> None:
    """The unit is assessed after all (a reason is recorded); it blocks again until it has its results."""
    _require(permissions.can_compile_province_results(actor),
             _("Chỉ điều phối viên Sở Nội vụ ghi nhận đơn vị không đánh giá"))
    reason = _text(reason, what=_("lý do"), required=True)
    with transaction.atomic():
        unit = _draft_unit(period, code)
        found = NotAssessed.objects.filter(period_unit=unit).first()
        if found is None:
            raise DomainError(_("%(name)s không có trong danh sách đơn vị không đánh giá") % {"name": unit.name})
        before = {"unit": unit.code, "not_assessed": True, "reason": found.reason}
        found.delete()
        record("province.not_assessed_undone", unit, actor=actor, request=request, before=before,
               after={"unit": unit.code, "not_assessed": False}, reason=reason)


def submit(period: Period, *, actor, request=None) -> ProvinceResults:
    """The coordinator submits the draft to UBND tỉnh: refused while a unit blocks; the content is frozen."""
    _require(permissions.can_compile_province_results(actor), _("Chỉ điều phối viên Sở Nội vụ trình kết quả"))
    with transaction.atomic():
        current = _locked(period)
        _require_status(current, ProvinceResults.Status.DRAFT)
        content = province_results(current.period)
        if content["blocking"]:
            raise DomainError(_("Chưa trình được: %(n)d đơn vị chưa đủ kết quả") % {"n": len(content["blocking"])},
                              errors=[f"{b['name']}: {'; '.join(b['lacks'])}" for b in content["blocking"]])
        if not content["complete"]:
            raise DomainError(_("Chưa trình được: kỳ chưa có đơn vị nào để xếp loại"))
        current.status, current.content = ProvinceResults.Status.SUBMITTED, content
        current.submitted_at, current.submitted_by, current.comment = clock.now(), actor, ""
        current.save()
        record("province.submitted", current, actor=actor, request=request, before={"status": "draft"},
               after={"status": current.status})
    return current


def send_back(period: Period, comment: str, *, actor, request=None) -> ProvinceResults:
    """The approver returns the submitted results to draft, with a comment the coordinator reads."""
    _require(permissions.can_approve_province_results(actor), _("Chỉ lãnh đạo UBND tỉnh trả lại kết quả đã trình"))
    comment = _text(comment, what=_("ý kiến khi trả lại"), required=True)
    with transaction.atomic():
        current = _locked(period)
        _require_status(current, ProvinceResults.Status.SUBMITTED)
        current.status, current.content, current.comment = ProvinceResults.Status.DRAFT, None, comment
        current.save()
        record("province.sent_back", current, actor=actor, request=request, before={"status": "submitted"},
               after={"status": current.status}, reason=comment)
    return current


def _decision_date(raw) -> date:
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DomainError(_("Ngày quyết định «%(value)s» không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 15/02/2022")
                      % {"value": text[:20]})


def approve(period: Period, number: str, decision_date, *, actor, request=None) -> ProvinceResults:
    """The approver approves the submitted results with the decision's number and date."""
    _require(permissions.can_approve_province_results(actor), _("Chỉ lãnh đạo UBND tỉnh phê duyệt kết quả"))
    number = _text(number, what=_("số quyết định"), required=True, limit=DECISION_NUMBER_MAX)
    day = _decision_date(decision_date)
    if day.year < period.year or day > clock.now().date():
        raise DomainError(_("Ngày quyết định %(day)s không hợp lệ: từ năm %(year)s đến hôm nay")
                          % {"day": day.strftime("%d/%m/%Y"), "year": period.year})
    with transaction.atomic():
        current = _locked(period)
        _require_status(current, ProvinceResults.Status.SUBMITTED)
        current.status, current.decision_number, current.decision_date = ProvinceResults.Status.APPROVED, number, day
        current.approved_by = actor
        current.save()
        record("province.approved", current, actor=actor, request=request, before={"status": "submitted"},
               after={"status": current.status, "decision_number": number, "decision_date": day.isoformat()})
    return current


def publish_province(period: Period, *, actor, request=None, at: datetime | None = None) -> Publication:
    """The coordinator publishes the approved results (V.5's window for the first version; a correction any
    time, with the reason given when it was reopened)."""
    _require(permissions.can_compile_province_results(actor), _("Chỉ điều phối viên Sở Nội vụ công bố kết quả"))
    with transaction.atomic():
        current = _locked(period)
        _require_status(current, ProvinceResults.Status.APPROVED)
        previous = services.latest(current.period, SCOPE)
        if previous is None:
            province = PeriodUnit.objects.filter(period=current.period, kind=UnitKind.PROVINCE).first()
            if province is None:
                raise DomainError(_("Kỳ đánh giá chưa có đơn vị cấp tỉnh trong danh sách đơn vị"))
            verdict = may_act(province, Step.PUBLICATION, at)
            if not verdict.allowed:
                raise DomainError(verdict.message)
        content = {**current.content, "decision": {
            "number": current.decision_number, "date": current.decision_date.isoformat()}}
        published = services.publish(current.period, SCOPE, content, actor=actor,
                                     reason=current.correction_reason if previous else "", request=request)
        current.status, current.correction_reason = ProvinceResults.Status.PUBLISHED, ""
        current.save()
        codes = [u["code"] for g in content["groups"].values() for u in g["units"] if u["total"] is not None]
        for unit in PeriodUnit.objects.filter(period=current.period, kind__in=groups_of(current.period),
                                              code__in=codes,
                                              state=WorkState.APPRAISED):
            change_state(unit, WorkState.PUBLISHED, actor=actor,
                         reason=_("UBND tỉnh công bố lần %(v)d") % {"v": published.version})
    return published


def reopen(period: Period, reason: str, *, actor, request=None) -> ProvinceResults:
    """A correction of the published results: back to draft with its reason; the published version stays
    readable until the new one supersedes it."""
    _require(permissions.can_compile_province_results(actor), _("Chỉ điều phối viên Sở Nội vụ đính chính kết quả"))
    reason = _text(reason, what=_("lý do đính chính"), required=True)
    with transaction.atomic():
        current = _locked(period)
        _require_status(current, ProvinceResults.Status.PUBLISHED)
        current.status, current.content, current.correction_reason = ProvinceResults.Status.DRAFT, None, reason
        current.decision_number, current.decision_date, current.approved_by = "", None, None
        current.save()
        record("province.reopened", current, actor=actor, request=request, before={"status": "published"},
               after={"status": current.status}, reason=reason)
    return current


def published(period: Period) -> Publication | None:
    return services.latest(period, SCOPE)
