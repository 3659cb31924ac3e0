from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, EnterpriseLabel, EnterpriseYear, StageChange


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "district", "township", "stage", "industry_code", "tech_field")
    list_filter = ("stage", "tech_field", "industry_section", "size_class")
    search_fields = ("name", "credit_code")
    list_select_related = ("district", "township")
    raw_id_fields = ("district", "township")
    # The stage, its history and the per-district counters are kept by the services (and the pipeline's
    # records); the district moves the stage history with it. Change them on the keguan pages, not here.
    readonly_fields = ("district", "stage", "stage_since")

    def has_add_permission(self, request) -> bool:  # new firms go through the services (history, counters)
        return False


admin.site.register(EnterpriseYear, SimpleHistoryAdmin)
admin.site.register(EnterpriseLabel, SimpleHistoryAdmin)


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "from_stage", "to_stage", "changed_on")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
