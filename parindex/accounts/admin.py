from django.contrib import admin, messages

from parindex.core.errors import DomainError

from .models import RoleAssignment
from .services import grant_role, revoke_role


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grants and revocations go through the audited services."""

    list_display = ("user", "role", "unit", "agency", "team_district", "fields", "granted_at", "revoked_at")
    list_filter = ("role", "revoked_at")
    search_fields = ("user__username", "agency")
    autocomplete_fields = ()
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in RoleAssignment._meta.fields] if obj else ["granted_at", "revoked_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            assignment = grant_role(obj.user, obj.role, actor=request.user, unit=obj.unit, agency=obj.agency,
                                    team_district=obj.team_district, fields=obj.fields, request=request,
                                    reason="Giao qua trang quản trị")
        except DomainError as exc:
            self.message_user(request, "; ".join(exc.errors), level=messages.ERROR)
            return
        obj.pk = assignment.pk

    @admin.action(description="Thu hồi các vai trò đã chọn")
    def revoke(self, request, queryset):
        for assignment in queryset.filter(revoked_at__isnull=True):
            revoke_role(assignment, actor=request.user, request=request, reason="Thu hồi qua trang quản trị")
