from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("<int:pk>/", views.read_view, name="read"),
    path("<int:pk>/files/<int:file>/", views.attachment_view, name="attachment"),
    path("messages/<int:pk>/", views.message_view, name="message"),
    path("manage/", views.manage_view, name="manage"),
    path("manage/new/", views.create_view, name="create"),
    path("manage/<int:pk>/", views.detail_view, name="detail"),
    path("manage/<int:pk>/edit/", views.edit_view, name="edit"),
    path("manage/<int:pk>/unread.xlsx", views.unread_export_view, name="unread_export"),
    path("manage/<int:pk>/publish/", views.publish_view, name="publish"),
    path("manage/<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
]
