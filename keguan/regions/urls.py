from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.region_tree_view, name="tree"),
    path("<int:pk>/", views.region_tree_view, name="node"),
    path("villages/import/", views.village_import_view, name="village_import"),
    path("villages/template.xlsx", views.village_template_view, name="village_template"),
]
