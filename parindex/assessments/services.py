"""Self-assessment workflow (III.2 of Decision 1679/QĐ-UBND): score, evidence, submit.

Every service has one shape: check state, permission and deadline → atomic → change → audit.
States: draft → awaiting the head's approval → submitted (frozen). The head may send back, or
withdraw a submission before the deadline; after it only the coordinator of that level re-opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from parindex.accounts import permissions
from parindex.appraisal import rules
from parindex.audit.services import record
from parindex.core import clock, errors, locks
from parindex.core.errors import DomainError, NotAllowed
from parindex.core.lengths import limit_of, require_lengths
from parindex.periods import services as period_services
from parindex.rulebook import ScoreError
from parindex.rulebook.engine import validate_scores
from parindex.rulebook.model import CriteriaSet, Item
from parindex.rulebook.numbers import format_vi, to_str
from parindex.units.models import PeriodUnit
from parindex.units.services import change_state
from parindex.units.states import WorkState

from . import files
from .models import Assessment, Evidence, ItemEvidence, ItemScore, Participant, Status


class Conflict(errors.Conflict):
    """Someone else saved the same item since this person loaded it (HTTP 409, like every conflict)."""

    def __init__(self, message, *, current: ItemScore):
        super().__init__(message)
        self.current = current


# -- reading ------------------------------------------------------------------------------------

# The criteria set's YAML text stays out of the sheet's queries: its parsed tree is cached by hash
# (``parse_stored``), and the text is read only when this process has not parsed it yet.
WITHOUT_TEXT = ("criteria_set__source",)


def criteria_of(assessment: Assessment) -> CriteriaSet:
    return assessment.criteria_set.parsed()


def assessment_of(unit: PeriodUnit) -> Assessment:
    """The unit's assessment for the period; before its first change an unsaved, empty one (a page
    that only shows it writes nothing)."""
    assessment = (Assessment.objects.filter(period_unit=unit).select_related("criteria_set", "period_unit")
                  .defer(*WITHOUT_TEXT).first())
    if assessment is not None:
        return assessment
    return Assessment(period_unit=unit,
                      criteria_set=unit.period.criteria_sets.defer("source").get(unit_kind=unit.kind))


def get_or_create(unit: PeriodUnit) -> Assessment:
    """The unit's assessment for the period (created, empty, by the first change: a POST, never a GET)."""
    assessment = (Assessment.objects.filter(period_unit=unit).select_related("criteria_set", "period_unit")
                  .defer(*WITHOUT_TEXT).first())
    if assessment is not None:
        return assessment
    criteria_set = unit.period.criteria_sets.defer("source").get(unit_kind=unit.kind)
    assessment, _ = Assessment.objects.get_or_create(period_unit=unit, defaults={"criteria_set": criteria_set})
    return assessment


def own_step(unit: PeriodUnit) -> str:
    from parindex.board.status import own_step as step
    return step(unit)


@dataclass
class ItemView:
    item: Item
    score: ItemScore | None
    links: list[ItemEvidence]

    @property
    def points(self) -> Decimal | None:
        return self.score.points if self.score else None

    @property
    def has_support(self) -> bool:
        return bool(self.links) or bool(self.score and self.score.explanation.strip())

    @property
    def unlocated(self) -> bool:
        """III.2.1: a linked document that does not say where in it (mục, điểm, khoản…) the content is."""
        return any(not link.location.strip() for link in self.links)

    @property
    def missing_support(self) -> bool:
        """III.3.2.b: points above 0 with neither evidence nor explanation will be given 0."""
        return rules.unsupported_points(self.points, bool(self.links), self.score.explanation if self.score else "")


def item_views(assessment: Assessment) -> dict[str, ItemView]:
    """Every self item with its score and evidence links, in 3 queries whatever the set's size."""
    cset = criteria_of(assessment)
    scores: dict[str, ItemScore] = {}
    links: dict[int, list[ItemEvidence]] = {}
    if assessment.pk is not None:  # an unsaved assessment (nothing changed yet) has neither
        scores = {s.item_code: s for s in assessment.scores.all()}
        for link in (ItemEvidence.objects.filter(score__assessment=assessment).select_related("evidence")
                     .order_by("id")):
            links.setdefault(link.score_id, []).append(link)
    views = {}
    for item in cset.items:
        if item.is_survey:
            continue
        score = scores.get(item.code)
        views[item.code] = ItemView(item, score, links.get(score.pk, []) if score else [])
    return views


