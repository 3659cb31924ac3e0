from django.urls import path

from .views import apply, calls, programs

app_name = "projects"

urlpatterns = [
    # --- programs, calls, the applicant's side (projects-apply) ---
    path("programs/", programs.program_list_view, name="programs"),
    path("programs/new/", programs.program_create_view, name="program_create"),
    path("programs/<int:pk>/edit/", programs.program_edit_view, name="program_edit"),
    path("programs/<int:pk>/active/", programs.program_active_view, name="program_active"),
    path("calls/", calls.call_list_view, name="calls"),
    path("calls/new/", calls.call_create_view, name="call_create"),
    path("calls/<int:pk>/", calls.call_detail_view, name="call"),
    path("calls/<int:pk>/edit/", calls.call_edit_view, name="call_edit"),
    path("calls/<int:pk>/files/", calls.call_attach_view, name="call_attach"),
    path("calls/<int:pk>/files/<int:cfile_pk>/", calls.call_file_view, name="call_file"),
    path("calls/<int:pk>/files/<int:cfile_pk>/remove/", calls.call_file_remove_view, name="call_file_remove"),
    path("apply/", apply.apply_home_view, name="apply"),
    path("apply/call/", apply.apply_call_view, name="apply_call"),
    path("apply/call/file/", apply.apply_call_file_view, name="apply_call_file"),
    path("apply/new/", apply.apply_new_view, name="apply_new"),
    path("apply/<int:apply_pk>/", apply.apply_detail_view, name="apply_detail"),
    path("apply/<int:apply_pk>/edit/", apply.apply_edit_view, name="apply_edit"),
    path("apply/<int:apply_pk>/submit/", apply.apply_submit_view, name="apply_submit"),
    path("apply/<int:apply_pk>/withdraw/", apply.apply_withdraw_view, name="apply_withdraw"),
    path("apply/<int:apply_pk>/files/", apply.apply_attach_view, name="apply_attach"),
    path("apply/<int:apply_pk>/files/<int:afile_pk>/", apply.apply_file_view, name="apply_file"),
    path("apply/<int:apply_pk>/files/<int:afile_pk>/remove/", apply.apply_file_remove_view, name="apply_file_remove"),
    path("entry/", apply.org_list_view, name="org_list"),
    path("entry/new/", apply.org_new_view, name="org_new"),
    path("entry/<int:pk>/", apply.org_detail_view, name="org_detail"),
    path("entry/<int:pk>/edit/", apply.org_edit_view, name="org_edit"),
    path("entry/<int:pk>/submit/", apply.org_submit_view, name="org_submit"),
    path("entry/<int:pk>/withdraw/", apply.org_withdraw_view, name="org_withdraw"),
    path("entry/<int:pk>/files/", apply.org_attach_view, name="org_attach"),
    path("entry/<int:pk>/files/<int:ofile_pk>/", apply.org_file_view, name="org_file"),
    path("entry/<int:pk>/files/<int:ofile_pk>/remove/", apply.org_file_remove_view, name="org_file_remove"),
]
