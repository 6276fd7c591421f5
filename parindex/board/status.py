"""Rows of the status board: each unit's state, its deadline, the time left, overdue or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, DateTimeField, F, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext as _

from parindex.periods.models import Extension
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


@dataclass
class BoardRow:
    """A board line with its texts ready: a page of 200 lines renders without a lookup or a translation
    per line (the labels are translated once per page)."""

    row: Row
    url: str
    state_label: str
    where: str  # the commune's district, or the unit's kind


def rows(units, now: datetime, url_prefix: str = "") -> list[BoardRow]:
    """``url_prefix`` + code + "/" is each unit's card (``board:unit``)."""
    states = {value: str(label) for value, label in WorkState.choices}
    kinds = {value: str(label) for value, label in UnitKind.choices}
    out = []
    for unit in units:
        where = unit.parent.name if unit.kind == UnitKind.COMMUNE and unit.parent_id else kinds.get(unit.kind, "")
        out.append(BoardRow(row_for(unit, now), f"{url_prefix}{unit.code}/", states.get(unit.state, unit.state), where))
    return out


def state_counts(units) -> list[tuple[str, str, int]]:
    counts = dict(units.order_by().values_list("state").annotate(n=Count("id")))
    return [(state.value, state.label, counts.get(state.value, 0)) for state in WorkState]


# -- the same answers computed in the database (national scale: 12,000 units) ---------------------------

def _own_extension(step: str):
    return Subquery(Extension.objects.filter(period_unit=OuterRef("pk"), step=step).values("new_due")[:1],
                    output_field=DateTimeField())


def with_deadline(units, period):
    """``units`` annotated with ``due``: the deadline of their own step, as ``deadline_for`` answers it
    (the extension's new date when later than the period's), so overdue can be filtered and counted
    in SQL."""
    commune = Q(kind=UnitKind.COMMUNE)
    base = Case(When(commune, then=Value(period.commune_self_due)), default=Value(period.self_due),
                output_field=DateTimeField())
    extended = Case(When(commune, then=_own_extension(Step.COMMUNE_SELF)), default=_own_extension(Step.SELF),
                    output_field=DateTimeField())
    return units.annotate(base_due=base, ext_due=extended).annotate(due=Case(
        When(ext_due__gt=F("base_due"), then=F("ext_due")), default=F("base_due"), output_field=DateTimeField()))


def overdue_q(now: datetime) -> Q:
    """Not submitted and past its deadline (on a queryset from ``with_deadline``), as ``Row.overdue``."""
    return Q(due__lte=now) & ~Q(state__in=SUBMITTED_OR_LATER)


def progress(units, period, now: datetime) -> dict[str, int]:
    """How many units, not yet submitted, overdue, with a result, appraised: one query."""
    return with_deadline(units.order_by(), period).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=~Q(state__in=SUBMITTED_OR_LATER)),
        late=Count("pk", filter=overdue_q(now)),
        with_result=Count("pk", filter=Q(state__in=HAS_RESULT)),
        appraised=Count("pk", filter=Q(state=WorkState.APPRAISED)),
    )


class DistrictSummary:
    """One district annotated by ``commune_summary``: its communes, with a result, submitted."""

    def __init__(self, district: PeriodUnit):
        self.district = district
        self.communes = district.n_communes
        self.with_result = district.n_with_result
        self.submitted = district.n_submitted

    @property
    def complete(self) -> bool:
        """IV.1.4: the province may classify the district only when every commune has a result."""
        return self.communes > 0 and self.with_result == self.communes


def annotate_communes(districts):
    """Districts with the counts of their communes (all, with a result, submitted), in the same query."""
    commune = Q(children__kind=UnitKind.COMMUNE)
    return districts.annotate(
        n_communes=Count("children", filter=commune),
        n_with_result=Count("children", filter=commune & Q(children__state__in=HAS_RESULT)),
        n_submitted=Count("children", filter=commune & Q(children__state__in=SUBMITTED_OR_LATER)),
    )


def commune_summary(districts) -> list[DistrictSummary]:
    return [DistrictSummary(d) for d in annotate_communes(districts)]


def complete_districts(districts) -> int:
    """How many of these districts have every commune's result (IV.1.4), counted in the database."""
    return annotate_communes(districts.order_by()).filter(n_communes__gt=0, n_with_result=F("n_communes")).count()


def explanation_rounds(units, now: datetime) -> dict[int, str]:
    """PeriodUnit id → the end of its explanation round («giải trình»), for the units whose round is
    open now, in one query. Read from the appraisal's own fields: the round ends by itself when
    ``explanation_until`` passes."""
    from parindex.appraisal.models import Appraisal, Stage

    rows = Appraisal.objects.filter(assessment__period_unit__in=units, stage=Stage.EXPLANATION,
                                    explanation_until__gt=now)
    return {unit_id: format_instant(until)
            for unit_id, until in rows.values_list("assessment__period_unit_id", "explanation_until")}
