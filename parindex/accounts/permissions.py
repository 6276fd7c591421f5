"""Every permission decision of parindex, in one place.

Views and services ask named capabilities (``can_manage_periods``, ``can_view_board``, …) and
fetch a unit's data only through the scoped accessors (``visible_units``,
``get_unit_or_404``). A unit outside the person's scope answers 404, so a handcrafted URL does
not even reveal that it exists; a page the role may not use at all answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from parindex.units.models import PROVINCE_APPRAISED, PeriodUnit, UnitKind

from .models import Role, RoleAssignment

LEVEL_PROVINCE = "tinh"   # departments and districts (and a two-level period's communes), appraised by the province
LEVEL_COMMUNE = "xa"      # communes, appraised by their district
LEVELS = (LEVEL_PROVINCE, LEVEL_COMMUNE)


@dataclass(frozen=True)
class Scope:
    """What one person may reach, computed once per request from their active roles."""

    admin: bool = False
    province: bool = False
    districts: frozenset[int] = frozenset()          # Unit ids coordinated
    officer_of: frozenset[int] = frozenset()         # Unit ids
    head_of: frozenset[int] = frozenset()            # Unit ids
    provincial_appraiser: bool = False
    district_teams: frozenset[int] = frozenset()     # Unit ids of districts whose team they sit on
    surveyor: bool = False
    approver: bool = False                           # signs the province's results (UBND tỉnh)
    roles: tuple[str, ...] = field(default=())

    @property
    def is_anonymous(self) -> bool:
        return not (self.admin or self.roles)


_EMPTY = Scope()


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return _EMPTY
    cached = getattr(user, "_parindex_scope", None)
    if cached is not None:
        return cached
    assignments = list(RoleAssignment.objects.active().filter(user=user))
    by_role: dict[str, list[RoleAssignment]] = {}
    for a in assignments:
        by_role.setdefault(a.role, []).append(a)
    appraisers = by_role.get(Role.APPRAISER, [])
    scope = Scope(
        admin=user.is_superuser or Role.ADMIN in by_role,
        province=Role.PROVINCE_COORDINATOR in by_role,
        districts=frozenset(a.unit_id for a in by_role.get(Role.DISTRICT_COORDINATOR, [])),
        officer_of=frozenset(a.unit_id for a in by_role.get(Role.UNIT_OFFICER, [])),
        head_of=frozenset(a.unit_id for a in by_role.get(Role.UNIT_HEAD, [])),
        provincial_appraiser=any(a.team_district_id is None for a in appraisers),
        district_teams=frozenset(a.team_district_id for a in appraisers if a.team_district_id),
        surveyor=Role.SURVEYOR in by_role,
        approver=Role.PROVINCE_APPROVER in by_role,
        roles=tuple(sorted(by_role)),
    )
    user._parindex_scope = scope
    return scope


# -- capabilities ------------------------------------------------------------------------------

def can_manage_periods(user) -> bool:
    """Create a period, edit its timeline, open it: the Sở Nội vụ coordinator."""
    return scope_of(user).province


def can_edit_criteria(user) -> bool:
    """The yearly edition of the criteria sets (V.1.1.h): start next year's edition by copying the approved
    one, edit the draft, see drafts, approve or delete a draft — the Sở Nội vụ coordinator, the same people
    who manage periods. Nobody else sees a draft (403); the public pages show approved sets only."""
    return can_manage_periods(user)


def can_view_period(user) -> bool:
    s = scope_of(user)
    return bool(s.admin or s.roles)


def can_view_board(user, level: str) -> bool:
    s = scope_of(user)
    if level == LEVEL_PROVINCE:
        return s.admin or s.province or s.provincial_appraiser
    if level == LEVEL_COMMUNE:
        return s.admin or s.province or bool(s.districts) or bool(s.district_teams)
    return False


def can_view_commune_summary(user) -> bool:
    """IV.1.4 completeness per district: the province, and each district coordinator for theirs."""
    s = scope_of(user)
    return s.admin or s.province or bool(s.districts)


def can_grant_extension(user, unit: PeriodUnit) -> bool:
    """The coordinator of that level: the district for its communes, Sở Nội vụ for the rest (and for the
    communes of a two-level period, which the province appraises)."""
    s = scope_of(user)
    district = unit.appraising_district
    if district is not None:
        return district.unit_id in s.districts
    return s.province and unit.kind in (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE)


def can_self_assess(user, unit: PeriodUnit) -> bool:
    return unit.unit_id in scope_of(user).officer_of


def can_approve_submission(user, unit: PeriodUnit) -> bool:
    return unit.unit_id in scope_of(user).head_of


def can_view_admin(user) -> bool:
    return scope_of(user).admin


# -- scoped accessors ----------------------------------------------------------------------------

def visible_units(user, period) -> QuerySet[PeriodUnit]:
    """Every unit of the period this person may see, and no other."""
    s = scope_of(user)
    base = PeriodUnit.objects.filter(period=period).assessed()
    if s.admin or s.province:
        return base
    q = Q(pk__in=[])
    if s.districts:
        q |= Q(unit_id__in=s.districts) | Q(kind=UnitKind.COMMUNE, parent__unit_id__in=s.districts)
    own = s.officer_of | s.head_of
    if own:
        q |= Q(unit_id__in=own)
    if s.provincial_appraiser:
        q |= PROVINCE_APPRAISED
    if s.district_teams:
        q |= Q(kind=UnitKind.COMMUNE, parent__unit_id__in=s.district_teams)
    return base.filter(q)


def board_units(user, period, level: str) -> QuerySet[PeriodUnit]:
    if level == LEVEL_PROVINCE:
        return visible_units(user, period).filter(PROVINCE_APPRAISED)
    return visible_units(user, period).filter(kind=UnitKind.COMMUNE, parent__kind=UnitKind.DISTRICT)


def visible_districts(user, period) -> QuerySet[PeriodUnit]:
    """Districts whose commune-level summary this person may see."""
    s = scope_of(user)
    base = PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT)
    if s.admin or s.province:
        return base
    return base.filter(unit_id__in=s.districts | s.district_teams)


def get_unit_or_404(user, period, code: str) -> PeriodUnit:
    """The unit with this code in the period, if this person may see it; 404 otherwise."""
    try:
        unit = visible_units(user, period).select_related("parent", "unit").get(code=code)
    except PeriodUnit.DoesNotExist:
        raise Http404("Không tìm thấy đơn vị") from None
    unit.period = period  # the caller's period: ``unit.period`` asks the database no more
    return unit


def can_reopen_assessment(user, unit: PeriodUnit) -> bool:
    """After the deadline only the coordinator of that level re-opens a submitted self-assessment."""
    return can_grant_extension(user, unit)



# -- appraisal ---------------------------------------------------------------------------------
# Every decision of the appraisal (III.3) in one place. Services check these inside their
# transaction; views and templates read the same answers (``appraisal_capabilities``).

def appraising_team(unit: PeriodUnit):
    """The team that appraises this unit (III.3.1): the provincial team for departments and
    districts, the parent district's team for communes (the provincial team in a two-level period).
    An unsaved ``Team`` if none is stored yet."""
    from parindex.appraisal.models import Team

    district = unit.appraising_district
    return (Team.objects.filter(period_id=unit.period_id, district=district).select_related("lead").first()
            or Team(period_id=unit.period_id, district=district))


def team_level(unit: PeriodUnit) -> int | None:
    """The team of this unit as role assignments name it: the district's Unit id, None for the province."""
    district = unit.appraising_district
    return district.unit_id if district is not None else None


