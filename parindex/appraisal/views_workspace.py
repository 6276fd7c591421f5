"""The appraisers' workspace (III.3).

- ``unit_list``: every submitted unit this person may appraise, with its stage and progress.
- ``unit_page``: one unit, item by item: the self-assessment as submitted (points, rubric,
  evidence, explanation) beside the appraisal columns Vòng 1 | Giải trình | Cuối, and the forms.

Who may open which unit and item, and which step buttons show, is answered by
``accounts.permissions`` (``appraisable_units``, ``appraisal_capabilities``); the rules (rounds,
III.3.2.b, deadlines) by ``rules`` and ``services``. A GET writes nothing: before the first
save (or the "Bắt đầu thẩm định" button) the page shows the items with empty appraisal columns.
Domain errors propagate to ``core.middleware.DomainErrorMiddleware`` (messages, 403 or JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, F, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parindex.accounts import permissions
from parindex.assessments.models import Assessment
from parindex.assessments.models import Status as AssessmentStatus
from parindex.board.paging import paginate
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.forms import DateTimeLocalInput
from parindex.periods.models import Period, PeriodCriteriaSet
from parindex.periods.services import deadline_for, may_act
from parindex.periods.timeline import AppraisalStep, appraisal_step, format_instant
from parindex.rulebook.numbers import format_vi
from parindex.units.models import PeriodUnit

from . import rules, services
from .models import Appraisal, Assignment, ItemAppraisal, Stage

FILTERS = {
    "khac": gettext_lazy("Điểm thẩm định khác điểm tự chấm"),
    "khong-tai-lieu": gettext_lazy("Không có tài liệu kiểm chứng"),
    "chua": gettext_lazy("Chưa thẩm định ở vòng hiện tại"),
}


def _load(request, year: int, code: str, *, start: bool = False):
    """The unit (if this person may appraise it), its submitted assessment and its appraisal — None
    until it starts; ``start`` (POST only) starts it through ``services.start``."""
    period = get_object_or_404(Period, year=year)
    unit = (permissions.appraisable_units(request.user, period).select_related("parent", "unit")
            .filter(code=code).first())
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị"))
    unit.period = period
    assessment = (Assessment.objects.filter(period_unit=unit, status=AssessmentStatus.SUBMITTED)
                  .select_related("criteria_set").first())
    if assessment is None:
        raise Http404(_("Đơn vị chưa nộp bản tự đánh giá"))
    assessment.period_unit = unit
    appraisal = services.existing(assessment)
    if appraisal is None and start:
        appraisal = services.start(assessment, actor=request.user, request=request)
    if appraisal is not None:
        appraisal.assessment = assessment
    return unit, assessment, appraisal


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _unit_url(unit, anchor: str = "", loc: str = "") -> str:
    url = reverse("appraisal:unit", args=[unit.period.year, unit.code])
    if loc in FILTERS:
        url += "?" + urlencode({"loc": loc})
    return url + (f"#{anchor}" if anchor else "")


def _back(unit, anchor: str = "", loc: str = ""):
    return redirect(_unit_url(unit, anchor, loc))


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _at(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


# -- the list ------------------------------------------------------------------------------------

@dataclass
class ListRow:
    unit: PeriodUnit
    appraisal: Appraisal | None
    stage: str | None
    done: int
    total: int
    all_items: bool

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label if self.stage else _("Chưa bắt đầu thẩm định")

    @property
    def window_end(self) -> str:
        until = self.appraisal.explanation_until if self.appraisal else None
        return format_instant(until) if until else ""

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def _done(stage: str | None, round1, final) -> bool:
    """An item counts as appraised at this stage: its final points from the final round on, else round 1's."""
    return (final if stage in (Stage.FINAL, Stage.FINALIZED) else round1) is not None