@dataclass
class Totals:
    fields: dict[str, Decimal]
    total: Decimal
    maximum: Decimal
    scored: int
    items: int
    unsupported: int


def totals(assessment: Assessment, views: dict[str, ItemView] | None = None) -> Totals:
    cset = criteria_of(assessment)
    views = views if views is not None else item_views(assessment)
    fields = {f.code: Decimal(0) for f in cset.fields}
    for view in views.values():
        if view.points is not None:
            fields[view.item.field] += view.points
    return Totals(fields=fields, total=sum(fields.values(), Decimal(0)), maximum=cset.self_max,
                  scored=sum(1 for v in views.values() if v.points is not None), items=len(views),
                  unsupported=sum(1 for v in views.values() if v.missing_support))


# -- guards ---------------------------------------------------------------------------------------

def _require_editable(assessment: Assessment, actor, at: datetime | None = None) -> None:
    unit = assessment.period_unit
    if not permissions.can_self_assess(actor, unit):
        raise NotAllowed(gettext("Bạn không phải cán bộ được giao tự đánh giá của %(unit)s") % {"unit": unit.name})
    if assessment.status != Status.DRAFT:
        raise DomainError(gettext("Bản tự đánh giá đang ở trạng thái «%(s)s», không sửa được")
                          % {"s": assessment.get_status_display()})
    verdict = period_services.may_act(unit, own_step(unit), at)
    if not verdict.allowed:
        raise DomainError(verdict.message)


def _start(assessment: Assessment, actor) -> None:
    unit = assessment.period_unit
    if unit.state == WorkState.NOT_STARTED:
        change_state(unit, WorkState.SELF_ASSESSING, actor=actor, reason="Bắt đầu tự đánh giá")


def _lock(assessment: Assessment) -> Assessment:
    """Re-read the assessment inside the transaction with its row locked, and only its row.

    The sheet's row is the one lock of every change of the sheet (scores, evidence links,
    participants, import, the steps of its workflow): a save and a submission of the same sheet
    queue one behind the other, saves of other units never meet it. The unit, the period and the
    criteria set are read with it, not locked (``core.locks``; docs/decisions.md, "Locks").
    """
    return locks.lock_one(Assessment.objects.select_related("period_unit__period", "criteria_set")
                          .defer(*WITHOUT_TEXT),
                          pk=assessment.pk)


# -- scoring --------------------------------------------------------------------------------------

def parse_points(assessment: Assessment, code: str, raw: str) -> Decimal | None:
    """Validate one typed value against the item's rubric; '' clears the score."""
    cset = criteria_of(assessment)
    item = cset.items_by_code.get(code)
    unit = assessment.period_unit.name
    if item is None:
        raise DomainError(gettext("%(unit)s: không có tiêu chí mã «%(code)s»") % {"unit": unit, "code": code})
    if item.is_survey:
        raise DomainError(gettext("Tiêu chí %(code)s được chấm qua điều tra xã hội học (ĐTXHH); đơn vị không tự chấm")
                          % {"code": code})
    raw = (raw or "").strip()
    if raw == "":
        return None
    try:
        return validate_scores(cset, {code: raw}, unit)[code]
    except ScoreError as exc:
        raise DomainError(exc.messages[0]) from None


def save_item(assessment: Assessment, code: str, raw_points: str, explanation: str, *, actor,
              version: int | None, at: datetime | None = None, request=None) -> ItemScore:
    """Save one item's points and explanation (draft saving, item by item).

    ``version`` is the version the person loaded; if someone saved the item since, a ``Conflict``
    carries the other value and nothing is written.
    """
    points = parse_points(assessment, code, raw_points)
    explanation = (explanation or "").strip()
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_editable(assessment, actor, at)
        score, _ = ItemScore.objects.get_or_create(assessment=assessment, item_code=code)  # under the sheet's lock
        if version is not None and score.version != version:
            who = score.updated_by.get_username() if score.updated_by else gettext("người khác")
            shown = format_vi(score.points) if score.points is not None else gettext("chưa chấm")
            raise Conflict(gettext("Tiêu chí %(code)s vừa được %(who)s lưu với điểm %(points)s lúc %(time)s; "
                                   "hãy xem lại rồi lưu lần nữa")
                           % {"code": code, "who": who, "points": shown,
                              "time": f"{timezone.localtime(score.updated_at):%H:%M:%S}"},
                           current=score)
        if score.points == points and score.explanation == explanation and score.version > 0:
            return score
        before = {"points": score.points, "explanation": score.explanation}
        score.points = points
        score.explanation = explanation
        score.version += 1
        score.updated_by = actor
        score.updated_at = timezone.now()
        score.save()
        _start(assessment, actor)
        record("assessment.score_changed", assessment, actor=actor, request=request,
               before={"item": code, **before}, after={"item": code, "points": points, "explanation": explanation})
    return score


