"""Dashboards: a district's indicator cards and charts; the city's districts × indicators table."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from keguan.accounts.models import Organisation, OrganisationKind
from keguan.core.areas import area_order, area_title
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.permissions import demand, may
from keguan.regions.models import Region, RegionLevel
from keguan.rules.periods import Period

from .. import registry
from ..forms import PeriodForm
from ..present import score_view, table_cell
from ..selectors import Engine, city_of, city_table, districts_of, scores


def dashboard_region(user) -> Region:
    if user.is_superuser and user.region is None:
        # the system administrator sees the first district that has a bureau (and so keguan's records)
        bureau = (Organisation.objects.filter(kind=OrganisationKind.BUREAU, region__level=RegionLevel.COUNTY)
                  .select_related("region").order_by("id").first())
        if bureau is None:
            raise PermissionDenied("还没有任何区县数据")
        return city_of(bureau.region) or bureau.region
    if not may(user, "indicators.dashboard") or user.region is None:
        raise PermissionDenied("指标看板供市、区县科技局人员使用")
    return user.region


def _trend(engine: Engine, ind, region: Region, period: Period) -> dict:
    """Month by month within the period's year: year-to-date for flows, month-end state for stocks."""
    months = list(range(1, period.last_month + 1))
    def series(year: int) -> list:
        out = []
        for m in months:
            p = Period(year, 1, m, "YTD") if ind.timing == "flow" else Period(year, m, m, "M")
            if p.start > timezone.localdate():
                out.append(None)
                continue
            v = engine.value(ind, region, p)
            out.append(None if v is None else float(round(v, ind.decimals)))
        return out
    return {
        "title": f"{ind.name}（{ind.unit}）{'逐月累计' if ind.timing == 'flow' else '各月末'}",
        "months": [f"{m}月" for m in months],
        "series": [
            {"name": f"{period.year}年", "data": series(period.year)},
            {"name": f"{period.year - 1}年", "data": series(period.year - 1)},
        ],
    }


def _compare(engine: Engine, ind, region: Region, period: Period) -> dict:
    names, values = [], []
    for d in engine.districts:
        v = engine.value(ind, d, period)
        names.append(d.name)
        values.append(None if v is None else float(round(v, ind.decimals)))
    return {"title": f"各区县{ind.name}（{ind.unit}）", "names": names, "values": values, "highlight": region.name}


PHONE_CARDS = 6  # cards a phone shows before "展开其余指标"


def key_cards_first(cards: list) -> list:
    """The cards the city holds the district to first (a target set), then those with a value, then the empty
    ones; the registry's order within each (a phone shows the first ``PHONE_CARDS``)."""
    return sorted(cards, key=lambda c: (c.target is None, not c.has_value))


def card_groups(cards: list) -> list[tuple[str, list]]:
    """The cards under headings: those with a city target first (市定目标考核指标), then the others by area in
    the areas' order (the registry's order within one). Each card's ``phone_more`` says whether a phone folds
    it away (past the first ``PHONE_CARDS`` in that reading order)."""
    targeted = [c for c in cards if c.target is not None]
    by_area: dict[str, list] = {}
    for c in cards:
        if c.target is None:
            by_area.setdefault(c.indicator.area, []).append(c)
    groups = ([("市定目标考核指标", targeted)] if targeted else []) + [
        (area_title(code), sorted(rows, key=lambda c: not c.has_value))
        for code, rows in sorted(by_area.items(), key=lambda item: area_order(item[0]))]
    n = 0
    for _title, rows in groups:
        for c in rows:
            c.phone_more = n >= PHONE_CARDS
            n += 1
    return groups


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    region = dashboard_region(request.user)
    form = PeriodForm(request.GET or None)
    period = form.get_period()
    indicators = registry.dashboard_indicators()
    city = city_of(region) or region
    engine = Engine(districts_of(city))
    if region.level == RegionLevel.COUNTY:
        cards = key_cards_first([score_view(s) for s in scores(region, period, indicators, engine=engine)])
        chart_code = request.GET.get("chart") or next((c.code for c in cards if c.has_value), indicators[0].code)
        chart_ind = registry.get(chart_code) if chart_code in {i.code for i in indicators} else indicators[0]
        charts = {"trend": _trend(engine, chart_ind, region, period), "compare": _compare(engine, chart_ind, region, period)}
        return render(
            request,
            "indicators/dashboard_district.html",
            {"form": form, "period": period, "region": region, "cards": cards, "charts": charts, "chart_ind": chart_ind,
             "city": city, "groups": card_groups(cards), "more_cards": max(0, len(cards) - PHONE_CARDS)},
        )
    return city_dashboard(request, region, form, period, indicators, engine)


def _city_rows(city: Region, period: Period, indicators, engine: Engine | None = None):
    rows = city_table(city, period, indicators, engine=engine)
    return [{"district": r["district"], "cells": [score_view(s) for s in r["scores"]]} for r in rows]


def city_dashboard(request, city, form, period, indicators, engine) -> HttpResponse:
    rows = _city_rows(city, period, indicators, engine)
    sort = request.GET.get("sort", "")
    codes = [i.code for i in indicators]
    if sort.lstrip("-") in codes:
        idx = codes.index(sort.lstrip("-"))
        present = [r for r in rows if r["cells"][idx].actual is not None]
        missing = [r for r in rows if r["cells"][idx].actual is None]
        present.sort(key=lambda r: r["cells"][idx].actual, reverse=not sort.startswith("-"))
        rows = present + missing
    rows = [{"district": r["district"], "cells": [table_cell(c) for c in r["cells"]]} for r in rows]
    totals = [table_cell(score_view(s)) for s in scores(city, period, indicators, engine=engine)]
    chart_code = request.GET.get("chart") or "ent_new_hnte"
    chart_ind = registry.get(chart_code) if chart_code in codes else indicators[0]
    return render(
        request,
        "indicators/dashboard_city.html",
        {"form": form, "period": period, "region": city, "rows": rows, "indicators": indicators, "totals": totals,
         "sort": sort, "chart": _compare(engine, chart_ind, city, period), "chart_ind": chart_ind},
    )


@require_GET
def city_export_view(request: HttpRequest) -> HttpResponse:
    region = dashboard_region(request.user)
    city = city_of(region) or region
    demand(request.user, "indicators.city", "全市对比表由市局导出")
    period = PeriodForm(request.GET or None).get_period()
    indicators = registry.dashboard_indicators()
    rows = _city_rows(city, period, indicators)
    headers = ["区县"]
    for ind in indicators:
        headers += [f"{ind.name}（{ind.unit}）", "目标", "完成率", "排名", "同比"]
    out = []
    for r in rows:
        line: list = [r["district"].name]
        for c in r["cells"]:
            line += [
                None if c.actual is None else Decimal(round(c.actual, c.indicator.decimals)),
                None if c.target is None else c.target,
                c.completion_text or None,
                c.rank,
                c.growth_text or None,
            ]
        out.append(line)
    content = build_xlsx(title=f"{period.label}各区县指标", headers=headers, rows=out,
                         note=f"{city.name}{period.label}各区县指标对比；导出时间 {timezone.localtime():%Y-%m-%d %H:%M}")
    return xlsx_response(content, f"{city.name}{period.label}各区县指标.xlsx")
