from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "科管 系统管理"
admin.site.site_title = "科管"

urlpatterns = [
    path("", include(("keguan.core.urls", "core"))),
    path("accounts/", include("keguan.accounts.urls")),
    path("enterprises/", include("keguan.enterprises.urls")),
    path("pipeline/", include("keguan.pipeline.urls")),
    path("regions/", include("keguan.regions.urls")),
    path("indicators/", include("keguan.indicators.urls")),
    path("reports/", include("keguan.reports.urls")),
    path("rd/", include("keguan.rd.urls")),
    path("exchange/", include("keguan.exchange.urls")),
    path("admin/", admin.site.urls),
]
