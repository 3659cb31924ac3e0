"""The R&D reporting area's indicators (研发投入), registered in the catalogue.

Rounds are yearly (the fiscal year whose 研发经费 the firms report), so these indicators have values for
whole years only: the period's year, from the rounds of that year. Only the amount (``rd_reported``) takes a
city target: the city's R&D target (研发经费, 统计口径) is set on it, and the round page measures the district's
total against it (``selectors.TARGET_INDICATOR``)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from keguan.indicators.registry import Indicator, Kind, Timing, register
from keguan.regions.models import RegionLevel
from keguan.rules.periods import Period

from .models import RdFirm, RdRound

AREA = "rd"
WAN = Decimal(10000)


def round_totals(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, tuple[int, int, Decimal]] | None:
    """Per district: (firms concerned, firms reported, reported amount in yuan) of the rounds of the period's
    year. None for periods other than a whole year."""
    if period.first_month != 1 or period.last_month != 12:
        return None
    key = ("rd_rounds", tuple(ids), period.year)
    if memo is not None and key in memo:
        return memo[key]
    rows = (
        RdFirm.objects.filter(round__district_id__in=ids, round__year=period.year)
        .values_list("round__district_id")
        .annotate(n=Count("id"), done=Count("amount"), total=Sum("amount"))
        .order_by()
    )
    out = {d: (n, done, total or Decimal(0)) for d, n, done, total in rows} or None  # no round that year: no value
    if memo is not None:
        memo[key] = out
    return out


def _column(i: int, scale: Decimal = Decimal(1)):
    def by_district(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, Decimal] | None:
        totals = round_totals(ids, period, memo)
        if totals is None:
            return None
        return {d: Decimal(row[i]) / scale for d, row in totals.items()}

    return by_district


def records_url(region, period: Period) -> str:
    """The district's round of that year, or the list of rounds of that year."""
    if region is not None and region.level == RegionLevel.COUNTY:
        found = RdRound.objects.filter(district=region, year=period.year).values_list("pk", flat=True).first()
        if found is not None:
            return reverse("rd:round", kwargs={"pk": found})
    return reverse("rd:list") + "?" + urlencode({"year": period.year})


register(
    Indicator(
        code="rd_round_firms", name="研发经费应填报企业", unit="家", measure="家", area=AREA, timing=Timing.FLOW,
        by_district=_column(0), records_url=records_url, order=10, targetable=False,
        description="当年度研发经费填报名单中的企业数（规上且有研发活动的企业，可人工增删），仅全年有值",
    )
)
register(
    Indicator(
        code="rd_reported_firms", name="研发经费已填报企业", unit="家", measure="家", area=AREA,
        timing=Timing.FLOW, by_district=_column(1), records_url=records_url, order=11, targetable=False,
        description="当年度研发经费填报名单中已登记填报金额的企业数，仅全年有值",
    )
)
register(
    Indicator(
        code="rd_report_rate", name="研发经费填报率", unit="%", area=AREA, kind=Kind.RATIO, timing=Timing.FLOW,
        decimals=2, numerator="rd_reported_firms", denominator="rd_round_firms", scale=Decimal(100), order=12,
        targetable=False, description="已填报企业数 ÷ 应填报企业数",
    )
)
register(
    Indicator(
        code="rd_reported", name="研发经费填报额", unit="万元", area=AREA, timing=Timing.FLOW, decimals=2,
        by_district=_column(2, WAN), records_url=records_url, order=20,
        description="当年度研发经费填报中企业已填报的研发经费（统计口径）合计，仅全年有值；"
        "与企业年度数据中的研发费用（会计口径）不是同一个数",
        concept="rd",
    )
)
