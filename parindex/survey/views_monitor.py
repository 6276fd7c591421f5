"""Response rates (mounted at ky/<year>/dieu-tra/tien-do/): per evaluated kind, per group × unit, the planned
sample (``plan_of``), the responses received (online, paper, file), the rate, and the links created and
still pending. Numbers only: nothing here says who answered, or what (issue 10 §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from parindex.accounts import permissions
from parindex.units.models import UnitKind

from . import services
from .design import EVALUATED_KINDS
from .models import Invitation, PaperForm, Response, Survey
from .views_paper import survey_for


def rate(received: int, planned: int) -> Decimal | None:
    """received / planned in percent, one decimal (None without a plan)."""
    if planned <= 0:
        return None
    return (Decimal(100) * received / planned).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Cell:
    planned: int = 0
    online: int = 0
    paper: int = 0
    imported: int = 0
    links: int = 0
    pending: int = 0
    forms: int = 0

    @property
    def received(self) -> int:
        return self.online + self.paper + self.imported

    @property
    def rate(self) -> Decimal | None:
        return rate(self.received, self.planned)

    def add(self, other: Cell) -> None:
        for name in ("planned", "online", "paper", "imported", "links", "pending", "forms"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def progress(survey: Survey, kind: str) -> list[dict]:
    """For each group of ``kind``: its rows (unit, Cell) and its total Cell."""
    plan = services.plan_of(survey)
    responses = {(g, u, s): n for g, u, s, n in Response.objects.filter(survey=survey, unit__kind=kind)
                 .values_list("group", "unit__code", "source").annotate(n=Count("pk")).order_by()}
    links = {(g, u): (n, p) for g, u, n, p in Invitation.objects.filter(survey=survey, unit__kind=kind)
             .values_list("group", "unit__code").annotate(n=Count("pk"), p=Count("pk", filter=Q(completed_on=None)))
             .order_by()}
    forms = {(g, u): n for g, u, n in PaperForm.objects.filter(survey=survey, unit__kind=kind)
             .values_list("group", "unit__code").annotate(n=Count("pk")).order_by()}
    out = []
    for group_plan in plan.by_kind(kind):
        code = group_plan.group.code
        rows, total = [], Cell()
        for row in group_plan.rows:
            key = (code, row.unit.code)
            n, p = links.get(key, (0, 0))
            cell = Cell(row.sample, responses.get((*key, Response.Source.ONLINE), 0),
                        responses.get((*key, Response.Source.PAPER), 0),
                        responses.get((*key, Response.Source.IMPORT), 0), n, p, forms.get(key, 0))
            total.add(cell)
            rows.append({"unit": row.unit, "cell": cell})
        out.append({"group": group_plan.group, "rows": rows, "total": total})
    return out


@login_required
@require_GET
def monitor(request, year: int):
    """?loai=department|district: one kind at a time, grouped by respondent group."""
    period, survey = survey_for(request, year, permissions.can_monitor_survey)
    kind = request.GET.get("loai") or EVALUATED_KINDS[0]
    if kind not in EVALUATED_KINDS:
        raise Http404
    groups = progress(survey, kind)
    total = Cell()
    for g in groups:
        total.add(g["total"])
    tabs = [{"label": UnitKind(k).label, "current": k == kind,
             "url": f"{reverse('survey:monitor', args=[year])}?loai={k}"} for k in EVALUATED_KINDS]
    return render(request, "survey/monitor/monitor.html", {
        "period": period, "survey": survey, "groups": groups, "total": total, "tabs": tabs,
        "kind_label": UnitKind(kind).label, "can_issue": permissions.can_issue_paper_forms(request.user)})
