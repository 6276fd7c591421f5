"""The demo's finished year (`make run`): 2021 taken through every step of section V on its own dates.

Every commune self-assesses before 30/11/2021 (V.1); every district's team appraises and finalizes its
communes and the district publishes them before 31/12 (V.2); every department and district
self-assesses before 31/12 (V.3); the survey collects its whole sample plan in December (V.1.1.c);
the province's team appraises in January 2022 (V.4); the survey is closed; the Sở Nội vụ builds the
draft, submits it, UBND tỉnh approves it and it is published in February 2022 (V.5).

Each step runs through the same services a person uses, with the period's real timeline, the clock
frozen at a day inside the step's window (``clock.freeze``), so every deadline check (``may_act``)
passes for the reason it would have in 2021. The audit log records each action when the demo was
built, with the demo's reason. A few items are re-scored by the appraisal (with a comment) so the
appraised points differ from the self-scores; the units' quality is drawn with a fixed seed.

Speed (`make run` serves within 3 minutes): the password is hashed once for every demo account
(``demo.ensure_user``), one evidence PDF is generated per year, and the appraisal accepts the
self-scores item by item with ``accept_self_scores`` (one call per unit, still one audit line per
item) instead of typing each item.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from django.db import transaction

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal import rules as appraisal_rules
from parindex.appraisal import services as appraisal_services
from parindex.appraisal.models import Stage, Team
from parindex.assessments import services as assessment_services
from parindex.assessments.models import Status
from parindex.periods import services as period_services
from parindex.periods.models import Period
from parindex.periods.timeline import VN
from parindex.publication import province
from parindex.publication import services as publication
from parindex.publication.models import ProvinceResults
from parindex.units.models import PeriodUnit, UnitKind

from . import clock

PUBLISHED_YEAR = 2021
DECISION_NUMBER = "245/QĐ-UBND"  # made up: the demo's approval of its made-up results
REASON = "Dữ liệu demo: năm 2021 đã hoàn thành"
# Accounts the demo already names for two districts (demo.ACCOUNTS, demo_cycle); the others are made here.
DISTRICT_PEOPLE = {
    "062": {"coordinator": "nganson.noivu", "lead": "nganson.thamdinh"},
    "065": {"coordinator": "chomoi.noivu", "lead": "chomoi.totruong", "officer": "chomoi.canbo",
            "head": "chomoi.chutich"},
    "066": {"coordinator": "nari.noivu"},
}


def _on(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=VN)


def _person(username: str, full_name: str, role: str, *, unit=None, agency: str = "", team=None):
    from .demo import ensure_user

    user = ensure_user(username, full_name)
    grant_role(user, role, actor=None, unit=unit, agency=agency, team_district=team, reason="Dữ liệu demo")
    return user


def _unit_people(unit: PeriodUnit) -> tuple:
    """The officer and the head of a unit (the same accounts in every year)."""
    identity = unit.unit
    if unit.kind == UnitKind.COMMUNE:
        prefix, head_title = f"xa{unit.code}", "chutich"
    elif unit.kind == UnitKind.DISTRICT:
        prefix, head_title = f"huyen{unit.code}", "chutich"
    else:
        prefix, head_title = unit.code.lower(), "giamdoc"
    named = DISTRICT_PEOPLE.get(unit.code, {}) if unit.kind == UnitKind.DISTRICT else {}
    officer = _person(named.get("officer", f"{prefix}.canbo"), f"Cán bộ {unit.name}", Role.UNIT_OFFICER,
                      unit=identity)
    head = _person(named.get("head", f"{prefix}.{head_title}"), f"Lãnh đạo {unit.name}", Role.UNIT_HEAD,
                   unit=identity)
    return officer, head


def _appraise(assessment, lead, rng: random.Random) -> None:
    """Round 1: the self-scores accepted where supported, a few items re-scored with a comment, the
    unsupported ones 0 (III.3.2.b); then the final round confirms round 1 and the lead finalizes."""
    appraisal = appraisal_services.get_or_start(assessment)
    if appraisal.stage == Stage.FINALIZED:
        return
    codes = list(appraisal.items.order_by("item_code").values_list("item_code", flat=True))
    supported = {code for code in codes
                 if appraisal_rules.had_support(appraisal_services.snapshot_item(assessment, code))}
    lowered = {code for code in codes if code in supported and rng.random() < 0.08  # codes: a fixed order
               and appraisal_services.self_points(assessment, code) > 0}
    accepted = [code for code in codes if code in supported and code not in lowered]
    if accepted:
        appraisal_services.accept_self_scores(appraisal, accepted, actor=lead)
    for code in codes:
        if code in lowered:
            appraisal_services.appraise(appraisal, code, "0", "Tài liệu kiểm chứng chưa thể hiện kết quả thực hiện",
                                        actor=lead)
        elif code not in supported:
            appraisal_services.appraise(appraisal, code, "0", "Không có tài liệu kiểm chứng, không giải trình",
                                        actor=lead)
    appraisal_services.close_explanation(appraisal, actor=lead)
    appraisal_services.confirm_unchanged(appraisal, actor=lead)
    appraisal_services.finalize(appraisal, actor=lead)


def _self_assess(units, rng: random.Random, quality: dict) -> None:
    from .demo_cycle import self_assess

    for unit in units:
        if assessment_services.get_or_create(unit).status == Status.SUBMITTED:
            continue
        officer, head = _unit_people(unit)
        self_assess(unit, officer, head, rng, quality=quality[unit.code])


def _district_team(period: Period, district: PeriodUnit):
    from .demo_cycle import DISTRICT_AGENCIES

    named = DISTRICT_PEOPLE.get(district.code, {})
    lead = None
    for agency in DISTRICT_AGENCIES:
        lead = _person(named.get("lead", f"huyen{district.code}.thamdinh"),
                       f"Tổ trưởng tổ thẩm định {district.name}", Role.APPRAISER, agency=agency, team=district.unit)
    coordinator = _person(named.get("coordinator", f"huyen{district.code}.noivu"),
                          f"Phòng Nội vụ {district.name}", Role.DISTRICT_COORDINATOR, unit=district.unit)
    team, _ = Team.objects.get_or_create(period=period, district=district)
    if team.lead_id is None:
        team.lead = lead
        team.save()
    return lead, coordinator


def _province_team(period: Period):
    from .demo_cycle import PROVINCIAL_AGENCIES

    lead = None
    for agency in PROVINCIAL_AGENCIES:
        lead = _person("snv.totruong", "Tổ trưởng tổ thẩm định tỉnh (Sở Nội vụ)", Role.APPRAISER, agency=agency)
    team, _ = Team.objects.get_or_create(period=period, district=None)
    if team.lead_id is None:
        team.lead = lead
        team.save()
    return lead


def _step(at: datetime):
    clock.freeze(at)
    return at


@transaction.atomic
def run() -> list[str]:
    """Build the published 2021 (nothing when it is published already)."""
    from parindex.survey import demo as survey_demo
    from parindex.survey import results as survey_results
    from parindex.survey import services as survey_services
    from parindex.units.services import load_units

    from .demo import FIXTURES, UNIT_FILES, design_text, ensure_accounts, ensure_coordinator
    from .demo_cycle import pdf_cache

    year = PUBLISHED_YEAR
    period = Period.objects.filter(year=year).first()
    if period is not None and province.published(period) is not None:
        return []
    coordinator = ensure_coordinator()
    before = clock._frozen
    log = []
    try:
        _step(_on(year, 11, 1))
        if period is None:
            period = period_services.create_period(year, actor=coordinator)
        for name in UNIT_FILES:
            load_units(period, (FIXTURES / name).read_text(encoding="utf-8"), actor=coordinator, source=name)
        if period.status == Period.Status.DRAFT:
            period_services.open_period(period, actor=coordinator)
        approver = ensure_accounts()["ubnd.lanhdao"]
        units = list(period.units.assessed().select_related("unit").order_by("code"))
        rng = random.Random(1679)  # noqa: S311 - made-up demo scores, reproducible on purpose
        quality = {u.code: rng.uniform(0.55, 0.98) for u in units}
        communes = [u for u in units if u.kind == UnitKind.COMMUNE]
        others = [u for u in units if u.kind != UnitKind.COMMUNE]
        pdf_cache.clear()

        _step(_on(year, 11, 20))                      # V.1: communes before 30/11
        _self_assess(communes, rng, quality)

        at = _step(_on(year, 12, 5))                  # V.1.1.c: the survey collects from December
        survey = survey_services.survey_of(period)
        if survey is None:
            survey = survey_services.create_survey(period, design_text(year), actor=coordinator,
                                                   source=f"backan-{year}-survey.yaml")
            survey = survey_services.open_survey(survey, actor=coordinator)
        collected = survey_demo.collect_demo(survey, coordinator, at, full=True)

        _step(_on(year, 12, 20))                      # V.2: districts appraise and publish their communes
        for district in (u for u in others if u.kind == UnitKind.DISTRICT):
            lead, district_coordinator = _district_team(period, district)
            for commune in district.children.filter(kind=UnitKind.COMMUNE).order_by("code"):
                _appraise(assessment_services.get_or_create(commune), lead, rng)
            if publication.latest(period, publication.district_scope(district.code)) is None:
                publication.publish_communes(district, actor=district_coordinator)
        _self_assess(others, rng, quality)            # V.3: departments and districts before 31/12

        _step(_on(year + 1, 1, 15))                   # V.4: the province's team appraises in January
        lead = _province_team(period)
        for unit in others:
            _appraise(assessment_services.get_or_create(unit), lead, rng)

        _step(_on(year + 1, 1, 28))
        survey.refresh_from_db()
        if survey.status == survey.Status.OPEN:
            survey_results.close_survey(survey, actor=coordinator)

        at = _step(_on(year + 1, 2, 10))              # V.5: approved and published in February
        state = province.state_of(period)
        if state is None or state.status == ProvinceResults.Status.DRAFT:
            province.submit(period, actor=coordinator)
            state = province.state_of(period)
        if state.status == ProvinceResults.Status.SUBMITTED:
            province.approve(period, DECISION_NUMBER, date(year + 1, 2, 8), actor=approver)
        province.publish_province(period, actor=coordinator, at=at)
    finally:
        clock.freeze(before)
    log.append(f"Năm {year}: {len(communes)} xã, {len(others)} sở, ban, ngành và UBND cấp huyện đã tự đánh giá, "
               f"thẩm định, công bố; {collected[0] if collected else 'điều tra đã có'}; kết quả của tỉnh đã phê "
               f"duyệt ({DECISION_NUMBER}) và công bố")
    return log
