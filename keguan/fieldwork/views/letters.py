"""Pages of 科技特派员 (letters)."""

from __future__ import annotations

urlpatterns: list = []
