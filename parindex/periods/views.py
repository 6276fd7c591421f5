"""Period pages: list and create, detail with the timeline, edit the timeline, open."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parindex.accounts import permissions
from parindex.core.errors import DomainError

from . import services
from .forms import PeriodCreateForm, TimelineForm, UnitsForm
from .models import Period
from .timeline import FIELDS, STEPS, format_instant, format_start


def _require_view(user):
    if not permissions.can_view_period(user):
        raise PermissionDenied


@login_required
@require_GET
def period_list(request):
    _require_view(request.user)
    return render(request, "periods/list.html", {"periods": Period.objects.all(),
                                                 "can_manage": permissions.can_manage_periods(request.user)})


@login_required
def period_create(request):
    """«Tạo kỳ đánh giá»: the year, the decision (a shipped one or the province's own file) and the reading of
    "before day X" (the decision's unless chosen); services.create_period binds the decision, the criteria sets
    in force for its levels and its default timeline."""
    if not permissions.can_manage_periods(request.user):
        raise PermissionDenied
    form = PeriodCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.create_period(form.cleaned_data["year"], reading=form.cleaned_data["reading"] or None,
                                            actor=request.user, request=request,
                                            decision_source=form.decision_source())
        except DomainError as exc:
            for e in exc.errors:
                form.add_error(None, e)
        else:
            messages.success(request, _("Đã tạo kỳ đánh giá năm %(year)s") % {"year": period.year})
            return redirect("periods:detail", year=period.year)
    return render(request, "periods/create.html", {"form": form})


def timeline_rows(period):
    rows = []
    for name, label in FIELDS.items():
        value = getattr(period, name)
        shown = format_instant(value) if name.endswith(("_due", "_end")) else format_start(value)
        rows.append({"name": name, "label": label, "value": value, "shown": shown})
    return rows


@login_required
def period_detail(request, year: int):
    _require_view(request.user)
    period = get_object_or_404(Period, year=year)
    decision = services.decision_of(period)
    return render(request, "periods/detail.html", {
        "period": period, "timeline": timeline_rows(period), "steps": STEPS,
        "criteria_sets": period.criteria_sets.all(), "decision": decision,
        "can_manage": permissions.can_manage_periods(request.user),
        "can_view_survey": permissions.can_view_survey(request.user),
        "can_view_province_results": permissions.can_view_province_results(request.user),
        "unit_count": period.units.assessed().count(),
        "has_districts": decision.has_districts,
    })


@login_required
def period_units(request, year: int):
    """«Danh sách đơn vị»: the coordinator loads the period's units from CSV while it is in draft, every row
    checked against the period's decision (its levels: a commune's parent is its district, or the province in a
    two-level period), all or nothing, every error with its line."""
    if not permissions.can_manage_periods(request.user):
        raise PermissionDenied
    from parindex.units.models import UnitKind
    from parindex.units.services import load_units

    period = get_object_or_404(Period, year=year)
    form = UnitsForm(request.POST, request.FILES) if request.method == "POST" else UnitsForm()
    errors: list[str] = []
    editable = period.status == Period.Status.DRAFT
    if request.method == "POST" and not editable:
        errors = [_("Kỳ đánh giá %(year)s đã mở: danh sách đơn vị được cố định, không nạp lại trên trang được")
                  % {"year": period.year}]
    elif request.method == "POST" and form.is_valid():
        name, text = form.cleaned_data["units_file"]
        try:
            result = load_units(period, text, actor=request.user, source=name)
        except DomainError as exc:
            errors = [exc.message, *exc.errors]
        else:
            messages.success(request, _("Đã nạp «%(name)s»: %(c)d đơn vị mới, %(u)d đơn vị cập nhật, %(n)d không đổi")
                             % {"name": name, "c": result.created, "u": result.updated, "n": result.unchanged})
            return redirect("periods:units", year=period.year)
    counted = dict(period.units.order_by().values_list("kind").annotate(n=Count("pk")))
    return render(request, "periods/units.html", {
        "period": period, "form": form, "errors": errors, "decision": services.decision_of(period),
        "counts": [(label, counted.get(kind, 0)) for kind, label in UnitKind.choices], "editable": editable})


@login_required
def timeline_edit(request, year: int):
    if not permissions.can_manage_periods(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year)
    initial = {name: getattr(period, name) for name in FIELDS}
    form = TimelineForm(request.POST or None, initial=initial)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.update_timeline(period, form.timeline(), actor=request.user,
                                     reason=form.cleaned_data["reason"], request=request)
        except DomainError as exc:
            errors = exc.errors
            period.refresh_from_db()
        else:
            messages.success(request, _("Đã lưu mốc thời gian"))
            return redirect("periods:detail", year=period.year)
    return render(request, "periods/timeline_edit.html", {"period": period, "form": form, "errors": errors})


@login_required
@require_POST
def period_open(request, year: int):
    if not permissions.can_manage_periods(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year)
    try:
        services.open_period(period, actor=request.user, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã mở kỳ đánh giá năm %(year)s; bộ tiêu chí của kỳ đã được cố định")
                         % {"year": period.year})
    return redirect("periods:detail", year=period.year)
