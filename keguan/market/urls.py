"""技术市场与科技成果's URLs."""

from django.urls import path

from .views import contracts, records

app_name = "market"

urlpatterns = [
    path("contracts/", contracts.contract_list_view, name="contracts"),
    path("contracts/export.xlsx", contracts.contract_export_view, name="contracts_export"),
    path("contracts/new/", contracts.contract_create_view, name="contract_create"),
    path("contracts/totals/", contracts.totals_view, name="totals"),
    path("contracts/<int:pk>/", contracts.contract_detail_view, name="contract"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit_view, name="contract_edit"),
    path("contracts/<int:pk>/delete/", contracts.contract_delete_view, name="contract_delete"),
    path("results/", records.RESULT_PAGES.list, name="results"),
    path("results/export.xlsx", records.RESULT_PAGES.export, name="results_export"),
    path("results/new/", records.RESULT_PAGES.create, name="result_create"),
    path("results/<int:pk>/", records.RESULT_PAGES.detail, name="result"),
    path("results/<int:pk>/edit/", records.RESULT_PAGES.edit, name="result_edit"),
    path("results/<int:pk>/delete/", records.RESULT_PAGES.delete, name="result_delete"),
    path("awards/", records.AWARD_PAGES.list, name="awards"),
    path("awards/export.xlsx", records.AWARD_PAGES.export, name="awards_export"),
    path("awards/new/", records.AWARD_PAGES.create, name="award_create"),
    path("awards/<int:pk>/", records.AWARD_PAGES.detail, name="award"),
    path("awards/<int:pk>/edit/", records.AWARD_PAGES.edit, name="award_edit"),
    path("awards/<int:pk>/delete/", records.AWARD_PAGES.delete, name="award_delete"),
]