@login_required
def unit_list(request, year: int):
    period = get_object_or_404(Period, year=year)
    levels = permissions.appraisal_levels(request.user, period)
    if not levels.any:
        raise PermissionDenied(_("Bạn không thuộc tổ thẩm định nào và không phải điều phối viên"))
    submitted = (permissions.appraisable_units(request.user, period)
                 .filter(assessment__status=AssessmentStatus.SUBMITTED))
    page = paginate(request, submitted.select_related("parent", "assessment__appraisal")
                    .defer("assessment__snapshot").order_by("kind", "code"))
    units = list(page.object_list)  # the rows below are computed for this page only
    # the page's criteria sets (at most one per kind) once, not their YAML text on every row
    sets = PeriodCriteriaSet.objects.in_bulk({u.assessment.criteria_set_id for u in units})
    started = [a.pk for a in (getattr(u.assessment, "appraisal", None) for u in units) if a is not None]
    rows_of: dict[int, list[tuple[str, str, Decimal | None, Decimal | None]]] = {}
    for appraisal_id, code, agency, r1, final in (ItemAppraisal.objects.filter(appraisal_id__in=started)
                                                  .values_list("appraisal_id", "item_code", "agency",
                                                               "round1_points", "final_points")):
        rows_of.setdefault(appraisal_id, []).append((code, agency, r1, final))
    overrides: dict[str, dict[str, str]] = {}
    for kind, code, agency in Assignment.objects.filter(period=period).values_list("unit_kind", "code", "agency"):
        overrides.setdefault(kind, {})[code] = agency
    rows = []
    for unit in units:
        assessment = unit.assessment
        cset = sets[assessment.criteria_set_id].parsed()
        appraisal = getattr(assessment, "appraisal", None)
        if appraisal is not None:
            items = rows_of.get(appraisal.pk, [])
            stage = services.stage_now(appraisal)
        else:  # not started: each self item with its effective agency, no appraisal yet
            own = overrides.get(unit.kind, {})
            items = [(i.code, rules.effective_agency(i, own), None, None) for i in cset.items if not i.is_survey]
            stage = None
        all_items = levels.sees_all(unit)
        grants = levels.grants_for(unit)
        done = total = 0
        for code, agency, r1, fin in items:
            item = cset.items_by_code.get(code)
            if item is None or not (all_items or permissions.grants_cover(grants, agency, item.field)):
                continue
            total += 1
            done += _done(stage, r1, fin)
        rows.append(ListRow(unit, appraisal, stage, done, total, all_items))
    return render(request, "appraisal/workspace_list.html", {"period": period, "rows": rows, "page": page,
                                                             "stages": _stage_counts(submitted)})


def _stage_counts(units) -> list[tuple[str, str, int]]:
    """How many of these units are at each stage now (not started, round 1, …), counted by the database;
    an explanation round whose window has closed counts as the final round, as ``services.stage_now``."""
    now = clock.now()
    stage = Case(When(assessment__appraisal__isnull=True, then=Value("")),
                 When(assessment__appraisal__stage=Stage.EXPLANATION,
                      assessment__appraisal__explanation_until__lte=now, then=Value(Stage.FINAL)),
                 default=F("assessment__appraisal__stage"), output_field=CharField())
    counts = dict(units.order_by().annotate(stage_now=stage).values_list("stage_now").annotate(n=Count("pk")))
    choices = [("", _("Chưa bắt đầu thẩm định")), *Stage.choices]
    return [(code, label, counts.get(code, 0)) for code, label in choices]


# -- the unit page -------------------------------------------------------------------------------

@dataclass
class ItemRow:
    item: object                 # rulebook Item
    row: ItemAppraisal           # unsaved (empty columns) before the appraisal starts
    own: Decimal | None          # self points as submitted
    explanation: str             # the unit's explanation at submission
    evidence: list[dict]         # the snapshot's evidence
    added: list = field(default_factory=list)   # ExplanationEvidence of the explanation round
    editable: bool = False
    supported: bool = True       # III.3.2.b, at this round (rules.is_supported)
    had_support: bool = True     # III.3.2.b at submission: the self-score may be accepted as is
    round: str | None = None     # "round1" / "final" while points may be entered
    stage: str | None = None

    @property
    def current(self) -> Decimal | None:
        if self.round == "final":
            return self.row.final_points
        if self.round == "round1":
            return self.row.round1_points
        return None

    @property
    def done(self) -> bool:
        return _done(self.stage, self.row.round1_points, self.row.final_points)

    @property
    def current_comment(self) -> str:
        return self.row.final_comment if self.round == "final" else self.row.round1_comment

    @property
    def latest(self) -> Decimal | None:
        return self.row.final_points if self.row.final_points is not None else self.row.round1_points

    @property
    def differs(self) -> bool:
        latest = self.latest
        return latest is not None and latest != (self.own or Decimal(0))

    @property
    def no_evidence(self) -> bool:
        return not self.evidence and not self.added

    @property
    def may_accept_self(self) -> bool:
        return self.round == "round1" and self.editable and self.had_support and self.own is not None

    @property
    def suggested(self) -> Decimal | None:
        """What the form shows: the value entered, else 0 without support, else the previous value."""
        if self.current is not None:
            return self.current
        if not self.supported:
            return Decimal(0)
        if self.round == "final":
            return self.row.round1_points
        return self.own

    @property
    def suggested_input(self) -> str:
        return format_vi(self.suggested) if self.suggested is not None else ""


