"""Pages of 科技活动与企业服务 (ledger)."""

from __future__ import annotations

urlpatterns: list = []
