"""Appraisal workflow (III.3): round 1 → the unit's explanation → final → finalized.

Every service has one shape: atomic → lock the unit's appraisal row, and only it → check (permission from
``accounts.permissions``, stage, deadline through ``periods.services.may_act``) → change →
``record()``. The rules themselves are the pure functions of ``rules``:
- III.3.1: who appraises which item (``rules.effective_agency``, ``permissions.appraising_team``).
- III.3.2.b: an item with neither evidence nor explanation is given 0 (``rules.is_supported``).
- V.2 / V.4: communes are appraised before the district's publication deadline; departments and
  districts inside the provincial appraisal window (``timeline.appraisal_step``). A result re-opened
  by the coordinator (a correction, with a reason) may be corrected after the deadline.

The appraisal's row is the one lock of a unit's appraisal (``_locked``): an item saved while the
stage moves, or while the result is finalized, would otherwise slip past the step's checks. Steps
on one unit queue for a few milliseconds; other units' steps never meet it (docs/decisions.md,
"Locks").
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.assessments.models import Assessment, Evidence
from parindex.assessments.models import Status as AssessmentStatus
from parindex.audit.services import record
from parindex.core import clock, locks
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.services import deadline_for, decision_of, may_act
from parindex.periods.timeline import AppraisalStep, appraisal_step, format_instant
from parindex.rulebook import ScoreError
from parindex.rulebook.engine import validate_scores
from parindex.rulebook.numbers import format_vi, to_str
from parindex.units.models import PeriodUnit
from parindex.units.services import change_state
from parindex.units.states import WorkState

from . import rules
from .models import Appraisal, Assignment, ExplanationEvidence, ItemAppraisal, Stage

ZERO = Decimal(0)


# -- reading ---------------------------------------------------------------------------------------

def assignment_overrides(period, unit_kind: str) -> dict[str, str]:
    return dict(Assignment.objects.filter(period=period, unit_kind=unit_kind).values_list("code", "agency"))


def agency_map(period, unit_kind: str, cset) -> dict[str, str]:
    """The effective agency of every self item (``rules.effective_agency``)."""
    overrides = assignment_overrides(period, unit_kind)
    return {item.code: rules.effective_agency(item, overrides) for item in cset.items if not item.is_survey}


def snapshot_item(assessment: Assessment, code: str):
    return rules.snapshot_item(assessment.snapshot, code)


def self_points(assessment: Assessment, code: str) -> Decimal:
    return rules.self_points(snapshot_item(assessment, code))


def supported(row: ItemAppraisal, stage: str) -> bool:
    """III.3.2.b for one stored item at this stage (one query for the added evidence)."""
    item = snapshot_item(row.appraisal.assessment, row.item_code)
    return rules.is_supported(item, row.explanation, row.added_evidence.count() if stage != Stage.ROUND1 else 0,
                              stage)


def under_comment(row: ItemAppraisal, assessment: Assessment) -> bool:
    """Items the unit may answer in the explanation round."""
    return rules.under_comment(row.round1_points, row.round1_comment, self_points(assessment, row.item_code))


def stage_now(appraisal: Appraisal, now: datetime | None = None) -> str:
    """The explanation round ends by itself when its window closes."""
    return rules.stage_now(appraisal.stage, appraisal.explanation_until, now or clock.now())


def existing(assessment: Assessment) -> Appraisal | None:
    return Appraisal.objects.filter(assessment=assessment).first()


def _require_time(unit: PeriodUnit, step: str, now: datetime, appraisal: Appraisal | None = None) -> None:
    """V.2 / V.4 through ``may_act``; a correction after re-opening may come after the deadline."""
    if appraisal is not None and appraisal.correction:
        return
    verdict = may_act(unit, step, now)
    if not verdict.allowed:
        raise DomainError(verdict.message)


def _locked(appraisal: Appraisal) -> Appraisal:
    """The appraisal row locked and re-read into the caller's object (which keeps its assessment)."""
    fresh = locks.lock_one(Appraisal, pk=appraisal.pk)
    for f in Appraisal._meta.concrete_fields:
        setattr(appraisal, f.attname, getattr(fresh, f.attname))
    return appraisal


