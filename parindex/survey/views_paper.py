"""Paper questionnaires (mounted at ky/<year>/dieu-tra/phieu-giay/): issue and print numbered forms (the
coordinator), the data-entry screen and the mismatches to settle (the surveyors and the coordinator).

The entry screen is built for the keyboard: the serial first, then one short text box per question where
the surveyor types the option's code as printed on the form (1–4, «kb»; 9 also means «không biết / không
trả lời»); Enter moves to the next box (static survey/entry.js; without it the form still works, Tab moves
on). Everything is checked on the server (``paper.enter``).
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.accounts import permissions
from parindex.core.errors import refusals_shown
from parindex.documents.responses import pdf_response
from parindex.periods.models import Period
from parindex.units.models import PeriodUnit

from . import paper, services
from .models import PaperForm, Survey

DONT_KNOW_KEY = "9"
MAX_PRINTED = 200


def survey_for(request, year: int, allowed) -> tuple[Period, Survey]:
    """The period and its survey, for a person ``allowed(user)``; 403 / 404 otherwise."""
    if not allowed(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year)
    survey = services.survey_of(period)
    if survey is None:
        raise Http404(_("Kỳ đánh giá chưa có thiết kế điều tra"))
    return period, survey


def option_of(question, typed: str) -> str | None:
    """The option code a surveyor typed: the code itself (any case), or 9 for «không biết»; None if neither."""
    key = (typed or "").strip().casefold()
    for option in question.scale.options:
        if option.code.casefold() == key:
            return option.code
    if key == DONT_KNOW_KEY:
        for option in question.scale.options:
            if option.value is None:
                return option.code
    return None


def parse_day(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


def _typed(group, data) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(answers, what was typed, problems of typing) from the posted boxes ``q-<code>``."""
    answers, raw, problems = {}, {}, []
    for q in group.questions:
        typed = str(data.get(f"q-{q.code}", ""))[:20]
        raw[q.code] = typed
        if not typed.strip():
            continue
        code = option_of(q, typed)
        if code is None:
            problems.append(_("Câu %(code)s: «%(typed)s» không phải mã lựa chọn (%(allowed)s; 9 = không biết)")
                            % {"code": q.code, "typed": typed,
                               "allowed": ", ".join(o.code for o in q.scale.options)})
        else:
            answers[q.code] = code
    return answers, raw, problems


def _rows(group, raw, differ=()):
    return [{"q": q, "value": raw.get(q.code, ""), "differs": q.code in differ,
             "keys": " · ".join(f"{o.code} {o.label}" for o in q.scale.options)} for q in group.questions]


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, year: int):
    """Type one paper form: ?so=<serial> shows its questions; POST saves this person's typing."""
    period, survey = survey_for(request, year, permissions.can_enter_paper_forms)
    design = services.design_of(survey)
    serial = request.POST.get("serial") if request.method == "POST" else request.GET.get("so")
    form = paper.form_of(survey, serial) if serial else None
    errors, raw, day_text = [], {}, ""
    if serial and form is None:
        errors.append(_("Không có phiếu số «%(serial)s»; kiểm tra lại số in ở góc phiếu")
                      % {"serial": paper.normalize_serial(serial)[:30]})
    group = design.group(form.group) if form else None
    if request.method == "POST" and form is not None and group is not None:
        answers, raw, errors = _typed(group, request.POST)
        day_text = request.POST.get("ngay", "")
        if not errors:
            with refusals_shown(errors.append) as outcome:
                saved = paper.enter(survey, form.serial, answers, parse_day(day_text), actor=request.user,
                                    design=design, request=request)
            if outcome.ok:
                if saved.status == PaperForm.Status.COUNTED:
                    messages.success(request, _("Phiếu số %(serial)s: hai lần nhập khớp, phiếu đã được tính")
                                     % {"serial": saved.serial})
                elif saved.status == PaperForm.Status.MISMATCH:
                    messages.warning(request, _("Phiếu số %(serial)s: hai lần nhập không khớp; phiếu được đưa vào "
                                                "danh sách cần đối chiếu") % {"serial": saved.serial})
                else:
                    messages.success(request, _("Đã lưu lần nhập thứ nhất của phiếu số %(serial)s; cần một người "
                                                "khác nhập lần hai") % {"serial": saved.serial})
                return redirect(_next_url(survey, request.user, year))
    return render(request, "survey/paper/entry.html", {
        "period": period, "survey": survey, "form": form, "group": group, "serial": serial or "",
        "rows": _rows(group, raw) if group else [], "errors": errors, "day": day_text,
        "next_serial": paper.next_serial_for(survey, request.user),
        "mismatches": paper.mismatches(survey).count()})


