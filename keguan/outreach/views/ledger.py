"""Pages of 科技活动与企业服务 (ledger): visits (ledger_visits), the needs ledger (ledger_needs) and questionnaires
(ledger_survey; filled in by staff for a firm: ledger_proxy)."""

from __future__ import annotations

from . import ledger_needs, ledger_proxy, ledger_survey, ledger_visits

urlpatterns: list = [*ledger_visits.urlpatterns, *ledger_needs.urlpatterns, *ledger_survey.urlpatterns,
                       *ledger_proxy.urlpatterns]
