"""Appraisal workflow (III.3): round 1 → the unit's explanation → final → finalized.

Rules applied here, each with its article:
- III.3.1: departments and districts are appraised by the provincial team, communes by their
  district's team; each member agency appraises the items assigned to it.
- III.3.2.a: the appraisal rests on the evidence the unit submitted.
- III.3.2.b: an item with neither evidence nor explanation is given 0; more only if the unit adds
  evidence (or an explanation) in the explanation round.
- V.2 / V.4: communes are appraised before the district's publication deadline; departments
  and districts by the end of the provincial appraisal window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from parindex.accounts import permissions
from parindex.accounts.models import Role, RoleAssignment
from parindex.assessments.models import Assessment, Evidence
from parindex.assessments.models import Status as AssessmentStatus
from parindex.audit.services import record
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.timeline import format_instant
from parindex.rulebook import ScoreError
from parindex.rulebook.engine import validate_scores
from parindex.rulebook.numbers import format_vi, to_str
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.services import change_state
from parindex.units.states import WorkState

from .models import Appraisal, Assignment, ExplanationEvidence, ItemAppraisal, Stage, Team

ZERO = Decimal(0)


# -- who appraises what -------------------------------------------------------------------------

def agency_map(period, unit_kind: str, cset) -> dict[str, str]:
    """Effective agency of every self item: criterion override > field override > the set's own."""
    overrides = dict(Assignment.objects.filter(period=period, unit_kind=unit_kind).values_list("code", "agency"))
    out = {}
    for item in cset.items:
        if item.is_survey:
            continue
        out[item.code] = overrides.get(item.criterion) or overrides.get(item.field) or item.agency
    return out


def team_for(unit: PeriodUnit) -> Team:
    district = unit.parent if unit.kind == UnitKind.COMMUNE else None
    team, _ = Team.objects.get_or_create(period=unit.period, district=district)
    return team