def _next_url(survey, user, year) -> str:
    url = reverse("survey:paper_entry", args=[year])
    upcoming = paper.next_serial_for(survey, user)
    return f"{url}?{urlencode({'so': upcoming})}" if upcoming else url


@login_required
@require_GET
def mismatch_list(request, year: int):
    period, survey = survey_for(request, year, permissions.can_enter_paper_forms)
    return render(request, "survey/paper/mismatches.html", {
        "period": period, "survey": survey, "forms": paper.mismatches(survey)})


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request, year: int, serial: str):
    """Settle one form whose two entries differ: the differences, then the answers read on the paper."""
    period, survey = survey_for(request, year, permissions.can_enter_paper_forms)
    design = services.design_of(survey)
    form = paper.form_of(survey, serial)
    if form is None or form.status != PaperForm.Status.MISMATCH:
        raise Http404(_("Phiếu này không cần đối chiếu"))
    group = design.group(form.group)
    diffs = paper.differences(form, design)
    first = form.entries.order_by("entered_at", "pk").first()
    raw = {k: v for k, v in first.answers.items() if k != paper.RECEIVED} if first else {}
    day_iso = first.answers.get(paper.RECEIVED, "") if first else ""
    day_text = f"{date.fromisoformat(day_iso):%d/%m/%Y}" if day_iso else ""
    errors, reason = [], ""
    if request.method == "POST":
        answers, raw, errors = _typed(group, request.POST)
        day_text, reason = request.POST.get("ngay", ""), request.POST.get("ly_do", "")[:500]
        if not errors:
            with refusals_shown(errors.append) as outcome:
                paper.resolve(survey, form.serial, answers, parse_day(day_text), actor=request.user, reason=reason,
                              design=design, request=request)
            if outcome.ok:
                messages.success(request, _("Phiếu số %(serial)s đã được đối chiếu và tính") % {"serial": form.serial})
                return redirect("survey:paper_mismatches", year=year)
    return render(request, "survey/paper/resolve.html", {
        "period": period, "survey": survey, "form": form, "group": group, "diffs": diffs, "errors": errors,
        "rows": _rows(group, raw, {d.code for d in diffs}), "day": day_text, "reason": reason})


@login_required
@require_http_methods(["GET", "POST"])
def issue(request, year: int):
    """The coordinator issues numbered blank forms for a paper group and a unit, then prints them."""
    period, survey = survey_for(request, year, permissions.can_issue_paper_forms)
    design = services.design_of(survey)
    groups = [g for g in design.groups if "paper" in g.modes]
    units = PeriodUnit.objects.filter(period=period, kind__in={g.evaluates for g in groups}).order_by("kind", "code")
    errors, serials = [], []
    if request.method == "POST":
        unit = units.filter(code=request.POST.get("don_vi", "")).first()
        try:
            count = int(request.POST.get("so_luong", ""))
        except ValueError:
            count = 0
        if unit is None:
            errors.append(_("Hãy chọn đơn vị được đánh giá"))
        else:
            with refusals_shown(errors.append) as outcome:
                serials = paper.issue_forms(survey, request.POST.get("nhom", ""), unit, count, actor=request.user,
                                            design=design, request=request)
            if outcome.ok:
                messages.success(request, _("Đã phát hành %(n)s phiếu, từ số %(first)s đến %(last)s")
                                 % {"n": len(serials), "first": serials[0], "last": serials[-1]})
                url = reverse("survey:paper_print", args=[year])
                return redirect(f"{url}?{urlencode({'tu': serials[0], 'den': serials[-1]})}")
    issued = PaperForm.objects.filter(survey=survey).count()
    return render(request, "survey/paper/issue.html", {
        "period": period, "survey": survey, "groups": groups, "units": units, "errors": errors, "issued": issued,
        "post": request.POST if request.method == "POST" else {}})


@login_required
@require_GET
def print_forms(request, year: int):
    """The PDF of blank numbered forms ?tu=<first serial>&den=<last serial> (at most 200 at a time)."""
    period, survey = survey_for(request, year, permissions.can_issue_paper_forms)
    design = services.design_of(survey)
    first = paper.normalize_serial(request.GET.get("tu", ""))
    last = paper.normalize_serial(request.GET.get("den", "")) or first
    serials = list(PaperForm.objects.filter(survey=survey, serial__gte=first, serial__lte=last)
                   .order_by("serial").values_list("serial", flat=True)[:MAX_PRINTED])
    forms = paper.printable(survey, serials, design)
    if not forms:
        raise Http404(_("Không có phiếu nào trong khoảng số này"))
    return pdf_response("survey/paper/forms_pdf.html", {"period": period, "design": design, "forms": forms},
                        request, f"phieu-dieu-tra-{forms[0].serial}.pdf")
