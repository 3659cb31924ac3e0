"""The enterprise area's indicators (企业梯队培育), registered in the catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from keguan.indicators.registry import Indicator, Kind, Timing, register, register_area
from keguan.regions.models import RegionLevel
from keguan.rules.periods import Period

from .models import Enterprise, EnterpriseYear, Stage, StageChange

AREA = "enterprises"
register_area(AREA, "创新主体培育", 20)


def stage_counts_at(ids: list[int], day: dt.date, stages: tuple[str, ...]) -> dict[int, int]:
    """Enterprises per district whose pipeline stage on ``day`` is one of ``stages`` (from the dated history)."""
    qs = Enterprise.objects.filter(district_id__in=ids)
    if day >= timezone.localdate():
        qs = qs.filter(stage__in=stages)
    else:
        at = StageChange.objects.filter(enterprise=OuterRef("pk"), changed_on__lte=day).order_by("-changed_on", "-id")
        qs = qs.annotate(stage_at=Subquery(at.values("to_stage")[:1])).filter(stage_at__in=stages)
    return dict(qs.values_list("district_id").annotate(n=Count("id")).order_by())


def entries_in(ids: list[int], period: Period, stage: str) -> dict[int, int]:
    """Enterprises per district that entered ``stage`` within the period (科小入库、新认定高企 …)."""
    rows = (
        StageChange.objects.filter(
            enterprise__district_id__in=ids, to_stage=stage, changed_on__gte=period.start, changed_on__lte=period.end
        )
        .values_list("enterprise__district_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .order_by()
    )
    return dict(rows)


def rd_expense_wan(ids: list[int], period: Period) -> dict[int, Decimal] | None:
    """R&D expense (domestic + abroad) of the period's fiscal year, from enterprises' yearly figures, in 万元.
    Yearly figures exist only for whole years: other periods have no value."""
    if period.last_month != 12 or period.first_month != 1:
        return None
    rows = (
        EnterpriseYear.objects.filter(enterprise__district_id__in=ids, year=period.year)
        .values_list("enterprise__district_id")
        .annotate(total=Sum(F("rd_domestic") + F("rd_abroad")))
        .order_by()
    )
    return {d: (total or Decimal(0)) / Decimal(10000) for d, total in rows}


def _list_url(region, **params) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if region is not None and region.level == RegionLevel.COUNTY:
        query["district"] = region.pk
    return reverse("enterprises:list") + "?" + urlencode(query)


def _stock_url(stages: tuple[str, ...]):
    def url(region, period: Period) -> str:
        if period.end >= timezone.localdate():
            return _list_url(region, stages=",".join(stages))
        return _list_url(region, stage_on=period.end.isoformat(), stages=",".join(stages))

    return url


def _entry_url(stage: str):
    def url(region, period: Period) -> str:
        return _list_url(region, entered=stage, since=period.start.isoformat(), until=period.end.isoformat())

    return url


def _stock(stages: tuple[str, ...]):
    return lambda ids, period: stage_counts_at(ids, period.end, stages)


def _entries(stage: str):
    return lambda ids, period: entries_in(ids, period, stage)


for order, (code, name, stages) in enumerate(
    [
        ("ent_total", "在库企业总数", tuple(Stage.values)),
        ("ent_tech_sme", "科技型中小企业（在库）", (Stage.SME,)),
        ("ent_pool", "高企培育库在库企业", (Stage.POOL,)),
        ("ent_hnte_valid", "有效高新技术企业", (Stage.HNTE, Stage.LEADER)),
        ("ent_leader", "创新型领军企业", (Stage.LEADER,)),
    ]
):
    register(
        Indicator(
            code=code, name=name, unit="家", measure="家", area=AREA, timing=Timing.STOCK,
            by_district=_stock(stages), records_url=_stock_url(stages), order=10 + order,
            description=f"期末处于“{'、'.join(Stage(s).label for s in stages)}”阶段的企业数（按阶段变更记录）",
            targetable=code != "ent_total",
        )
    )

for order, (code, name, stage) in enumerate(
    [
        ("ent_new_tech_sme", "新增科技型中小企业", Stage.SME),
        ("ent_new_pool", "新入高企培育库企业", Stage.POOL),
        ("ent_new_hnte", "新认定高新技术企业", Stage.HNTE),
    ]
):
    register(
        Indicator(
            code=code, name=name, unit="家", measure="家", area=AREA, timing=Timing.FLOW,
            by_district=_entries(stage), records_url=_entry_url(stage), order=30 + order,
            description=f"期间内进入“{Stage(stage).label}”阶段的企业数（按阶段变更日期）",
        )
    )

register(
    Indicator(
        code="rd_expense", name="企业研发费用", unit="万元", area=AREA, timing=Timing.FLOW, decimals=2,
        by_district=rd_expense_wan, order=50,
        records_url=lambda region, period: _list_url(region),
        description="企业年度数据中的研发费用（境内+境外）合计，仅全年有值",
    )
)
register(
    Indicator(
        code="gdp", name="地区生产总值", unit="万元", area=AREA, kind=Kind.REPORTED, timing=Timing.FLOW, decimals=2,
        order=60, targetable=False, description="统计部门公布的地区生产总值，由区县科技局填报",
    )
)
register(
    Indicator(
        code="rd_intensity", name="研发投入强度", unit="%", area=AREA, kind=Kind.RATIO, timing=Timing.FLOW,
        decimals=2, numerator="rd_expense", denominator="gdp", scale=Decimal(100), order=61,
        description="企业研发费用 ÷ 地区生产总值（填报了GDP时才有值）",
    )
)