def _mark_appraising(unit: PeriodUnit, actor, reason: str) -> None:
    """The unit's work state follows the appraisal (locked and re-read: two first saves at once)."""
    if unit.state not in (WorkState.SUBMITTED, WorkState.AWAITING_EXPLANATION):
        return
    fresh = locks.lock_one(PeriodUnit, pk=unit.pk)
    if fresh.state in (WorkState.SUBMITTED, WorkState.AWAITING_EXPLANATION):
        unit.state = fresh.state
        change_state(unit, WorkState.APPRAISING, actor=actor, reason=reason)


# -- starting --------------------------------------------------------------------------------------

def get_or_start(assessment: Assessment) -> Appraisal:
    """The appraisal of a submitted self-assessment, with one row per self item and its agency.

    Called only by the services below and by tests' setup: a GET never creates it."""
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise DomainError(_("%(unit)s chưa nộp bản tự đánh giá, chưa thẩm định được")
                          % {"unit": assessment.period_unit.name})
    found = existing(assessment)
    if found is not None:
        return found
    unit = assessment.period_unit
    agencies = agency_map(unit.period, unit.kind, assessment.criteria_set.parsed())
    with transaction.atomic():
        appraisal, created = Appraisal.objects.get_or_create(assessment=assessment)
        if created:
            ItemAppraisal.objects.bulk_create(
                ItemAppraisal(appraisal=appraisal, item_code=code, agency=agency) for code, agency in agencies.items())
    return appraisal


def start(assessment: Assessment, *, actor, request=None) -> Appraisal:
    """The explicit "Bắt đầu thẩm định" (or the first save): a member, the lead or the coordinator."""
    unit = assessment.period_unit
    with transaction.atomic():
        caps = permissions.appraisal_capabilities(actor, unit, None)
        if not caps.appraiser:
            raise NotAllowed(_("Bạn không thuộc tổ thẩm định của %(unit)s") % {"unit": unit.name})
        found = existing(assessment)
        if found is not None:
            return found
        _require_time(unit, appraisal_step(unit), clock.now())
        appraisal = get_or_start(assessment)
        record("appraisal.started", appraisal, actor=actor, request=request,
               after={"items": appraisal.items.count()})
    return appraisal


# -- appraising ------------------------------------------------------------------------------------

def _self_item(appraisal: Appraisal, code: str):
    item = appraisal.assessment.criteria_set.parsed().items_by_code.get(code)
    if item is None or item.is_survey:
        raise DomainError(_("Không có tiêu chí tự đánh giá mã «%(item)s»") % {"item": code})
    return item


def _round_prefix(stage: str, code: str) -> str:
    prefix = rules.current_round(stage)
    if prefix is None:
        raise DomainError(_("Tiêu chí %(item)s: đang ở giai đoạn «%(stage)s», chỉ nhập điểm thẩm định ở vòng 1 "
                            "hoặc vòng thẩm định cuối") % {"item": code, "stage": Stage(stage).label})
    return prefix


def _set_round(row: ItemAppraisal, prefix: str, points: Decimal, comment: str, actor, now) -> dict:
    before = {"item": row.item_code, "round": prefix, "points": getattr(row, f"{prefix}_points"),
              "comment": getattr(row, f"{prefix}_comment")}
    setattr(row, f"{prefix}_points", points)
    setattr(row, f"{prefix}_comment", comment)
    setattr(row, f"{prefix}_by", actor)
    setattr(row, f"{prefix}_at", now)
    row.save(update_fields=[f"{prefix}_points", f"{prefix}_comment", f"{prefix}_by", f"{prefix}_at"])
    return before


def _close_lapsed_window(appraisal: Appraisal, unit: PeriodUnit, actor) -> None:
    """The explanation window closed by itself: the stored stage catches up."""
    if appraisal.stage == Stage.EXPLANATION and stage_now(appraisal) == Stage.FINAL:
        locked = _locked(appraisal)
        if locked.stage == Stage.EXPLANATION:
            locked.stage = Stage.FINAL
            locked.save(update_fields=["stage"])
        appraisal.stage = Stage.FINAL
        _mark_appraising(unit, actor, _("Hết hạn giải trình"))


