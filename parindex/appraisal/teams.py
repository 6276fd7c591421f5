"""Appraisal teams and assignments (III.3.1): who sits on which team, who appraises what, the gaps.

- The provincial team appraises departments and districts; each district's team its communes.
- The effective agency of an item is ``rules.effective_agency``: criterion assignment > field
  assignment > the agency the criteria set names.
- An item is *covered* when at least one active member of the team holds that agency for the
  item's field (a role without fields covers every field). Every uncovered item is a gap, listed
  before appraisal starts.
- Who may view teams, change assignments or set a lead is answered by ``accounts.permissions``
  (``can_view_teams``, ``can_change_assignments``, ``can_set_lead``); the changes are atomic and audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.accounts import permissions
from parindex.accounts.models import Role, RoleAssignment
from parindex.audit.services import record
from parindex.core import locks
from parindex.core.errors import DomainError, NotAllowed
from parindex.units.models import PeriodUnit, UnitKind

from . import rules, services
from .models import Appraisal, Assignment, Team

KIND_LABELS = {UnitKind.DEPARTMENT: gettext_lazy("Sở, ban, ngành"), UnitKind.DISTRICT: gettext_lazy("UBND cấp huyện"),
               UnitKind.COMMUNE: gettext_lazy("UBND cấp xã")}
SOURCE_CRITERION, SOURCE_FIELD, SOURCE_SET = (gettext_lazy("tiêu chí"), gettext_lazy("lĩnh vực"),
                                             gettext_lazy("bộ tiêu chí"))


def team_kinds(period, district) -> tuple[str, ...]:
    """The unit kinds a team appraises, as the period's decision says (``appraised_by``, III.3.1): under 1679
    the provincial team departments and districts, a district's team its communes; under a two-level decision
    the provincial team departments and communes."""
    from parindex.periods.services import decision_of

    return decision_of(period).kinds_appraised_by("district" if district is not None else "province")


def team_name(district) -> str:
    """«Tổ thẩm định tỉnh», or the district's team, in the reader's language."""
    return _("Tổ thẩm định %(d)s") % {"d": district.name} if district is not None else _("Tổ thẩm định tỉnh")


# -- reading ----------------------------------------------------------------------------------------

@dataclass
class Member:
    user: object
    grants: list[tuple[str, tuple[str, ...]]]  # (agency, fields — empty for every field)

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def agencies(self) -> list[str]:
        return [a for a, _ in self.grants]


@dataclass
class Row:
    """One field or criterion of a criteria set, with its effective agency and whether it is covered."""

    kind: str  # "field" | "criterion"
    code: str
    title: str
    field_code: str
    agencies: list[str]          # effective agencies of its self items (usually one)
    source: str                  # where the agency comes from (criterion, field or the set)
    override: str | None         # the assignment stored at exactly this code
    uncovered: list[str] = field(default_factory=list)  # self items without a member

    @property
    def covered(self) -> bool:
        return not self.uncovered


@dataclass
class Table:
    unit_kind: str
    label: str
    set_id: str
    agencies: dict[str, str]
    rows: list[Row]
    gaps: list[str]


@dataclass
class TeamView:
    district: PeriodUnit | None
    team: Team | None
    members: list[Member]
    tables: list[Table]

    @property
    def key(self) -> str:
        return self.district.code if self.district is not None else ""

    @property
    def name(self) -> str:
        return team_name(self.district)

    @property
    def lead(self):
        return self.team.lead if self.team is not None else None

    @property
    def lead_is_member(self) -> bool:
        return self.lead is not None and any(m.user.pk == self.lead.pk for m in self.members)

    @property
    def gaps(self) -> list[str]:
        return [g for t in self.tables for g in t.gaps]


def criteria_set(period, unit_kind: str):
    record_ = period.criteria_sets.filter(unit_kind=unit_kind).first()
    return record_.parsed() if record_ is not None else None


def team_assignments(period, district: PeriodUnit | None):
    """Active appraiser roles on the provincial team (``district`` None) or on one district's team."""
    qs = RoleAssignment.objects.active().filter(role=Role.APPRAISER).select_related("user")
    if district is None:
        return qs.filter(team_district__isnull=True)
    return qs.filter(team_district_id=district.unit_id)


