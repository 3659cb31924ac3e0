from django.urls import path

from .views import firms, rounds

app_name = "rd"

urlpatterns = [
    path("", rounds.round_list_view, name="list"),
    path("new/", rounds.round_create_view, name="create"),
    path("<int:pk>/", rounds.round_detail_view, name="round"),
    path("<int:pk>/edit/", rounds.round_edit_view, name="round_edit"),
    path("<int:pk>/export.xlsx", rounds.round_export_view, name="round_export"),
    path("<int:pk>/firms/add/", firms.firm_add_view, name="firm_add"),
    path("firms/<int:pk>/", firms.firm_detail_view, name="firm"),
    path("firms/<int:pk>/report/", firms.firm_report_view, name="firm_report"),
    path("firms/<int:pk>/clear/", firms.firm_clear_view, name="firm_clear"),
    path("firms/<int:pk>/calls/", firms.firm_call_view, name="firm_call"),
    path("firms/<int:pk>/remove/", firms.firm_remove_view, name="firm_remove"),
]
