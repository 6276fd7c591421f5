"""Home pages («việc cần làm»), the status board, unit cards, extensions, commune completeness."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.core import clock
from parindex.core.errors import DomainError
from parindex.periods import services as period_services
from parindex.periods.forms import ExtensionForm
from parindex.periods.models import Period
from parindex.periods.timeline import FIELDS, Step, format_instant
from parindex.publication.services import published_result_of
from parindex.units.models import PeriodUnit
from parindex.units.states import WorkState

from . import status
from .paging import paginate
from .todo import todos

# The deadlines each board follows (section V of the decision).
LEVEL_DEADLINES = {
    permissions.LEVEL_PROVINCE: ("self_due", "appraisal_end", "publication_end"),
    permissions.LEVEL_COMMUNE: ("commune_self_due", "district_publish_due"),
}


def home(request):
    if not request.user.is_authenticated:
        # the public's first page: the criteria; the published results are in the header (Kết quả công bố)
        return redirect("criteria:index")
    period, items = todos(request.user, clock.now())
    scope = permissions.scope_of(request.user)
    results = []
    if period is not None and (scope.officer_of or scope.head_of):  # the commune's own published result
        own = (PeriodUnit.objects.filter(period=period, unit_id__in=scope.officer_of | scope.head_of)
               .select_related("parent", "period").order_by("code"))
        results = [r for r in map(published_result_of, own) if r is not None]
    return render(request, "board/home.html", {"period": period, "items": items, "scope": scope,
                                               "results": results})


# Rows per page of a board: a province's boards (27 departments and districts, 108 communes) fit on one page;
# a national one (2,400 and 9,600) is split into pages.
BOARD_PER_PAGE = 200
# Above this many communes in a person's scope, the commune board shows one district at a time (the first
# by code unless one is chosen); the counts at the top still cover the whole scope.
COMMUNES_BY_DISTRICT_ABOVE = 500


@login_required
def board(request, year: int, level: str):
    if level not in permissions.LEVELS:
        raise Http404
    if not permissions.can_view_board(request.user, level):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year)
    scope_units = permissions.board_units(request.user, period, level)
    units = scope_units.select_related("period", "parent").order_by("kind", "parent__code", "code")
    districts = permissions.visible_districts(request.user, period).order_by("code")
    counts = status.state_counts(scope_units)
    total = sum(n for _code, _label, n in counts)
    by_district = level == permissions.LEVEL_COMMUNE and total > COMMUNES_BY_DISTRICT_ABOVE
    district = request.GET.get("huyen", "")
    state = request.GET.get("trang_thai", "")
    errors = []
    if by_district and not district:
        district = districts.values_list("code", flat=True).first() or ""
    if district:
        if not districts.filter(code=district).exists():
            errors.append(_("Không có huyện mã «%(code)s» trong phạm vi của bạn") % {"code": district})
        elif level == permissions.LEVEL_COMMUNE:
            units = units.filter(parent__code=district)
        else:
            units = units.filter(code=district)
    if state:
        if state not in WorkState.values:
            errors.append(_("Trạng thái «%(state)s» không tồn tại") % {"state": state})
        else:
            units = units.filter(state=state)
    now = clock.now()
    overdue_only = request.GET.get("qua_han") == "1"
    if overdue_only:
        units = status.with_deadline(units, period).filter(status.overdue_q(now))
    page = paginate(request, units, BOARD_PER_PAGE)
    card = reverse("board:unit", args=[year, "CODE"]).removesuffix("CODE/")
    rows = status.rows(prefetch_related_objects_of(page), now, card)
    deadlines = [
        {"label": FIELDS[name], "when": format_instant(getattr(period, name)),
         "left": status.describe_left(getattr(period, name) - now)}
        for name in (LEVEL_DEADLINES[level])
    ]
    return render(request, "board/board.html", {
        "period": period, "level": level, "rows": rows, "page": page, "counts": counts, "total": total,
        "by_district": by_district, "districts": districts, "district": district, "state": state,
        "states": WorkState.choices, "errors": errors, "overdue_only": overdue_only, "deadlines": deadlines,
        "deadline": period.commune_self_due if level == permissions.LEVEL_COMMUNE else period.self_due,
    })


def prefetch_related_objects_of(page) -> list[PeriodUnit]:
    """The page's units with their extensions (one query for the page, whatever its size)."""
    units = list(page.object_list)
    prefetch_related_objects(units, "extensions")
    return units


@login_required
def unit_card(request, year: int, code: str):
    period = get_object_or_404(Period, year=year)
    unit = permissions.get_unit_or_404(request.user, period, code)
    row = status.row_for(unit, clock.now())
    verdict = period_services.may_act(unit, status.own_step(unit))
    return render(request, "board/unit.html", {
        "period": period, "unit": unit, "row": row, "verdict": verdict,
        "explanation_until": status.explanation_rounds([unit.pk], clock.now()).get(unit.pk),
        "extensions": unit.extensions.all(),
        "can_extend": permissions.can_grant_extension(request.user, unit),
        "survey_total": _survey_total(request.user, unit),
    })


def _survey_total(user, unit):
    """-- survey: close. The unit's survey points (sum over its items) from the closed survey's snapshot,
    for the Sở Nội vụ (the engine's input; the index itself is the province's publication, issue 11)."""
    from parindex.survey.results import survey_points

    if unit.kind == "commune" or not permissions.can_view_survey(user):
        return None
    points = survey_points(unit)
    return sum(points.values()) if points else None


@login_required
def extension(request, year: int, code: str):
    period = get_object_or_404(Period, year=year)
    unit = permissions.get_unit_or_404(request.user, period, code)
    if not permissions.can_grant_extension(request.user, unit):
        raise PermissionDenied
    step = status.own_step(unit)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period_services.grant_extension(unit, step, form.cleaned_data["new_due"], form.cleaned_data["reason"],
                                            actor=request.user, request=request)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã gia hạn cho %(unit)s") % {"unit": unit.name})
            return redirect("board:unit", year=year, code=code)
    return render(request, "board/extension.html", {"period": period, "unit": unit, "form": form,
                                                    "step": Step(step)})


@login_required
def commune_summary(request, year: int):
    if not permissions.can_view_commune_summary(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year)
    districts = permissions.visible_districts(request.user, period).order_by("code")
    page = paginate(request, status.annotate_communes(districts))
    return render(request, "board/commune_summary.html", {
        "period": period, "page": page, "summary": [status.DistrictSummary(d) for d in page.object_list],
        "districts": page.paginator.count, "complete": status.complete_districts(districts)})