# -- evidence -------------------------------------------------------------------------------------

def upload_evidence(assessment: Assessment, uploaded, *, actor, at=None, request=None) -> Evidence:
    _require_editable(assessment, actor, at)
    return store_upload(assessment, uploaded, actor=actor, request=request)


def store_upload(assessment: Assessment, uploaded, *, actor, request=None) -> Evidence:
    """Check and store a file in the unit's library (callers check who may, and when)."""
    checked, data = files.check_upload(uploaded)
    existing = assessment.evidence.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing  # one report backs many items without being uploaded twice
    name = files.storage_name(checked)
    with files.removed_if_step_fails(), transaction.atomic():  # a failed step leaves no file behind
        if not default_storage.exists(name):
            try:
                saved = default_storage.save(name, ContentFile(data))
            except Exception as exc:  # OSError on disk, the S3 client's errors: refused, nothing saved
                raise files.storage_refused(checked.name, name) from exc
            files.stored_by_this_step(saved)
            if saved != name:  # pragma: no cover - a storage that renamed it
                name = saved
        try:
            with transaction.atomic():
                evidence = Evidence.objects.create(
                    assessment=assessment, kind=Evidence.Kind.FILE, file=name, sha256=checked.sha256,
                    original_name=checked.name, size=checked.size, content_type=checked.mime, added_by=actor)
        except IntegrityError:
            # the same file uploaded by another request at the same moment: one library entry, theirs
            existing = assessment.evidence.filter(sha256=checked.sha256).first()
            if existing is None:
                raise
            return existing
        record("assessment.evidence_added", assessment, actor=actor, request=request,
               after={"evidence": evidence.pk, "file": checked.name, "sha256": checked.sha256, "size": checked.size})
    return evidence


def add_document(assessment: Assessment, *, number: str, issued_on, issuer: str, summary: str, actor,
                 at=None, request=None) -> Evidence:
    _require_editable(assessment, actor, at)
    number, issuer, summary = (number or "").strip(), (issuer or "").strip(), (summary or "").strip()
    missing = [label for label, value in ((gettext("số hiệu"), number), (gettext("cơ quan ban hành"), issuer),
                                          (gettext("trích yếu"), summary)) if not value]
    if missing:
        raise DomainError(gettext("Văn bản kiểm chứng thiếu: %(missing)s") % {"missing": ", ".join(missing)})
    require_lengths([(gettext("Số hiệu"), number, limit_of(Evidence, "number")),
                     (gettext("Cơ quan ban hành"), issuer, limit_of(Evidence, "issuer")),
                     (gettext("Trích yếu"), summary, limit_of(Evidence, "summary"))])
    with transaction.atomic():
        evidence = Evidence.objects.create(assessment=assessment, kind=Evidence.Kind.DOCUMENT, number=number,
                                           issued_on=issued_on, issuer=issuer, summary=summary, added_by=actor)
        record("assessment.evidence_added", assessment, actor=actor, request=request,
               after={"evidence": evidence.pk, "document": str(evidence)})
    return evidence


def evidence_location(code: str, evidence, location: str | None) -> str:
    """III.2.1: «tài liệu kiểm chứng phải chỉ cụ thể nội dung tại mục, điểm, khoản nào»: every link of a document
    to an item says where in it; the one check of the sheet's links and of the explanation round's."""
    location = (location or "").strip()
    if not location:
        what = str(evidence)[:80] if evidence is not None else gettext("tài liệu")
        raise DomainError(gettext("Tiêu chí %(code)s: hãy ghi vị trí nội dung kiểm chứng trong «%(doc)s» (mục, "
                                  "điểm, khoản hoặc trang); tài liệu kiểm chứng phải chỉ cụ thể nội dung tại mục, "
                                  "điểm, khoản nào (mục III.2.1)") % {"code": code, "doc": what})
    return location


