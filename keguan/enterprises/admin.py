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


admin.site.register(EnterpriseYear, SimpleHistoryAdmin)
admin.site.register(EnterpriseLabel, SimpleHistoryAdmin)
admin.site.register(StageChange)
