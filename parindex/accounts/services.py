"""Granting and revoking roles (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from parindex.audit.services import record
from parindex.core.errors import DomainError, NotAllowed
from parindex.units.models import Unit, UnitKind

from . import permissions
from .models import NEEDS_AGENCY, NEEDS_UNIT, Role, RoleAssignment

FIELD_LETTERS = ("a", "b", "c", "d", "e", "g", "h")
UNIT_KINDS_FOR_ROLE = {
    Role.DISTRICT_COORDINATOR: {UnitKind.DISTRICT},
    Role.UNIT_OFFICER: {UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE},
    Role.UNIT_HEAD: {UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE},
}


def _may_grant(actor, role: str) -> bool:
    s = permissions.scope_of(actor)
    if s.admin:
        return True
    # the Sở Nội vụ coordinator staffs the business roles, not system administration
    return s.province and role != Role.ADMIN


def validate_assignment(role: str, *, unit: Unit | None, agency: str, team_district: Unit | None,
                        fields: list[str]) -> list[str]:
    errors = []
    if role not in Role.values:
        return [f"Vai trò «{role}» không tồn tại"]
    if role in NEEDS_UNIT:
        if unit is None:
            errors.append(f"Vai trò «{Role(role).label}» phải gắn với một đơn vị")
        elif unit.kind not in UNIT_KINDS_FOR_ROLE[role]:
            errors.append(f"Vai trò «{Role(role).label}» không gắn được với {UnitKind(unit.kind).label}")
    elif unit is not None:
        errors.append(f"Vai trò «{Role(role).label}» không gắn với đơn vị")
    if role in NEEDS_AGENCY:
        if not agency:
            errors.append("Thành viên tổ thẩm định phải có mã cơ quan")
        if team_district is not None and team_district.kind != UnitKind.DISTRICT:
            errors.append("Tổ thẩm định cấp huyện phải gắn với một huyện")
        bad = [f for f in fields if f not in FIELD_LETTERS]
        if bad:
            errors.append(f"Lĩnh vực không hợp lệ: {', '.join(bad)} (cho phép: {' '.join(FIELD_LETTERS)})")
    elif agency or team_district is not None or fields:
        errors.append(f"Vai trò «{Role(role).label}» không có cơ quan, tổ hay lĩnh vực thẩm định")
    return errors


def grant_role(user, role: str, *, actor, unit: Unit | None = None, agency: str = "",
               team_district: Unit | None = None, fields: list[str] | None = None, reason: str = "",
               request=None) -> RoleAssignment:
    if actor is not None and not _may_grant(actor, role):
        raise NotAllowed("Bạn không có quyền giao vai trò này")
    fields = sorted(set(fields or []))
    errors = validate_assignment(role, unit=unit, agency=agency, team_district=team_district, fields=fields)
    if errors:
        raise DomainError("Không giao được vai trò", errors=errors)
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, unit=unit, agency=agency, team_district=team_district,
            revoked_at__isnull=True, defaults={"fields": fields})
        if not created and assignment.fields == fields:
            return assignment
        before = None if created else assignment.scope()
        assignment.fields = fields
        assignment.save()
        if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        record("role.granted", assignment, actor=actor, request=request, before=before,
               after=assignment.scope(), reason=reason)
    user.__dict__.pop("_parindex_scope", None)
    return assignment


def revoke_role(assignment: RoleAssignment, *, actor, reason: str = "", request=None) -> RoleAssignment:
    if actor is not None and not _may_grant(actor, assignment.role):
        raise NotAllowed("Bạn không có quyền thu hồi vai trò này")
    if assignment.revoked_at is not None:
        raise DomainError("Vai trò này đã được thu hồi")
    with transaction.atomic():
        before = assignment.scope()
        assignment.revoked_at = timezone.now()
        assignment.save(update_fields=["revoked_at"])
        user = assignment.user
        if assignment.role == Role.ADMIN and not RoleAssignment.objects.active().filter(
                user=user, role=Role.ADMIN).exists():
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        record("role.revoked", assignment, actor=actor, request=request, before=before,
               after=assignment.scope(), reason=reason)
    return assignment
