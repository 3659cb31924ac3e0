"""市定目标 as an import/export kind (``keguan.exchange``): the city's yearly targets, one row per district and
one column per targetable indicator — the same wide sheet the city staff have always filled in.

The columns are built from the indicator registry (filled when the areas load, before any request), so an
area that registers a new targetable indicator gets its column here. A row names its district by 区县代码
(区县 may be filled in and must then be that district's name); an indicator column left empty clears that
target, a column the file does not have leaves the targets alone. Each target is written through
``services.target_set`` (history, the city staff's own districts only). The year is the import's parameter.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse

from keguan.core.errors import ServiceError
from keguan.exchange.kinds import UNCHANGED, Column, Context, ImportKind, Param, Plan, Row
from keguan.exchange.readers import Number, Text
from keguan.regions.models import Region, RegionLevel

from . import registry
from .models import Target
from .registry import Indicator
from .selectors import target_years
from .services import target_set

C_CODE, C_NAME = "区县代码", "区县"


def targetable() -> list[Indicator]:
    return [i for i in registry.all_indicators() if i.targetable]


def header(ind: Indicator) -> str:
    return f"{ind.name}（{ind.unit}）"


class TargetNumber(Number):
    """A target: a non-negative number with at most four decimals (what a target keeps), shown by Excel as
    written (12, 3.5) rather than with four zeros."""

    def __init__(self) -> None:
        super().__init__(places=4, min=0, max=10**12, max_digits=20)
        self.number_format = "General"


TARGET_NUMBER = TargetNumber()


def _years(ctx: Context) -> list[tuple[int, str]]:
    """This year first (the default), then next year and the three before."""
    years = target_years(ctx.today)
    this = ctx.today.year
    return [(y, f"{y}年") for y in sorted(years, key=lambda y: (y != this, -y))]


def _districts(city: Region) -> list[Region]:
    return list(Region.objects.filter(path__startswith=city.path, level=RegionLevel.COUNTY).order_by("code"))


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored target as the sheet shows it: 5.0000 → 5, 2.5000 → 2.5."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


class TargetKind(ImportKind):
    code = "targets"
    title = "市定目标"
    import_perm = "indicators.set_targets"
    export_perm = "indicators.city"
    region_level = RegionLevel.CITY
    key = (C_CODE,)
    params = (Param("year", "目标年度", _years),)
    instructions = (
        "每行一个区县，每列一个指标的全年目标（按表头中的单位填写）；区县代码必填，区县名称可不填，填写时须与代码一致。",
        "模板已列出本市各区县和所选年度的现有目标。某个指标的格子留空表示不设（或清除）该目标；文件中没有的指标列不会改动。",
        "目标不能为负数，最多4位小数。导出的目标表与模板的列相同，可直接修改后导入。",
    )

    @property
    def columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        return (
            Column(C_CODE, Text(12), aliases=("区县编码", "区划代码"), required=True, field="region", width=10,
                   note="6位区划代码，如 450103；请勿修改"),
            Column(C_NAME, Text(64), aliases=("区县名称",), width=12, note="可不填；填写时须与区县代码一致"),
            *(Column(header(i), TARGET_NUMBER, field=i.code, width=max(14, len(header(i)) * 2),
                     note=f"单位：{i.unit}；留空表示不设目标") for i in targetable()),
        )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        city = ctx.region
        districts = {d.code: d for d in _districts(city)}
        stored: dict[int, dict[str, Decimal]] = {}
        for region_id, indicator, value in Target.objects.filter(
                region__in=list(districts.values()), year=int(ctx.params["year"])).values_list(
                    "region_id", "indicator", "value"):
            stored.setdefault(region_id, {})[indicator] = value
        ctx.cache["districts"] = districts
        ctx.cache["stored"] = stored

    def check(self, row: Row, ctx: Context) -> Plan | None:
        city = ctx.region
        code = row[C_CODE]
        district = ctx.cache["districts"].get(code) if code else None
        if code and district is None:
            row.error(C_CODE, f"“{code}”不是{city.name}的区县代码")
        named = row[C_NAME]
        if district is not None and named and named not in (district.name, district.code):
            row.error(C_NAME, f"区县代码{code}是{district.name}，与填写的“{named}”不一致")
        failed = {h for h, _m in row.errors}
        data: dict[str, Decimal | None] = {}
        for ind in targetable():
            h = header(ind)
            if row.has(h) and h not in failed:
                data[ind.code] = row[h]
        if not row.ok:
            return None
        stored = ctx.cache["stored"].get(district.pk)
        if stored is None:
            if all(v is None for v in data.values()):
                return Plan(UNCHANGED, data, None, {"district": district})
            return Plan.decide(None, data, district=district)
        current = SimpleNamespace(**{i.code: stored.get(i.code) for i in targetable()})
        return Plan.decide(current, data, district=district)

    def write(self, plan: Plan, ctx: Context) -> None:
        district = plan.extra["district"]
        year = int(ctx.params["year"])
        for code, value in plan.data.items():
            if plan.target is not None and getattr(plan.target, code) == value:
                continue
            try:
                target_set(actor=ctx.user, indicator=code, district=district, year=year, value=value,
                           reason=ctx.reason)
            except ServiceError as exc:
                field = code if exc.field in (None, "value") else exc.field
                raise ServiceError(exc.message, field=field) from exc

    def export_rows(self, ctx: Context):
        year = int(ctx.params.get("year") or ctx.today.year)
        cities = [ctx.region] if ctx.region is not None else list(
            ctx.limit(Region.objects.filter(level=RegionLevel.CITY)).order_by("code"))
        inds = targetable()
        for city in cities:
            districts = list(ctx.limit(Region.objects.filter(path__startswith=city.path, level=RegionLevel.COUNTY))
                             .order_by("code"))
            values = {(t.indicator, t.region_id): t.value
                      for t in Target.objects.filter(region__in=districts, year=year)}
            for d in districts:
                yield [d.code, d.name, *(_plain(values.get((i.code, d.pk))) for i in inds)]

    def template_rows(self, ctx: Context):
        """The city's districts with the year's current targets: the sheet to complete."""
        if ctx.region is None or "year" not in ctx.params:
            return None
        return list(self.export_rows(ctx))

    def back(self, ctx: Context) -> tuple[str, str] | None:
        year = ctx.params.get("year")
        return "市定目标", reverse("indicators:targets") + (f"?year={year}" if year else "")


TARGETS = TargetKind()
