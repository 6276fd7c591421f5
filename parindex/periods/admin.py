from django.contrib import admin

from .models import Extension, Period, PeriodCriteriaSet


class ReadOnly(admin.ModelAdmin):
    """Periods change only through their services (audited); the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Period, ReadOnly)
admin.site.register(PeriodCriteriaSet, ReadOnly)
admin.site.register(Extension, ReadOnly)
