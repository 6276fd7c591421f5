"""The appraisers' workspace (III.3) and the unit's explanation round.

- ``unit_list``: every submitted unit this person may appraise, with its stage and progress.
- ``unit_page``: one unit, item by item: the self-assessment as submitted (points, rubric,
  evidence, explanation) beside the appraisal columns Vòng 1 | Giải trình | Cuối, and the form.
- ``explanation_page``: the unit answers the items under comment while the window is open.

Who may appraise what (the same rules for the list and the pages): a member of the team that
appraises the unit sees the items of their agencies (and fields); the team's lead and the
coordinator of that level see every item. Any other unit answers 404, so a handcrafted URL does not
reveal it. Every rule itself (rounds, III.3.2.b, deadlines) is applied by ``services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from parindex.accounts import permissions
from parindex.accounts.models import Role, RoleAssignment
from parindex.assessments import services as assessment_services
from parindex.assessments.models import Assessment, Evidence
from parindex.assessments.models import Status as AssessmentStatus
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.forms import DateTimeLocalInput
from parindex.periods.models import Period
from parindex.periods.timeline import format_instant
from parindex.rulebook.numbers import format_vi
from parindex.units.models import ASSESSED_KINDS, PeriodUnit, UnitKind

from . import services
from .models import Appraisal, Assignment, ItemAppraisal, Stage, Team

PROVINCE = None  # the level key of the provincial team; a district's Unit id for its team
FILTERS = {
    "khac": _("Điểm thẩm định khác điểm tự chấm"),
    "khong-tai-lieu": _("Không có tài liệu kiểm chứng"),
    "chua": _("Chưa thẩm định ở vòng hiện tại"),
}


# -- who may appraise what ----------------------------------------------------------------------

@dataclass
class Levels:
    """What one person may appraise in a period: per level, their grants, or everything."""

    grants: dict[int | None, list[tuple[str, frozenset[str]]]]  # level → (agency, fields)
    full: set[int | None]                                        # levels where they see every item

    @property
    def any(self) -> bool:
        return bool(self.grants) or bool(self.full)

    def units_q(self) -> Q:
        keys = set(self.grants) | self.full
        q = Q(pk__in=[])
        if PROVINCE in keys:
            q |= Q(kind__in=[UnitKind.DEPARTMENT, UnitKind.DISTRICT])
        districts = [k for k in keys if k is not PROVINCE]
        if districts:
            q |= Q(kind=UnitKind.COMMUNE, parent__unit_id__in=districts)
        return q


def _levels(user, period: Period) -> Levels:
    scope = permissions.scope_of(user)
    grants: dict[int | None, list[tuple[str, frozenset[str]]]] = {}
    for a in RoleAssignment.objects.active().filter(user=user, role=Role.APPRAISER):
        grants.setdefault(a.team_district_id, []).append((a.agency, frozenset(a.fields)))
    full = set(Team.objects.filter(period=period, lead=user).values_list("district__unit_id", flat=True))
    if scope.province:
        full.add(PROVINCE)
    full |= set(scope.districts)
    return Levels(grants=grants, full=full)


def _level_of(unit: PeriodUnit) -> int | None:
    return unit.parent.unit_id if unit.kind == UnitKind.COMMUNE else PROVINCE


@dataclass
class Access:
    """One person on one unit: the grants of the team that appraises it, lead, coordinator."""

    grants: list[tuple[str, frozenset[str]]]
    lead: bool
    coordinator: bool

    @property
    def sees_all(self) -> bool:
        return self.lead or self.coordinator

    def sees(self, agency: str, field_code: str) -> bool:
        return self.sees_all or services.may_appraise(self.grants, agency, field_code)

    def may_enter(self, agency: str, field_code: str) -> bool:
        return services.may_appraise(self.grants, agency, field_code)


def _access(user, unit: PeriodUnit) -> Access:
    return Access(grants=services.appraiser_grants(user, unit), lead=services.is_lead(user, unit),
                  coordinator=services.is_coordinator(user, unit))


def _load(request, year: int, code: str):
    """The unit (if this person may appraise it by this route), its submitted assessment and appraisal."""
    period = get_object_or_404(Period, year=year)
    levels = _levels(request.user, period)
    unit = (PeriodUnit.objects.filter(period=period, kind__in=ASSESSED_KINDS).filter(levels.units_q())
            .select_related("parent", "unit").filter(code=code).first())
    if unit is None:
        raise Http404("Không tìm thấy đơn vị")
    unit.period = period
    assessment = (Assessment.objects.filter(period_unit=unit, status=AssessmentStatus.SUBMITTED)
                  .select_related("criteria_set").first())
    if assessment is None:
        raise Http404("Đơn vị chưa nộp bản tự đánh giá")
    assessment.period_unit = unit
    appraisal = services.get_or_start(assessment)
    appraisal.assessment = assessment
    return unit, assessment, appraisal, _access(request.user, unit)


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _back(unit, anchor: str = "", loc: str = ""):
    url = reverse("appraisal:unit", args=[unit.period.year, unit.code])
    if loc in FILTERS:
        url += "?" + urlencode({"loc": loc})
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _at(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _round_of(stage: str) -> str | None:
    return {Stage.ROUND1: "round1", Stage.FINAL: "final"}.get(stage)


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


@login_required
def unit_list(request, year: int):
    period = get_object_or_404(Period, year=year)
    levels = _levels(request.user, period)
    if not levels.any:
        raise PermissionDenied("Bạn không thuộc tổ thẩm định nào và không phải điều phối viên")
    units = list(PeriodUnit.objects.filter(period=period).filter(levels.units_q())
                 .filter(assessment__status=AssessmentStatus.SUBMITTED)
                 .select_related("parent", "assessment__criteria_set", "assessment__appraisal")
                 .defer("assessment__snapshot").order_by("kind", "code"))
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
        cset = assessment.criteria_set.parsed()
        appraisal = getattr(assessment, "appraisal", None)
        if appraisal is not None:
            items = rows_of.get(appraisal.pk, [])
            stage = services.stage_now(appraisal)
        else:  # not opened yet: each self item with its agency as services.agency_map gives it, without a query
            own = overrides.get(unit.kind, {})
            items = [(i.code, own.get(i.criterion) or own.get(i.field) or i.agency, None, None)
                     for i in cset.items if not i.is_survey]
            stage = None
        level = _level_of(unit)
        all_items = level in levels.full
        grants = levels.grants.get(level, [])
        final = stage in (Stage.FINAL, Stage.FINALIZED)
        done = total = 0
        for code, agency, r1, fin in items:
            item = cset.items_by_code.get(code)
            if item is None or not (all_items or services.may_appraise(grants, agency, item.field)):
                continue
            total += 1
            done += (fin if final else r1) is not None
        rows.append(ListRow(unit, appraisal, stage, done, total, all_items))
    return render(request, "appraisal/workspace_list.html", {"period": period, "rows": rows})


# -- the unit page -------------------------------------------------------------------------------

@dataclass
class ItemRow:
    item: object                 # rulebook Item
    row: ItemAppraisal
    own: Decimal | None          # self points as submitted
    explanation: str             # the unit's explanation at submission
    evidence: list[dict]         # the snapshot's evidence
    added: list = field(default_factory=list)   # ExplanationEvidence of the explanation round
    editable: bool = False
    supported: bool = True       # III.3.2.b, at this round
    round: str | None = None     # "round1" / "final" while points may be entered

    @property
    def current(self) -> Decimal | None:
        if self.round == "final":
            return self.row.final_points
        if self.round == "round1":
            return self.row.round1_points
        return None

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


def _item_rows(appraisal: Appraisal, assessment: Assessment, access: Access, stage: str) -> list[ItemRow]:
    cset = assessment.criteria_set.parsed()
    snapshot = (assessment.snapshot or {}).get("items", {})
    rows = {r.item_code: r for r in appraisal.items.select_related("round1_by", "explanation_by", "final_by")
            .prefetch_related("added_evidence__evidence", "added_evidence__added_by")}
    current = _round_of(stage)
    out = []
    for item in cset.items:
        row = rows.get(item.code)
        if row is None or item.is_survey or not access.sees(row.agency, item.field):
            continue
        row.appraisal = appraisal
        snap = snapshot.get(item.code, {"points": None, "explanation": "", "evidence": []})
        added = list(row.added_evidence.all())
        # services.had_support (round 1) / supported_now (later rounds), without a query per item
        explained = bool((snap.get("explanation") or "").strip())
        had = bool(snap.get("evidence")) or explained
        supported = had if stage == Stage.ROUND1 else (had or bool(row.explanation.strip()) or bool(added))
        out.append(ItemRow(
            item=item, row=row, own=Decimal(snap["points"]) if snap.get("points") is not None else None,
            explanation=snap.get("explanation") or "", evidence=list(snap.get("evidence") or []), added=added,
            editable=current is not None and access.may_enter(row.agency, item.field), supported=supported,
            round=current))
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
    until = forms.DateTimeField(label=_("Hạn giải trình (giờ Việt Nam)"), widget=DateTimeLocalInput(),
                                error_messages={"required": _("Chưa nhập hạn giải trình"),
                                                "invalid": _("Thời điểm không hợp lệ")})


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def unit_page(request, year: int, code: str):
    unit, assessment, appraisal, access = _load(request, year, code)
    stage = services.stage_now(appraisal)
    rows = _item_rows(appraisal, assessment, access, stage)
    loc = request.GET.get("loc", "")
    loc = loc if loc in FILTERS else ""
    shown = _filtered(rows, loc, _round_of(stage))
    cset = assessment.criteria_set.parsed()
    suggestion = min(services.now() + timedelta(days=7), timezone.localtime(services.deadline(unit)))
    open_form = OpenExplanationForm(initial={"until": suggestion.replace(second=0, microsecond=0)})
    return render(request, "appraisal/unit.html", {
        "period": unit.period, "unit": unit, "assessment": assessment, "appraisal": appraisal, "cset": cset,
        "stage": stage, "stage_label": Stage(stage).label, "round": _round_of(stage),
        "sections": _sections(cset, shown), "count_all": len(rows), "count_shown": len(shown),
        "pending": sum(1 for r in rows if r.round and r.current is None),
        "filters": list(FILTERS.items()), "loc": loc, "access": access,
        "window_end": format_instant(appraisal.explanation_until) if appraisal.explanation_until else "",
        "deadline": format_instant(services.deadline(unit)),
        "can_confirm": stage == Stage.FINAL and bool(access.grants),
        "can_open": access.coordinator and appraisal.stage == Stage.ROUND1,
        "can_close": access.sees_all and appraisal.stage in (Stage.ROUND1, Stage.EXPLANATION),
        "can_finalize": access.lead and stage == Stage.FINAL,
        "can_reopen": access.coordinator and appraisal.stage == Stage.FINALIZED,
        "open_form": open_form,
    })


@login_required
@require_POST
def appraise(request, year: int, code: str, item: str):
    unit, assessment, appraisal, access = _load(request, year, code)
    loc = request.POST.get("loc", "")
    try:
        row = services.appraise(appraisal, item, request.POST.get("points", ""), request.POST.get("comment", ""),
                                actor=request.user, request=request)
    except NotAllowed as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": exc.message}, status=403)
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": exc.message}, status=400)
        for e in exc.errors:
            messages.error(request, e)
        return _back(unit, f"item-{item}", loc)
    appraisal.refresh_from_db(fields=["stage"])
    prefix = "round1" if appraisal.stage == Stage.ROUND1 else "final"
    points = getattr(row, f"{prefix}_points")
    if _wants_json(request):
        return JsonResponse({"ok": True, "points": format_vi(points), "round": prefix,
                             "comment": getattr(row, f"{prefix}_comment"),
                             "by": _who(getattr(row, f"{prefix}_by")), "at": _at(getattr(row, f"{prefix}_at"))})
    messages.success(request, f"Đã lưu điểm thẩm định tiêu chí {item}: {format_vi(points)}")
    return _back(unit, f"item-{item}", loc)


def _run(request, unit, action, success, anchor: str = ""):
    """Run a service; NotAllowed → 403, DomainError → its messages; back to the unit page."""
    try:
        result = action()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        for e in exc.errors:
            messages.error(request, e)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return _back(unit, anchor)


@login_required
@require_POST
def confirm_unchanged(request, year: int, code: str):
    unit, assessment, appraisal, access = _load(request, year, code)
    return _run(request, unit, lambda: services.confirm_unchanged(appraisal, actor=request.user, request=request),
                lambda n: f"Đã xác nhận điểm vòng 1 làm điểm thẩm định cuối cho {n} tiêu chí không giải trình")


@login_required
@require_POST
def open_explanation(request, year: int, code: str):
    unit, assessment, appraisal, access = _load(request, year, code)
    if not access.coordinator:
        raise PermissionDenied("Chỉ điều phối viên của cấp quản lý đơn vị này mở vòng giải trình")
    form = OpenExplanationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return _back(unit, "quy-trinh")
    until = form.cleaned_data["until"]
    return _run(request, unit, lambda: services.open_explanation(appraisal, until, actor=request.user,
                                                                 request=request),
                f"Đã mở vòng giải trình cho {unit.name} đến {format_instant(until)}", "quy-trinh")


@login_required
@require_POST
def final_round(request, year: int, code: str):
    unit, assessment, appraisal, access = _load(request, year, code)
    return _run(request, unit, lambda: services.close_explanation(appraisal, actor=request.user, request=request),
                "Đã chuyển sang vòng thẩm định cuối", "quy-trinh")


@login_required
@require_POST
def finalize(request, year: int, code: str):
    unit, assessment, appraisal, access = _load(request, year, code)
    return _run(request, unit, lambda: services.finalize(appraisal, actor=request.user, request=request),
                f"Đã chốt kết quả thẩm định của {unit.name}", "quy-trinh")


@login_required
def reopen(request, year: int, code: str):
    unit, assessment, appraisal, access = _load(request, year, code)
    if not access.coordinator:
        raise PermissionDenied("Chỉ điều phối viên của cấp quản lý đơn vị này mở lại kết quả thẩm định")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(appraisal, form.cleaned_data["reason"], actor=request.user, request=request)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã mở lại kết quả thẩm định của {unit.name}")
            return _back(unit, "quy-trinh")
    return render(request, "appraisal/reopen.html", {"period": unit.period, "unit": unit, "appraisal": appraisal,
                                                     "form": form})


# -- the unit's explanation round ----------------------------------------------------------------

def _load_unit(request, year: int, code: str):
    """The unit among those this person may see, and its appraisal (None before it starts)."""
    period = get_object_or_404(Period, year=year)
    unit = permissions.get_unit_or_404(request.user, period, code)
    if unit.kind not in ASSESSED_KINDS:
        raise Http404
    unit.period = period
    appraisal = (Appraisal.objects.filter(assessment__period_unit=unit, assessment__status=AssessmentStatus.SUBMITTED)
                 .select_related("assessment__criteria_set").first())
    if appraisal is not None:
        appraisal.assessment.period_unit = unit
    return unit, appraisal


def _back_explanation(unit, anchor: str = ""):
    url = reverse("explanation:page", args=[unit.period.year, unit.code])
    return redirect(url + (f"#{anchor}" if anchor else ""))


class AddEvidenceForm(forms.Form):
    evidence = forms.IntegerField(required=False)
    file = forms.FileField(required=False, allow_empty_file=True)
    # no max_length here: an invalid form would drop the text silently; ExplanationEvidence.save refuses
    # a location longer than its column with a clear message (parindex.core.lengths)
    location = forms.CharField(required=False)


@login_required
def explanation_page(request, year: int, code: str):
    unit, appraisal = _load_unit(request, year, code)
    user = request.user
    is_officer = permissions.can_self_assess(user, unit)
    context = {"period": unit.period, "unit": unit, "appraisal": appraisal, "is_officer": is_officer,
               "rows": [], "stage": None, "open": False, "library": [], "appraiser": False}
    if appraisal is None:
        return render(request, "appraisal/explanation.html", context)
    assessment = appraisal.assessment
    stage = services.stage_now(appraisal)
    cset = assessment.criteria_set.parsed()
    rows = []
    if stage != Stage.ROUND1:  # round-1 results reach the unit when the coordinator opens the window
        items = (appraisal.items.filter(round1_points__isnull=False).select_related("round1_by", "explanation_by")
                 .prefetch_related("added_evidence__evidence", "added_evidence__added_by"))
        for row in items:
            if not services.under_comment(row, assessment):
                continue
            snap = services.snapshot_item(assessment, row.item_code)
            rows.append({"item": cset.items_by_code[row.item_code], "row": row, "added": list(row.added_evidence.all()),
                         "own": snap["points"], "evidence": snap["evidence"],
                         "unit_explanation": snap.get("explanation") or ""})
        order = {code: n for n, code in enumerate(cset.items_by_code)}
        rows.sort(key=lambda r: order.get(r["row"].item_code, 0))
    is_open = stage == Stage.EXPLANATION
    access = _access(user, unit)
    context.update({
        "rows": rows, "stage": stage, "stage_label": Stage(stage).label, "open": is_open,
        "editable": is_open and is_officer,
        "window_end": format_instant(appraisal.explanation_until) if appraisal.explanation_until else "",
        "library": list(assessment.evidence.all()) if is_open and is_officer else [],
        "appraiser": access.sees_all or bool(access.grants),
    })
    return render(request, "appraisal/explanation.html", context)


def _explanation_action(request, year: int, code: str):
    unit, appraisal = _load_unit(request, year, code)
    if appraisal is None:
        raise Http404("Chưa có kết quả thẩm định")
    return unit, appraisal


@login_required
@require_POST
def explain(request, year: int, code: str, item: str):
    unit, appraisal = _explanation_action(request, year, code)
    try:
        services.explain(appraisal, item, request.POST.get("explanation", ""), actor=request.user, request=request)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        for e in exc.errors:
            messages.error(request, e)
    else:
        messages.success(request, f"Đã lưu giải trình tiêu chí {item}")
    return _back_explanation(unit, f"item-{item}")


@login_required
@require_POST
def add_evidence(request, year: int, code: str, item: str):
    unit, appraisal = _explanation_action(request, year, code)
    if not permissions.can_self_assess(request.user, unit):
        raise PermissionDenied(f"Chỉ cán bộ của {unit.name} giải trình")
    form = AddEvidenceForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    uploaded, chosen, location = data.get("file"), data.get("evidence"), data.get("location") or ""
    try:
        if services.stage_now(appraisal) != Stage.EXPLANATION:  # before storing anything
            raise DomainError("Ngoài thời gian giải trình: không bổ sung được")
        if uploaded is not None:
            with transaction.atomic():  # stored, then checked by the service's guard; refused → nothing kept
                evidence = assessment_services.store_upload(appraisal.assessment, uploaded, actor=request.user,
                                                            request=request)
                services.add_explanation_evidence(appraisal, item, evidence, location, actor=request.user,
                                                  request=request)
        else:
            evidence = Evidence.objects.filter(pk=chosen, assessment=appraisal.assessment).first() if chosen else None
            if evidence is None:
                raise DomainError(f"Tiêu chí {item}: chưa chọn tài liệu trong thư viện hoặc tệp mới")
            services.add_explanation_evidence(appraisal, item, evidence, location, actor=request.user,
                                              request=request)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        for e in exc.errors:
            messages.error(request, e)
    else:
        messages.success(request, f"Đã bổ sung tài liệu «{evidence}» cho tiêu chí {item}")
    return _back_explanation(unit, f"item-{item}")
