"""创新平台与人才's URLs."""

from django.urls import path

from .views import agreements, people, platforms, recognitions

app_name = "resources"

urlpatterns = [
    path("platforms/", platforms.platform_list_view, name="platforms"),
    path("platforms/export.xlsx", platforms.platform_export_view, name="platforms_export"),
    path("platforms/new/", platforms.platform_create_view, name="platform_create"),
    path("platforms/<int:pk>/", platforms.platform_detail_view, name="platform"),
    path("platforms/<int:pk>/edit/", platforms.platform_edit_view, name="platform_edit"),
    path("platforms/<int:pk>/revoke/", platforms.platform_revoke_view, name="platform_revoke"),
    path("platforms/<int:pk>/evaluate/", platforms.platform_evaluate_view, name="platform_evaluate"),
    path("platforms/<int:pk>/delete/", platforms.platform_delete_view, name="platform_delete"),
    path("applications/", platforms.application_list_view, name="applications"),
    path("applications/export.xlsx", platforms.application_export_view, name="applications_export"),
    path("applications/new/", platforms.application_create_view, name="application_create"),
    path("applications/<int:pk>/", platforms.application_detail_view, name="application"),
    path("applications/<int:pk>/edit/", platforms.application_edit_view, name="application_edit"),
    path("applications/<int:pk>/decide/", platforms.application_decide_view, name="application_decide"),
    path("applications/<int:pk>/delete/", platforms.application_delete_view, name="application_delete"),
    path("talent/", people.talent_list_view, name="talent"),
    path("talent/export.xlsx", people.talent_export_view, name="talent_export"),
    path("talent/new/", people.talent_create_view, name="talent_create"),
    path("talent/<int:pk>/", people.talent_detail_view, name="talent_detail"),
    path("talent/<int:pk>/edit/", people.talent_edit_view, name="talent_edit"),
    path("talent/<int:pk>/delete/", people.talent_delete_view, name="talent_delete"),
    path("experts/", people.expert_list_view, name="experts"),
    path("experts/export.xlsx", people.expert_export_view, name="experts_export"),
    path("experts/new/", people.expert_create_view, name="expert_create"),
    path("experts/<int:pk>/", people.expert_detail_view, name="expert"),
    path("experts/<int:pk>/edit/", people.expert_edit_view, name="expert_edit"),
    path("experts/<int:pk>/delete/", people.expert_delete_view, name="expert_delete"),
    path("agreements/", agreements.agreement_list_view, name="agreements"),
    path("agreements/export.xlsx", agreements.agreement_export_view, name="agreements_export"),
    path("agreements/new/", agreements.agreement_create_view, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail_view, name="agreement"),
    path("agreements/<int:pk>/edit/", agreements.agreement_edit_view, name="agreement_edit"),
    path("agreements/<int:pk>/delete/", agreements.agreement_delete_view, name="agreement_delete"),
    path("agreements/<int:pk>/projects/", agreements.project_add_view, name="project_add"),
    path("projects/<int:pk>/remove/", agreements.project_remove_view, name="project_remove"),
    path("recognitions/", recognitions.recognition_list_view, name="recognitions"),
    path("recognitions/export.xlsx", recognitions.recognition_export_view, name="recognitions_export"),
    path("recognitions/new/", recognitions.recognition_create_view, name="recognition_create"),
    path("recognitions/<int:pk>/", recognitions.recognition_detail_view, name="recognition"),
    path("recognitions/<int:pk>/edit/", recognitions.recognition_edit_view, name="recognition_edit"),
    path("recognitions/<int:pk>/move/", recognitions.recognition_move_view, name="recognition_move"),
    path("recognitions/<int:pk>/delete/", recognitions.recognition_delete_view, name="recognition_delete"),
]