def _item_rows(unit, assessment: Assessment, appraisal: Appraisal | None, caps, stage: str) -> list[ItemRow]:
    cset = assessment.criteria_set.parsed()
    if appraisal is not None:
        stored = {r.item_code: r for r in appraisal.items.select_related("round1_by", "explanation_by", "final_by")
                  .prefetch_related("added_evidence__evidence", "added_evidence__added_by")}
    else:  # not started: empty columns, each item with its effective agency
        stored = {code: ItemAppraisal(item_code=code, agency=agency)
                  for code, agency in services.agency_map(unit.period, unit.kind, cset).items()}
    current = rules.current_round(stage)
    out = []
    for item in cset.items:
        row = stored.get(item.code)
        if row is None or item.is_survey or not caps.sees(row.agency, item.field):
            continue
        snap = rules.snapshot_item(assessment.snapshot, item.code)
        added = list(row.added_evidence.all()) if row.pk else []
        out.append(ItemRow(
            item=item, row=row, own=Decimal(snap["points"]) if snap.get("points") is not None else None,
            explanation=snap.get("explanation") or "", evidence=list(snap.get("evidence") or []), added=added,
            editable=caps.enters(row.agency, item.field),
            supported=rules.is_supported(snap, row.explanation, len(added), stage),
            had_support=rules.had_support(snap), round=current, stage=stage))
    return out


def _filtered(rows: list[ItemRow], loc: str, current: str | None) -> list[ItemRow]:
    if loc == "khac":
        return [r for r in rows if r.differs]
    if loc == "khong-tai-lieu":
        return [r for r in rows if r.no_evidence]
    if loc == "chua":  # outside round 1 and the final round nothing is waiting for points
        return [r for r in rows if r.current is None] if current else []
    return rows


def _sections(cset, rows: list[ItemRow]):
    by_field: dict[str, list[ItemRow]] = {}
    for r in rows:
        by_field.setdefault(r.item.field, []).append(r)
    return [(f, by_field[f.code]) for f in cset.fields if f.code in by_field]


class OpenExplanationForm(forms.Form):
    until = forms.DateTimeField(label=gettext_lazy("Hạn giải trình (giờ Việt Nam)"), widget=DateTimeLocalInput(),
                                error_messages={"required": gettext_lazy("Chưa nhập hạn giải trình"),
                                                "invalid": gettext_lazy("Thời điểm không hợp lệ")})


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do mở lại"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def unit_page(request, year: int, code: str):
    unit, assessment, appraisal = _load(request, year, code)
    stage = services.stage_now(appraisal) if appraisal is not None else Stage.ROUND1
    caps = permissions.appraisal_capabilities(request.user, unit, stage)
    rows = _item_rows(unit, assessment, appraisal, caps, stage)
    loc = request.GET.get("loc", "")
    loc = loc if loc in FILTERS else ""
    current = rules.current_round(stage)
    shown = _filtered(rows, loc, current)
    cset = assessment.criteria_set.parsed()
    due, _extended = deadline_for(unit, AppraisalStep.EXPLANATION)
    suggestion = min(timezone.localtime(clock.now()) + timedelta(days=7), timezone.localtime(due))
    verdict = may_act(unit, appraisal_step(unit))
    return render(request, "appraisal/unit.html", {
        "period": unit.period, "unit": unit, "assessment": assessment, "appraisal": appraisal, "cset": cset,
        "stage": stage, "stage_label": Stage(stage).label if appraisal else _("Chưa bắt đầu thẩm định"),
        "round": current, "sections": _sections(cset, shown), "count_all": len(rows), "count_shown": len(shown),
        "done": sum(1 for r in rows if r.done), "pending": sum(1 for r in rows if r.round and r.current is None),
        "filters": list(FILTERS.items()), "loc": loc, "caps": caps, "started": appraisal is not None,
        "can_start": appraisal is None and caps.appraiser,
        "can_accept": caps.accept_self and any(r.may_accept_self for r in shown),
        "window_end": format_instant(appraisal.explanation_until) if appraisal and appraisal.explanation_until else "",
        "deadline": format_instant(verdict.deadline) if verdict.deadline else "", "verdict": verdict,
        "open_form": OpenExplanationForm(initial={"until": suggestion.replace(second=0, microsecond=0)}),
    })


