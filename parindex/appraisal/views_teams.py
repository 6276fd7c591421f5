"""The appraisal teams page (ky/<year>/tham-dinh/to/): members, leads, assignments and their gaps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.models import Period
from parindex.periods.services import decision_of

from . import teams as team_services

ACTIONS = ("assignment", "reset", "lead")


def _team_district(request, period, key: str):
    """The district of a team named in a form ('' = the provincial team), among the teams this person sees."""
    for district in permissions.visible_team_districts(request.user, period):
        if (district.code if district is not None else "") == key:
            return district
    raise Http404(_("Không tìm thấy tổ thẩm định"))


def _act(request, period) -> str:
    action = request.POST.get("action", "")
    post = request.POST
    if action == "assignment":
        kind, code, agency = post.get("unit_kind", ""), post.get("code", ""), post.get("agency", "")
        team_services.change_assignment(period, kind, code, agency, actor=request.user, request=request)
        return (_("Đã phân công %(code)s (%(kind)s) cho %(agency)s")
                % {"code": code, "kind": team_services.KIND_LABELS.get(kind, kind), "agency": agency.strip()})
    if action == "reset":
        kind, code = post.get("unit_kind", ""), post.get("code", "")
        team_services.reset_assignment(period, kind, code, actor=request.user, request=request)
        return (_("Đã bỏ phân công riêng của %(code)s: áp dụng phân công của lĩnh vực hoặc của bộ tiêu chí")
                % {"code": code})
    district = _team_district(request, period, post.get("team", ""))
    user = get_user_model().objects.filter(pk=post.get("lead", "") if post.get("lead", "").isdigit() else None).first()
    team_services.set_lead(period, district, user, actor=request.user, request=request)
    return (_("%(team)s: tổ trưởng là %(lead)s")
            % {"team": team_services.team_name(district), "lead": user.get_full_name() or user.get_username()})


@login_required
def teams(request, year: int):
    if not permissions.can_view_teams(request.user):
        raise PermissionDenied(_("Chỉ điều phối viên xem tổ thẩm định và phân công"))
    period = get_object_or_404(Period, year=year)
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("action") not in ACTIONS:
            return HttpResponseBadRequest(_("Thao tác không hợp lệ"))
        try:
            done = _act(request, period)
        except DomainError as exc:
            if isinstance(exc, NotAllowed):
                raise  # the middleware's 403 page
            errors = exc.errors  # re-displayed above the forms
        else:
            messages.success(request, done)
            return redirect("appraisal:teams", year=year)
    views = [team_services.overview(period, d) for d in permissions.visible_team_districts(request.user, period)]
    can_assign = permissions.can_change_assignments(request.user)
    commune_forms_in = ""  # commune assignments are shared by every district team: one set of forms is enough
    for view in views:
        view.lead_editable = permissions.can_set_lead(request.user, view.district)
        for table in view.tables:
            table.editable = can_assign and (table.unit_kind != "commune" or not commune_forms_in)
            if table.editable and table.unit_kind == "commune":
                commune_forms_in = view.name
            table.forms_in = commune_forms_in
    return render(request, "appraisal/teams.html", {
        "period": period, "teams": views, "gaps": [g for v in views for g in v.gaps], "errors": errors,
        "can_assign": can_assign, "has_districts": decision_of(period).has_districts,
    })
