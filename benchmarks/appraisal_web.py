"""Server time of the appraisers' list for the whole province, on a throwaway database.

Every department and district (19 + 8 = 27 units) submits a fully scored self-assessment; round 1
is started on all of them and partly done, so the page reads every item row of the province.
Printed: p50/p95 of GET /ky/2021/tham-dinh/ for stc.thamdinh (Sở Tài chính, field g).
The world builder ``submit_province`` is shared with tests/appraisal/test_workspace.py.
"""

from __future__ import annotations

from datetime import datetime

from .pages import on_throwaway_db, time_page


def main(repeat: int = 40) -> None:
    on_throwaway_db(_run, repeat)


def _people(unit):
    """An officer and a head of the unit: the existing ones, else fresh accounts granted here."""
    from django.contrib.auth import get_user_model

    from parindex.accounts.models import Role, RoleAssignment
    from parindex.accounts.services import grant_role

    found = {}
    for role in (Role.UNIT_OFFICER, Role.UNIT_HEAD):
        assignment = RoleAssignment.objects.active().filter(role=role, unit=unit.unit).select_related("user").first()
        if assignment is not None:
            found[role] = assignment.user
            continue
        suffix = "canbo" if role == Role.UNIT_OFFICER else "thutruong"
        user, _ = get_user_model().objects.get_or_create(username=f"bench.{unit.code.lower()}.{suffix}")
        grant_role(user, role, actor=None, unit=unit.unit)
        found[role] = user
    return found[Role.UNIT_OFFICER], found[Role.UNIT_HEAD]


def submit_province(period) -> list:
    """Every department and district submits a fully scored sheet; returns their assessments.

    Scores are written in bulk (the score sheet's own path is measured by benchmarks/web.py); the
    participants, the officer's sending and the head's approval and submission go through the services,
    so each snapshot is the one the appraisal reads.
    """
    from django.utils import timezone

    from parindex.assessments import services
    from parindex.assessments.models import ItemScore
    from parindex.units.models import PeriodUnit, UnitKind

    out = []
    units = PeriodUnit.objects.filter(period=period, kind__in=[UnitKind.DEPARTMENT, UnitKind.DISTRICT])
    for unit in units.select_related("unit", "period").order_by("kind", "code"):
        officer, head = _people(unit)
        assessment = services.get_or_create(unit)
        ItemScore.objects.bulk_create(
            ItemScore(assessment=assessment, item_code=code, points=view.item.max_points,
                      explanation=f"Giải trình {code}", version=1, updated_by=officer, updated_at=timezone.now())
            for code, view in services.item_views(assessment).items())
        services.set_participants(assessment, [(f"Người {i + 1}", role, role) for i, role in  # III.2.2
                                                enumerate(services.required_roles(assessment.period_unit))],
                                  actor=officer)
        services.send_for_approval(assessment, actor=officer)
        out.append(services.approve_and_submit(assessment, actor=head))
    return out


def start_round1(assessments, appraiser, every: int = 3) -> None:
    """Of every ``every`` units: one is not opened yet, one opened, one where the appraiser confirms an item."""
    from parindex.accounts import permissions
    from parindex.appraisal import services

    for n, assessment in enumerate(assessments):
        if n % every == 1:
            continue
        appraisal = services.get_or_start(assessment)
        if n % every:
            continue
        caps = permissions.appraisal_capabilities(appraiser, assessment.period_unit, services.stage_now(appraisal))
        cset = assessment.criteria_set.parsed()
        for row in appraisal.items.all():
            if caps.enters(row.agency, cset.items_by_code[row.item_code].field):
                services.appraise(appraisal, row.item_code, assessment.snapshot["items"][row.item_code]["points"],
                                  "", actor=appraiser)
                break


def _run(repeat: int) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from parindex.core import clock, demo
    from parindex.criteria.services import load_criteria_files
    from parindex.periods.models import Period
    from parindex.periods.timeline import VN

    now = datetime(2026, 11, 20, 10, 0, tzinfo=VN)
    clock.freeze(now)
    load_criteria_files()
    demo.populate(now)
    period = Period.objects.get(year=demo.DEMO_YEAR)
    appraiser = get_user_model().objects.get(username="stc.thamdinh")
    start_round1(submit_province(period), appraiser)
    client = Client()
    client.force_login(appraiser)
    target = f"/ky/{period.year}/tham-dinh/"
    time_page(client, "appraisers' list, 27 submitted units (stc.thamdinh)", target, repeat)
    clock.freeze(None)


if __name__ == "__main__":
    main()