def members_of(period, district: PeriodUnit | None) -> list[Member]:
    by_user: dict[int, Member] = {}
    for a in team_assignments(period, district).order_by("user__username", "agency"):
        by_user.setdefault(a.user_id, Member(a.user, [])).grants.append((a.agency, tuple(a.fields)))
    return list(by_user.values())


def assignment_table(period, unit_kind: str, grants, team_name: str) -> Table | None:
    """Every field and criterion of the kind's set with its effective agency; the gaps of this team."""
    cset = criteria_set(period, unit_kind)
    if cset is None:
        return None
    overrides = services.assignment_overrides(period, unit_kind)
    effective = {i.code: rules.effective_agency(i, overrides) for i in cset.items if not i.is_survey}
    rows: list[Row] = []
    missing: dict[str, list[str]] = {}   # agency → criteria codes without a member
    for fld in cset.fields:
        field_items = [i for i in fld.items if not i.is_survey]
        if not field_items:
            continue
        field_row = Row("field", fld.code, fld.title, fld.code,
                        sorted({effective[i.code] for i in field_items}),
                        SOURCE_FIELD if fld.code in overrides else SOURCE_SET, overrides.get(fld.code))
        rows.append(field_row)
        for crit in fld.criteria:
            items = [i for i in crit.items if not i.is_survey]
            if not items:
                continue
            source = (SOURCE_CRITERION if crit.code in overrides else SOURCE_FIELD if fld.code in overrides
                      else SOURCE_SET)
            row = Row("criterion", crit.code, crit.title, fld.code, sorted({effective[i.code] for i in items}),
                      source, overrides.get(crit.code))
            row.uncovered = [i.code for i in items if not permissions.grants_cover(grants, effective[i.code], fld.code)]
            field_row.uncovered += row.uncovered
            for i in items:
                if i.code in row.uncovered:
                    codes = missing.setdefault(effective[i.code], [])
                    if crit.code not in codes:
                        codes.append(crit.code)
            rows.append(row)
    held = {a for a, _fields in grants}
    gaps = []
    for agency, codes in missing.items():
        name = cset.agencies.get(agency, "")
        label = f"{agency} ({name})" if name else agency
        hint = _(" — thành viên hiện có của cơ quan này không phụ trách các lĩnh vực đó") if agency in held else ""
        gaps.append(_("%(team)s — %(kind)s: Cơ quan %(agency)s chưa có người thẩm định: tiêu chí %(codes)s%(hint)s")
                    % {"team": team_name, "kind": KIND_LABELS[unit_kind], "agency": label,
                       "codes": ", ".join(codes), "hint": hint})
    return Table(unit_kind, KIND_LABELS[unit_kind], cset.id, dict(cset.agencies), rows, gaps)


def overview(period, district: PeriodUnit | None) -> TeamView:
    team = Team.objects.filter(period=period, district=district).select_related("lead").first()
    members = members_of(period, district)
    grants = [(a, frozenset(f)) for m in members for a, f in m.grants]
    name = team_name(district)
    kinds = team_kinds(period, district)
    tables = [t for t in (assignment_table(period, k, grants, name) for k in kinds) if t is not None]
    return TeamView(district, team, members, tables)


# -- changing -----------------------------------------------------------------------------------------

def _scope_codes(cset) -> dict[str, str]:
    codes = {}
    for fld in cset.fields:
        if any(not i.is_survey for i in fld.items):
            codes[fld.code] = _("lĩnh vực %(f)s") % {"f": fld.code}
        for crit in fld.criteria:
            if any(not i.is_survey for i in crit.items):
                codes[crit.code] = _("tiêu chí %(c)s") % {"c": crit.code}
    return codes


def _check_scope(period, unit_kind: str, code: str):
    if unit_kind not in KIND_LABELS:
        raise DomainError(_("Loại đơn vị «%(value)s» không hợp lệ; chọn một trong: %(allowed)s")
                          % {"value": unit_kind, "allowed": ", ".join(KIND_LABELS)})
    cset = criteria_set(period, unit_kind)
    if cset is None:
        raise DomainError(_("Kỳ %(year)s chưa có bộ tiêu chí cho %(kind)s")
                          % {"year": period.year, "kind": KIND_LABELS[unit_kind]})
    if code not in _scope_codes(cset):
        raise DomainError(_("Bộ tiêu chí %(set)s không có lĩnh vực hoặc tiêu chí tự đánh giá mã «%(item)s»")
                          % {"set": cset.id, "item": code})
    return cset