def appraiser_grants(user, unit: PeriodUnit) -> list[tuple[str, frozenset[str]]]:
    """(agency, fields — empty for all) the person holds on the team that appraises this unit."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = RoleAssignment.objects.active().filter(user=user, role=Role.APPRAISER)
    if unit.kind == UnitKind.COMMUNE:
        qs = qs.filter(team_district_id=unit.parent.unit_id)
    else:
        qs = qs.filter(team_district__isnull=True)
    return [(a.agency, frozenset(a.fields)) for a in qs]


def may_appraise(grants, agency: str, field: str) -> bool:
    return any(a == agency and (not fields or field in fields) for a, fields in grants)


def is_lead(user, unit: PeriodUnit) -> bool:
    team = Team.objects.filter(period=unit.period, district=unit.parent if unit.kind == UnitKind.COMMUNE
                               else None).first()
    return team is not None and team.lead_id == getattr(user, "pk", None)


def is_coordinator(user, unit: PeriodUnit) -> bool:
    """The coordinator of that level: the district for its communes, Sở Nội vụ for the rest."""
    return permissions.can_grant_extension(user, unit)


# -- reading ---------------------------------------------------------------------------------------

def snapshot_item(assessment: Assessment, code: str) -> dict:
    return (assessment.snapshot or {}).get("items", {}).get(code, {"points": None, "explanation": "", "evidence": []})


def self_points(assessment: Assessment, code: str) -> Decimal:
    raw = snapshot_item(assessment, code)["points"]
    return Decimal(raw) if raw is not None else ZERO


def had_support(assessment: Assessment, code: str) -> bool:
    item = snapshot_item(assessment, code)
    return bool(item["evidence"]) or bool((item.get("explanation") or "").strip())


def supported_now(row: ItemAppraisal) -> bool:
    """III.3.2.b: support at submission, or added by the unit in the explanation round."""
    assessment = row.appraisal.assessment
    return had_support(assessment, row.item_code) or bool(row.explanation.strip()) or row.added_evidence.exists()


def under_comment(row: ItemAppraisal, assessment: Assessment) -> bool:
    """Items the unit may answer in the explanation round."""
    return row.round1_points is not None and (
        row.round1_points != self_points(assessment, row.item_code) or bool(row.round1_comment.strip()))


def get_or_start(assessment: Assessment) -> Appraisal:
    """The appraisal of a submitted self-assessment, with one row per self item and its agency."""
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise DomainError(f"{assessment.period_unit.name} chưa nộp bản tự đánh giá, chưa thẩm định được")
    existing = Appraisal.objects.filter(assessment=assessment).first()
    if existing is not None:
        return existing
    unit = assessment.period_unit
    cset = assessment.criteria_set.parsed()
    agencies = agency_map(unit.period, unit.kind, cset)
    with transaction.atomic():
        appraisal, created = Appraisal.objects.get_or_create(assessment=assessment)
        if created:
            ItemAppraisal.objects.bulk_create(
                ItemAppraisal(appraisal=appraisal, item_code=code, agency=agency) for code, agency in agencies.items())
    return appraisal


def stage_now(appraisal: Appraisal, now: datetime | None = None) -> str:
    """The explanation round ends by itself when its window closes."""
    now = now or clock.now()
    if appraisal.stage == Stage.EXPLANATION and appraisal.explanation_until and now >= appraisal.explanation_until:
        return Stage.FINAL
    return appraisal.stage


def deadline(unit: PeriodUnit) -> datetime:
    period = unit.period
    return period.district_publish_due if unit.kind == UnitKind.COMMUNE else period.appraisal_end


def _require_in_time(unit: PeriodUnit, now: datetime, appraisal: Appraisal | None = None) -> None:
    if appraisal is not None and appraisal.correction:
        return  # re-opened by the coordinator with a reason: a correction may come after the deadline
    due = deadline(unit)
    if now >= due:
        what = "thẩm định, công bố cấp xã" if unit.kind == UnitKind.COMMUNE else "thẩm định của tỉnh"
        raise DomainError(f"Đã quá hạn {what}: hạn cuối {format_instant(due)}")


# -- appraising ------------------------------------------------------------------------------------

def appraise(appraisal: Appraisal, code: str, raw_points: str, comment: str, *, actor, request=None) -> ItemAppraisal:
    """Enter the appraised points of one item in the current round (round 1 or final)."""
    now = clock.now()
    assessment = appraisal.assessment
    unit = assessment.period_unit
    cset = assessment.criteria_set.parsed()
    item = cset.items_by_code.get(code)
    if item is None or item.is_survey:
        raise DomainError(f"Không có tiêu chí tự đánh giá mã «{code}»")
    comment = (comment or "").strip()
    with transaction.atomic():
        appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        stage = stage_now(appraisal, now)
        if stage not in (Stage.ROUND1, Stage.FINAL):
            raise DomainError(f"Đang ở giai đoạn «{Stage(stage).label}», chưa nhập điểm thẩm định được")
        row = ItemAppraisal.objects.select_for_update().get(appraisal=appraisal, item_code=code)
        if not may_appraise(appraiser_grants(actor, unit), row.agency, item.field):
            raise NotAllowed(f"Tiêu chí {code} của {unit.name} không được phân công cho bạn")
        _require_in_time(unit, now, appraisal)
        raw = (raw_points or "").strip()
        if raw == "":
            raise DomainError(f"Tiêu chí {code}: chưa nhập điểm thẩm định")
        try:
            points = validate_scores(cset, {code: raw}, unit.name)[code]
        except ScoreError as exc:
            raise DomainError(exc.messages[0]) from None
        supported = had_support(assessment, code) if stage == Stage.ROUND1 else supported_now(row)
        if points > 0 and not supported:
            raise DomainError(f"Tiêu chí {code}: không có tài liệu kiểm chứng, không có giải trình — chỉ cho 0 điểm "
                              "(mục III.3.2.b), trừ khi đơn vị bổ sung trong vòng giải trình")
        own = self_points(assessment, code)
        if points != own and not comment:
            raise DomainError(f"Tiêu chí {code}: điểm thẩm định ({format_vi(points)}) khác điểm tự chấm "
                              f"({format_vi(own)}) nên phải ghi nhận xét")
        prefix = "round1" if stage == Stage.ROUND1 else "final"
        before = {"round": prefix, "points": getattr(row, f"{prefix}_points"),
                  "comment": getattr(row, f"{prefix}_comment")}
        setattr(row, f"{prefix}_points", points)
        setattr(row, f"{prefix}_comment", comment)
        setattr(row, f"{prefix}_by", actor)
        setattr(row, f"{prefix}_at", now)
        row.save()
        if appraisal.stage == Stage.EXPLANATION:  # the window closed by itself
            appraisal.stage = Stage.FINAL
            appraisal.save(update_fields=["stage"])
            if unit.state == WorkState.AWAITING_EXPLANATION:
                change_state(unit, WorkState.APPRAISING, actor=actor, reason="Hết hạn giải trình")
        if unit.state == WorkState.SUBMITTED:
            change_state(unit, WorkState.APPRAISING, actor=actor, reason="Bắt đầu thẩm định")
        record("appraisal.item_appraised", appraisal, actor=actor, request=request, before=before,
               after={"item": code, "round": prefix, "points": points, "comment": comment})
    return row


def confirm_unchanged(appraisal: Appraisal, *, actor, request=None) -> int:
    """Final round: items the unit did not answer keep their round-1 points (for the actor's agencies)."""
    now = clock.now()
    unit = appraisal.assessment.period_unit
    cset = appraisal.assessment.criteria_set.parsed()
    grants = appraiser_grants(actor, unit)
    if not grants:
        raise NotAllowed("Bạn không thuộc tổ thẩm định của đơn vị này")
    if stage_now(appraisal, now) != Stage.FINAL:
        raise DomainError("Chỉ xác nhận được trong vòng thẩm định cuối")
    _require_in_time(unit, now, appraisal)
    count = 0
    with transaction.atomic():
        for row in appraisal.items.select_for_update().filter(final_points__isnull=True, round1_points__isnull=False):
            field = cset.items_by_code[row.item_code].field
            if not may_appraise(grants, row.agency, field) or row.explanation.strip() or row.added_evidence.exists():
                continue
            row.final_points, row.final_comment = row.round1_points, row.round1_comment
            row.final_by, row.final_at = actor, now
            row.save()
            count += 1
        if count:
            record("appraisal.round1_confirmed", appraisal, actor=actor, request=request, after={"items": count})
    return count


# -- rounds ------------------------------------------------------------------------------------------

def open_explanation(appraisal: Appraisal, until: datetime, *, actor, request=None) -> Appraisal:
    unit = appraisal.assessment.period_unit
    if not is_coordinator(actor, unit):
        raise NotAllowed("Chỉ điều phối viên của cấp quản lý đơn vị này mở vòng giải trình")
    now = clock.now()
    if appraisal.stage != Stage.ROUND1:
        raise DomainError("Chỉ mở vòng giải trình sau thẩm định vòng 1")
    missing = list(appraisal.items.filter(round1_points__isnull=True).values_list("item_code", flat=True))
    if missing:
        raise DomainError(f"Còn {len(missing)} tiêu chí chưa thẩm định vòng 1: {', '.join(missing[:10])}")
    if until <= now or until > deadline(unit):
        raise DomainError(f"Hạn giải trình phải sau hiện tại và không muộn hơn {format_instant(deadline(unit))}")
    with transaction.atomic():
        appraisal.stage = Stage.EXPLANATION
        appraisal.explanation_until = until
        appraisal.save(update_fields=["stage", "explanation_until"])
        change_state(unit, WorkState.AWAITING_EXPLANATION, actor=actor, reason="Mở vòng giải trình")
        record("appraisal.explanation_opened", appraisal, actor=actor, request=request,
               after={"until": until})
    return appraisal


def close_explanation(appraisal: Appraisal, *, actor, request=None) -> Appraisal:
    """Move to the final round (after the explanation round, or straight after round 1)."""
    unit = appraisal.assessment.period_unit
    if not (is_coordinator(actor, unit) or is_lead(actor, unit)):
        raise NotAllowed("Chỉ điều phối viên hoặc tổ trưởng tổ thẩm định chuyển sang thẩm định cuối")
    if appraisal.stage not in (Stage.ROUND1, Stage.EXPLANATION):
        raise DomainError("Đã ở vòng thẩm định cuối")
    if appraisal.items.filter(round1_points__isnull=True).exists():
        raise DomainError("Còn tiêu chí chưa thẩm định vòng 1")
    with transaction.atomic():
        before = appraisal.stage
        appraisal.stage = Stage.FINAL
        appraisal.save(update_fields=["stage"])
        if unit.state == WorkState.AWAITING_EXPLANATION:
            change_state(unit, WorkState.APPRAISING, actor=actor, reason="Kết thúc giải trình")
        record("appraisal.final_round_opened", appraisal, actor=actor, request=request,
               before={"stage": before}, after={"stage": Stage.FINAL})
    return appraisal


def explain(appraisal: Appraisal, code: str, text: str, *, actor, request=None) -> ItemAppraisal:
    """The unit answers a comment, in the explanation window, on an item under comment only."""
    row, unit = _explanation_guard(appraisal, code, actor)
    text = (text or "").strip()
    if not text:
        raise DomainError(f"Tiêu chí {code}: nội dung giải trình đang trống")
    with transaction.atomic():
        before = {"item": code, "explanation": row.explanation}
        row.explanation, row.explanation_by, row.explanation_at = text, actor, clock.now()
        row.save(update_fields=["explanation", "explanation_by", "explanation_at"])
        record("appraisal.explained", appraisal, actor=actor, request=request, before=before,
               after={"item": code, "explanation": text})
    return row


def add_explanation_evidence(appraisal: Appraisal, code: str, evidence: Evidence, location: str, *, actor,
                             request=None) -> ExplanationEvidence:
    row, unit = _explanation_guard(appraisal, code, actor)
    if evidence.assessment_id != appraisal.assessment_id:
        raise DomainError("Tài liệu không thuộc thư viện tài liệu của đơn vị này")
    with transaction.atomic():
        link = ExplanationEvidence.objects.create(item=row, evidence=evidence, location=(location or "").strip(),
                                                  added_by=actor)
        record("appraisal.evidence_added", appraisal, actor=actor, request=request,
               after={"item": code, "evidence": str(evidence), "location": link.location})
    return link


def _explanation_guard(appraisal: Appraisal, code: str, actor):
    unit = appraisal.assessment.period_unit
    if not permissions.can_self_assess(actor, unit):
        raise NotAllowed(f"Chỉ cán bộ của {unit.name} giải trình")
    if stage_now(appraisal) != Stage.EXPLANATION:
        raise DomainError("Ngoài thời gian giải trình: không bổ sung được")
    row = appraisal.items.filter(item_code=code).first()
    if row is None or not under_comment(row, appraisal.assessment):
        raise DomainError(f"Tiêu chí {code} không có ý kiến thẩm định cần giải trình")
    return row, unit


# -- finalizing --------------------------------------------------------------------------------------

def finalize(appraisal: Appraisal, *, actor, request=None) -> Appraisal:
    """The team lead finalizes: the final points become the unit's official result."""
    unit = appraisal.assessment.period_unit
    if not is_lead(actor, unit):
        raise NotAllowed("Chỉ tổ trưởng tổ thẩm định chốt kết quả")
    _require_in_time(unit, clock.now(), appraisal)
    if stage_now(appraisal) != Stage.FINAL:
        raise DomainError("Chỉ chốt được ở vòng thẩm định cuối")
    missing = list(appraisal.items.filter(final_points__isnull=True).values_list("item_code", flat=True))
    if missing:
        raise DomainError(f"Còn {len(missing)} tiêu chí chưa có điểm thẩm định cuối: {', '.join(missing[:10])}")
    with transaction.atomic():
        result = {row.item_code: to_str(row.final_points) for row in appraisal.items.all()}
        appraisal.stage = Stage.FINALIZED
        appraisal.finalized_at, appraisal.finalized_by = clock.now(), actor
        appraisal.result = result
        appraisal.correction = False
        appraisal.save(update_fields=["stage", "finalized_at", "finalized_by", "result", "correction"])
        if unit.state == WorkState.AWAITING_EXPLANATION:  # the window closed by itself, nobody re-scored since
            change_state(unit, WorkState.APPRAISING, actor=actor, reason="Hết hạn giải trình")
        change_state(unit, WorkState.APPRAISED, actor=actor, reason="Chốt kết quả thẩm định")
        total = sum((Decimal(v) for v in result.values()), ZERO)
        record("appraisal.finalized", appraisal, actor=actor, request=request,
               after={"self_points_appraised": to_str(total)})
    return appraisal


def reopen(appraisal: Appraisal, reason: str, *, actor, request=None) -> Appraisal:
    unit = appraisal.assessment.period_unit
    if not is_coordinator(actor, unit):
        raise NotAllowed("Chỉ điều phối viên của cấp quản lý đơn vị này mở lại kết quả thẩm định")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Phải ghi lý do mở lại")
    if appraisal.stage != Stage.FINALIZED or unit.state not in (WorkState.APPRAISED, WorkState.PUBLISHED):
        raise DomainError("Chỉ mở lại được kết quả đã chốt")
    with transaction.atomic():
        appraisal.stage = Stage.FINAL
        appraisal.result = None
        appraisal.correction = True
        appraisal.save(update_fields=["stage", "result", "correction"])
        if unit.state == WorkState.PUBLISHED:  # a correction: the publication is re-issued as a new version
            change_state(unit, WorkState.APPRAISED, actor=actor, reason=reason)
        change_state(unit, WorkState.APPRAISING, actor=actor, reason=reason)
        record("appraisal.reopened", appraisal, actor=actor, request=request,
               before={"stage": Stage.FINALIZED}, after={"stage": Stage.FINAL}, reason=reason)
    return appraisal


@dataclass
class Progress:
    unit: PeriodUnit
    appraisal: Appraisal | None
    done: int
    total: int


def official_points(appraisal: Appraisal) -> dict[str, str] | None:
    return appraisal.result if appraisal.stage == Stage.FINALIZED else None


def now() -> datetime:
    return timezone.localtime(clock.now())
