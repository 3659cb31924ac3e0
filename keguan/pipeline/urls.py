from django.urls import path

from .views import applications, certificates, pools, precheck, records, self_check, sme, visits

app_name = "pipeline"

urlpatterns = [
    path("self-check/", self_check.self_check_mine_view, name="self_check"),
    path("self-check/<int:pk>/", self_check.self_check_view, name="self_check_for"),
    path("self-check/<int:pk>/estimates/", self_check.estimates_save_view, name="estimates_save"),
    path("precheck/", precheck.precheck_view, name="precheck"),
    path("precheck/export.xlsx", precheck.precheck_export_view, name="precheck_export"),
    path("precheck/pool/", precheck.precheck_pool_view, name="precheck_pool"),
    path("pool-batch/", precheck.pool_batch_view, name="pool_batch"),
    # an enterprise's qualifications page (pk: the enterprise) and its actions, one URL each
    path("<int:pk>/records/", records.records_view, name="records"),
    path("<int:pk>/sme/", records.sme_add_view, name="sme_add"),
    path("<int:pk>/sme/<int:sme_pk>/remove/", records.sme_remove_view, name="sme_remove"),
    path("<int:pk>/sme/<int:sme_pk>/delete/", records.sme_delete_view, name="sme_delete"),
    path("<int:pk>/applications/", records.application_add_view, name="application_add"),
    path("<int:pk>/applications/<int:app_pk>/move/", records.application_move_view, name="application_move"),
    path("<int:pk>/certificates/", records.certificate_add_view, name="certificate_add"),
    path("<int:pk>/certificates/<int:cert_pk>/delete/", records.certificate_delete_view, name="certificate_delete"),
    path("<int:pk>/pool/", records.pool_join_view, name="pool_join"),
    path("<int:pk>/pool/<int:member_pk>/exit/", records.pool_exit_view, name="pool_exit"),
    path("<int:pk>/visits/", records.visit_add_view, name="visit_add"),
    path("<int:pk>/facts/", records.fact_add_view, name="fact_add"),
    path("<int:pk>/facts/<int:fact_pk>/delete/", records.fact_delete_view, name="fact_delete"),
    # district-level lists
    path("applications/", applications.applications_view, name="applications"),
    path("applications/export.xlsx", applications.applications_export_view, name="applications_export"),
    path("applications/batches/create/", applications.batch_create_view, name="batch_create"),
    path("certificates/", certificates.certificates_view, name="certificates"),
    path("certificates/export.xlsx", certificates.certificates_export_view, name="certificates_export"),
    path("pools/", pools.pools_view, name="pools"),
    path("pools/create/", pools.pool_create_view, name="pool_create"),
    path("pools/members/", pools.pool_members_view, name="pool_members"),
    path("pools/members/export.xlsx", pools.pool_members_export_view, name="pool_members_export"),
    path("pools/<int:pool_pk>/", pools.pool_detail_view, name="pool_detail"),
    path("pools/<int:pool_pk>/export.xlsx", pools.pool_export_view, name="pool_export"),
    path("sme/", sme.sme_records_view, name="sme_records"),
    path("visits/", visits.visits_view, name="visits"),
    path("sme/export.xlsx", sme.sme_export_view, name="sme_export"),
]
