"""«Người dùng và vai trò»: create an account, grant and revoke roles in the site itself, through the
audited services (accounts.services). The Django admin stays for the system administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parindex.board.paging import paginate
from parindex.board.todo import current_period
from parindex.core.errors import refusals_shown
from parindex.units.models import PeriodUnit

from . import permissions, services
from .forms import AccountForm, GrantForm, RevokeForm
from .models import RoleAssignment


def describe(assignment: RoleAssignment) -> str:
    """«Thành viên tổ thẩm định — STC, tổ thẩm định tỉnh, lĩnh vực g», as people read a role."""
    where = []
    if assignment.unit_id:
        where.append(getattr(assignment, "unit_name", None) or str(assignment.unit))
    if assignment.agency:
        team = (_("tổ thẩm định %(d)s") % {"d": getattr(assignment, "team_name", None) or assignment.team_district}
                if assignment.team_district_id
                else _("tổ thẩm định tỉnh"))
        fields = ", ".join(assignment.fields) or _("mọi lĩnh vực")
        where.append(f"{assignment.agency}, {team}, " + _("lĩnh vực %(f)s") % {"f": fields})
    label = assignment.get_role_display()
    return f"{label} — {'; '.join(where)}" if where else label


def _require(user):
    if not permissions.can_manage_people(user):
        raise PermissionDenied


@login_required
def people(request):
    _require(request.user)
    period = current_period()
    account_form = AccountForm(prefix="a")
    grant_form = GrantForm(request.user, period, prefix="g")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "account":
            account_form = AccountForm(request.POST, prefix="a")
            if account_form.is_valid():
                with refusals_shown(lambda message: account_form.add_error(None, message)) as outcome:
                    user = services.create_account(**account_form.cleaned_data, actor=request.user, request=request)
                if outcome.ok:
                    messages.success(request, _("Đã tạo tài khoản %(u)s; giao vai trò cho tài khoản ở dưới")
                                     % {"u": user.username})
                    return redirect(reverse("accounts:people") + f"?moi={user.username}#giao-vai-tro")
        elif action == "grant":
            grant_form = GrantForm(request.user, period, request.POST, prefix="g")
            if grant_form.is_valid():
                data = grant_form.cleaned_data
                user = permissions.people_in_scope(request.user).filter(username=data["username"].strip()).first()
                if user is None:
                    grant_form.add_error("username", _("Không có tài khoản «%(u)s» trong phạm vi của bạn")
                                         % {"u": data["username"][:150]})
                else:
                    # NotAllowed (a place outside the person's scope) goes on to the 403 page
                    with refusals_shown(lambda message: grant_form.add_error(None, message)) as outcome:
                        assignment = services.grant_role(
                            user, data["role"], actor=request.user, unit=data["unit"], agency=data["agency"].strip(),
                            team_district=data["team"], fields=data["fields_text"], reason=data["reason"],
                            request=request)
                    if outcome.ok:
                        messages.success(request, _("Đã giao cho %(u)s: %(r)s")
                                         % {"u": user.username, "r": describe(assignment)})
                        return redirect("accounts:people")
        else:
            return HttpResponseBadRequest(_("Thao tác không hợp lệ"))
    elif request.GET.get("moi"):
        grant_form = GrantForm(request.user, period, prefix="g", initial={"username": request.GET["moi"][:150]})
    active = (RoleAssignment.objects.active().select_related("unit", "team_district")
              .annotate(unit_name=_latest_name("unit"), team_name=_latest_name("team_district")).order_by("role", "id"))
    users = permissions.people_in_scope(request.user).order_by("username")
    search = request.GET.get("tim", "").strip()[:150]
    if search:
        users = users.filter(Q(username__icontains=search) | Q(first_name__icontains=search)
                             | Q(last_name__icontains=search))
    page = paginate(request, users.prefetch_related(Prefetch("role_assignments", queryset=active,
                                                             to_attr="active_roles")))
    rows = [(u, [(a, describe(a), _may_revoke(request.user, a)) for a in u.active_roles]) for u in page.object_list]
    return render(request, "accounts/people.html", {
        "rows": rows, "page": page, "search": search, "account_form": account_form, "grant_form": grant_form,
        "period": period})


def _latest_name(field: str):
    """The unit's name in its latest period (what ``Unit.__str__`` answers), in the same query."""
    return Subquery(PeriodUnit.objects.filter(unit=OuterRef(field)).order_by("-period__year").values("name")[:1])


def _may_revoke(user, assignment: RoleAssignment) -> bool:
    return permissions.can_grant_role(user, assignment.role, unit=assignment.unit,
                                      team_district=assignment.team_district)


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    """GET: what will be revoked, and a reason; POST: revoke. A role outside the person's scope: 404."""
    _require(request.user)
    assignment = (RoleAssignment.objects.active().select_related("user", "unit", "team_district")
                  .filter(pk=pk, user__in=permissions.people_in_scope(request.user)).first())
    if assignment is None or not _may_revoke(request.user, assignment):
        raise Http404(_("Không tìm thấy vai trò"))
    action = reverse("accounts:revoke", args=[pk])
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.POST.get("confirmed") == "1" and form.is_valid():
        reason = form.cleaned_data["reason"].strip() or _("Thu hồi trên trang Người dùng và vai trò")
        services.revoke_role(assignment, actor=request.user, request=request, reason=reason)
        messages.success(request, _("Đã thu hồi vai trò của %(u)s: %(r)s")
                         % {"u": assignment.user.username, "r": describe(assignment)})
        return redirect("accounts:people")
    user = assignment.user
    return render(request, "core/confirm.html", {
        "title": _("Thu hồi vai trò"),
        "lead": _("Người dùng mất ngay các quyền của vai trò này; việc đã làm vẫn giữ trong nhật ký."),
        "summary": [(_("Tài khoản"), user.username), (_("Họ và tên"), user.get_full_name() or "—"),
                    (_("Vai trò"), describe(assignment))],
        "form": form, "action": action, "button": _("Thu hồi vai trò"),
        "cancel": reverse("accounts:people"),
    })
