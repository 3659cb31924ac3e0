from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.region_tree_view, name="tree"),
    path("<int:pk>/", views.region_tree_view, name="node"),
]
