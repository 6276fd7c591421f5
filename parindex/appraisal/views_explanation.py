"""The unit's explanation round (III.3.2): the unit answers the items under comment while the
window the coordinator opened is open, and may add evidence.

Who may answer is ``permissions.can_explain``; which items are under comment is
``rules.under_comment``; every check is made by ``services`` inside its transaction, before any
file is stored. Domain errors propagate to ``core.middleware.DomainErrorMiddleware``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.accounts import permissions
from parindex.assessments.models import Evidence
from parindex.assessments.models import Status as AssessmentStatus
from parindex.core.errors import DomainError
from parindex.periods.models import Period
from parindex.periods.timeline import format_instant
from parindex.units.models import ASSESSED_KINDS

from . import rules, services
from .models import Appraisal, Stage


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


def _page_url(unit, anchor: str = "") -> str:
    return reverse("explanation:page", args=[unit.period.year, unit.code]) + (f"#{anchor}" if anchor else "")


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
    is_officer = permissions.can_explain(user, unit)
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
            snap = rules.snapshot_item(assessment.snapshot, row.item_code)
            if not rules.under_comment(row.round1_points, row.round1_comment, rules.self_points(snap)):
                continue
            rows.append({"item": cset.items_by_code[row.item_code], "row": row, "added": list(row.added_evidence.all()),
                         "own": snap["points"], "evidence": snap["evidence"],
                         "unit_explanation": snap.get("explanation") or ""})
        order = {code: n for n, code in enumerate(cset.items_by_code)}
        rows.sort(key=lambda r: order.get(r["row"].item_code, 0))
    is_open = stage == Stage.EXPLANATION
    caps = permissions.appraisal_capabilities(user, unit, stage)
    context.update({
        "rows": rows, "stage": stage, "stage_label": Stage(stage).label, "open": is_open,
        "editable": is_open and is_officer,
        "window_end": format_instant(appraisal.explanation_until) if appraisal.explanation_until else "",
        "library": list(assessment.evidence.all()) if is_open and is_officer else [],
        "appraiser": caps.appraiser,
    })
    return render(request, "appraisal/explanation.html", context)


def _explanation_action(request, year: int, code: str):
    unit, appraisal = _load_unit(request, year, code)
    if appraisal is None:
        raise Http404(_("Chưa có kết quả thẩm định"))
    return unit, appraisal


@login_required
@require_POST
def explain(request, year: int, code: str, item: str):
    unit, appraisal = _explanation_action(request, year, code)
    try:
        services.explain(appraisal, item, request.POST.get("explanation", ""), actor=request.user, request=request)
    except DomainError as exc:
        exc.back = exc.back or _page_url(unit, f"item-{item}")
        raise
    messages.success(request, _("Đã lưu giải trình tiêu chí %(item)s") % {"item": item})
    return redirect(_page_url(unit, f"item-{item}"))


@login_required
@require_POST
def add_evidence(request, year: int, code: str, item: str):
    unit, appraisal = _explanation_action(request, year, code)
    if not permissions.can_explain(request.user, unit):
        raise PermissionDenied(_("Chỉ cán bộ của %(unit)s giải trình") % {"unit": unit.name})
    form = AddEvidenceForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    uploaded, chosen, location = data.get("file"), data.get("evidence"), data.get("location") or ""
    try:
        if uploaded is not None:  # every check before the file is stored: a refusal leaves nothing behind
            link = services.add_explanation_upload(appraisal, item, uploaded, location, actor=request.user,
                                                   request=request)
        else:
            evidence = Evidence.objects.filter(pk=chosen, assessment=appraisal.assessment).first() if chosen else None
            if evidence is None:
                raise DomainError(_("Tiêu chí %(item)s: chưa chọn tài liệu trong thư viện hoặc tệp mới")
                                  % {"item": item})
            link = services.add_explanation_evidence(appraisal, item, evidence, location, actor=request.user,
                                                     request=request)
    except DomainError as exc:
        exc.back = exc.back or _page_url(unit, f"item-{item}")
        raise
    messages.success(request, _("Đã bổ sung tài liệu «%(evidence)s» cho tiêu chí %(item)s")
                     % {"evidence": link.evidence, "item": item})
    return redirect(_page_url(unit, f"item-{item}"))
