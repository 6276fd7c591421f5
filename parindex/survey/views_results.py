"""Survey results pages (issue 10 §3–4): points per unit, resolutions, closing, the processing report.

Who: ``permissions.can_view_survey`` reads (the Sở Nội vụ coordinator, the surveyors),
``permissions.can_close_survey`` resolves, closes and corrects (the coordinator). Everyone else: 403.
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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.accounts import permissions
from parindex.core import clock
from parindex.core.errors import refusals_shown
from parindex.documents.heading import Heading, Signer
from parindex.documents.responses import pdf_response, xlsx_response
from parindex.periods.models import Period
from parindex.units.models import PeriodUnit

from . import report as report_data
from . import results, services
from .design import EVALUATED_KINDS
from .models import Survey


def _survey(request, year: int, *, manage: bool = False) -> tuple[Period, Survey]:
    allowed = permissions.can_close_survey if manage else permissions.can_view_survey
    if not allowed(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year)
    survey = services.survey_of(period)
    if survey is None or survey.status == Survey.Status.DESIGN:
        raise Http404(_("Cuộc điều tra chưa thu phiếu"))
    return period, survey


class ResolveForm(forms.Form):
    unit = forms.CharField(widget=forms.HiddenInput)
    item = forms.CharField(widget=forms.HiddenInput)
    points = forms.CharField(label=gettext_lazy("Điểm"), max_length=20)
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=results.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do đính chính"), max_length=results.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))


def _tabs(year, kinds, kind, name):
    return [{"label": ks.label, "current": k == kind, "url": f"{reverse(name, args=[year])}?loai={k}"}
            for k, ks in kinds.items()]


@login_required
@require_GET
def results_page(request, year: int):
    """Points per unit and item of one kind (?loai=), unresolved items first with a form each."""
    period, survey = _survey(request, year)
    scores = results.current_scores(survey)
    kind = request.GET.get("loai") or next(iter(scores), "department")
    if kind not in EVALUATED_KINDS or kind not in scores:
        raise Http404
    ks = scores[kind]
    names = {r.code: r.name for r in ks.units}
    rows = [{"unit": r, "points": [ks.scores.results[(r.code, i.code)] for i in ks.items],
             "total": sum(ks.scores.points_of(r.code).values())} for r in ks.units]
    can_close = permissions.can_close_survey(request.user)
    pending = [{"unit": names[u], "code": u, "item": next(i for i in ks.items if i.code == item)}
               for u, item in ks.scores.unresolved]
    return render(request, "survey/results/scores.html", {
        "period": period, "survey": survey, "kind": ks, "rows": rows, "pending": pending,
        "all_unresolved": sum(len(k.scores.unresolved) for k in scores.values()), "can_close": can_close,
        "tabs": _tabs(year, scores, kind, "survey:results"), "published": results.closed_snapshot(period)})


@login_required
@require_POST
def resolve(request, year: int):
    period, survey = _survey(request, year, manage=True)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        data = form.cleaned_data
        unit = PeriodUnit.objects.filter(period=period, code=data["unit"], kind__in=EVALUATED_KINDS).first()
        if unit is None:
            raise Http404
        with refusals_shown(lambda m: messages.error(request, m)) as outcome:
            results.resolve_item(survey, unit, data["item"], data["points"], data["reason"], actor=request.user,
                                 request=request)
        if outcome.ok:
            messages.success(request, _("Đã ghi quyết định điểm tiêu chí %(item)s của %(unit)s")
                             % {"item": data["item"], "unit": unit.name})
    kind = request.POST.get("loai", "")
    url = reverse("survey:results", args=[year])
    return redirect(f"{url}?loai={kind}" if kind in EVALUATED_KINDS else url)


@login_required
@require_http_methods(["GET", "POST"])
def close_page(request, year: int):
    """«Chốt kết quả điều tra XHH»: the confirmation page, then the step."""
    period, survey = _survey(request, year, manage=True)
    if request.method == "POST" and request.POST.get("confirmed"):
        with refusals_shown(lambda m: messages.error(request, m)) as outcome:
            results.close_survey(survey, actor=request.user, request=request)
        if outcome.ok:
            messages.success(request, _("Đã chốt kết quả điều tra xã hội học; xem báo cáo xử lý số liệu"))
            return redirect("survey:report", year=year)
        return redirect("survey:results", year=year)
    scores = results.current_scores(survey)
    warnings = results.unresolved(scores)
    blocked = bool(warnings) or survey.status != Survey.Status.OPEN
    if survey.status != Survey.Status.OPEN:
        warnings = [_("Cuộc điều tra đang ở trạng thái «%(s)s», không chốt được") % {"s": survey.get_status_display()}]
    return render(request, "core/confirm.html", {
        "title": _("Chốt kết quả điều tra xã hội học %(year)s") % {"year": year},
        "lead": _("Khi chốt, không nhận thêm phiếu; điểm điều tra của từng đơn vị được lưu thành bản cố định "
                  "và dùng để tính chỉ số. Sửa sau đó là một lần đính chính có lý do."),
        "summary": [(_("Số phiếu đã thu"), survey.responses.count()),
                    *[(ks.label, _("%(n)s đơn vị") % {"n": len(ks.units)}) for ks in scores.values()]],
        "warnings": warnings, "blocked": blocked, "action": reverse("survey:close", args=[year]),
        "button": _("Chốt kết quả điều tra"), "cancel": reverse("survey:results", args=[year]),
    })


@login_required
@require_http_methods(["GET", "POST"])
def correct_page(request, year: int):
    """A correction of the closed results: a new version with its reason (confirmation page with the reason)."""
    period, survey = _survey(request, year, manage=True)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.POST.get("confirmed") and form.is_valid():
        with refusals_shown(lambda m: form.add_error(None, m)) as outcome:
            results.correct_survey(survey, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        if outcome.ok:
            messages.success(request, _("Đã đính chính kết quả điều tra xã hội học"))
            return redirect("survey:report", year=year)
    previous = results.closed_snapshot(period)
    blocked = survey.status != Survey.Status.CLOSED or previous is None
    return render(request, "core/confirm.html", {
        "title": _("Đính chính kết quả điều tra xã hội học %(year)s") % {"year": year},
        "lead": _("Điểm điều tra tính lại từ phiếu và các quyết định hiện có được lưu thành một bản mới; "
                  "các bản trước vẫn xem được."),
        "summary": [(_("Lần chốt hiện tại"), previous.version if previous else "—")],
        "warnings": [_("Chỉ đính chính được kết quả đã chốt")] if blocked else [], "blocked": blocked,
        "form": form, "action": reverse("survey:correct", args=[year]), "button": _("Đính chính"),
        "cancel": reverse("survey:results", args=[year]),
    })


def _heading() -> Heading:
    return Heading(issuer="SỞ NỘI VỤ", number="BC-SNV", issued=None, parent="UBND TỈNH BẮC KẠN",
                   signers=(Signer(("GIÁM ĐỐC",)),))


@login_required
@require_GET
def report_page(request, year: int):
    period, survey = _survey(request, year)
    return render(request, "survey/results/report.html", {
        "period": period, "survey": survey, "report": report_data.build(survey),
        "published": results.closed_snapshot(period), "can_close": permissions.can_close_survey(request.user)})


@login_required
@require_GET
def report_xlsx(request, year: int):
    _period, survey = _survey(request, year)
    return xlsx_response(report_data.workbook(report_data.build(survey)), f"bao-cao-dieu-tra-xhh-{year}.xlsx")


@login_required
@require_GET
def report_pdf(request, year: int):
    period, survey = _survey(request, year)
    return pdf_response("survey/results/report_pdf.html", {
        "period": period, "report": report_data.build(survey), "heading": _heading(), "today": clock.now()},
        request, f"bao-cao-dieu-tra-xhh-{year}.pdf")