Grants = list[tuple[str, frozenset[str]]]


def grants_cover(grants: Grants, agency: str, field_code: str) -> bool:
    """A grant (agency, fields — none means every field) covers an item of that agency and field."""
    return any(a == agency and (not fields or field_code in fields) for a, fields in grants)


def appraiser_grants(user, unit: PeriodUnit) -> Grants:
    """(agency, fields) the person holds on the team that appraises this unit."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = RoleAssignment.objects.active().filter(user=user, role=Role.APPRAISER)
    level = team_level(unit)
    qs = qs.filter(team_district__isnull=True) if level is None else qs.filter(team_district_id=level)
    return [(a.agency, frozenset(a.fields)) for a in qs]


def is_team_lead(user, unit: PeriodUnit) -> bool:
    team = appraising_team(unit)
    return team.lead_id is not None and team.lead_id == getattr(user, "pk", None)


def is_appraisal_coordinator(user, unit: PeriodUnit) -> bool:
    """The coordinator of that level: the district for its communes, Sở Nội vụ for the rest."""
    return can_grant_extension(user, unit)


def can_appraise_item(user, unit: PeriodUnit, agency: str, field_code: str) -> bool:
    """Enter appraisal points: a member of the unit's team holding that agency (and field)."""
    return grants_cover(appraiser_grants(user, unit), agency, field_code)


