"""Roles: named capabilities held by a person in a place. One person may hold several."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    PROVINCE_COORDINATOR = "province_coordinator", _("Điều phối viên Sở Nội vụ")
    DISTRICT_COORDINATOR = "district_coordinator", _("Điều phối viên cấp huyện (Phòng Nội vụ)")
    APPRAISER = "appraiser", _("Thành viên tổ thẩm định")
    UNIT_OFFICER = "unit_officer", _("Cán bộ đơn vị")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    SURVEYOR = "surveyor", _("Người nhập phiếu điều tra")
    PROVINCE_APPROVER = "province_approver", _("Lãnh đạo UBND tỉnh (phê duyệt kết quả Chỉ số)")


# Which roles need which scope (checked by the grant service and the model's clean()).
NEEDS_UNIT = {Role.DISTRICT_COORDINATOR, Role.UNIT_OFFICER, Role.UNIT_HEAD}
NEEDS_AGENCY = {Role.APPRAISER}


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="role_assignments",
                             help_text=_("đơn vị của cán bộ, thủ trưởng; huyện của điều phối viên cấp huyện"))
    agency = models.CharField(_("cơ quan thẩm định"), max_length=20, blank=True,
                              help_text=_("mã cơ quan trong tổ thẩm định, ví dụ STC"))
    team_district = models.ForeignKey("units.Unit", verbose_name=_("tổ thẩm định của huyện"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+",
                                      help_text=_("bỏ trống: tổ thẩm định của tỉnh"))
    fields = models.JSONField(_("lĩnh vực phụ trách"), default=list, blank=True,
                              help_text=_("các chữ cái lĩnh vực, ví dụ [\"g\"]"))
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("vai trò được giao")
        verbose_name_plural = _("vai trò được giao")

    def __str__(self) -> str:
        where = ""
        if self.unit_id:
            where = f" — {self.unit}"
        elif self.agency:
            team = f"tổ {self.team_district}" if self.team_district_id else "tổ tỉnh"
            where = f" — {self.agency} ({team}; {', '.join(self.fields) or 'mọi lĩnh vực'})"
        return f"{self.user.get_username()}: {self.get_role_display()}{where}"

    def scope(self) -> dict:
        """What the audit log records of this assignment."""
        return {
            "user": self.user.get_username(), "role": self.role,
            "unit": self.unit.key if self.unit_id else None,
            "agency": self.agency or None,
            "team_district": self.team_district.key if self.team_district_id else None,
            "fields": list(self.fields),
            "active": self.revoked_at is None,
        }
