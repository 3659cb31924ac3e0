"""URLs: every area mounts its own (``Area.urls`` at ``Area.url_prefix``), found in the area registry."""

from django.contrib import admin
from django.urls import include, path

from keguan.core import areas

admin.site.site_header = "科管 系统管理"
admin.site.site_title = "科管"

urlpatterns = [
    *(path(a.url_prefix, include(a.urls)) for a in areas.all_areas() if a.urls),
    path("admin/", admin.site.urls),
]
