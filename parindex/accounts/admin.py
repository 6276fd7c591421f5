from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import RoleAssignment
from .services import grant_role, revoke_role, validate_assignment

# The Django admin is for the system administrator; people and roles are managed in the site
# (accounts/views.py). Its titles follow the site's language (Vietnamese by default).
admin.site.site_header = _("Quản trị hệ thống Chỉ số CCHC")
admin.site.site_title = _("Quản trị Chỉ số CCHC")
admin.site.index_title = _("Dành cho quản trị hệ thống")


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "unit", "agency", "team_district", "fields"]

    def clean(self):
        data = super().clean()
        errors = validate_assignment(data.get("role", ""), unit=data.get("unit"), agency=data.get("agency", ""),
                                     team_district=data.get("team_district"), fields=data.get("fields") or [])
        if errors:
            raise forms.ValidationError(errors)
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grants and revocations go through the audited services."""

    list_display = ("user", "role", "unit", "agency", "team_district", "fields", "granted_at", "revoked_at")
    list_filter = ("role", "revoked_at")
    search_fields = ("user__username", "agency")
    form = RoleAssignmentForm
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in RoleAssignment._meta.fields] if obj else ["granted_at", "revoked_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        assignment = grant_role(obj.user, obj.role, actor=request.user, unit=obj.unit, agency=obj.agency,
                                team_district=obj.team_district, fields=obj.fields, request=request,
                                reason="Giao qua trang quản trị")
        obj.pk = assignment.pk
        obj._state.adding = False

    @admin.action(description=_("Thu hồi các vai trò đã chọn"))
    def revoke(self, request, queryset):
        for assignment in queryset.filter(revoked_at__isnull=True):
            revoke_role(assignment, actor=request.user, request=request, reason="Thu hồi qua trang quản trị")
