"""技术市场与科技成果's indicators: contracts 吸纳 and 输出 (项) and their amounts (合同成交额, 技术交易额, 万元), by kind
too; results registered; prizes won by level; competition entries.

Contracts are read from their sides (``ContractSide``: one grouped query per figure over the indexed table). A
district's figure is its sides'; a city's is the sum of its districts' plus the city-only part (sides whose
party is known only to the city), through ``whole`` — so a contract is never counted twice. Every figure links
to the list filtered to its rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from keguan.indicators.registry import Indicator, list_url, memoised, register
from keguan.regions.models import Region
from keguan.rules import tech_market
from keguan.rules.periods import Period

from .models import Award, AwardKind, AwardLevel, ContractKind, ContractSide, Result

AREA = "market"
WAN = Decimal(10000)
SIDES = {tech_market.ABSORB: "吸纳", tech_market.OUTPUT: "输出"}
MEASURES = {"n": ("技术合同", "项", "项"), "c": ("技术合同成交额", "万元", ""), "t": ("技术交易额", "万元", "")}


def _sides_by_district(ids, period: Period, memo, side: str) -> dict[int, dict[str, dict[str, Decimal]]]:
    """{district: {kind: {"n", "c", "t"}}} for one direction: every contract figure of a period from one query."""
    def compute():
        out: dict[int, dict[str, dict[str, Decimal]]] = {}
        rows = (ContractSide.objects.filter(district_id__in=ids, side=side, registered_on__gte=period.start,
                                            registered_on__lte=period.end)
                .values_list("district_id", "contract__kind")
                .annotate(n=Count("id"), c=Sum("contract_amount"), t=Sum("transaction_amount")).order_by())
        for district, kind, n, c, t in rows:
            out.setdefault(district, {})[kind] = {"n": Decimal(n), "c": (c or 0) / WAN, "t": (t or 0) / WAN}
        return out
    return memoised(memo, ("mkt_sides", side, tuple(ids), period.start, period.end), compute)


def _city_only(ids, period: Period, memo, side: str) -> dict[str, dict[str, Decimal]]:
    """{kind: {"n", "c", "t"}} of the city-only sides of the cities these districts are in."""
    def compute():
        cities = set(Region.objects.filter(pk__in=ids).values_list("parent_id", flat=True))
        out: dict[str, dict[str, Decimal]] = {}
        rows = (ContractSide.objects.filter(city_id__in=cities, district__isnull=True, side=side,
                                            registered_on__gte=period.start, registered_on__lte=period.end)
                .values_list("contract__kind")
                .annotate(n=Count("id"), c=Sum("contract_amount"), t=Sum("transaction_amount")).order_by())
        for kind, n, c, t in rows:
            out[kind] = {"n": Decimal(n), "c": (c or 0) / WAN, "t": (t or 0) / WAN}
        return out
    return memoised(memo, ("mkt_city_only", side, tuple(sorted(ids)), period.start, period.end), compute)


def _pick(cells: dict[str, dict[str, Decimal]], measure: str, kind: str) -> Decimal:
    return sum((v[measure] for k, v in cells.items() if not kind or k == kind), Decimal(0))


def _contract_figure(side: str, measure: str, kind: str = ""):
    def by_district(ids, period, memo=None):
        rows = _sides_by_district(ids, period, memo, side)
        return {d: _pick(cells, measure, kind) for d, cells in rows.items()}

    def whole(ids, period, memo=None):
        rows = _sides_by_district(ids, period, memo, side)
        inside = sum((_pick(cells, measure, kind) for cells in rows.values()), Decimal(0))
        return inside + _pick(_city_only(ids, period, memo, side), measure, kind)

    return by_district, whole


def _contracts_url(side: str, kind: str = ""):
    return lambda region, period: list_url("market:contracts", region, side=side, kind=kind,
                                           since=period.start.isoformat(), until=period.end.isoformat())


def results(ids, period, memo=None):
    return memoised(memo, ("mkt_results", tuple(ids), period.start, period.end), lambda: dict(
        Result.objects.filter(district_id__in=ids, registered_on__gte=period.start, registered_on__lte=period.end)
        .values_list("district_id").annotate(n=Count("id")).order_by()))


def _award_q(period: Period) -> Q:
    """Awards of the period: dated within it, or undated of its year when the period is a whole year."""
    dated = Q(awarded_on__gte=period.start, awarded_on__lte=period.end)
    if period.first_month == 1 and period.last_month == 12:
        return dated | Q(awarded_on__isnull=True, year=period.year)
    return dated


def _prizes(level: str = ""):
    def by_district(ids, period, memo=None):
        def compute():
            qs = Award.objects.filter(district_id__in=ids).filter(_award_q(period)).exclude(prize="")
            if level:
                qs = qs.filter(level=level)
            return dict(qs.values_list("district_id").annotate(n=Count("id")).order_by())
        return memoised(memo, ("mkt_prizes", level, tuple(ids), period.start, period.end), compute)
    return by_district


def entries(ids, period, memo=None):
    return memoised(memo, ("mkt_entries", tuple(ids), period.start, period.end), lambda: dict(
        Award.objects.filter(district_id__in=ids, kind=AwardKind.CONTEST).filter(_award_q(period))
        .values_list("district_id").annotate(n=Count("id")).order_by()))


def _records_url(name: str, **extra):
    return lambda region, period: list_url(name, region, since=period.start.isoformat(),
                                           until=period.end.isoformat(), **extra)


def _register() -> None:
    order = 0
    for side, word in SIDES.items():
        for measure, (noun, unit, mw) in MEASURES.items():
            fn, whole = _contract_figure(side, measure)
            order += 1
            name = f"{word}{noun}" if measure != "t" else f"{word}技术合同技术交易额"
            register(Indicator(
                code=f"mkt_{side}_{measure}", name=name, unit=unit, measure=mw, area=AREA, by_district=fn, whole=whole,
                records_url=_contracts_url(side), order=10 + order, decimals=0 if measure == "n" else 2,
                description=(f"期间内登记的技术合同中，{'买方' if side == 'absorb' else '卖方'}在本区县的"
                             f"{'项数' if measure == 'n' else noun}（按登记日期；全市含只登记到地市的部分）"),
                dashboard=measure != "t"))
        for kind, label in ContractKind.choices:
            fn, whole = _contract_figure(side, "n", kind)
            order += 1
            register(Indicator(
                code=f"mkt_{side}_n_{kind}", name=f"{word}{label}合同", unit="项", measure="项", area=AREA,
                by_district=fn, whole=whole, records_url=_contracts_url(side, kind), order=10 + order,
                description=f"期间内{word}的{label}合同项数", dashboard=False, targetable=False))
    register(Indicator(code="mkt_results", name="登记科技成果", unit="项", measure="项", area=AREA, by_district=results,
                       records_url=_records_url("market:results"), order=60,
                       description="期间内登记的科技成果数（按登记日期）"))
    register(Indicator(code="mkt_prizes", name="获奖项目", unit="项", measure="项", area=AREA, by_district=_prizes(),
                       records_url=_records_url("market:awards", prize="won"), order=61,
                       description="期间内获得各级科学技术奖、创新创业大赛等奖项的项目数（按获奖日期，未填日期的按年度）"))
    for i, (level, label) in enumerate(AwardLevel.choices):
        register(Indicator(code=f"mkt_prizes_{level}", name=f"{label}获奖项目", unit="项", measure="项", area=AREA,
                           by_district=_prizes(level), records_url=_records_url("market:awards", prize="won", level=level),
                           order=62 + i, description=f"期间内获得{label}奖项的项目数", dashboard=False,
                           targetable=False))
    register(Indicator(code="mkt_entries", name="创新创业大赛参赛项目", unit="项", measure="项", area=AREA,
                       by_district=entries, records_url=_records_url("market:awards", prize="entry"), order=70,
                       description="期间内参加创新创业大赛的项目数（含获奖和未获奖）"))


_register()