def appraise(appraisal: Appraisal, code: str, raw_points: str, comment: str, *, actor, request=None) -> ItemAppraisal:
    """Enter the appraised points of one item in the current round (round 1 or final)."""
    now = clock.now()
    assessment = appraisal.assessment
    unit = assessment.period_unit
    item = _self_item(appraisal, code)
    comment = (comment or "").strip()
    with transaction.atomic():
        current = _locked(appraisal)
        row = ItemAppraisal.objects.get(appraisal=current, item_code=code)  # under the appraisal's lock
        row.appraisal = current
        stage = stage_now(current, now)
        prefix = _round_prefix(stage, code)
        if not permissions.can_appraise_item(actor, unit, row.agency, item.field):
            raise NotAllowed(_("Tiêu chí %(item)s của %(unit)s không được phân công cho bạn")
                             % {"item": code, "unit": unit.name})
        _require_time(unit, appraisal_step(unit), now, current)
        raw = (raw_points or "").strip()
        if raw == "":
            raise DomainError(_("Tiêu chí %(item)s: chưa nhập điểm thẩm định") % {"item": code})
        try:
            points = validate_scores(assessment.criteria_set.parsed(), {code: raw}, unit.name)[code]
        except ScoreError as exc:
            raise DomainError(exc.messages[0]) from None
        if not rules.allowed_without_support(points) and not supported(row, stage):
            raise DomainError(_("Tiêu chí %(item)s: không có tài liệu kiểm chứng, không có giải trình nên chỉ cho "
                                "0 điểm (mục III.3.2.b), không cho %(value)s, trừ khi đơn vị bổ sung trong vòng "
                                "giải trình") % {"item": code, "value": format_vi(points)})
        own = self_points(assessment, code)
        # the decision is read only when it matters (points above the self-score): no query on the usual save
        decision = decision_of(unit.period) if points > own else None
        if decision is not None and not decision.option("appraisal_may_exceed_self"):
            raise DomainError(_("Tiêu chí %(item)s: theo %(decision)s, điểm thẩm định không được cao hơn điểm tự chấm "
                                "(%(own)s), đã nhập %(value)s") % {"item": code, "decision": decision.id,
                                                                  "own": format_vi(own), "value": format_vi(points)})
        if rules.needs_comment(points, own, comment):
            raise DomainError(_("Tiêu chí %(item)s: điểm thẩm định (%(value)s) khác điểm tự chấm (%(own)s) nên phải "
                                "ghi nhận xét") % {"item": code, "value": format_vi(points), "own": format_vi(own)})
        before = _set_round(row, prefix, points, comment, actor, now)
        _close_lapsed_window(current, unit, actor)
        _mark_appraising(unit, actor, _("Bắt đầu thẩm định"))
        record("appraisal.item_appraised", current, actor=actor, request=request, before=before,
               after={"item": code, "round": prefix, "points": points, "comment": comment})
    return row


def accept_self_scores(appraisal: Appraisal, codes: list[str], *, actor, request=None) -> list[str]:
    """Round 1: the self-score becomes the round-1 points of each chosen item, recorded per item.

    All or nothing: an item the person may not appraise, or without support (III.3.2.b: it gets
    0, not the self-score), refuses the whole request, naming each such item."""
    now = clock.now()
    assessment = appraisal.assessment
    unit = assessment.period_unit
    cset = assessment.criteria_set.parsed()
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not codes:
        raise DomainError(_("Chưa chọn tiêu chí nào để chấp nhận điểm tự chấm"))
    for code in codes:
        _self_item(appraisal, code)
    with transaction.atomic():
        current = _locked(appraisal)
        if stage_now(current, now) != Stage.ROUND1:
            raise DomainError(_("Chỉ chấp nhận điểm tự chấm ở thẩm định vòng 1 (đang ở giai đoạn «%(stage)s»)")
                              % {"stage": Stage(stage_now(current, now)).label})
        _require_time(unit, appraisal_step(unit), now, current)
        rows = {r.item_code: r for r in ItemAppraisal.objects.filter(appraisal=current, item_code__in=codes)}
        grants = permissions.appraiser_grants(actor, unit)
        refused, unsupported = [], []
        for code in codes:
            row = rows.get(code)
            if row is None or not permissions.grants_cover(grants, row.agency, cset.items_by_code[code].field):
                refused.append(code)
            elif not rules.had_support(snapshot_item(assessment, code)):
                unsupported.append(code)
        errors = []
        if refused:
            errors.append(_("Không được phân công cho bạn: %(items)s") % {"items": ", ".join(refused)})
        if unsupported:
            errors.append(_("Không có tài liệu kiểm chứng, không có giải trình nên chỉ được 0 điểm, không nhận điểm "
                            "tự chấm (mục III.3.2.b): %(items)s") % {"items": ", ".join(unsupported)})
        if errors:
            message = _("Chưa lưu tiêu chí nào")
            raise DomainError(message, errors=[message, *errors])
        for code in codes:
            row = rows[code]
            own = self_points(assessment, code)
            before = _set_round(row, "round1", own, "", actor, now)
            record("appraisal.item_appraised", current, actor=actor, request=request, before=before,
                   after={"item": code, "round": "round1", "points": own, "comment": "", "accepted_self_score": True})
        _mark_appraising(unit, actor, _("Bắt đầu thẩm định"))
    return codes