def sees_every_item(user, unit: PeriodUnit) -> bool:
    """The team lead and the coordinator of that level read every item of the unit."""
    return is_team_lead(user, unit) or is_appraisal_coordinator(user, unit)


def can_see_item(user, unit: PeriodUnit, agency: str, field_code: str) -> bool:
    return sees_every_item(user, unit) or can_appraise_item(user, unit, agency, field_code)


def can_finalize(user, appraisal) -> bool:
    """Only the lead of the team that appraises the unit finalizes its result."""
    return is_team_lead(user, appraisal.assessment.period_unit)


def can_open_explanation(user, unit: PeriodUnit) -> bool:
    return is_appraisal_coordinator(user, unit)


def can_close_explanation(user, unit: PeriodUnit) -> bool:
    """Move to the final round: the coordinator of that level or the team lead."""
    return is_appraisal_coordinator(user, unit) or is_team_lead(user, unit)


def can_reopen_appraisal(user, unit: PeriodUnit) -> bool:
    return is_appraisal_coordinator(user, unit)


def can_confirm_round1(user, unit: PeriodUnit) -> bool:
    """Keep round-1 points in the final round: any member of the unit's team, for their own items."""
    return bool(appraiser_grants(user, unit))


def is_on_appraising_side(user, unit: PeriodUnit) -> bool:
    """The administrator, Sở Nội vụ, and for a commune its district's coordinator and team; for a
    department or district the provincial team. Everyone else who may open the minutes (the unit's
    officers and head, a district's own people for the district itself) is the unit's side: they read
    round-1 points only once the explanation round opens (docs/security.md)."""
    s = scope_of(user)
    if s.admin or s.province:
        return True
    district = unit.appraising_district
    if district is not None:
        return district.unit_id in (s.districts | s.district_teams)
    return s.provincial_appraiser


def can_explain(user, unit: PeriodUnit) -> bool:
    """Answer the appraisal and add evidence in the explanation round: the unit's own officers."""
    return can_self_assess(user, unit)


def can_view_teams(user) -> bool:
    s = scope_of(user)
    return s.admin or s.province or bool(s.districts)


def visible_team_districts(user, period) -> list[PeriodUnit | None]:
    """Teams whose page this person may see; None stands for the provincial team. Sở Nội vụ and the
    administrator see every team, a district coordinator their own district's."""
    s = scope_of(user)
    districts = PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT).order_by("code")
    if s.admin or s.province:
        return [None, *districts]
    return list(districts.filter(unit_id__in=s.districts))


def can_set_lead(user, district: PeriodUnit | None) -> bool:
    """Sở Nội vụ chooses the provincial team's lead, each district's coordinator its own team's."""
    if district is None:
        return can_manage_periods(user)
    return district.unit_id in scope_of(user).districts


def can_change_assignments(user) -> bool:
    return can_manage_periods(user)


@dataclass(frozen=True)
class AppraisalLevels:
    """Per team level (None: the province; a district's Unit id), the person's grants, and the levels
    where they read every item (lead or coordinator)."""

    grants: dict[int | None, Grants]
    full: frozenset[int | None]

    @property
    def any(self) -> bool:
        return bool(self.grants) or bool(self.full)

    def units_q(self) -> Q:
        keys = set(self.grants) | set(self.full)
        q = Q(pk__in=[])
        if None in keys:
            q |= PROVINCE_APPRAISED
        districts = [k for k in keys if k is not None]
        if districts:
            q |= Q(kind=UnitKind.COMMUNE, parent__unit_id__in=districts)
        return q

    def sees_all(self, unit: PeriodUnit) -> bool:
        return team_level(unit) in self.full

    def grants_for(self, unit: PeriodUnit) -> Grants:
        return self.grants.get(team_level(unit), [])


def appraisal_levels(user, period) -> AppraisalLevels:
    from parindex.appraisal.models import Team

    if not getattr(user, "is_authenticated", False):
        return AppraisalLevels({}, frozenset())
    s = scope_of(user)
    grants: dict[int | None, Grants] = {}
    for a in RoleAssignment.objects.active().filter(user=user, role=Role.APPRAISER):
        grants.setdefault(a.team_district_id, []).append((a.agency, frozenset(a.fields)))
    full = set(Team.objects.filter(period=period, lead=user).values_list("district__unit_id", flat=True))
    if s.province:
        full.add(None)
    full |= set(s.districts)
    return AppraisalLevels(grants, frozenset(full))


