"""Reads of the enterprise registry; every one starts from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from keguan.core.scope import get_for_user, scoped
from keguan.regions.models import Region, RegionLevel
from keguan.rules.identifiers import normalize_credit_code

from .models import Enterprise, EnterpriseLabel, EnterpriseYear, Stage, StageChange

SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "registered_on": ("registered_on", "id"),
    "-registered_on": ("-registered_on", "-id"),
    "stage": ("stage", "name", "id"),
    "-updated_at": ("-updated_at", "-id"),
}
SORT_LABELS = {
    "name": "名称 ↑",
    "-name": "名称 ↓",
    "registered_on": "注册日期 ↑",
    "-registered_on": "注册日期 ↓",
    "stage": "培育阶段",
    "-updated_at": "最近更新",
}


@dataclass(frozen=True)
class EnterpriseFilters:
    q: str = ""
    township: int | None = None
    district: int | None = None
    stage: str = ""
    industry: str = ""  # a section letter (A–T) or a two-digit division
    label: str = ""
    tech_field: str = ""
    sort: str = "name"

    @classmethod
    def from_cleaned(cls, data: dict[str, Any]) -> EnterpriseFilters:
        return cls(
            q=(data.get("q") or "").strip(),
            township=data["township"].pk if data.get("township") else None,
            district=data["district"].pk if data.get("district") else None,
            stage=data.get("stage") or "",
            industry=data.get("industry") or "",
            label=data.get("label") or "",
            tech_field=data.get("tech_field") or "",
            sort=data.get("sort") or "name",
        )


def enterprise_list(*, user, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    f = filters or EnterpriseFilters()
    qs = scoped(Enterprise, user).select_related("district", "township")
    if f.q:
        code = normalize_credit_code(f.q)
        cond = Q(name__icontains=f.q)
        if code.isalnum() and len(code) >= 6:
            cond |= Q(credit_code__startswith=code)
        qs = qs.filter(cond)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.industry:
        qs = qs.filter(industry_section=f.industry) if len(f.industry) == 1 else qs.filter(industry_code=f.industry)
    if f.tech_field:
        qs = qs.filter(tech_field=f.tech_field)
    if f.label:
        qs = qs.filter(Exists(EnterpriseLabel.objects.filter(enterprise=OuterRef("pk"), kind=f.label)))
    return qs.order_by(*SORTS.get(f.sort, SORTS["name"]))


def enterprise_get(*, user, pk: Any, write: bool = False) -> Enterprise:
    return get_for_user(Enterprise.objects.select_related("district", "township"), user, pk, write=write)


def enterprise_years(*, enterprise: Enterprise) -> QuerySet[EnterpriseYear]:
    return enterprise.years.order_by("-year")


def enterprise_stage_timeline(*, enterprise: Enterprise) -> QuerySet[StageChange]:
    return enterprise.stage_changes.select_related("created_by").order_by("changed_on", "id")


def counts_by_stage(*, user) -> list[tuple[str, str, int]]:
    rows = dict(scoped(Enterprise, user).values_list("stage").annotate(n=Count("id")).order_by())
    return [(value, label, rows.get(value, 0)) for value, label in Stage.choices]


def counts_by_area(*, user, region: Region) -> list[dict[str, Any]]:
    """Enterprises per sub-area of ``region``: per district for a city, per township for a district.
    Each row: area (Region or None), total and counts by stage."""
    base = scoped(Enterprise, user)
    if region.level < RegionLevel.COUNTY:
        field, areas = "district", Region.objects.filter(path__startswith=region.path, level=RegionLevel.COUNTY)
    else:
        field, areas = "township", Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP)
    grid: dict[int | None, dict[str, int]] = {}
    for area_id, stage, n in base.values_list(f"{field}_id", "stage").annotate(n=Count("id")).order_by():
        grid.setdefault(area_id, {})[stage] = n
    rows = []
    for area in areas.order_by("code"):
        by_stage = grid.get(area.pk, {})
        rows.append({"area": area, "field": field, "total": sum(by_stage.values()), "by_stage": by_stage})
    if None in grid:
        by_stage = grid[None]
        rows.append({"area": None, "field": field, "total": sum(by_stage.values()), "by_stage": by_stage})
    return rows


def townships_in_scope(*, user) -> QuerySet[Region]:
    region = user.region
    if user.is_superuser or region is None:
        return Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code")
    return Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP).order_by("code")


def districts_in_scope(*, user) -> QuerySet[Region]:
    region = user.region
    if user.is_superuser or region is None:
        return Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    return Region.objects.filter(path__startswith=region.path, level=RegionLevel.COUNTY).order_by("code")
