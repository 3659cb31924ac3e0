from django.urls import path

from . import views, views_records

app_name = "pipeline"

urlpatterns = [
    path("self-check/", views.self_check_mine_view, name="self_check"),
    path("self-check/<int:pk>/", views.self_check_view, name="self_check_for"),
    path("precheck/", views.precheck_view, name="precheck"),
    path("precheck/export.xlsx", views.precheck_export_view, name="precheck_export"),
    path("<int:pk>/records/", views_records.records_view, name="records"),
]
