"""The province's results' world: every department and district finalized, the survey closed, every district's
communes published; rows written directly (each step that makes them is tested in its own module)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from parindex.appraisal.models import Appraisal, Stage
from parindex.assessments.models import Assessment, Status
from parindex.publication import services as publication
from parindex.publication.province import province_results
from parindex.rulebook.numbers import to_str
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.states import WorkState

from ..conftest import NOW

AFTER_START = NOW + timedelta(days=61)   # the demo timeline opens V.5's window 60 days after NOW


def set_of(period, kind):
    return period.criteria_sets.get(unit_kind=kind)


def _finalize(unit, record, lowered: dict[str, str]) -> None:
    cset = record.parsed()
    result = {i.code: lowered.get(i.code, to_str(i.max_points)) for i in cset.items if not i.is_survey}
    assessment = Assessment.objects.create(period_unit=unit, criteria_set=record, status=Status.SUBMITTED)
    Appraisal.objects.create(assessment=assessment, stage=Stage.FINALIZED, result=result)
    PeriodUnit.objects.filter(pk=unit.pk).update(state=WorkState.APPRAISED)


def _survey(period, actor, lowered: dict[str, dict[str, str]]) -> None:
    kinds = {}
    for kind in (UnitKind.DEPARTMENT, UnitKind.DISTRICT):
        items = [i for i in set_of(period, kind).parsed().items if i.is_survey]
        kinds[kind] = {"units": [
            {"code": u.code, "name": u.name,
             "items": {i.code: lowered.get(u.code, {}).get(i.code, to_str(i.max_points)) for i in items}}
            for u in PeriodUnit.objects.filter(period=period, kind=kind)]}
    publication.publish(period, "survey", {"year": period.year, "kinds": kinds}, actor=actor)


def _communes(period, actor, district, classes: dict[str, str] | None = None, *, leave_out=()) -> None:
    rows = [{"code": c.code, "name": c.name, "total": "95", "class": (classes or {}).get(c.code, "xuat_sac")}
            for c in district.children.filter(kind=UnitKind.COMMUNE).order_by("code") if c.code not in leave_out]
    publication.publish(period, publication.district_scope(district.code), {"units": rows}, actor=actor)


@pytest.fixture
def ready(world, persona):
    """Everything the draft needs; ``ready(self={code: {item: value}}, survey=…, communes={district: {…}},
    skip=(codes without a finalized appraisal), unpublished=(districts that published nothing))``."""
    coordinator = persona("snv.dieuphoi")

    def make(self=None, survey=None, communes=None, skip=(), unpublished=(), leave_out=()):
        for unit in PeriodUnit.objects.filter(period=world, kind__in=[UnitKind.DEPARTMENT, UnitKind.DISTRICT]):
            if unit.code not in skip:
                _finalize(unit, set_of(world, unit.kind), (self or {}).get(unit.code, {}))
        _survey(world, coordinator, survey or {})
        for district in PeriodUnit.objects.filter(period=world, kind=UnitKind.DISTRICT):
            if district.code not in unpublished:
                _communes(world, coordinator, district, (communes or {}).get(district.code), leave_out=leave_out)
        return world
    return make




class _RollBack(Exception):
    pass


def province_content(period, actor, self=None, decision=("12/QĐ-UBND", "2022-02-15")) -> dict:
    """The content a province publication would hold if ``ready(self=…)`` had been run, computed inside a
    transaction that is rolled back: nothing else in the world changes (for pages that show other states).
    Write it as a ``Publication`` of scope ``province`` to have the province's results published."""
    found = {}
    try:
        with transaction.atomic():
            for unit in PeriodUnit.objects.filter(period=period, kind__in=[UnitKind.DEPARTMENT, UnitKind.DISTRICT]):
                _finalize(unit, set_of(period, unit.kind), (self or {}).get(unit.code, {}))
            _survey(period, actor, {})
            for district in PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT):
                if publication.latest(period, publication.district_scope(district.code)) is None:
                    _communes(period, actor, district)   # a district that published keeps its own results
            found.update(province_results(period))
            raise _RollBack
    except _RollBack:
        pass
    return {**found, "decision": {"number": decision[0], "date": decision[1]}}
