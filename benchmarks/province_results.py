"""`make bench`, part of it: the province's results (issue 11) at province and at national scale.

The Bắc Kạn world, then the synthetic national period (``benchmarks.national.grow``: 2,400 departments and
districts, 9,600 communes); in both, every department and district is given a finalized appraisal (every
self-assessed item at its maximum), the closed survey's points and every district's published communes,
written in bulk — the worst case for the draft, which scores every unit on each read. Measured: the draft's
computation (``province.province_results``), the coordinator's draft page, and the public year page once the
results are published.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta

from .pages import on_throwaway_db, time_page

TARGET_MS = 300


def main(repeat: int = 10) -> None:
    on_throwaway_db(_run, repeat)


def _ready(period) -> None:
    """Finalized appraisals, the survey snapshot and the commune publications for every unit, in bulk."""
    from django.contrib.auth import get_user_model

    from parindex.appraisal.models import Appraisal, Stage
    from parindex.assessments.models import Assessment, Status
    from parindex.core import clock
    from parindex.publication.models import Publication
    from parindex.publication.services import district_scope
    from parindex.rulebook.numbers import to_str
    from parindex.units.models import PeriodUnit, UnitKind
    from parindex.units.states import WorkState

    actor = get_user_model().objects.get(username="snv.dieuphoi")
    now = clock.now()
    kinds = (UnitKind.DEPARTMENT, UnitKind.DISTRICT)
    sets = {r.unit_kind: r for r in period.criteria_sets.filter(unit_kind__in=kinds)}
    parsed = {k: r.parsed() for k, r in sets.items()}
    full = {k: {i.code: to_str(i.max_points) for i in c.items if not i.is_survey} for k, c in parsed.items()}
    units = list(PeriodUnit.objects.filter(period=period, kind__in=kinds))
    Appraisal.objects.filter(assessment__period_unit__in=units).delete()
    Assessment.objects.filter(period_unit__in=units).delete()
    assessments = Assessment.objects.bulk_create(
        Assessment(period_unit=u, criteria_set=sets[u.kind], status=Status.SUBMITTED, submitted_at=now,
                   submitted_by=actor, snapshot={"items": {}}) for u in units)
    Appraisal.objects.bulk_create(Appraisal(assessment=a, stage=Stage.FINALIZED, result=full[u.kind])
                                  for a, u in zip(assessments, units, strict=True))
    PeriodUnit.objects.filter(pk__in=[u.pk for u in units]).update(state=WorkState.APPRAISED)
    survey = {k: {i.code: to_str(i.max_points) for i in c.items if i.is_survey} for k, c in parsed.items()}
    Publication.objects.filter(period=period, scope__in=["survey", "province"]).delete()
    Publication.objects.filter(period=period, scope__startswith="district:").delete()
    content = {"year": period.year, "kinds": {k: {"units": [{"code": u.code, "name": u.name, "items": survey[k]}
                                                            for u in units if u.kind == k]} for k in kinds}}
    Publication.objects.create(period=period, scope="survey", version=1, published_at=now, published_by=actor,
                               content=content)
    communes: dict[int, list] = {}
    for c in PeriodUnit.objects.filter(period=period, kind=UnitKind.COMMUNE).only("code", "name", "parent_id"):
        communes.setdefault(c.parent_id, []).append({"code": c.code, "name": c.name, "total": "95",
                                                     "class": "xuat_sac"})
    Publication.objects.bulk_create(
        Publication(period=period, scope=district_scope(d.code), version=1, published_at=now, published_by=actor,
                    content={"district": {"code": d.code, "name": d.name}, "units": communes.get(d.pk, [])})
        for d in units if d.kind == UnitKind.DISTRICT)


def _measure(scale: str, period, repeat: int) -> list[tuple[str, float, float]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from parindex.core import clock
    from parindex.publication import province

    print(f"-- {scale}", flush=True)
    times = []
    for _ in range(max(3, repeat // 2)):
        start = time.perf_counter()
        content = province.province_results(period)
        times.append((time.perf_counter() - start) * 1000)
    ranked = sum(1 for g in content["groups"].values() for u in g["units"] if u["rank"])
    print(f"draft computed (province_results, {ranked} units ranked): median {statistics.median(times):.0f} ms, "
          f"max {max(times):.0f} ms", flush=True)
    coordinator = Client()
    coordinator.force_login(get_user_model().objects.get(username="snv.dieuphoi"))
    out = [("draft page", *time_page(coordinator, "draft page (/ky/2021/ket-qua-tinh/)", "/ky/2021/ket-qua-tinh/",
                                     repeat, TARGET_MS)[:2])]
    users = get_user_model().objects
    province.submit(period, actor=users.get(username="snv.dieuphoi"))
    province.approve(period, "12/QĐ-UBND", "15/02/2022", actor=users.get(username="ubnd.lanhdao"))
    province.publish_province(period, actor=users.get(username="snv.dieuphoi"),
                              at=clock.now() + timedelta(days=61))
    out.append(("public year page", *time_page(Client(), "public results of 2021, published (/cong-bo/2021/)",
                                               "/cong-bo/2021/", repeat, TARGET_MS)[:2]))
    from parindex.publication.models import ProvinceResults, Publication
    ProvinceResults.objects.filter(period=period).delete()
    Publication.objects.filter(period=period, scope="province").delete()
    return out


def _run(repeat: int) -> None:
    from parindex.core import clock, demo
    from parindex.criteria.services import load_criteria_files
    from parindex.periods.models import Period
    from parindex.periods.timeline import VN

    from .national import grow

    now = datetime(2026, 11, 20, 10, 0, tzinfo=VN)
    clock.freeze(now)
    load_criteria_files()
    demo.populate(now)
    period = Period.objects.get(year=demo.DEMO_YEAR)
    _ready(period)
    province = _measure("province: 19 departments, 8 districts, 108 communes", period, repeat)
    grow(period, 2400, 9600)
    _ready(period)
    national = _measure("national: 2,400 departments and districts, 9,600 communes", period, repeat)
    for (label, _p50, _p95), (_l, p50, p95) in zip(province, national, strict=True):
        print(f"  {label}: national p50 {p50:.0f} ms, p95 {p95:.0f} ms [{'ok' if p95 < TARGET_MS else 'SLOW'}]")
    clock.freeze(None)


if __name__ == "__main__":
    main()
