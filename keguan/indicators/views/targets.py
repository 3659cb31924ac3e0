"""市定目标: city staff set yearly targets per district and indicator; district staff see theirs read-only.
Also the reported figures (GDP …) that district staff enter."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from keguan.core import areas
from keguan.core.errors import ServiceError
from keguan.core.permissions import may
from keguan.regions.models import RegionLevel
from keguan.rules.periods import Period

from .. import registry
from ..models import ReportedValue
from ..present import fmt_value
from ..selectors import city_of, districts_of, target_years, targets_for
from ..services import reported_value_set, target_set
from .dashboard import dashboard_region


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


def _is_city_staff(user) -> bool:
    return may(user, "indicators.set_targets")


ALL = "all"


def _area_tabs(indicators, districts, current: dict) -> list[dict]:
    """One tab per area with targetable indicators (in the menu's order): its indicators and how many of its
    cells hold a target this year. With about a hundred indicators, one area's columns at a time."""
    tabs: dict[str, dict] = {}
    for ind in sorted(indicators, key=lambda i: areas.area_order(i.area)):
        tab = tabs.setdefault(ind.area, {"code": ind.area, "title": areas.area_title(ind.area), "indicators": 0, "set": 0})
        tab["indicators"] += 1
        tab["set"] += sum((ind.code, d.pk) in current for d in districts)
    return list(tabs.values())


def _chosen_area(request, tabs: list[dict]) -> str:
    """The tab asked for; on a first visit the first area with a target set (else the first area). A save
    without the field (an older page, a script) covers every indicator, as before the tabs."""
    asked = (request.POST.get("area") if request.method == "POST" else request.GET.get("area")) or ""
    codes = [t["code"] for t in tabs]
    if asked == ALL or asked in codes:
        return asked
    if request.method == "POST":
        return ALL
    return next((t["code"] for t in tabs if t["set"]), codes[0] if codes else ALL)


@require_http_methods(["GET", "POST"])
def targets_view(request: HttpRequest) -> HttpResponse:
    region = dashboard_region(request.user)
    city = city_of(region) or region
    year = _year(request)
    targetable = [i for i in registry.all_indicators() if i.targetable]
    districts = districts_of(city) if region.level < RegionLevel.COUNTY else [region]
    # every targetable indicator's stored targets, read once: the tabs count them, the grid shows its area's
    # (a failed save is rolled back, so they still hold when the page is shown again)
    current = targets_for(districts, year, [i.code for i in targetable])
    tabs = _area_tabs(targetable, districts, current)
    area = _chosen_area(request, tabs)
    indicators = [i for i in targetable if area == ALL or i.area == area]
    editable = _is_city_staff(request.user)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("市定目标由市局设定，区县只能查看")
        plan = []
        for d in districts:
            for ind in indicators:
                key = f"t-{ind.code}-{d.pk}"
                values[key] = request.POST.get(key, "").strip()
                plan.append((key, ind, d, values[key]))
        try:
            with transaction.atomic():
                for key, ind, d, raw in plan:
                    try:
                        target_set(actor=request.user, indicator=ind.code, district=d, year=year, value=raw)
                    except ServiceError as exc:
                        errors[key] = f"{d.name}·{ind.name}：{exc.message}"
                if errors:
                    raise ServiceError("有错误")
        except ServiceError:
            messages.error(request, f"目标未保存：共 {len(errors)} 处错误，请修改标红的格子")
        else:
            messages.success(request, f"{year}年市定目标已保存")
            return redirect(f"{reverse('indicators:targets')}?year={year}&area={area}")
    rows = []
    for d in districts:
        cells = []
        for ind in indicators:
            key = f"t-{ind.code}-{d.pk}"
            stored = current.get((ind.code, d.pk))
            shown = values.get(key, "" if stored is None else fmt_value(ind, stored))
            cells.append({"key": key, "value": shown, "error": errors.get(key, ""), "indicator": ind})
        rows.append({"district": d, "cells": cells})
    return render(
        request,
        "indicators/targets.html",
        {"rows": rows, "indicators": indicators, "year": year, "editable": editable, "city": city,
         "tabs": tabs, "area": area, "all_count": len(targetable), "all_set": sum(t["set"] for t in tabs),
         "years": target_years(), "importable": editable and year in target_years(),
         "exportable": may(request.user, "indicators.city") and year in target_years()},
    )


@require_http_methods(["GET", "POST"])
def reported_view(request: HttpRequest) -> HttpResponse:
    """填报数值: reported figures (GDP …) for the user's own region, by year and half-year."""
    user = request.user
    if not may(user, "indicators.report_values") or user.region is None:
        raise PermissionDenied("数值由区县科技局或市局填报")
    region = user.region
    year = _year(request)
    inds = [i for i in registry.all_indicators() if i.kind == "reported"]
    periods = [Period.parse(str(year)), Period.parse(f"{year}H1")]
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                for ind in inds:
                    for p in periods:
                        key = f"v-{ind.code}-{p.key}"
                        posted[key] = request.POST.get(key, "").strip()
                        try:
                            reported_value_set(actor=user, indicator=ind.code, region=region, period=p.key,
                                               value=posted[key], note=request.POST.get(f"n-{ind.code}", "")[:200])
                        except ServiceError as exc:
                            errors[key] = exc.message
                if errors:
                    raise ServiceError("有错误")
        except ServiceError:
            messages.error(request, "未保存：请修改标红的数值")
        else:
            messages.success(request, f"{region.name}{year}年填报数值已保存")
            return redirect(f"{reverse('indicators:reported')}?year={year}")
    stored = {(r.indicator, r.period): r for r in ReportedValue.objects.filter(region=region, period__in=[p.key for p in periods])}
    rows = []
    for ind in inds:
        cells = []
        for p in periods:
            key = f"v-{ind.code}-{p.key}"
            rec = stored.get((ind.code, p.key))
            value = posted.get(key, "" if rec is None else fmt_value(ind, rec.value))
            cells.append({"key": key, "period": p, "value": value, "error": errors.get(key, ""), "record": rec})
        rows.append({"indicator": ind, "cells": cells})
    return render(request, "indicators/reported.html", {"rows": rows, "periods": periods, "year": year, "region": region,
                                                       "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1))})