def confirm_unchanged(appraisal: Appraisal, *, actor, request=None) -> int:
    """Final round: items the unit did not answer keep their round-1 points (for the actor's agencies)."""
    now = clock.now()
    unit = appraisal.assessment.period_unit
    cset = appraisal.assessment.criteria_set.parsed()
    with transaction.atomic():
        grants = permissions.appraiser_grants(actor, unit)
        if not grants:
            raise NotAllowed(_("Bạn không thuộc tổ thẩm định của %(unit)s") % {"unit": unit.name})
        current = _locked(appraisal)
        if stage_now(current, now) != Stage.FINAL:
            raise DomainError(_("Chỉ xác nhận điểm vòng 1 được trong vòng thẩm định cuối"))
        _require_time(unit, appraisal_step(unit), now, current)
        count = 0
        rows = (ItemAppraisal.objects.filter(appraisal=current, final_points__isnull=True, round1_points__isnull=False)
                .prefetch_related("added_evidence"))
        for row in rows:
            field = cset.items_by_code[row.item_code].field
            if not permissions.grants_cover(grants, row.agency, field) or row.explanation.strip() \
                    or row.added_evidence.all():
                continue
            _set_round(row, "final", row.round1_points, row.round1_comment, actor, now)
            count += 1
        if count:
            _close_lapsed_window(current, unit, actor)
            record("appraisal.round1_confirmed", current, actor=actor, request=request, after={"items": count})
    return count


# -- rounds ------------------------------------------------------------------------------------------

def open_explanation(appraisal: Appraisal, until: datetime, *, actor, request=None) -> Appraisal:
    unit = appraisal.assessment.period_unit
    now = clock.now()
    with transaction.atomic():
        locked = _locked(appraisal)
        if not permissions.can_open_explanation(actor, unit):
            raise NotAllowed(_("Chỉ điều phối viên của cấp quản lý %(unit)s mở vòng giải trình") % {"unit": unit.name})
        decision = decision_of(unit.period)
        if not decision.option("explanation_round"):
            raise DomainError(_("Theo %(decision)s không có vòng giải trình: sau thẩm định vòng 1, chuyển sang thẩm "
                                "định cuối") % {"decision": decision.id})
        if locked.stage != Stage.ROUND1:
            raise DomainError(_("Chỉ mở vòng giải trình sau thẩm định vòng 1 (đang ở giai đoạn «%(stage)s»)")
                              % {"stage": Stage(locked.stage).label})
        _require_time(unit, AppraisalStep.EXPLANATION, now)
        missing = list(locked.items.filter(round1_points__isnull=True).values_list("item_code", flat=True))
        if missing:
            raise DomainError(_("Còn %(n)s tiêu chí chưa thẩm định vòng 1: %(items)s")
                              % {"n": len(missing), "items": ", ".join(missing[:10])})
        due, _extended = deadline_for(unit, AppraisalStep.EXPLANATION)
        if until <= now or until > due:
            raise DomainError(_("Hạn giải trình phải sau hiện tại và không muộn hơn %(due)s (đã nhập %(value)s)")
                              % {"value": format_instant(until), "due": format_instant(due)})
        locked.stage, locked.explanation_until = Stage.EXPLANATION, until
        locked.save(update_fields=["stage", "explanation_until"])
        change_state(unit, WorkState.AWAITING_EXPLANATION, actor=actor, reason=_("Mở vòng giải trình"))
        record("appraisal.explanation_opened", locked, actor=actor, request=request, after={"until": until})
    return locked