@login_required
@require_POST
def start(request, year: int, code: str):
    unit, _assessment, _appraisal = _load(request, year, code, start=True)
    messages.success(request, _("Đã bắt đầu thẩm định %(unit)s") % {"unit": unit.name})
    return _back(unit)


@login_required
@require_POST
def appraise(request, year: int, code: str, item: str):
    unit, assessment, appraisal = _load(request, year, code, start=True)
    loc = request.POST.get("loc", "")
    try:
        row = services.appraise(appraisal, item, request.POST.get("points", ""), request.POST.get("comment", ""),
                                actor=request.user, request=request)
    except DomainError as exc:
        exc.back = exc.back or _unit_url(unit, f"item-{item}", loc)
        raise
    prefix = "round1" if appraisal.stage == Stage.ROUND1 else "final"
    points = getattr(row, f"{prefix}_points")
    if _wants_json(request):
        return JsonResponse({"ok": True, "points": format_vi(points), "round": prefix,
                             "comment": getattr(row, f"{prefix}_comment"),
                             "by": _who(getattr(row, f"{prefix}_by")), "at": _at(getattr(row, f"{prefix}_at")),
                             "done": True})
    messages.success(request, _("Đã lưu điểm thẩm định tiêu chí %(item)s: %(value)s")
                     % {"item": item, "value": format_vi(points)})
    return _back(unit, f"item-{item}", loc)


@login_required
@require_POST
def accept_self(request, year: int, code: str):
    """Round 1: accept the self-score of every checked item at once (each recorded on its own)."""
    unit, assessment, appraisal = _load(request, year, code, start=True)
    loc = request.POST.get("loc", "")
    try:
        codes = services.accept_self_scores(appraisal, request.POST.getlist("codes"), actor=request.user,
                                            request=request)
    except DomainError as exc:
        exc.back = exc.back or _unit_url(unit, "", loc)
        raise
    messages.success(request, _("Đã chấp nhận điểm tự chấm làm điểm thẩm định vòng 1 cho %(n)s tiêu chí: %(items)s")
                     % {"n": len(codes), "items": ", ".join(codes)})
    return _back(unit, "", loc)


def _back_to_steps(view):
    """A refused step returns to the unit page's steps with its messages (DomainErrorMiddleware)."""
    @wraps(view)
    def wrapped(request, year: int, code: str, *args, **kwargs):
        try:
            return view(request, year, code, *args, **kwargs)
        except DomainError as exc:
            if exc.back is None:
                exc.back = reverse("appraisal:unit", args=[year, code]) + "#quy-trinh"
            raise
    return wrapped


def _started(request, year: int, code: str):
    unit, assessment, appraisal = _load(request, year, code)
    if appraisal is None:
        raise DomainError(_("Chưa bắt đầu thẩm định %(unit)s") % {"unit": unit.name}, back=_unit_url(unit))
    return unit, assessment, appraisal


@login_required
@require_POST
@_back_to_steps
def confirm_unchanged(request, year: int, code: str):
    unit, _assessment, appraisal = _started(request, year, code)
    n = services.confirm_unchanged(appraisal, actor=request.user, request=request)
    messages.success(request, _("Đã xác nhận điểm vòng 1 làm điểm thẩm định cuối cho %(n)s tiêu chí không giải "
                                "trình") % {"n": n})
    return _back(unit, "quy-trinh")