def link_evidence(assessment: Assessment, code: str, evidence: Evidence, location: str, *, actor, at=None,
                  request=None) -> ItemEvidence:
    if evidence.assessment_id != assessment.pk:
        raise DomainError(gettext("Tài liệu không thuộc thư viện tài liệu của đơn vị này"))
    parse_points(assessment, code, "")  # the item exists and is self-assessed
    location = evidence_location(code, evidence, location)
    require_lengths([(gettext("Tiêu chí %(code)s: vị trí trong tài liệu") % {"code": code}, location,
                      limit_of(ItemEvidence, "location"))])
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_editable(assessment, actor, at)
        score, _ = ItemScore.objects.get_or_create(assessment=assessment, item_code=code)
        link, created = ItemEvidence.objects.get_or_create(score=score, evidence=evidence,
                                                           defaults={"location": location})
        if not created and link.location != location:
            link.location = location
            link.save(update_fields=["location"])
        score.version += 1
        score.updated_by = actor
        score.updated_at = timezone.now()
        score.save(update_fields=["version", "updated_by", "updated_at"])
        _start(assessment, actor)
        record("assessment.evidence_linked", assessment, actor=actor, request=request,
               after={"item": code, "evidence": str(evidence), "location": location})
    return link


def unlink_evidence(link: ItemEvidence, *, actor, at=None, request=None) -> None:
    assessment = link.score.assessment
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_editable(assessment, actor, at)
        code = link.score.item_code
        before = {"item": code, "evidence": str(link.evidence), "location": link.location}
        score = link.score
        link.delete()
        score.version += 1
        score.save(update_fields=["version"])
        record("assessment.evidence_unlinked", assessment, actor=actor, request=request, before=before)


# -- participants and report ----------------------------------------------------------------------

def required_roles(unit) -> tuple[str, ...]:
    """The participants the period's decision requires at a unit's self-assessment meeting (III.2.2),
    in its order; () when the decision names none (then at least one participant is still required)."""
    return (period_services.decision_of(unit.period).participants or {}).get(unit.kind, ())


def _recorded_roles(assessment: Assessment) -> list[str]:
    """The role of every recorded participant ("" for others), one query; [] when nobody is recorded."""
    return list(assessment.participants.values_list("role", flat=True)) if assessment.pk else []


def set_participants(assessment: Assessment, rows: list[tuple[str, ...]], *, actor, meeting_date=None,
                     difficulties: str | None = None, at=None, request=None) -> None:
    """Replace the meeting's participants (III.2.2) and the difficulties section.

    ``rows``: (name, position, role), role being one of the decision's required participants for the
    unit's kind (``required_roles``) or "" for anyone else present; (name, position) means role "".
    """
    errors = []
    clean = []
    roles = required_roles(assessment.period_unit)
    for n, row in enumerate(rows, start=1):
        name, position, role = (*row, "")[:3] if len(row) in (2, 3) else ("", "", "")
        name, position, role = (name or "").strip(), (position or "").strip(), (role or "").strip()
        if not name and not position:
            continue
        if not name or not position:
            errors.append(gettext("Dòng %(n)s: cần cả họ tên và chức vụ") % {"n": n})
        if role and role not in roles:
            errors.append(gettext("Dòng %(n)s: thành phần «%(role)s» không có trong quy định (mục III.2.2); "
                                  "chọn một trong: %(roles)s, hoặc để trống")
                          % {"n": n, "role": role[:60], "roles": "; ".join(roles) or "—"})
        for label, value, field in ((gettext("họ và tên"), name, "name"), (gettext("chức vụ"), position, "position")):
            try:
                require_lengths([(label, value, limit_of(Participant, field))])
            except DomainError as exc:
                errors.append(gettext("Dòng %(n)s: %(message)s") % {"n": n, "message": exc.message})
        clean.append((name, position, role))
    if errors:
        raise DomainError(gettext("Danh sách thành phần tham gia chưa đúng"), errors=errors)
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_editable(assessment, actor, at)
        before = {"participants": [_person(p.name, p.position, p.role) for p in assessment.participants.all()],
                  "difficulties": assessment.difficulties,
                  "meeting_date": assessment.meeting_date}
        assessment.participants.all().delete()
        Participant.objects.bulk_create(Participant(assessment=assessment, name=a, position=b, role=c, order=i)
                                        for i, (a, b, c) in enumerate(clean))
        if difficulties is not None:
            assessment.difficulties = difficulties.strip()
        if meeting_date is not None:
            assessment.meeting_date = meeting_date
        assessment.save(update_fields=["difficulties", "meeting_date"])
        _start(assessment, actor)
        record("assessment.report_changed", assessment, actor=actor, request=request, before=before,
               after={"participants": [_person(*row) for row in clean], "difficulties": assessment.difficulties,
                      "meeting_date": assessment.meeting_date})


