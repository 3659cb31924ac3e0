from django.urls import path

from .views import calendar, manage

app_name = "projects"

urlpatterns = [
    # --- the bureau's processing of applications (projects-manage) ---
    path("applications/", manage.applications_view, name="applications"),
    path("applications/export.xlsx", manage.applications_export_view, name="applications_export"),
    path("applications/<int:pk>/", manage.application_view, name="application"),
    path("applications/<int:pk>/move/", manage.application_move_view, name="application_move"),
    path("applications/<int:pk>/back/", manage.application_back_view, name="application_back"),
    path("applications/<int:pk>/approve/", manage.application_approve_view, name="application_approve"),
    path("applications/<int:pk>/outcome/", manage.application_outcome_view, name="application_outcome"),
    path("applications/<int:pk>/sign/", manage.application_sign_view, name="application_sign"),
    path("applications/<int:pk>/funding/", manage.application_funding_view, name="application_funding"),
    path("applications/<int:pk>/disbursement/", manage.application_disbursement_view, name="application_disbursement"),
    path("applications/<int:pk>/check/", manage.application_check_view, name="application_check"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    # --- end projects-manage ---
]