@login_required
@require_POST
@_back_to_steps
def open_explanation(request, year: int, code: str):
    unit, _assessment, appraisal = _started(request, year, code)
    form = OpenExplanationForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Chưa mở vòng giải trình"), errors=[e for es in form.errors.values() for e in es],
                          back=_unit_url(unit, "quy-trinh"))
    until = form.cleaned_data["until"]
    services.open_explanation(appraisal, until, actor=request.user, request=request)
    messages.success(request, _("Đã mở vòng giải trình cho %(unit)s đến %(until)s")
                     % {"unit": unit.name, "until": format_instant(until)})
    return _back(unit, "quy-trinh")


@login_required
@require_POST
@_back_to_steps
def final_round(request, year: int, code: str):
    unit, _assessment, appraisal = _started(request, year, code)
    services.close_explanation(appraisal, actor=request.user, request=request)
    messages.success(request, _("Đã chuyển sang vòng thẩm định cuối"))
    return _back(unit, "quy-trinh")


@login_required
@_back_to_steps
def finalize(request, year: int, code: str):
    """GET: the confirmation page with a summary; POST: finalize."""
    unit, assessment, appraisal = _started(request, year, code)
    if request.method == "POST":
        services.finalize(appraisal, actor=request.user, request=request)
        messages.success(request, _("Đã chốt kết quả thẩm định của %(unit)s") % {"unit": unit.name})
        return _back(unit, "quy-trinh")
    stage = services.stage_now(appraisal)
    if not permissions.can_finalize(request.user, appraisal):
        raise PermissionDenied(_("Chỉ tổ trưởng tổ thẩm định chốt kết quả của %(unit)s") % {"unit": unit.name})
    items = list(appraisal.items.all())
    total = sum((r.final_points for r in items if r.final_points is not None), Decimal(0))
    changed = [r.item_code for r in items if r.final_points is not None
               and r.final_points != services.self_points(assessment, r.item_code)]
    missing = [r.item_code for r in items if r.final_points is None]
    warnings = []
    if stage != Stage.FINAL:
        warnings.append(_("Chỉ chốt được ở vòng thẩm định cuối (đang ở giai đoạn «%(stage)s»)")
                        % {"stage": Stage(stage).label})
    if missing:
        warnings.append(_("Còn %(n)s tiêu chí chưa có điểm thẩm định cuối: %(items)s")
                        % {"n": len(missing), "items": ", ".join(missing[:10])})
    verdict = may_act(unit, AppraisalStep.FINALIZATION)
    if not verdict.allowed and not appraisal.correction:
        warnings.append(verdict.message)
    return render(request, "core/confirm.html", {
        "title": _("Chốt kết quả thẩm định: %(unit)s") % {"unit": unit.name},
        "lead": _("Điểm thẩm định cuối trở thành kết quả chính thức của đơn vị; sau khi chốt chỉ điều phối viên "
                  "mở lại được, có ghi lý do."),
        "summary": [(_("Đơn vị"), f"{unit.name} ({unit.code})"),
                    (_("Tổng điểm thẩm định"), format_vi(total)),
                    (_("Số tiêu chí điểm thẩm định khác điểm tự chấm"), str(len(changed))),
                    (_("Số tiêu chí"), str(len(items)))],
        "warnings": warnings, "blocked": bool(warnings),
        "action": reverse("appraisal:finalize", args=[year, code]), "button": _("Chốt kết quả"),
        "cancel": _unit_url(unit, "quy-trinh"),
    })


@login_required
def reopen(request, year: int, code: str):
    unit, _assessment, appraisal = _started(request, year, code)
    if not permissions.can_reopen_appraisal(request.user, unit):
        raise PermissionDenied(_("Chỉ điều phối viên của cấp quản lý %(unit)s mở lại kết quả thẩm định")
                               % {"unit": unit.name})
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(appraisal, form.cleaned_data["reason"], actor=request.user, request=request)
        except DomainError as exc:
            if isinstance(exc, NotAllowed):
                raise  # the middleware's 403 page
            form.add_error(None, exc.message)  # re-displayed with the form
        else:
            messages.success(request, _("Đã mở lại kết quả thẩm định của %(unit)s") % {"unit": unit.name})
            return _back(unit, "quy-trinh")
    return render(request, "appraisal/reopen.html", {"period": unit.period, "unit": unit, "appraisal": appraisal,
                                                     "form": form})