def _person(name: str, position: str, role: str) -> str:
    return f"{name} — {position}" + (f" ({role})" if role else "")


# -- readiness: what blocks sending to the head and submitting ------------------------------------

LISTED_ITEMS = 20  # items named one by one in a refusal; the rest are counted


@dataclass
class Readiness:
    """The one answer to "may this sheet go to the head / be submitted now?", read by the services
    (which refuse) and the confirmation pages (which show the same list and no button)."""

    unscored: list[Item]
    unsupported: list[Item]   # points above 0 with neither evidence nor explanation (III.3.2.b)
    other: list[str]          # state, permission, deadline, participants
    unlocated: list[Item] = dataclass_field(default_factory=list)  # evidence linked without its location (III.2.1)

    @property
    def blocked(self) -> bool:
        return bool(self.unscored or self.unsupported or self.unlocated or self.other)

    def messages(self, limit: int = LISTED_ITEMS) -> list[str]:
        out = list(self.other)
        for items, what in ((self.unscored, gettext("chưa chấm điểm")),
                            (self.unsupported, gettext("có điểm nhưng không có tài liệu kiểm chứng, "
                                                       "không có giải trình")),
                            (self.unlocated, gettext("có tài liệu kiểm chứng chưa ghi vị trí nội dung "
                                                     "(mục, điểm, khoản — mục III.2.1)"))):
            if not items:
                continue
            out.append(ngettext("%(n)d tiêu chí %(what)s:", "%(n)d tiêu chí %(what)s:", len(items))
                       % {"n": len(items), "what": what})
            out.extend(f"{item.code} {item.title}" for item in items[:limit])
            if len(items) > limit:
                out.append(gettext("và %(n)d tiêu chí khác") % {"n": len(items) - limit})
        return out


def participant_problems(assessment: Assessment) -> list[str]:
    """What the record of the self-assessment meeting lacks before submission (III.2.2): each participant
    the decision requires, with name and position; at least one person when the decision names none."""
    recorded = _recorded_roles(assessment)
    if not recorded:
        return [gettext("Chưa ghi thành phần tham gia tự đánh giá (mục III.2.2); phải có trước khi nộp")]
    missing = [role for role in required_roles(assessment.period_unit) if role not in recorded]
    if missing:
        return [gettext("Chưa ghi đủ thành phần tham gia bắt buộc (mục III.2.2), còn thiếu: %(roles)s; "
                        "phải có trước khi nộp") % {"roles": "; ".join(missing)}]
    return []


def readiness(assessment: Assessment, step: str, *, actor, at: datetime | None = None) -> Readiness:
    """``step`` is "send" (the officer sends to the head) or "submit" (the head approves and submits).

    Every self item must be scored, and an item with points must carry evidence or an explanation:
    the appraisal would give it 0 (III.3.2.b), so it is better caught before the sheet leaves the unit.
    """
    unit = assessment.period_unit
    other: list[str] = []
    if step == "send":
        if not permissions.can_self_assess(actor, unit):
            other.append(gettext("Bạn không phải cán bộ được giao tự đánh giá của %(unit)s") % {"unit": unit.name})
        if assessment.status != Status.DRAFT:
            other.append(gettext("Bản tự đánh giá đang ở trạng thái «%(s)s», không trình được")
                         % {"s": assessment.get_status_display()})
    else:
        if not permissions.can_approve_submission(actor, unit):
            other.append(gettext("Chỉ thủ trưởng %(unit)s được duyệt và nộp bản tự đánh giá") % {"unit": unit.name})
        if assessment.status != Status.AWAITING_APPROVAL:
            other.append(gettext("Chỉ nộp được bản cán bộ đã trình duyệt"))
        other.extend(participant_problems(assessment))
    verdict = period_services.may_act(unit, own_step(unit), at)
    if not verdict.allowed:
        other.append(verdict.message)
    views = item_views(assessment).values()
    return Readiness(unscored=[v.item for v in views if v.points is None],
                     unsupported=[v.item for v in views if v.missing_support], other=other,
                     unlocated=[v.item for v in views if v.unlocated])


