"""Granting and revoking roles (audited)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _may_grant(actor, role: str, *, unit: Unit | None = None, team_district: Unit | None = None) -> bool:
    # the Sở Nội vụ coordinator staffs the business roles, not system administration; a district
    # coordinator staffs their own communes and their district's team (permissions.can_grant_role)
    return permissions.can_grant_role(actor, role, unit=unit, team_district=team_district)


def validate_assignment(role: str, *, unit: Unit | None, agency: str, team_district: Unit | None,
                        fields: list[str]) -> list[str]:
    errors = []
    if role not in Role.values:
        return [_("Vai trò «%(role)s» không tồn tại") % {"role": role}]
    if role in NEEDS_UNIT:
        if unit is None:
            errors.append(_("Vai trò «%(role)s» phải gắn với một đơn vị") % {"role": Role(role).label})
        elif unit.kind not in UNIT_KINDS_FOR_ROLE[role]:
            errors.append(_("Vai trò «%(role)s» không gắn được với %(kind)s")
                          % {"role": Role(role).label, "kind": UnitKind(unit.kind).label})
    elif unit is not None:
        errors.append(_("Vai trò «%(role)s» không gắn với đơn vị") % {"role": Role(role).label})
    if role in NEEDS_AGENCY:
        if not agency:
            errors.append(_("Thành viên tổ thẩm định phải có mã cơ quan"))
        if team_district is not None and team_district.kind != UnitKind.DISTRICT:
            errors.append(_("Tổ thẩm định cấp huyện phải gắn với một huyện"))
        bad = [f for f in fields if f not in FIELD_LETTERS]
        if bad:
            errors.append(_("Lĩnh vực không hợp lệ: %(bad)s (cho phép: %(allowed)s)")
                          % {"bad": ", ".join(bad), "allowed": " ".join(FIELD_LETTERS)})
    elif agency or team_district is not None or fields:
        errors.append(_("Vai trò «%(role)s» không có cơ quan, tổ hay lĩnh vực thẩm định") % {"role": Role(role).label})
    return errors


def grant_role(user, role: str, *, actor, unit: Unit | None = None, agency: str = "",
               team_district: Unit | None = None, fields: list[str] | None = None, reason: str = "",
               request=None) -> RoleAssignment:
    if actor is not None and not _may_grant(actor, role, unit=unit, team_district=team_district):
        raise NotAllowed(_("Bạn không có quyền giao vai trò này"))
    fields = sorted(set(fields or []))
    errors = validate_assignment(role, unit=unit, agency=agency, team_district=team_district, fields=fields)
    if errors:
        raise DomainError(_("Không giao được vai trò"), errors=errors)
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
    if actor is not None and not _may_grant(actor, assignment.role, unit=assignment.unit,
                                            team_district=assignment.team_district):
        raise NotAllowed(_("Bạn không có quyền thu hồi vai trò này"))
    if assignment.revoked_at is not None:
        raise DomainError(_("Vai trò này đã được thu hồi"))
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


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,149}$")


def create_account(username: str, full_name: str, email: str, password: str, *, actor,
                   request=None):
    """A new login for a person (roles are granted separately). Every problem is named; nothing
    is saved unless all is right."""
    if not permissions.can_manage_people(actor):
        raise NotAllowed(_("Bạn không có quyền tạo tài khoản"))
    User = get_user_model()
    username, full_name, email = (username or "").strip(), (full_name or "").strip(), (email or "").strip()
    errors = []
    if not USERNAME.match(username):
        errors.append(_("Tên đăng nhập «%(u)s» không hợp lệ: từ 3 đến 150 ký tự, chỉ gồm chữ thường "
                        "không dấu, chữ số và các dấu . _ -") % {"u": username[:40]})
    elif User.objects.filter(username__iexact=username).exists():
        errors.append(_("Tên đăng nhập «%(u)s» đã có người dùng") % {"u": username})
    if not full_name:
        errors.append(_("Chưa nhập họ và tên"))
    elif len(full_name) > 150:
        errors.append(_("Họ và tên dài %(n)d ký tự, tối đa 150") % {"n": len(full_name)})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("Thư điện tử «%(e)s» không hợp lệ") % {"e": email[:60]})
        if len(email) > 254:
            errors.append(_("Thư điện tử dài quá 254 ký tự"))
    candidate = User(username=username, first_name=full_name, email=email)
    try:
        validate_password(password or "", candidate)
    except ValidationError as exc:
        errors += [_("Mật khẩu: %(m)s") % {"m": m} for m in exc.messages]
    if errors:
        raise DomainError(_("Chưa tạo được tài khoản"), errors=errors)
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        record("account.created", candidate, actor=actor, request=request,
               after={"user": username, "full_name": full_name, "email": email})
    return candidate
