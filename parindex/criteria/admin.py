from django.contrib import admin

from .models import CriteriaSetRecord


@admin.register(CriteriaSetRecord)
class CriteriaSetRecordAdmin(admin.ModelAdmin):
    list_display = ("set_id", "unit_kind", "year", "status", "provenance", "sha256", "loaded_at")
    readonly_fields = [f.name for f in CriteriaSetRecord._meta.fields]

    def has_add_permission(self, request):
        return False  # sets are loaded with `manage.py load_criteria`, which validates them

    def has_change_permission(self, request, obj=None):
        return False
