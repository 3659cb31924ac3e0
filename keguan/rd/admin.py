from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RdCall, RdFirm, RdRound


@admin.register(RdRound)
class RdRoundAdmin(SimpleHistoryAdmin):
    list_display = ("title", "district", "year", "opened_on", "due_on")
    list_filter = ("year",)
    raw_id_fields = ("district", "created_by")


@admin.register(RdFirm)
class RdFirmAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "round", "amount", "reported_on")
    raw_id_fields = ("round", "enterprise", "recorded_by")


@admin.register(RdCall)
class RdCallAdmin(SimpleHistoryAdmin):
    list_display = ("firm", "called_on", "outcome")
    raw_id_fields = ("firm", "called_by")
