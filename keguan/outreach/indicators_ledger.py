"""科技活动与企业服务 indicators (ledger): visits, firms visited, needs raised, solved, the solve rate and needs
open longer than 30 days — counted per district, each linking to its rows (the visit list or the needs ledger
filtered to the period)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count

from keguan.indicators.registry import Indicator, Kind, Timing, list_url, memoised, register

from .models import Need, Visit
from .rules import need_flow as flow

AREA = "outreach"


def visits(ids, period, memo=None):
    return memoised(memo, ("ow_visits", tuple(ids), period.start, period.end), lambda: dict(
        Visit.objects.filter(district_id__in=ids, visited_on__gte=period.start, visited_on__lte=period.end)
        .values_list("district_id").annotate(n=Count("*")).order_by()))


def visited_firms(ids, period, memo=None):
    return memoised(memo, ("ow_visited_firms", tuple(ids), period.start, period.end), lambda: dict(
        Visit.objects.filter(district_id__in=ids, visited_on__gte=period.start, visited_on__lte=period.end)
        .values_list("district_id").annotate(n=Count("enterprise_id", distinct=True)).order_by()))


def _raised(ids, period):
    return Need.objects.filter(district_id__in=ids, raised_on__gte=period.start, raised_on__lte=period.end)


def needs_raised(ids, period, memo=None):
    return memoised(memo, ("ow_needs_raised", tuple(ids), period.start, period.end), lambda: dict(
        _raised(ids, period).values_list("district_id").annotate(n=Count("*")).order_by()))


def needs_solved(ids, period, memo=None):
    """Needs raised within the period and solved by its end."""
    return memoised(memo, ("ow_needs_solved", tuple(ids), period.start, period.end), lambda: dict(
        _raised(ids, period).filter(status=flow.SOLVED, closed_on__lte=period.end)
        .values_list("district_id").annotate(n=Count("*")).order_by()))


def stale_until(day: dt.date) -> dt.date:
    """The last raising day of a need "open longer than 30 days" on ``day``."""
    return day - dt.timedelta(days=flow.STALE_DAYS + 1)


def needs_stale(ids, period, memo=None):
    return memoised(memo, ("ow_needs_stale", tuple(ids), period.end), lambda: dict(
        Need.objects.filter(district_id__in=ids, status__in=flow.OPEN, raised_on__lte=stale_until(period.end))
        .values_list("district_id").annotate(n=Count("*")).order_by()))


def _visits_url(region, period) -> str:
    return list_url("outreach:visits", region, since=period.start.isoformat(), until=period.end.isoformat())


def _needs_url(**extra):
    return lambda region, period: list_url("outreach:needs", region, raised_since=period.start.isoformat(),
                                           raised_until=period.end.isoformat(), **extra)


for order, (code, name, unit, fn, url, description, extra) in enumerate([
    ("ow_visits", "走访企业", "次", visits, _visits_url, "期间内登记的企业走访（上门、座谈、电话）次数", {}),
    ("ow_visited_firms", "走访企业数", "家", visited_firms, _visits_url, "期间内走访过的企业数（每家计一次）", {}),
    ("ow_needs_raised", "收集企业需求", "项", needs_raised, _needs_url(), "期间内提出的企业需求数（按提出日期）", {}),
    ("ow_needs_solved", "已解决企业需求", "项", needs_solved, _needs_url(status=flow.SOLVED),
     "期间内提出、且在期末前已解决的企业需求数", {}),
    ("ow_needs_stale", "超30天未办结需求", "项", needs_stale,
     lambda region, period: list_url("outreach:needs", region, status="open",
                                     raised_until=stale_until(period.end).isoformat()),
     "期末仍未办结（新提出、跟进中）且提出已超过30天的企业需求数（按需求当前状态）",
     {"timing": Timing.STOCK, "targetable": False, "dashboard": False}),
]):
    register(Indicator(
        code=code, name=name, unit=unit, measure=unit, area=AREA, by_district=fn, records_url=url,
        order=60 + order, description=description, timing=extra.get("timing", Timing.FLOW),
        targetable=extra.get("targetable", True), dashboard=extra.get("dashboard", True),
    ))

register(Indicator(
    code="ow_needs_solve_rate", name="企业需求解决率", unit="%", area=AREA, kind=Kind.RATIO, timing=Timing.FLOW,
    decimals=1, numerator="ow_needs_solved", denominator="ow_needs_raised", scale=Decimal(100), order=66,
    targetable=False, description="已解决企业需求 ÷ 收集企业需求（期间内提出的需求中已解决的比例）",
    records_url=_needs_url(status=flow.SOLVED),
))
