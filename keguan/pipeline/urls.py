from django.urls import path

from . import views, views_lists, views_records

app_name = "pipeline"

urlpatterns = [
    path("self-check/", views.self_check_mine_view, name="self_check"),
    path("self-check/<int:pk>/", views.self_check_view, name="self_check_for"),
    path("precheck/", views.precheck_view, name="precheck"),
    path("precheck/export.xlsx", views.precheck_export_view, name="precheck_export"),
    path("precheck/pool/", views.precheck_pool_view, name="precheck_pool"),
    path("<int:pk>/records/", views_records.records_view, name="records"),
    # district-level lists (views_lists)
    path("applications/", views_lists.applications_view, name="applications"),
    path("applications/export.xlsx", views_lists.applications_export_view, name="applications_export"),
    path("applications/batches/create/", views_lists.batch_create_view, name="batch_create"),
    path("certificates/", views_lists.certificates_view, name="certificates"),
    path("certificates/export.xlsx", views_lists.certificates_export_view, name="certificates_export"),
    path("pools/", views_lists.pools_view, name="pools"),
    path("pools/create/", views_lists.pool_create_view, name="pool_create"),
    path("pools/members/", views_lists.pool_members_view, name="pool_members"),
    path("pools/members/export.xlsx", views_lists.pool_members_export_view, name="pool_members_export"),
    path("pools/<int:pool_pk>/", views_lists.pool_detail_view, name="pool_detail"),
    path("pools/<int:pool_pk>/export.xlsx", views_lists.pool_export_view, name="pool_export"),
    path("sme/", views_lists.sme_records_view, name="sme_records"),
    path("sme/export.xlsx", views_lists.sme_export_view, name="sme_export"),
    path("sme/import/", views_lists.sme_import_view, name="sme_import"),
    path("sme/import/template.xlsx", views_lists.sme_import_template_view, name="sme_import_template"),
]
