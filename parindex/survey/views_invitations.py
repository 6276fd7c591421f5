"""The survey's links (mounted at ky/<year>/dieu-tra/thu-moi/): create, follow, export, print.

Who: ``permissions.can_manage_survey_invitations`` (the Sở Nội vụ coordinator); everyone else 403.
The tokens are shown on these pages and their exports only. Per online group × evaluated unit: the
links created, completed and pending; a form to create more (``collect.create_invitations``); the CSV
of links (UTF-8 with BOM); printable letters with the QR code (PDF, one page per link); the pending
links for reminders.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parindex.accounts import permissions
from parindex.core.errors import refusals_shown
from parindex.documents.heading import province_body
from parindex.documents.responses import pdf_response
from parindex.periods.models import Period
from parindex.periods.timeline import format_instant, format_start
from parindex.units.models import PeriodUnit

from . import collect, letters, services
from .models import Invitation


def _survey(request, year: int):
    if not permissions.can_manage_survey_invitations(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year)
    survey = services.survey_of(period)
    if survey is None:
        raise Http404(_("Kỳ đánh giá chưa có thiết kế điều tra"))
    return period, survey


def _online_groups(design):
    return [g for g in design.groups if "online" in g.modes]


def _units(period, kind: str):
    return list(PeriodUnit.objects.filter(period=period, kind=kind).assessed().order_by("code"))


class CreateForm(forms.Form):
    group = forms.ChoiceField(label=gettext_lazy("Nhóm đối tượng"))
    unit = forms.ChoiceField(label=gettext_lazy("Đơn vị được đánh giá"))
    count = forms.IntegerField(label=gettext_lazy("Số đường dẫn cần tạo"), min_value=1, required=False,
                               max_value=collect.MAX_INVITATIONS_PER_STEP)
    recipients = forms.CharField(
        label=gettext_lazy("hoặc danh sách người nhận, mỗi dòng một người: tên; Zalo hoặc thư điện tử"),
        required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, groups, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.code, g.title) for g in groups]
        self.fields["unit"].choices = [(u.code, u.name) for u in units]

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in (data.get("recipients") or "").splitlines() if line.strip()]
        people = []
        for n, line in enumerate(lines, 1):
            label, _sep, contact = line.partition(";")
            if len(label.strip()) > LABEL_MAX or len(contact.strip()) > LABEL_MAX:
                raise forms.ValidationError(_("Dòng %(n)s: tên và liên hệ mỗi phần tối đa %(max)s ký tự")
                                            % {"n": n, "max": LABEL_MAX})
            people.append((label.strip(), contact.strip()))
        if len(people) > collect.MAX_INVITATIONS_PER_STEP:
            raise forms.ValidationError(_("Mỗi lần tạo tối đa %(max)s đường dẫn")
                                        % {"max": collect.MAX_INVITATIONS_PER_STEP})
        if people and data.get("count") not in (None, len(people)):
            raise forms.ValidationError(_("Danh sách có %(n)s người nhưng số đường dẫn là %(count)s: để trống số "
                                          "đường dẫn hoặc sửa cho khớp") % {"n": len(people), "count": data["count"]})
        if not people and not data.get("count"):
            raise forms.ValidationError(_("Nhập số đường dẫn cần tạo hoặc danh sách người nhận"))
        data["people"] = people
        data["count"] = len(people) or data["count"]
        return data


LABEL_MAX = 200   # Invitation.label and .contact


def _create(survey, design, group: str, unit, count: int, people, request) -> None:
    """``collect.create_invitations``, then each new link named after one person of the list (one transaction)."""
    with transaction.atomic():
        created = collect.create_invitations(survey, group, unit, count, actor=request.user, design=design,
                                             request=request)
        if people:
            for invitation, (label, contact) in zip(created, people, strict=True):
                invitation.label, invitation.contact = label, contact
            Invitation.objects.bulk_update(created, ["label", "contact"])


def _selection(request, period, design):
    """The group and unit named in the query (?nhom=…&don-vi=…), 404 if either is unknown."""
    group = design.group(request.GET.get("nhom", ""))
    if group is None or "online" not in group.modes:
        raise Http404
    unit = PeriodUnit.objects.filter(period=period, kind=group.evaluates, code=request.GET.get("don-vi", "")).first()
    if unit is None:
        raise Http404
    return group, unit


@login_required
@require_http_methods(["GET", "POST"])
def index(request, year: int):
    period, survey = _survey(request, year)
    design = services.design_of(survey)
    groups = _online_groups(design)
    all_units = [u for kind in dict.fromkeys(g.evaluates for g in groups) for u in _units(period, kind)]
    form = CreateForm(request.POST or None, groups=groups, units=all_units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in all_units if u.code == data["unit"])
        with refusals_shown(lambda m: form.add_error(None, m)) as outcome:
            _create(survey, design, data["group"], unit, data["count"], data["people"], request)
        if outcome.ok:
            messages.success(request, _("Đã tạo %(n)s đường dẫn cho %(unit)s") % {"n": data["count"],
                                                                                  "unit": unit.name})
            return redirect("survey:invitations", year=year)
    done = Count("id", filter=Q(completed_on__isnull=False))
    counts = {(r["group"], r["unit"]): r for r in Invitation.objects.filter(survey=survey)
              .values("group", "unit").annotate(made=Count("id"), done=done)}
    tables = []
    for group in groups:
        rows = []
        for unit in _units(period, group.evaluates):
            c = counts.get((group.code, unit.pk), {"made": 0, "done": 0})
            rows.append({"unit": unit, "made": c["made"], "done": c["done"], "pending": c["made"] - c["done"],
                         "sample": design.sample_size(group, unit.code)})
        tables.append({"group": group, "rows": rows})
    return render(request, "survey/invitations/index.html", {
        "period": period, "survey": survey, "tables": tables, "form": form, "can_edit": True},
        status=400 if request.method == "POST" else 200)


def _invitations(survey, group=None, unit=None, pending=False):
    found = Invitation.objects.filter(survey=survey).select_related("unit").order_by("group", "unit__code", "pk")
    if group is not None:
        found = found.filter(group=group.code, unit=unit)
    if pending:
        found = found.filter(completed_on__isnull=True)
    return found


@login_required
@require_GET
def csv_links(request, year: int):
    """Every link (or one group × unit's with ?nhom=&don-vi=) as CSV, for sending by Zalo or e-mail."""
    period, survey = _survey(request, year)
    design = services.design_of(survey)
    group = unit = None
    if request.GET.get("nhom"):
        group, unit = _selection(request, period, design)
    titles = {g.code: g.title for g in design.groups}
    rows = ((i, titles.get(i.group, i.group), i.unit.name) for i in _invitations(survey, group, unit))
    response = HttpResponse(letters.csv_bytes(rows, request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="duong-dan-phieu-{year}.csv"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def letters_pdf(request, year: int):
    """One printable letter per link of a group × unit (?nhom=…&don-vi=…): the link and its QR code."""
    period, survey = _survey(request, year)
    design = services.design_of(survey)
    group, unit = _selection(request, period, design)
    items = []
    for invitation in _invitations(survey, group, unit, pending=True):
        url = letters.link_of(request, invitation)
        items.append({"invitation": invitation, "url": url, "qr": letters.qr_svg(url)})
    if not items:
        messages.warning(request, _("%(unit)s chưa có đường dẫn nào chưa trả lời của nhóm «%(group)s»")
                         % {"unit": unit.name, "group": group.title})
        return redirect("survey:invitations", year=year)
    response = pdf_response("survey/invitations/letters.html", {
        "letters": items, "group": group, "unit": unit, "design": design, "province_body": province_body(),
        "start": format_start(period.survey_start), "end": format_instant(period.survey_end)},
        request, f"thu-moi-{year}-{group.code}-{unit.code}.pdf")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def pending(request, year: int):
    """The links not yet answered, for reminders: who, how to reach him, his link."""
    period, survey = _survey(request, year)
    design = services.design_of(survey)
    titles = {g.code: g.title for g in design.groups}
    rows = [{"invitation": i, "group": titles.get(i.group, i.group), "url": letters.link_of(request, i)}
            for i in _invitations(survey, pending=True)]
    response = render(request, "survey/invitations/pending.html", {"period": period, "survey": survey,
                                                                    "rows": rows, "can_edit": True})
    response["Cache-Control"] = "no-store"
    return response