def close_explanation(appraisal: Appraisal, *, actor, request=None) -> Appraisal:
    """Move to the final round (after the explanation round, or straight after round 1)."""
    unit = appraisal.assessment.period_unit
    with transaction.atomic():
        locked = _locked(appraisal)
        if not permissions.can_close_explanation(actor, unit):
            raise NotAllowed(_("Chỉ điều phối viên hoặc tổ trưởng tổ thẩm định chuyển %(unit)s sang thẩm định cuối")
                             % {"unit": unit.name})
        if locked.stage not in (Stage.ROUND1, Stage.EXPLANATION):
            raise DomainError(_("Đã ở giai đoạn «%(stage)s», không chuyển sang thẩm định cuối được")
                              % {"stage": Stage(locked.stage).label})
        _require_time(unit, appraisal_step(unit), clock.now(), locked)
        missing = list(locked.items.filter(round1_points__isnull=True).values_list("item_code", flat=True))
        if missing:
            raise DomainError(_("Còn %(n)s tiêu chí chưa thẩm định vòng 1: %(items)s")
                              % {"n": len(missing), "items": ", ".join(missing[:10])})
        before = locked.stage
        locked.stage = Stage.FINAL
        locked.save(update_fields=["stage"])
        if unit.state == WorkState.AWAITING_EXPLANATION:
            change_state(unit, WorkState.APPRAISING, actor=actor, reason=_("Kết thúc giải trình"))
        record("appraisal.final_round_opened", locked, actor=actor, request=request,
               before={"stage": before}, after={"stage": Stage.FINAL})
    return locked


def _explanation_row(appraisal: Appraisal, code: str, actor) -> ItemAppraisal:
    """Inside the transaction, under the appraisal's lock: the item's row, after every check of the
    explanation round."""
    unit = appraisal.assessment.period_unit
    if not permissions.can_explain(actor, unit):
        raise NotAllowed(_("Chỉ cán bộ của %(unit)s giải trình") % {"unit": unit.name})
    current = _locked(appraisal)
    row = ItemAppraisal.objects.filter(appraisal=current, item_code=code).first()
    if row is None:
        raise DomainError(_("Tiêu chí %(item)s không có ý kiến thẩm định cần giải trình") % {"item": code})
    row.appraisal = current
    if stage_now(current) != Stage.EXPLANATION:
        raise DomainError(_("Ngoài thời gian giải trình: không bổ sung được tiêu chí %(item)s (vòng giải trình chỉ "
                            "nhận giải trình khi đang mở, đến hạn điều phối viên đặt)") % {"item": code})
    _require_time(unit, AppraisalStep.EXPLANATION, clock.now())
    if not under_comment(row, appraisal.assessment):
        raise DomainError(_("Tiêu chí %(item)s không có ý kiến thẩm định cần giải trình") % {"item": code})
    return row


def explain(appraisal: Appraisal, code: str, text: str, *, actor, request=None) -> ItemAppraisal:
    """The unit answers a comment, in the explanation window, on an item under comment only."""
    text = (text or "").strip()
    with transaction.atomic():
        row = _explanation_row(appraisal, code, actor)
        if not text:
            raise DomainError(_("Tiêu chí %(item)s: nội dung giải trình đang trống") % {"item": code})
        before = {"item": code, "explanation": row.explanation}
        row.explanation, row.explanation_by, row.explanation_at = text, actor, clock.now()
        row.save(update_fields=["explanation", "explanation_by", "explanation_at"])
        record("appraisal.explained", appraisal, actor=actor, request=request, before=before,
               after={"item": code, "explanation": text})
    return row


def add_explanation_upload(appraisal: Appraisal, code: str, uploaded, location: str, *, actor,
                           request=None) -> ExplanationEvidence:
    """A new file for an item under comment: every check first, so a refused step stores no file."""
    from parindex.assessments.files import removed_if_step_fails
    from parindex.assessments.services import evidence_location, store_upload

    with removed_if_step_fails(), transaction.atomic():  # the link fails → the stored file goes too
        _explanation_row(appraisal, code, actor)
        evidence_location(code, getattr(uploaded, "name", None), location)  # before the file is stored (III.2.1)
        evidence = store_upload(appraisal.assessment, uploaded, actor=actor, request=request)
        return add_explanation_evidence(appraisal, code, evidence, location, actor=actor, request=request)