def _require_ready(assessment: Assessment, step: str, actor, at) -> None:
    """Refuse, listing every reason (the same list the confirmation page shows); nothing changes."""
    ready = readiness(assessment, step, actor=actor, at=at)
    if not ready.blocked:
        return
    lines = ready.messages()
    if ready.other:
        raise DomainError(lines[0], errors=lines)
    what = gettext("Chưa trình được") if step == "send" else gettext("Chưa nộp được")
    raise DomainError(f"{what}: {lines[0][:-1]}", errors=[f"{what}:", *lines])


# -- workflow -------------------------------------------------------------------------------------

def send_for_approval(assessment: Assessment, *, actor, at=None, request=None) -> Assessment:
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_editable(assessment, actor, at)
        _require_ready(assessment, "send", actor, at)
        assessment.status = Status.AWAITING_APPROVAL
        assessment.sent_back_comment = ""
        assessment.save(update_fields=["status", "sent_back_comment"])
        _start(assessment, actor)
        record("assessment.sent_for_approval", assessment, actor=actor, request=request,
               before={"status": Status.DRAFT}, after={"status": Status.AWAITING_APPROVAL})
    return assessment


def _require_head(assessment: Assessment, actor) -> None:
    if not permissions.can_approve_submission(actor, assessment.period_unit):
        raise NotAllowed(gettext("Chỉ thủ trưởng %(unit)s được duyệt, nộp hoặc rút bản tự đánh giá")
                         % {"unit": assessment.period_unit.name})


def send_back(assessment: Assessment, comment: str, *, actor, at=None, request=None) -> Assessment:
    comment = (comment or "").strip()
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_head(assessment, actor)
        if assessment.status != Status.AWAITING_APPROVAL:
            raise DomainError(gettext("Chỉ trả lại được bản đang chờ duyệt"))
        if not comment:
            raise DomainError(gettext("Phải ghi ý kiến khi trả lại để cán bộ biết cần sửa gì"))
        assessment.status = Status.DRAFT
        assessment.sent_back_comment = comment
        assessment.save(update_fields=["status", "sent_back_comment"])
        record("assessment.sent_back", assessment, actor=actor, request=request,
               before={"status": Status.AWAITING_APPROVAL}, after={"status": Status.DRAFT}, reason=comment)
    return assessment


def build_snapshot(assessment: Assessment) -> dict:
    views = item_views(assessment)
    t = totals(assessment, views)
    return {
        "criteria_set": assessment.criteria_set.set_id,
        "criteria_sha256": assessment.criteria_set.sha256,
        "items": {
            code: {
                "points": to_str(v.points) if v.points is not None else None,
                "explanation": v.score.explanation if v.score else "",
                "evidence": [{"id": link.evidence_id, "label": str(link.evidence), "kind": link.evidence.kind,
                              "sha256": link.evidence.sha256, "location": link.location} for link in v.links],
            }
            for code, v in views.items()
        },
        "fields": {k: to_str(v) for k, v in t.fields.items()},
        "self_points": to_str(t.total),
        "participants": [{"name": p.name, "position": p.position, "role": p.role}
                         for p in assessment.participants.all()],
        "meeting_date": assessment.meeting_date.isoformat() if assessment.meeting_date else None,
        "difficulties": assessment.difficulties,
    }


def sheet_version(assessment: Assessment) -> tuple:
    """Everything a snapshot is built from, as one comparable value (two aggregate queries).

    Every change of a score, an explanation or an evidence link raises that item's version
    (scores are never deleted); participants are replaced by new rows (their count or highest id
    changes); the report's own fields are read from ``assessment`` itself, the object the snapshot
    is built from. Equal values mean the snapshot built in between is still the sheet.
    """
    items = assessment.scores.aggregate(n=Count("id"), versions=Sum("version"))
    people = assessment.participants.aggregate(n=Count("id"), last=Max("id"))
    return (assessment.status, assessment.criteria_set_id, assessment.difficulties, assessment.meeting_date,
            items["n"], items["versions"], people["n"], people["last"])