def appraisable_units(user, period) -> QuerySet[PeriodUnit]:
    """The units whose appraisal page this person may open: those their team appraises, or whose
    team they lead, or that they coordinate."""
    return PeriodUnit.objects.filter(period=period).assessed().filter(appraisal_levels(user, period).units_q())


@dataclass(frozen=True)
class AppraisalCapabilities:
    """One person on one unit's appraisal at its current stage: what the page offers them."""

    grants: Grants
    lead: bool
    coordinator: bool
    stage: str | None = None

    @property
    def sees_all(self) -> bool:
        return self.lead or self.coordinator

    @property
    def appraiser(self) -> bool:
        return self.sees_all or bool(self.grants)

    def sees(self, agency: str, field_code: str) -> bool:
        return self.sees_all or grants_cover(self.grants, agency, field_code)

    def enters(self, agency: str, field_code: str) -> bool:
        return self.stage in ("round1", "final") and grants_cover(self.grants, agency, field_code)

    @property
    def accept_self(self) -> bool:
        return self.stage == "round1" and bool(self.grants)

    @property
    def confirm_round1(self) -> bool:
        return self.stage == "final" and bool(self.grants)

    @property
    def open_explanation(self) -> bool:
        return self.coordinator and self.stage == "round1"

    @property
    def close_explanation(self) -> bool:
        return self.sees_all and self.stage in ("round1", "explanation")

    @property
    def finalize(self) -> bool:
        return self.lead and self.stage == "final"

    @property
    def reopen(self) -> bool:
        return self.coordinator and self.stage == "finalized"

    @property
    def any_step(self) -> bool:
        return any((self.confirm_round1, self.open_explanation, self.close_explanation, self.finalize,
                    self.reopen))


def appraisal_capabilities(user, unit: PeriodUnit, stage: str | None) -> AppraisalCapabilities:
    """``stage``: the appraisal's stage now (``services.stage_now``), None before it starts."""
    return AppraisalCapabilities(grants=appraiser_grants(user, unit), lead=is_team_lead(user, unit),
                                 coordinator=is_appraisal_coordinator(user, unit), stage=stage)


# -- publication -----------------------------------------------------------------------------------

def can_view_district_results(user, district: PeriodUnit) -> bool:
    """The district's commune ranking before and after publication: its coordinator, Sở Nội vụ, the admin."""
    s = scope_of(user)
    return s.admin or s.province or district.unit_id in s.districts


def can_publish_communes(user, district: PeriodUnit) -> bool:
    """IV.2.1, V.2: the district's own coordinator publishes (and corrects) its communes' results."""
    return district.kind == UnitKind.DISTRICT and district.unit_id in scope_of(user).districts


# -- the province's results (III.1.4, IV.1, V.5) -------------------------------------------------------
# The Sở Nội vụ coordinator compiles the draft, records units not assessed, submits it and publishes once
# approved; the approver (a leader of UBND tỉnh, or the Sở Nội vụ director signing on its behalf) approves
# or sends back. Both read the draft; nobody else sees it before publication (403).

def can_view_province_results(user) -> bool:
    s = scope_of(user)
    return s.province or s.approver


def can_compile_province_results(user) -> bool:
    """Build, submit, publish and correct the province's results: the Sở Nội vụ coordinator."""
    return scope_of(user).province


def can_approve_province_results(user) -> bool:
    """Approve (decision number and date) or send back the submitted results: the approver."""
    return scope_of(user).approver


# -- roles and periods (people and roles in the site: accounts/views.py) -----------------------------

def can_manage_people(user) -> bool:
    """The «Người dùng và vai trò» page: Sở Nội vụ for every business role, a district coordinator for
    their district's commune officers and heads and their district team's members."""
    s = scope_of(user)
    return s.admin or s.province or bool(s.districts)


def grantable_roles(user) -> list[str]:
    s = scope_of(user)
    if s.admin:
        return list(Role.values)
    if s.province:
        return [r for r in Role.values if r != Role.ADMIN]
    if s.districts:
        return [Role.UNIT_OFFICER, Role.UNIT_HEAD, Role.APPRAISER]
    return []


def can_grant_role(user, role: str, *, unit=None, team_district=None) -> bool:
    """May this person grant (or revoke) this role in this place? Units are ``units.Unit``."""
    s = scope_of(user)
    if s.admin:
        return True
    if s.province:
        return role != Role.ADMIN
    if not s.districts or role not in grantable_roles(user):
        return False
    if role == Role.APPRAISER:
        return team_district is not None and team_district.pk in s.districts
    return unit is not None and unit.kind == UnitKind.COMMUNE and PeriodUnit.objects.filter(
        unit=unit, parent__unit_id__in=s.districts).exists()


