"""The enterprise area's indicators (企业梯队培育), registered in the catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone

from keguan.indicators.registry import Indicator, Kind, Timing, list_url, register
from keguan.rules.periods import Period

from .models import DistrictStageCount, EnterpriseYear, Stage, StageChange

AREA = "enterprises"


def stage_histogram(ids: list[int], day: dt.date, memo: dict | None = None) -> dict[int, dict[str, int]]:
    """Enterprises per district and pipeline stage on ``day``.

    Today's counts are read from the district × stage counter the services keep (``DistrictStageCount``),
    not counted from the register. For a past day the changes made after it are undone: each later change
    moved one firm from ``from_stage`` to ``to_stage`` (a firm's first change has no ``from_stage``: it was
    not in the register yet). Services keep the history a chain ending in the current stage, so this equals
    "the stage of each firm's last change on or before ``day``". With a ``memo``, a past day starts from the
    nearest later day already computed and undoes only the changes in between.
    """
    memo = {} if memo is None else memo
    days: dict[dt.date | None, dict[int, dict[str, int]]] = memo.setdefault(("stage_hist", tuple(ids)), {})
    today = timezone.localdate()
    past = day < today
    if (day if past else None) in days:
        return days[day if past else None]
    if None not in days:  # now
        current: dict[int, dict[str, int]] = {i: {} for i in ids}
        rows = DistrictStageCount.objects.filter(district_id__in=ids).exclude(n=0).values_list("district_id", "stage", "n")
        for district, stage, n in rows:
            current[district][stage] = n
        days[None] = current
    if not past:
        return days[None]
    later = min((d for d in days if d is not None and d > day), default=None)
    hist = {d: dict(by_stage) for d, by_stage in days[later].items()}
    changes = StageChange.objects.filter(changed_on__gt=day, district_id__in=ids)
    if later is not None:
        changes = changes.filter(changed_on__lte=later)
    # COUNT(*), not COUNT(id): the (changed_on, district, to_stage, from_stage, enterprise) index then holds
    # every column the query reads (PostgreSQL reads it alone instead of the table).
    for district, from_stage, to_stage, n in (
        changes.values_list("district_id", "from_stage", "to_stage").annotate(n=Count("*")).order_by()
    ):
        bucket = hist[district]
        bucket[to_stage] = bucket.get(to_stage, 0) - n
        if from_stage:
            bucket[from_stage] = bucket.get(from_stage, 0) + n
    days[day] = hist
    return hist


def stage_counts_at(ids: list[int], day: dt.date, stages: tuple[str, ...], memo: dict | None = None) -> dict[int, int]:
    """Enterprises per district whose pipeline stage on ``day`` is one of ``stages``."""
    hist = stage_histogram(ids, day, memo)
    return {d: sum(by_stage.get(s, 0) for s in stages) for d, by_stage in hist.items()}


def entries_in(ids: list[int], period: Period, stage: str, memo: dict | None = None) -> dict[int, int]:
    """Enterprises per district that entered ``stage`` within the period (科小入库、新认定高企 …)."""
    key = ("entries", tuple(ids), period.start, period.end)
    if memo is None or key not in memo:
        rows = (
            StageChange.objects.filter(district_id__in=ids, changed_on__gte=period.start, changed_on__lte=period.end)
            .values_list("district_id", "to_stage")
            .annotate(n=Count("enterprise_id", distinct=True))
            .order_by()
        )
        table: dict[str, dict[int, int]] = {}
        for district, to_stage, n in rows:
            table.setdefault(to_stage, {})[district] = n
        if memo is None:
            return table.get(stage, {})
        memo[key] = table
    return memo[key].get(stage, {})


def rd_expense_wan(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, Decimal] | None:
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
    out = {d: (total or Decimal(0)) / Decimal(10000) for d, total in rows}
    return out or None  # no firm has figures for that year yet (a year not closed): no value, rather than 0


def _stock_url(stages: tuple[str, ...]):
    def url(region, period: Period) -> str:
        if period.end >= timezone.localdate():
            return list_url("enterprises:list", region, stages=",".join(stages))
        return list_url("enterprises:list", region, stage_on=period.end.isoformat(), stages=",".join(stages))

    return url


def _entry_url(stage: str):
    def url(region, period: Period) -> str:
        return list_url("enterprises:list", region, entered=stage, since=period.start.isoformat(), until=period.end.isoformat())

    return url


def _stock(stages: tuple[str, ...]):
    return lambda ids, period, memo=None: stage_counts_at(ids, period.end, stages, memo)


def _entries(stage: str):
    return lambda ids, period, memo=None: entries_in(ids, period, stage, memo)


# The pool's firms are counted from its 入库/出库 records (the pipeline's ``pl_pool_members``), not here.
STOCK_DESCRIPTIONS = {
    "ent_total": "期末在企业库中的企业数（各培育阶段合计，每家企业计一次）",
    "ent_hnte_valid": "期末处于“高新技术企业”或“创新型领军企业”阶段的企业数，即高企证书在有效期内的企业（含领军企业）",
}

for order, (code, name, stages) in enumerate(
    [
        ("ent_total", "在库企业总数", tuple(Stage.values)),
        ("ent_tech_sme", "科技型中小企业（在库）", (Stage.SME,)),
        ("ent_hnte_valid", "有效高新技术企业", (Stage.HNTE, Stage.LEADER)),
        ("ent_leader", "创新型领军企业", (Stage.LEADER,)),
    ]
):
    register(
        Indicator(
            code=code, name=name, unit="家", measure="家", area=AREA, timing=Timing.STOCK,
            by_district=_stock(stages), records_url=_stock_url(stages), order=10 + order,
            description=STOCK_DESCRIPTIONS.get(code)
            or f"期末处于“{'、'.join(Stage(s).label for s in stages)}”阶段的企业数（按阶段变更记录）",
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
            concept={Stage.SME: "sme_new", Stage.POOL: "pool_new", Stage.HNTE: "hnte_new"}[stage],
        )
    )

register(
    Indicator(
        code="rd_expense", name="企业研发费用", unit="万元", area=AREA, timing=Timing.FLOW, decimals=2,
        by_district=rd_expense_wan, order=50, targetable=False,  # the city's R&D target is on rd_reported
        records_url=lambda region, period: list_url("enterprises:list", region),
        description="企业年度数据中的研发费用（境内+境外）合计（会计口径），仅全年有值；工作总结使用研发经费填报额（统计口径）",
        concept="rd",
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
        decimals=2, numerator="rd_reported", denominator="gdp", scale=Decimal(100), order=61,
        description="研发经费填报额（统计口径） ÷ 地区生产总值（填报了GDP时才有值）",
    )
)
