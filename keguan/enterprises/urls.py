from django.urls import path

from .views import records, registry

app_name = "enterprises"

urlpatterns = [
    path("", registry.enterprise_list_view, name="list"),
    path("export.xlsx", registry.enterprise_export_view, name="export"),
    path("mine/", registry.enterprise_mine_view, name="mine"),
    path("new/", registry.enterprise_create_view, name="create"),
    path("batch/tags/", registry.batch_tags_view, name="batch_tags"),
    path("<int:pk>/", registry.enterprise_detail_view, name="detail"),
    path("<int:pk>/edit/", registry.enterprise_edit_view, name="edit"),
    path("<int:pk>/delete/", registry.enterprise_delete_view, name="delete"),
    path("<int:pk>/restore/", registry.enterprise_restore_view, name="restore"),
    path("<int:pk>/stage/", records.stage_change_view, name="stage_change"),
    path("<int:pk>/labels/", records.label_add_view, name="label_add"),
    path("<int:pk>/labels/<int:label_pk>/delete/", records.label_remove_view, name="label_remove"),
    path("<int:pk>/years/new/", records.year_edit_view, name="year_create"),
    path("<int:pk>/years/<int:year>/", records.year_edit_view, name="year_edit"),
    path("<int:pk>/years/<int:year>/delete/", records.year_delete_view, name="year_delete"),
]