def _started(period, unit_kind: str) -> int:
    return Appraisal.objects.filter(assessment__period_unit__period=period,
                                    assessment__period_unit__kind=unit_kind).count()


def change_assignment(period, unit_kind: str, code: str, agency: str, *, actor, request=None) -> Assignment:
    """Assign a field or a criterion of one unit kind to a member agency of the criteria set."""
    code, agency = (code or "").strip(), (agency or "").strip()
    with transaction.atomic():
        if not permissions.can_change_assignments(actor):
            raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ thay đổi phân công thẩm định"))
        cset = _check_scope(period, unit_kind, code)
        if agency not in cset.agencies:
            allowed = "; ".join(f"{k} ({v})" for k, v in cset.agencies.items())
            raise DomainError(_("Cơ quan «%(value)s» không thuộc danh sách cơ quan thẩm định của bộ tiêu chí "
                                "%(set)s; chọn một trong: %(allowed)s")
                              % {"value": agency or _("(trống)"), "set": cset.id, "allowed": allowed})
        current = locks.lock_first(Assignment.objects.filter(period=period, unit_kind=unit_kind, code=code))
        if current is not None and current.agency == agency:
            return current
        before = {"unit_kind": unit_kind, "code": code, "agency": current.agency if current else None}
        if current is None:
            current = Assignment.objects.create(period=period, unit_kind=unit_kind, code=code, agency=agency)
        else:
            current.agency = agency
            current.save(update_fields=["agency"])
        record("appraisal.assignment_changed", current, actor=actor, request=request, before=before,
               after={"unit_kind": unit_kind, "code": code, "agency": agency,
                      "appraisals_started": _started(period, unit_kind)})
    return current


def reset_assignment(period, unit_kind: str, code: str, *, actor, request=None) -> bool:
    """Remove the assignment at this code: the field's assignment or the set's own agency applies again."""
    code = (code or "").strip()
    with transaction.atomic():
        if not permissions.can_change_assignments(actor):
            raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ thay đổi phân công thẩm định"))
        _check_scope(period, unit_kind, code)
        current = locks.lock_first(Assignment.objects.filter(period=period, unit_kind=unit_kind, code=code))
        if current is None:
            return False
        record("appraisal.assignment_changed", current, actor=actor, request=request,
               before={"unit_kind": unit_kind, "code": code, "agency": current.agency},
               after={"unit_kind": unit_kind, "code": code, "agency": None,
                      "appraisals_started": _started(period, unit_kind)})
        current.delete()
    return True


def set_lead(period, district: PeriodUnit | None, user, *, actor, request=None) -> Team:
    """The team lead (who finalizes results) must be a member of that team."""
    with transaction.atomic():
        if not permissions.can_set_lead(actor, district):
            raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ chọn tổ trưởng tổ thẩm định tỉnh") if district is None
                             else _("Chỉ điều phối viên của %(district)s chọn tổ trưởng của tổ này")
                             % {"district": district.name})
        if district is not None and (district.kind != UnitKind.DISTRICT or district.period_id != period.pk):
            raise DomainError(_("Tổ thẩm định cấp huyện phải gắn với một huyện của kỳ đánh giá"))
        name = team_name(district)
        if user is None or not team_assignments(period, district).filter(user=user).exists():
            raise DomainError(_("Tổ trưởng phải là thành viên của %(team)s") % {"team": name})
        team, _created = Team.objects.get_or_create(period=period, district=district)
        team = locks.lock_one(Team.objects.select_related("lead"), pk=team.pk)
        if team.lead_id == user.pk:
            return team
        before = {"lead": team.lead.get_username() if team.lead_id else None}
        team.lead = user
        team.save(update_fields=["lead"])
        record("appraisal.lead_set", team, actor=actor, request=request, before=before,
               after={"lead": user.get_username()})
    return team
