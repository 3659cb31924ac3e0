"""Pages of 科技特派员 (logs)."""

from __future__ import annotations

urlpatterns: list = []
