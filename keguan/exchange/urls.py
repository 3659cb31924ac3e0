from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.history, name="history"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("runs/<int:pk>/errors.xlsx", views.error_file, name="errors"),
    path("<slug:kind>/", views.kind_page, name="kind"),
    path("<slug:kind>/template.xlsx", views.template, name="template"),
    path("<slug:kind>/export.xlsx", views.export, name="export"),
]