def approve_and_submit(assessment: Assessment, *, actor, at=None, request=None) -> Assessment:
    """The head approves and submits to the level above; the submitted version is frozen.

    The snapshot is built first, without any lock (the sheet's content is read once, with its
    version); then a short transaction locks the sheet's row only, checks that nothing changed
    since (else a ``Conflict``: look again, then submit), and writes.
    """
    current = (Assessment.objects.select_related("period_unit__period", "criteria_set").defer(*WITHOUT_TEXT)
               .get(pk=assessment.pk))
    _require_head(current, actor)
    seen = sheet_version(current)
    _require_ready(current, "submit", actor, at)
    snapshot = build_snapshot(current)
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_head(assessment, actor)
        unit = assessment.period_unit
        if assessment.status != Status.AWAITING_APPROVAL:
            raise DomainError(gettext("Chỉ nộp được bản cán bộ đã trình duyệt"))
        verdict = period_services.may_act(unit, own_step(unit), at)
        if not verdict.allowed:
            raise DomainError(verdict.message)
        if sheet_version(assessment) != seen:
            raise errors.Conflict(gettext("Bản tự đánh giá của %(unit)s vừa thay đổi trong lúc nộp nên chưa nộp; "
                                          "hãy xem lại rồi nộp lần nữa") % {"unit": unit.name})
        now = clock.now()
        assessment.snapshot = snapshot
        assessment.status = Status.SUBMITTED
        assessment.submitted_at = now
        assessment.submitted_by = actor
        assessment.save(update_fields=["snapshot", "status", "submitted_at", "submitted_by"])
        if unit.state == WorkState.NOT_STARTED:
            change_state(unit, WorkState.SELF_ASSESSING, actor=actor)
        change_state(unit, WorkState.SUBMITTED, actor=actor, reason="Thủ trưởng duyệt và nộp")
        record("assessment.submitted", assessment, actor=actor, request=request,
               before={"status": Status.AWAITING_APPROVAL},
               after={"status": Status.SUBMITTED, "self_points": assessment.snapshot["self_points"]})
    return assessment


def withdraw(assessment: Assessment, *, actor, reason: str = "", at=None, request=None) -> Assessment:
    """Before the deadline the head may take a submission back to correct it."""
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_head(assessment, actor)
        unit = assessment.period_unit
        if assessment.status != Status.SUBMITTED or unit.state != WorkState.SUBMITTED:
            raise DomainError(gettext("Chỉ rút được bản đã nộp và chưa được thẩm định"))
        verdict = period_services.may_act(unit, own_step(unit), at)
        if not verdict.allowed:
            raise DomainError(gettext("%(message)s. Sau hạn, chỉ điều phối viên cấp quản lý mở lại được")
                              % {"message": verdict.message})
        _reopen(assessment, actor, "assessment.withdrawn", reason or "Thủ trưởng rút để sửa", request)
    return assessment


def reopen(assessment: Assessment, reason: str, new_due: datetime, *, actor, request=None) -> Assessment:
    """After the deadline, the coordinator of that level re-opens with a reason and a new deadline."""
    unit = assessment.period_unit
    if not permissions.can_reopen_assessment(actor, unit):
        raise NotAllowed(gettext("Chỉ điều phối viên của cấp quản lý đơn vị này được mở lại bản tự đánh giá"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Phải ghi lý do mở lại"))
    with transaction.atomic():
        assessment = _lock(assessment)
        if assessment.status != Status.SUBMITTED or unit.state != WorkState.SUBMITTED:
            raise DomainError(gettext("Chỉ mở lại được bản đã nộp và chưa được thẩm định"))
        period_services.grant_extension(unit, own_step(unit), new_due, reason, actor=actor, request=request)
        _reopen(assessment, actor, "assessment.reopened", reason, request)
    return assessment


def _reopen(assessment: Assessment, actor, action: str, reason: str, request) -> None:
    assessment.status = Status.DRAFT
    assessment.save(update_fields=["status"])
    change_state(assessment.period_unit, WorkState.SELF_ASSESSING, actor=actor, reason=reason)
    record(action, assessment, actor=actor, request=request, before={"status": Status.SUBMITTED},
           after={"status": Status.DRAFT}, reason=reason)
