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
    path("results/", records.result_list_view, name="results"),
    path("results/export.xlsx", records.result_export_view, name="results_export"),
    path("results/new/", records.result_create_view, name="result_create"),
    path("results/<int:pk>/", records.result_detail_view, name="result"),
    path("results/<int:pk>/edit/", records.result_edit_view, name="result_edit"),
    path("results/<int:pk>/delete/", records.result_delete_view, name="result_delete"),
    path("awards/", records.award_list_view, name="awards"),
    path("awards/export.xlsx", records.award_export_view, name="awards_export"),
    path("awards/new/", records.award_create_view, name="award_create"),
    path("awards/<int:pk>/", records.award_detail_view, name="award"),
    path("awards/<int:pk>/edit/", records.award_edit_view, name="award_edit"),
    path("awards/<int:pk>/delete/", records.award_delete_view, name="award_delete"),
]
