from django.urls import path

from .views import compare, registers, structure, summary

app_name = "reports"

urlpatterns = [
    path("", summary.report_home_view, name="home"),
    path("v/<int:pk>/", summary.version_view, name="version"),
    path("v/<int:pk>/edit/", summary.version_edit_view, name="version_edit"),
    path("v/<int:pk>/download.docx", summary.version_download_view, name="version_download"),
    path("v/<int:pk>/regenerate/", summary.version_regenerate_view, name="version_regenerate"),
    path("plans/", registers.plans_view, name="plans"),
    path("plans/<int:pk>/status/", registers.plan_status_view, name="plan_status"),
    path("issues/", registers.issues_view, name="issues"),
    path("issues/<int:pk>/delete/", registers.issue_delete_view, name="issue_delete"),
    path("notes/", registers.notes_view, name="notes"),
    path("notes/<int:pk>/delete/", registers.note_delete_view, name="note_delete"),
    path("structure/", structure.structure_view, name="structure"),
    path("compare/", compare.compare_view, name="compare"),
    path("templates/", registers.templates_view, name="templates"),
    path("templates/<int:pk>/toggle/", registers.template_toggle_view, name="template_toggle"),
    path("templates/default.docx", registers.template_default_view, name="template_default"),
    path("templates/sample.docx", registers.template_sample_view, name="template_sample"),
]
