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

from parindex.units.models import PeriodUnit, UnitKind

from .models import Role, RoleAssignment

LEVEL_PROVINCE = "tinh"   # departments and districts, appraised by the province
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
        roles=tuple(sorted(by_role)),
    )
    user._parindex_scope = scope
    return scope


# -- capabilities ------------------------------------------------------------------------------

def can_manage_periods(user) -> bool:
    """Create a period, edit its timeline, open it: the Sở Nội vụ coordinator."""
    return scope_of(user).province


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
    """The coordinator of that level: the district for its communes, Sở Nội vụ for the rest."""
    s = scope_of(user)
    if unit.kind == UnitKind.COMMUNE:
        return unit.parent is not None and unit.parent.unit_id in s.districts
    return s.province and unit.kind in (UnitKind.DEPARTMENT, UnitKind.DISTRICT)


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
        q |= Q(kind__in=[UnitKind.DEPARTMENT, UnitKind.DISTRICT])
    if s.district_teams:
        q |= Q(kind=UnitKind.COMMUNE, parent__unit_id__in=s.district_teams)
    return base.filter(q)


def board_units(user, period, level: str) -> QuerySet[PeriodUnit]:
    kinds = [UnitKind.DEPARTMENT, UnitKind.DISTRICT] if level == LEVEL_PROVINCE else [UnitKind.COMMUNE]
    return visible_units(user, period).filter(kind__in=kinds)


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
        return visible_units(user, period).select_related("parent", "unit").get(code=code)
    except PeriodUnit.DoesNotExist:
        raise Http404("Không tìm thấy đơn vị") from None


def can_reopen_assessment(user, unit: PeriodUnit) -> bool:
    """After the deadline only the coordinator of that level re-opens a submitted self-assessment."""
    return can_grant_extension(user, unit)


def can_view_assessment(user, unit: PeriodUnit) -> bool:
    """Everyone who may see the unit may read its self-assessment and download its evidence."""
    return visible_units(user, unit.period).filter(pk=unit.pk).exists()


# -- publication -----------------------------------------------------------------------------------

def can_view_district_results(user, district: PeriodUnit) -> bool:
    """The district's commune ranking before and after publication: its coordinator, Sở Nội vụ, the admin."""
    s = scope_of(user)
    return s.admin or s.province or district.unit_id in s.districts


def can_publish_communes(user, district: PeriodUnit) -> bool:
    """IV.2.1, V.2: the district's own coordinator publishes (and corrects) its communes' results."""
    return district.kind == UnitKind.DISTRICT and district.unit_id in scope_of(user).districts

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
