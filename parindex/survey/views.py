"""Survey pages (mounted at ky/<year>/dieu-tra/): overview, design, one group's questionnaire, gaps,
sample plan, the YAML (download, edit or upload), opening the survey.

Who: ``permissions.can_view_survey`` reads (the Sở Nội vụ coordinator, the surveyors),
``permissions.can_edit_survey_design`` changes and downloads (the coordinator). Everyone else: 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parindex.accounts import permissions
from parindex.core.errors import refusals_shown
from parindex.periods.models import Period
from parindex.units.models import UnitKind

from . import services
from .design import EVALUATED_KINDS
from .models import Survey

SCOPE_LABELS = {"all": gettext_lazy("mọi %(kind)s"), "own": gettext_lazy("%(kind)s của mình")}
KIND_NOUNS = {"department": gettext_lazy("sở, ban, ngành"), "district": gettext_lazy("UBND cấp huyện")}
MODE_LABELS = {"online": gettext_lazy("trực tuyến"), "paper": gettext_lazy("phiếu giấy")}


def _period(request, year: int, *, edit: bool = False) -> Period:
    allowed = permissions.can_edit_survey_design if edit else permissions.can_view_survey
    if not allowed(request.user):
        raise PermissionDenied
    return get_object_or_404(Period, year=year)


def _survey(request, year: int, *, edit: bool = False) -> tuple[Period, Survey]:
    """The period and its survey for a page that needs one (404 before a design is loaded)."""
    period = _period(request, year, edit=edit)
    survey = services.survey_of(period)
    if survey is None:
        raise Http404(_("Kỳ đánh giá chưa có thiết kế điều tra"))
    return period, survey


def _who(group) -> str:
    kind = KIND_NOUNS[group.evaluates]
    return str(SCOPE_LABELS[group.scope]) % {"kind": kind}


def _group_rows(design):
    return [{"group": g, "kind": UnitKind(g.evaluates).label, "who": _who(g),
             "modes": ", ".join(str(MODE_LABELS[m]) for m in g.modes),
             "min_valid": design.min_valid_of(g), "sections": len(g.sections())} for g in design.groups]


def _context(period, survey, **extra):
    return {"period": period, "survey": survey, "can_edit": False, **extra}


@login_required
@require_GET
def overview(request, year: int):
    period = _period(request, year)
    survey = services.survey_of(period)
    can_edit = permissions.can_edit_survey_design(request.user)
    context = _context(period, survey, can_edit=can_edit, shipped=services.shipped_design(year) is not None)
    if survey is not None:
        design = services.design_of(survey)
        gaps = services.gaps_of(survey)
        plan = services.plan_of(survey)
        items = services.survey_items(period)
        context.update({
            "design": design,
            "kinds": [{"kind": kind, "label": UnitKind(kind).label, "groups": len(design.groups_for(kind)),
                       "questions": sum(len(g.questions) for g in design.groups_for(kind)),
                       "items": len(items.get(kind, [])), "gaps": len(gaps.get(kind, [])),
                       "sample": plan.sample_of_kind(kind)} for kind in EVALUATED_KINDS if kind in design.criteria],
            "gap_count": sum(len(v) for v in gaps.values()),
            "sample": plan.sample,
        })
    return render(request, "survey/overview.html", context)


@login_required
@require_GET
def design_page(request, year: int):
    period, survey = _survey(request, year)
    design = services.design_of(survey)
    return render(request, "survey/design.html", _context(period, survey, design=design,
                                                          groups=_group_rows(design)))


@login_required
@require_GET
def group_page(request, year: int, group: str):
    period, survey = _survey(request, year)
    design = services.design_of(survey)
    found = design.group(group)
    if found is None:
        raise Http404(_("Không có nhóm đối tượng này"))
    kind_items = {i.code: i for i in services.survey_items(period).get(found.evaluates, [])}
    sections = [{"title": title, "questions": [{"q": q, "item": kind_items.get(q.item)} for q in qs]}
                for title, qs in found.sections()]
    scales = {q.scale.code: q.scale for q in found.questions}
    return render(request, "survey/group.html", _context(
        period, survey, design=design, group=found, row=_group_rows(design)[design.groups.index(found)],
        sections=sections, scales=list(scales.values())))


@login_required
@require_GET
def gaps_page(request, year: int):
    period, survey = _survey(request, year)
    gaps = services.gaps_of(survey)
    kinds = [{"label": UnitKind(kind).label, "items": items} for kind, items in gaps.items()]
    return render(request, "survey/gaps.html", _context(period, survey, kinds=kinds,
                                                        total=sum(len(k["items"]) for k in kinds)))


@login_required
@require_GET
def plan_page(request, year: int):
    """The sample plan of one kind of unit at a time (?loai=department|district): units × groups."""
    period, survey = _survey(request, year)
    plan = services.plan_of(survey)
    kinds = [k for k in EVALUATED_KINDS if plan.by_kind(k)]
    kind = request.GET.get("loai") or (kinds[0] if kinds else "department")
    if kind not in EVALUATED_KINDS:
        raise Http404
    groups = plan.by_kind(kind)
    units = [row.unit for row in groups[0].rows] if groups else []
    table = [{"unit": unit, "cells": [g.rows[n] for g in groups],
              "sample": sum(g.rows[n].sample for g in groups)} for n, unit in enumerate(units)]
    tabs = [{"kind": k, "label": UnitKind(k).label, "current": k == kind,
             "url": f"{reverse('survey:plan', args=[year])}?loai={k}"} for k in kinds]
    return render(request, "survey/plan.html", _context(
        period, survey, design=services.design_of(survey), groups=groups, table=table, tabs=tabs,
        kind_label=UnitKind(kind).label, kind_sample=plan.sample_of_kind(kind), plan=plan))


@login_required
@require_GET
def download(request, year: int):
    period, survey = _survey(request, year, edit=True)
    response = HttpResponse(survey.design_text, content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{survey.design_id}.yaml"'
    return response


class DesignForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Thiết kế (YAML)"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "yaml"}))
    file = forms.FileField(label=gettext_lazy("hoặc tải lên tệp YAML"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=gettext_lazy("Lý do sửa"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > services.MAX_DESIGN_BYTES:
                raise forms.ValidationError(_("Tệp quá lớn"))
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("Tệp không phải văn bản UTF-8")) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Hãy dán nội dung thiết kế hoặc chọn một tệp YAML"))
        data["text"] = data["text"].replace("\r\n", "\n")
        return data


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, year: int):
    """Paste or upload the design. Without a survey: create it (the shipped design of the year is offered);
    while it is designed: replace it (optimistic version); afterwards: the design is fixed, shown read-only."""
    period = _period(request, year, edit=True)
    survey = services.survey_of(period)
    editable = survey is None or survey.status == Survey.Status.DESIGN
    if survey is not None:
        initial = {"text": survey.design_text, "version": survey.version}
    else:
        shipped = services.shipped_design(year)
        initial = {"text": shipped.read_text(encoding="utf-8") if shipped else ""}
    posted, summary = request.method == "POST", ""
    form = DesignForm(request.POST if posted else None, request.FILES if posted else None, initial=initial)
    if not editable:
        form.fields["text"].widget.attrs["readonly"] = True
    if request.method == "POST" and not editable:
        form.is_valid()  # the form's own errors, then the refusal
        form.add_error(None, _("Cuộc điều tra đang ở trạng thái «%(s)s»: thiết kế đã cố định, không sửa được")
                       % {"s": survey.get_status_display()})
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_shown(lambda m: form.add_error(None, m)) as outcome:
            if survey is None:
                services.create_survey(period, data["text"], actor=request.user, request=request,
                                       source=data["file"].name if data.get("file") else "")
            else:
                services.replace_design(survey, data["text"], version=data.get("version"), actor=request.user,
                                        request=request, reason=data.get("reason") or "")
        if outcome.ok:
            messages.success(request, _("Đã lưu thiết kế điều tra"))
            return redirect("survey:overview", year=year)
        if outcome.message not in outcome.errors:
            summary = outcome.message  # «Thiết kế điều tra có 3 lỗi, chưa lưu gì» above the lines
    return render(request, "survey/edit.html", _context(period, survey, form=form, editable=editable,
                                                        can_edit=True, summary=summary))


@login_required
@require_http_methods(["GET", "POST"])
def open_page(request, year: int):
    """«Mở đợt thu phiếu»: a confirmation page (GET, or POST without «confirmed»), then the step."""
    period, survey = _survey(request, year, edit=True)
    if request.method == "POST" and request.POST.get("confirmed"):
        with refusals_shown(lambda m: messages.error(request, m)) as outcome:
            services.open_survey(survey, actor=request.user, request=request)
        if outcome.ok:
            messages.success(request, _("Đã mở đợt thu phiếu điều tra xã hội học"))
        return redirect("survey:overview", year=year)
    blocked, warnings = False, []
    if survey.status != Survey.Status.DESIGN:
        blocked = True
        warnings.append(services.NOT_OPENABLE % {"s": survey.get_status_display()})
    else:
        gaps = services.gaps_of(survey)
        for kind, items in gaps.items():
            if items:
                blocked = True
                warnings.append(_("%(kind)s: %(n)s tiêu chí điều tra chưa có câu hỏi (%(codes)s)") % {
                    "kind": UnitKind(kind).label, "n": len(items), "codes": ", ".join(i.code for i in items)})
    plan = services.plan_of(survey)
    return render(request, "core/confirm.html", {
        "title": _("Mở đợt thu phiếu điều tra xã hội học %(year)s") % {"year": year},
        "lead": _("Khi mở, thiết kế (nhóm đối tượng, bảng hỏi, thang trả lời) được cố định; phiếu chỉ được thu "
                  "trong thời gian thu phiếu của kỳ."),
        "summary": [(_("Thiết kế"), services.design_of(survey).title),
                    (_("Số nhóm đối tượng"), len(services.design_of(survey).groups)),
                    (_("Tổng số phiếu theo kế hoạch"), plan.sample)],
        "warnings": warnings, "blocked": blocked, "action": reverse("survey:open", args=[year]),
        "button": _("Mở đợt thu phiếu"), "cancel": reverse("survey:overview", args=[year]),
    })