def grantable_units(user, period) -> QuerySet[PeriodUnit]:
    """The units of the period whose officers and heads this person may name."""
    s = scope_of(user)
    base = PeriodUnit.objects.filter(period=period).assessed()
    if s.admin or s.province:
        return base
    return base.filter(kind=UnitKind.COMMUNE, parent__unit_id__in=s.districts)


def people_in_scope(user):
    """Accounts this person may see on the page and grant roles to: everyone for Sở Nội vụ; for a
    district coordinator, accounts without an active role and those whose roles are all in their
    district (its communes' officers and heads, its team's members)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    s = scope_of(user)
    if s.admin or s.province:
        return users
    if not s.districts:
        return users.none()
    inside = (Q(role__in=[Role.UNIT_OFFICER, Role.UNIT_HEAD], unit__versions__kind=UnitKind.COMMUNE,
                unit__versions__parent__unit_id__in=s.districts)
              | Q(role=Role.APPRAISER, team_district_id__in=s.districts))
    outside = RoleAssignment.objects.active().exclude(inside).values("user_id")
    return users.exclude(pk__in=outside)


# -- background jobs (parindex/jobs) ------------------------------------------------------------------
# A job is its starter's own: only the person who started it sees its page, its progress and its file.
# Nobody else does, not even the province coordinator or an administrator: a result file is a copy made
# for that person (what it contains they could already see), and what an import changed is in the
# audit log for whoever may read it. Another person's job answers 404.

def jobs_of(user):
    from parindex.jobs.models import Job

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Job.objects.none()
    return Job.objects.filter(started_by=user)


def get_job_or_404(user, pk: int):
    job = jobs_of(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


# -- survey ------------------------------------------------------------------------------------------
# The sociological survey (V.1.1.c) is the Sở Nội vụ's: its coordinators see and edit the design; the
# surveyors who enter paper questionnaires read the survey (overview, questionnaires, sample plan, gaps) and
# change nothing. Nobody else reaches its pages — not the evaluated units (their officers and heads do not see
# who evaluates them or with which questions before the results), not the appraisers, not the administrator
# (a technical role), not the public: 403 (anonymous people: the login page).

def can_view_survey(user) -> bool:
    """Read the period's survey: the Sở Nội vụ coordinator and the surveyors."""
    s = scope_of(user)
    return s.province or s.surveyor


def can_edit_survey_design(user) -> bool:
    """Load, download, replace the design and open the survey: the Sở Nội vụ coordinator."""
    return scope_of(user).province


# -- survey: paper (paper forms, double entry, file import, monitoring) -----------------------------------
# Surveyors type paper questionnaires (twice, by two people) and settle mismatches; the Sở Nội vụ coordinator
# issues and prints the numbered forms, imports files and may also type and settle. Both read the response
# rates (numbers only, never who answered what).

def can_enter_paper_forms(user) -> bool:
    """Type a paper form, settle a mismatch: the surveyors and the Sở Nội vụ coordinator."""
    s = scope_of(user)
    return s.province or s.surveyor


def can_issue_paper_forms(user) -> bool:
    """Issue and print numbered blank forms, import a file of responses: the Sở Nội vụ coordinator."""
    return scope_of(user).province


def can_monitor_survey(user) -> bool:
    """The response rates per group and unit: the coordinator and, read-only, the surveyors."""
    s = scope_of(user)
    return s.province or s.surveyor


# -- survey: respond (invitations) --------------------------------------------------------------------
# The links are secrets that let anyone answer as a respondent: only the coordinator who creates and sends
# them lists them, exports them (CSV, letters) and sees who has not answered yet. The surveyors (paper
# forms) do not: a surveyor holding the links could fill questionnaires in the respondents' place.

def can_manage_survey_invitations(user) -> bool:
    """Create, list, export and print the survey's links: the Sở Nội vụ coordinator."""
    return scope_of(user).province


# -- survey: close (results, resolutions, closing, the processing report) -----------------------------------
def can_close_survey(user) -> bool:
    """Resolve unscored items, close the survey («chốt kết quả điều tra XHH»), correct it: the Sở Nội vụ
    coordinator. The results and the processing report are read by ``can_view_survey``."""
    return scope_of(user).province
