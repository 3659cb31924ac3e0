"""各区县总结对比: a city's districts' work summaries for one period side by side, part by part."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keguan.core.areas import area_order, area_title
from keguan.core.permissions import demand
from keguan.core.scope import scoped
from keguan.indicators.selectors import Engine, city_of, districts_of
from keguan.regions.models import Region, RegionLevel
from keguan.rules.periods import Period

from ..builder import build_draft
from ..draft import Draft
from ..forms import ReportPeriodForm, default_report_period, report_period_choices
from ..models import ReportVersion


def _latest_versions(user, districts: list[Region], period: str) -> dict[int, ReportVersion]:
    """Each district's latest saved version of ``period`` (one query; the scope decides what the user sees)."""
    out: dict[int, ReportVersion] = {}
    rows = (scoped(ReportVersion, user).filter(region__in=districts, period=period)
            .select_related("created_by").order_by("region_id", "-number"))
    for v in rows:
        out.setdefault(v.region_id, v)
    return out


def _rows(columns: list[dict]) -> list[dict]:
    """The summaries' parts aligned by area: one row per area any column writes (in the areas' order), then
    存在的问题 and the plans; each row holds, per column, that column's part (or None)."""
    areas: dict[str, str] = {}
    for col in columns:
        for part in col["summary_parts"]:
            areas.setdefault(part.area, area_title(part.area) if part.area else "其他")
    rows = []
    for area in sorted(areas, key=lambda a: (area_order(a), a)):
        cells = []
        for col in columns:
            part = next((p for p in col["summary_parts"] if p.area == area), None)
            cells.append({"col": col, "part": part and {"title": part.title, "paragraphs": part.paragraphs, "parts": []}})
        rows.append({"label": areas[area], "cells": cells})
    for index, label in ((1, "存在的问题"), (2, "工作计划")):
        cells = []
        for col in columns:
            chapters = col["draft"].chapters
            ch = chapters[index] if index < len(chapters) else None
            cells.append({"col": col, "part": ch and {"title": ch.title, "paragraphs": ch.paragraphs, "parts": ch.parts}})
        rows.append({"label": label, "cells": cells, "chapter": True})
    return rows


@require_GET
def compare_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "indicators.city", "各区县工作总结对比供市局人员查看")
    region = request.user.region
    if region is None:
        raise PermissionDenied("各区县工作总结对比按所属城市查看，本账号没有所属单位")
    city = city_of(region)
    if city is None:
        raise PermissionDenied("本账号不属于任何城市")
    all_districts = districts_of(city)
    visible = set(scoped(Region.objects.filter(level=RegionLevel.COUNTY), request.user).values_list("pk", flat=True))
    districts = [d for d in all_districts if d.pk in visible]
    choices = dict(report_period_choices())
    period_key = request.GET.get("period") or default_report_period()
    if period_key not in choices:
        period_key = default_report_period()
    period = Period.parse(period_key)
    picked = set(request.GET.getlist("d"))
    shown = [d for d in districts if d.code in picked] or districts
    one = request.GET.get("one", "")
    if one not in {d.code for d in shown}:
        one = shown[0].code if shown else ""
    engine = Engine(all_districts)  # one engine for every district: each grouped query runs once
    saved = _latest_versions(request.user, shown, period.key)
    columns = []
    for d in shown:
        version = saved.get(d.pk)
        draft = Draft.from_json(version.draft) if version else build_draft(d, period, engine=engine)
        summary = draft.chapters[0] if draft.chapters else None
        columns.append({"region": d, "version": version, "draft": draft,
                        "summary_parts": summary.parts if summary else [],
                        "summary_note": summary.paragraphs if summary and not summary.parts else []})
    form = ReportPeriodForm(initial={"period": period.key})
    return render(request, "reports/compare.html", {
        "city": city, "period": period, "form": form, "period_key": period.key, "districts": districts,
        "picked": {d.code for d in shown} if picked else set(), "columns": columns, "rows": _rows(columns),
        "one": one,
    })
