"""A synthetic national-scale period, written in bulk (a few seconds for 12,000 units).

``grow(period, departments_and_districts, communes)`` adds synthetic units to an existing period (the
Bắc Kạn world of ``core.demo``, so its personas keep their roles) until it holds that many assessed
units: 1,700 departments and 700 districts would be the national shape for 2,400, the communes spread
evenly over every district. Each unit is given an officer account and a work state from a fixed cycle;
one unit in 25 an extension of its own deadline; the departments and districts that have submitted
get a submitted self-assessment (and, from the appraisal on, an appraisal with a row per item); half of
the new districts have published their communes' results. Used by ``benchmarks.list_pages`` (national
figures) and ``tests/scale`` (a few hundred units, to show that query counts do not grow).
"""

from __future__ import annotations

from datetime import timedelta

# A fixed cycle of states: every state is present at every scale.
STATE_CYCLE = ("not_started", "self_assessing", "self_assessing", "submitted", "appraising",
               "awaiting_explanation", "appraised", "published", "not_started", "submitted")
DEPARTMENT_SHARE = 1700 / 2400  # of the departments and districts, as many departments as that


def grow(period, departments_and_districts: int, communes: int) -> dict[str, int]:
    """Add synthetic units to ``period`` until it holds that many assessed units of each level.

    Returns how many units of each kind the period then holds."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from parindex.accounts.models import Role, RoleAssignment
    from parindex.periods.models import Extension
    from parindex.periods.timeline import Step
    from parindex.units.models import PeriodUnit, UnitKind

    now = timezone.now()
    have = {kind: PeriodUnit.objects.filter(period=period, kind=kind).count() for kind in UnitKind.values}
    province = PeriodUnit.objects.filter(period=period, kind=UnitKind.PROVINCE).first()
    upper = max(departments_and_districts - have[UnitKind.DEPARTMENT] - have[UnitKind.DISTRICT], 0)
    new_departments = max(round(departments_and_districts * DEPARTMENT_SHARE) - have[UnitKind.DEPARTMENT], 0)
    new_departments = min(new_departments, upper)
    plan = [(UnitKind.DEPARTMENT, "BS", "Sở thử nghiệm", n) for n in range(1, new_departments + 1)]
    plan += [(UnitKind.DISTRICT, "BH", "Huyện thử nghiệm", n) for n in range(1, upper - new_departments + 1)]
    created = _units(period, plan, lambda kind, n: province, now)
    districts = list(PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT).order_by("code"))
    new_communes = max(communes - have[UnitKind.COMMUNE], 0)
    new_districts = [d for d in districts if d.code.startswith("BH")] or districts
    created += _units(period, [(UnitKind.COMMUNE, "BX", "Xã thử nghiệm", n) for n in range(1, new_communes + 1)],
                      lambda kind, n: new_districts[n % len(new_districts)], now)

    coordinator = get_user_model().objects.filter(is_superuser=False).order_by("pk").first()
    unusable = make_password(None)  # the accounts cannot sign in
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench.{u.code.lower()}", first_name=u.name, password=unusable) for u in created)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=Role.UNIT_OFFICER, unit_id=u.unit_id, granted_at=now)
        for user, u in zip(users, created, strict=True))
    Extension.objects.bulk_create(
        Extension(period_unit=u, step=Step.COMMUNE_SELF if u.kind == UnitKind.COMMUNE else Step.SELF,
                  new_due=(period.commune_self_due if u.kind == UnitKind.COMMUNE else period.self_due)
                  + timedelta(days=7), reason="Gia hạn thử nghiệm", granted_by=coordinator)
        for n, u in enumerate(created) if n % 25 == 0)
    _assessments(period, [u for u in created if u.kind != UnitKind.COMMUNE], coordinator, now)
    _publications(period, [d for d in created if d.kind == UnitKind.DISTRICT], coordinator, now)
    return {kind: PeriodUnit.objects.filter(period=period, kind=kind).count() for kind in UnitKind.values}


def _units(period, plan, parent_of, now) -> list:
    """Bulk-create the planned units, numbered after the synthetic units already there (``grow`` may be
    called again to grow further)."""
    from parindex.units.models import PeriodUnit, Unit

    after = {prefix: PeriodUnit.objects.filter(period=period, code__startswith=prefix).count()
             for prefix in {prefix for _kind, prefix, _label, _n in plan}}
    plan = [(kind, prefix, label, n + after[prefix]) for kind, prefix, label, n in plan]
    identities = Unit.objects.bulk_create(Unit(key=f"bench:{prefix}{n:05d}", kind=kind)
                                          for kind, prefix, _label, n in plan)
    return PeriodUnit.objects.bulk_create(
        PeriodUnit(period=period, unit=identity, kind=kind, code=f"{prefix}{n:05d}", name=f"{label} {n}",
                   type_label=label.split()[0], parent=parent_of(kind, n),
                   state=STATE_CYCLE[n % len(STATE_CYCLE)], state_changed_at=now)
        for identity, (kind, prefix, label, n) in zip(identities, plan, strict=True))


def _assessments(period, units, actor, now) -> None:
    """A submitted self-assessment for each unit past its own step; an appraisal from the appraisal on."""
    from parindex.appraisal.models import Appraisal, ItemAppraisal, Stage
    from parindex.appraisal.services import agency_map
    from parindex.assessments.models import Assessment, Status
    from parindex.periods.models import PeriodCriteriaSet
    from parindex.units.states import SUBMITTED_OR_LATER

    sets = {s.unit_kind: s for s in PeriodCriteriaSet.objects.filter(period=period)}
    submitted = [u for u in units if u.state in SUBMITTED_OR_LATER]
    assessments = Assessment.objects.bulk_create(
        Assessment(period_unit=u, criteria_set=sets[u.kind], status=Status.SUBMITTED, submitted_at=now,
                   submitted_by=actor, snapshot={"items": {}}) for u in submitted)
    stage_of = {"appraising": Stage.ROUND1, "awaiting_explanation": Stage.EXPLANATION,
                "appraised": Stage.FINALIZED, "published": Stage.FINALIZED}
    started = [(a, u) for a, u in zip(assessments, submitted, strict=True) if u.state in stage_of]
    appraisals = Appraisal.objects.bulk_create(
        Appraisal(assessment=a, stage=stage_of[u.state],
                  explanation_until=now + timedelta(days=3) if u.state == "awaiting_explanation" else None)
        for a, u in started)
    agencies = {kind: agency_map(period, kind, s.parsed()) for kind, s in sets.items()}
    ItemAppraisal.objects.bulk_create(
        (ItemAppraisal(appraisal=appraisal, item_code=code, agency=agency,
                       round1_points=0 if n % 2 else None)
         for appraisal, (_a, u) in zip(appraisals, started, strict=True)
         for n, (code, agency) in enumerate(agencies[u.kind].items())), batch_size=2000)


def _publications(period, districts, actor, now) -> None:
    """Half of these districts have published their communes' results (a small frozen content)."""
    from parindex.publication.models import Publication
    from parindex.publication.services import district_scope

    Publication.objects.bulk_create(
        Publication(period=period, scope=district_scope(d.code), version=1, published_at=now, published_by=actor,
                    content={"district": {"code": d.code, "name": d.name}, "units": []})
        for n, d in enumerate(districts) if n % 2 == 0)
