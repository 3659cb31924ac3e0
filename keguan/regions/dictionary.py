"""The 数据字典's read-only view of the region codes loaded (province down to township)."""

from __future__ import annotations

from .models import Region, RegionLevel


def official_items() -> list[tuple[str, str]]:
    rows = Region.objects.filter(level__lte=RegionLevel.TOWNSHIP).order_by("path").values_list("code", "name", "level")
    return [(code, "　" * (level - 1) + name) for code, name, level in rows]
