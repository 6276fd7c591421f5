"""Rows of the status board: each unit's state, its deadline, the time left, overdue or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils.translation import gettext as _

from parindex.periods.services import deadline_for
from parindex.periods.timeline import Step, format_instant
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.states import HAS_RESULT, SUBMITTED_OR_LATER, WorkState


def own_step(unit: PeriodUnit) -> str:
    """The step whose deadline the unit itself must meet: its self-assessment."""
    return Step.COMMUNE_SELF if unit.kind == UnitKind.COMMUNE else Step.SELF


def describe_left(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    late = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    minutes = (rest % 3600) // 60
    if days:
        text = _("%(d)s ngày %(h)s giờ") % {"d": days, "h": hours}
    elif hours:
        text = _("%(h)s giờ %(m)s phút") % {"h": hours, "m": minutes}
    else:
        text = _("%(m)s phút") % {"m": minutes}
    return (_("quá hạn %(t)s") if late else _("còn %(t)s")) % {"t": text}


@dataclass
class Row:
    unit: PeriodUnit
    deadline: datetime
    extended: bool
    deadline_text: str
    left_text: str
    overdue: bool
    done: bool


def row_for(unit: PeriodUnit, now: datetime) -> Row:
    deadline, extended = deadline_for(unit, own_step(unit))
    done = unit.state in SUBMITTED_OR_LATER
    overdue = not done and now >= deadline
    left = _("đã nộp") if done else describe_left(deadline - now)
    return Row(unit, deadline, extended, format_instant(deadline), left, overdue, done)


def rows(units, now: datetime) -> list[Row]:
    return [row_for(u, now) for u in units]


def state_counts(units) -> list[tuple[str, str, int]]:
    counts = dict(units.order_by().values_list("state").annotate(n=Count("id")))
    return [(state.value, state.label, counts.get(state.value, 0)) for state in WorkState]


@dataclass
class DistrictSummary:
    district: PeriodUnit
    communes: int
    with_result: int
    submitted: int

    @property
    def complete(self) -> bool:
        """IV.1.4: the province may classify the district only when every commune has a result."""
        return self.communes > 0 and self.with_result == self.communes


def commune_summary(districts) -> list[DistrictSummary]:
    out = []
    for district in districts.prefetch_related("children"):
        children = [c for c in district.children.all() if c.kind == UnitKind.COMMUNE]
        out.append(DistrictSummary(
            district, len(children),
            sum(1 for c in children if c.state in HAS_RESULT),
            sum(1 for c in children if c.state in SUBMITTED_OR_LATER),
        ))
    return out


def explanation_rounds(units, now: datetime) -> dict[int, str]:
    """PeriodUnit id → the end of its explanation round («giải trình»), for the units whose round is
    open now, in one query. Read from the appraisal's own fields: the round ends by itself when
    ``explanation_until`` passes."""
    from parindex.appraisal.models import Appraisal, Stage

    rows = Appraisal.objects.filter(assessment__period_unit__in=units, stage=Stage.EXPLANATION,
                                    explanation_until__gt=now)
    return {unit_id: format_instant(until)
            for unit_id, until in rows.values_list("assessment__period_unit_id", "explanation_until")}
