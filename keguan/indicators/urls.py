from django.urls import path

from .views import dashboard, targets

app_name = "indicators"

urlpatterns = [
    path("", dashboard.dashboard_view, name="dashboard"),
    path("city.xlsx", dashboard.city_export_view, name="city_export"),
    path("targets/", targets.targets_view, name="targets"),
    path("reported/", targets.reported_view, name="reported"),
]
