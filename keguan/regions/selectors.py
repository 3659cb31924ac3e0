from __future__ import annotations

from django.db.models import QuerySet

from .models import Region, RegionLevel


def region_subtree(region: Region) -> QuerySet[Region]:
    """The region and every region under it."""
    return Region.objects.filter(path__startswith=region.path)


def region_children(region: Region, level: int | None = None) -> QuerySet[Region]:
    qs = region_subtree(region).exclude(pk=region.pk)
    if level is not None:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def region_townships(region: Region) -> QuerySet[Region]:
    return region_children(region, RegionLevel.TOWNSHIP) if region.level < RegionLevel.TOWNSHIP else (
        Region.objects.filter(pk=region.pk)
    )


def region_districts(region: Region) -> QuerySet[Region]:
    if region.level >= RegionLevel.COUNTY:
        return Region.objects.filter(pk=region.pk) if region.level == RegionLevel.COUNTY else Region.objects.none()
    return region_children(region, RegionLevel.COUNTY)


def region_ancestors(region: Region) -> list[Region]:
    codes = [c for c in region.path.strip("/").split("/") if c]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]