def add_explanation_evidence(appraisal: Appraisal, code: str, evidence: Evidence, location: str, *, actor,
                             request=None) -> ExplanationEvidence:
    from parindex.assessments.services import evidence_location

    with transaction.atomic():
        row = _explanation_row(appraisal, code, actor)
        if evidence.assessment_id != appraisal.assessment_id:
            raise DomainError(_("Tiêu chí %(item)s: tài liệu không thuộc thư viện tài liệu của đơn vị này")
                              % {"item": code})
        link = ExplanationEvidence.objects.create(item=row, evidence=evidence,
                                                  location=evidence_location(code, evidence, location),
                                                  added_by=actor)
        record("appraisal.evidence_added", appraisal, actor=actor, request=request,
               after={"item": code, "evidence": str(evidence), "location": link.location})
    return link


# -- finalizing --------------------------------------------------------------------------------------

def finalize(appraisal: Appraisal, *, actor, request=None) -> Appraisal:
    """The team lead finalizes: the final points become the unit's official result."""
    unit = appraisal.assessment.period_unit
    now = clock.now()
    with transaction.atomic():
        locked = _locked(appraisal)
        if not permissions.can_finalize(actor, locked):
            raise NotAllowed(_("Chỉ tổ trưởng tổ thẩm định chốt kết quả của %(unit)s") % {"unit": unit.name})
        stage = stage_now(locked, now)
        if stage != Stage.FINAL:
            raise DomainError(_("Chỉ chốt được ở vòng thẩm định cuối (đang ở giai đoạn «%(stage)s»)")
                              % {"stage": Stage(stage).label})
        _require_time(unit, AppraisalStep.FINALIZATION, now, locked)
        missing = list(locked.items.filter(final_points__isnull=True).values_list("item_code", flat=True))
        if missing:
            raise DomainError(_("Còn %(n)s tiêu chí chưa có điểm thẩm định cuối: %(items)s")
                              % {"n": len(missing), "items": ", ".join(missing[:10])})
        result = {row.item_code: to_str(row.final_points) for row in locked.items.all()}
        locked.stage = Stage.FINALIZED
        locked.finalized_at, locked.finalized_by = now, actor
        locked.result = result
        locked.correction = False
        locked.save(update_fields=["stage", "finalized_at", "finalized_by", "result", "correction"])
        if unit.state == WorkState.AWAITING_EXPLANATION:  # the window closed by itself, nobody re-scored since
            change_state(unit, WorkState.APPRAISING, actor=actor, reason=_("Hết hạn giải trình"))
        change_state(unit, WorkState.APPRAISED, actor=actor, reason=_("Chốt kết quả thẩm định"))
        total = sum((Decimal(v) for v in result.values()), ZERO)
        record("appraisal.finalized", locked, actor=actor, request=request,
               after={"self_points_appraised": to_str(total)})
    return locked


def reopen(appraisal: Appraisal, reason: str, *, actor, request=None) -> Appraisal:
    unit = appraisal.assessment.period_unit
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _locked(appraisal)
        if not permissions.can_reopen_appraisal(actor, unit):
            raise NotAllowed(_("Chỉ điều phối viên của cấp quản lý %(unit)s mở lại kết quả thẩm định")
                             % {"unit": unit.name})
        if not reason:
            raise DomainError(_("Phải ghi lý do mở lại kết quả thẩm định của %(unit)s") % {"unit": unit.name})
        if locked.stage != Stage.FINALIZED or unit.state not in (WorkState.APPRAISED, WorkState.PUBLISHED):
            raise DomainError(_("Chỉ mở lại được kết quả đã chốt (đang ở giai đoạn «%(stage)s»)")
                              % {"stage": Stage(locked.stage).label})
        locked.stage = Stage.FINAL
        locked.result = None
        locked.correction = True
        locked.save(update_fields=["stage", "result", "correction"])
        if unit.state == WorkState.PUBLISHED:  # a correction: the publication is re-issued as a new version
            change_state(unit, WorkState.APPRAISED, actor=actor, reason=reason)
        change_state(unit, WorkState.APPRAISING, actor=actor, reason=reason)
        record("appraisal.reopened", locked, actor=actor, request=request,
               before={"stage": Stage.FINALIZED}, after={"stage": Stage.FINAL}, reason=reason)
    return locked
