"""Pages of 科技特派员 (roster)."""

from __future__ import annotations

urlpatterns: list = []
