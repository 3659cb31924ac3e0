"""Reads of the enterprise registry; every one starts from the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from keguan.core.lists import text_contains
from keguan.core.scope import get_for_user, scoped, within
from keguan.regions.models import Region, RegionLevel
from keguan.rules.identifiers import normalize_credit_code

from .models import STAGE_ORDER, TAG_KIND, Enterprise, EnterpriseLabel, EnterpriseYear, Stage, StageChange

SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "registered_on": ("registered_on", "id"),
    "-registered_on": ("-registered_on", "-id"),
    "stage": ("stage_rank", "name", "id"),
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
    tag: str = ""  # the code of a 企业标签
    sort: str = "name"
    # Filters that figures link to (not shown as form controls): several stages at once, the stage held on a
    # past day (from the dated history), and entries into a stage within a date range.
    stages: tuple[str, ...] = ()
    stage_on: dt.date | None = None
    entered: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    invalid: bool = False

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
            tag=data.get("tag") or "",
            sort=data.get("sort") or "name",
            stages=tuple(data.get("stages") or ()),
            stage_on=data.get("stage_on"),
            entered=data.get("entered") or "",
            since=data.get("since"),
            until=data.get("until"),
        )


def _name_contains(q: str) -> Q:
    """``name__icontains=q``, as plain ``contains`` when ``q`` has no letters with case (``text_contains``)."""
    return text_contains("name", q)


def enterprise_list(*, user, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    f = filters or EnterpriseFilters()
    qs = scoped(Enterprise, user).select_related("district", "township")
    if f.q:
        code = normalize_credit_code(f.q)
        cond = _name_contains(f.q)
        if code.isalnum() and len(code) >= 6:
            cond |= Q(credit_code__startswith=code)
        qs = qs.filter(cond)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.invalid:
        return qs.none()
    wanted = tuple(s for s in (f.stage, *f.stages) if s)
    if wanted and f.stage_on is not None:
        at = StageChange.objects.filter(enterprise=OuterRef("pk"), changed_on__lte=f.stage_on).order_by("-changed_on", "-id")
        qs = qs.annotate(stage_at=Subquery(at.values("to_stage")[:1])).filter(stage_at__in=wanted)
    elif wanted:
        qs = qs.filter(stage__in=wanted) if len(wanted) > 1 else qs.filter(stage=wanted[0])
    if f.entered:
        moves = StageChange.objects.filter(enterprise=OuterRef("pk"), to_stage=f.entered)
        if f.since:
            moves = moves.filter(changed_on__gte=f.since)
        if f.until:
            moves = moves.filter(changed_on__lte=f.until)
        qs = qs.filter(Exists(moves))
    if f.industry:
        qs = qs.filter(industry_section=f.industry) if len(f.industry) == 1 else qs.filter(industry_code=f.industry)
    if f.tech_field:
        qs = qs.filter(tech_field=f.tech_field)
    if f.label:
        qs = qs.filter(Exists(EnterpriseLabel.objects.filter(enterprise=OuterRef("pk"), kind=f.label)))
    if f.tag:
        tagged = Enterprise.tags.through.objects.filter(enterprise=OuterRef("pk"), dictitem__kind=TAG_KIND,
                                                        dictitem__code=f.tag)
        qs = qs.filter(Exists(tagged))
    if f.sort == "stage":
        # pipeline order (招引 → 科小 → 培育库 → 高企 → 领军), not the alphabetical order of the stored codes
        qs = qs.annotate(stage_rank=Case(*(When(stage=v, then=Value(i)) for v, i in STAGE_ORDER.items())))
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
    return Region.objects.filter(within(region.path), level=RegionLevel.TOWNSHIP).order_by("code")


def districts_in_scope(*, user) -> QuerySet[Region]:
    region = user.region
    if user.is_superuser or region is None:
        return Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    return Region.objects.filter(within(region.path), level=RegionLevel.COUNTY).order_by("code")
