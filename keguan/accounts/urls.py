from django.urls import path

from . import views, views_dictionary, views_prefs, views_roles

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/toggle/", views.user_toggle_view, name="user_toggle"),
    path("users/<int:pk>/unlock/", views.user_unlock_view, name="user_unlock"),
    path("users/<int:pk>/password/", views.user_password_view, name="user_password"),
    path("organisations/", views.organisation_list_view, name="organisation_list"),
    path("organisations/new/", views.organisation_create_view, name="organisation_create"),
    path("login-log/", views.login_log_view, name="login_log"),
    path("oplog/", views.oplog_view, name="oplog"),
    path("oplog/export.xlsx", views.oplog_export_view, name="oplog_export"),
    path("roles/", views_roles.roles_view, name="roles"),
    path("dictionary/", views_dictionary.dictionary_view, name="dictionary"),
    path("dictionary/<slug:dict_kind>/", views_dictionary.dictionary_kind_view, name="dictionary_kind"),
    path("list-prefs/", views_prefs.list_prefs_view, name="list_prefs"),
]
