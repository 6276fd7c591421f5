from django.contrib import admin

from .models import PeriodUnit, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "__str__")
    list_filter = ("kind",)
    search_fields = ("key", "versions__name")

    def has_change_permission(self, request, obj=None):
        return False  # identities come from load_units


@admin.register(PeriodUnit)
class PeriodUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "period", "state")
    list_filter = ("period", "kind", "state")
    search_fields = ("name", "code")
    readonly_fields = ("state", "state_changed_at")

    def has_add_permission(self, request):
        return False  # units are loaded with load_units, which validates the whole file

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
